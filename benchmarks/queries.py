"""How fast the named queries run: rdflib vs pyoxigraph vs an Oxigraph server, small and large graphs.

Runs every named query (default parameters) on the default graph and on a synthetic graph of about
a million triples with the same shape, in each engine, and prints the median latency and the ratio
to the fastest engine of that row. Also times ``medkg query`` from a cold process against
``python -c "import rdflib"`` (the yardstick of issue 8).

The large graph is made in memory: the default graph's entities, sources, ladder steps and blank
nodes copied N times under new names (copy 0 keeps the real names, so default parameters still
select something), the schema once. Every copy has the same facts, provenance and identifiers.

    python benchmarks/queries.py                 # default graph and ~1M triples
    python benchmarks/queries.py --triples 100000 --repeat 5 --budget 30
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medkg.queries import library  # noqa: E402
from medkg.sparql import Engine, OxigraphEngine, RdflibEngine, default_graph_file, open_store  # noqa: E402

INSTANCE = re.compile(r"<https://w3id\.org/medkg/(?:entity|source|ladder)/[^>]*>")
ANNOTATED_SOURCE = "<http://www.w3.org/2002/07/owl#annotatedSource>"


def synthetic(default_nt: bytes, triples: int) -> bytes:
    """The default graph copied until it has about ``triples`` triples; the schema stays shared.

    A line is copied when its subject is an entity, a source, a ladder step or the blank node of an
    axiom about one of those; in a copy those names get a ``-k`` suffix.
    """
    lines = default_nt.decode("utf-8").splitlines()
    axioms = {line.split(" ", 1)[0] for line in lines
              if line.startswith("_:") and f" {ANNOTATED_SOURCE} " in line and INSTANCE.search(line)}
    own = [line for line in lines if INSTANCE.match(line) or line.split(" ", 1)[0] in axioms]
    shared = [line for line in lines if not (INSTANCE.match(line) or line.split(" ", 1)[0] in axioms)]
    names = re.compile("|".join([INSTANCE.pattern, *sorted((re.escape(a) + r"\b" for a in axioms), key=len,
                                                             reverse=True)]))
    copies = max(1, (triples - len(shared)) // len(own))
    out = shared + own
    for k in range(1, copies):
        def rename(match: re.Match[str], k: int = k) -> str:
            name = match.group()
            return f"{name[:-1]}-{k}>" if name.startswith("<") else f"{name}x{k}"

        out += [names.sub(rename, line) for line in own]
    return ("\n".join(out) + "\n").encode("utf-8")


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def timed(label: str, action: Callable[[], object]) -> object:
    started = time.perf_counter()
    value = action()
    print(f"  {label}: {time.perf_counter() - started:.2f} s", flush=True)
    return value


def _rdflib_child(conn: Connection, path: str) -> None:
    """Hold the graph in rdflib and time the queries sent; a runaway gets the process killed."""
    from rdflib import Graph

    started = time.perf_counter()
    engine = RdflibEngine(Graph().parse(path, format="nt"))
    conn.send(time.perf_counter() - started)
    while True:
        text, bindings, repeat = conn.recv()
        terms = {name: pyoxigraph_term(value) for name, value in bindings.items()}
        conn.send(median_ms(lambda t=text, b=terms: engine.query(t, b), repeat))  # type: ignore[misc]


def pyoxigraph_term(nt: str) -> object:
    import pyoxigraph

    return next(iter(pyoxigraph.parse(f"<x:s> <x:p> {nt} .", pyoxigraph.RdfFormat.N_TRIPLES))).object


class RdflibTimer:
    """rdflib's engine in a child process, so a query over the time budget can be stopped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.start()

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_rdflib_child, args=(child, str(self.path)), daemon=True)
        self.process.start()
        self.load_seconds = self.conn.recv()

    def time(self, text: str, bindings: dict[str, object], repeat: int, budget: float) -> float | None:
        """Median ms, or None when the first run did not finish within ``budget`` seconds."""
        self.conn.send((text, {name: str(term) for name, term in bindings.items()}, repeat))
        if self.conn.poll(budget * repeat):
            return float(self.conn.recv())
        self.process.kill()
        self.process.join()
        self.start()
        return None

    def close(self) -> None:
        self.process.kill()


def bench(title: str, nt_path: Path, *, repeat: int, rdflib_repeat: int, budget: float) -> None:
    from medkg.remote import RemoteEngine, push
    from tests.servers import medkg_server, oxigraph_server

    print(f"\n## {title}: {sum(1 for _ in nt_path.open('rb')):,} triples\n", flush=True)
    store = timed("pyoxigraph load", lambda: open_store(nt_path))
    engines: dict[str, Engine] = {"pyoxigraph": OxigraphEngine(store)}  # type: ignore[arg-type]
    rdflib = RdflibTimer(nt_path)
    print(f"  rdflib load: {rdflib.load_seconds:.2f} s", flush=True)
    queries = library()
    with tempfile.TemporaryDirectory() as tmp, oxigraph_server(Path(tmp) / "db") as base, \
            medkg_server(nt_path, "--timeout", "600", "--max-rows", "100000000") as served:
        timed("push to oxigraph server", lambda: push(base + "/store", nt_path, timeout=3600))
        engines["oxigraph server"] = RemoteEngine(base + "/query", timeout=3600)
        engines["medkg serve"] = RemoteEngine(served, timeout=3600)
        names = ["rdflib", *engines]
        print(f"\n| query | rows | {' | '.join(f'{n} ms' for n in names)} | {' | '.join(f'{n} x' for n in names)} |")
        print(f"|---|---:|{'---:|' * (2 * len(names))}")
        for name, query in queries.items():
            bindings = query.bindings()
            rows = engines["pyoxigraph"].query(query.text, bindings)
            count = len(rows.rows) or len(rows.triples) or int(rows.boolean)
            ms: dict[str, float | None] = {"rdflib": rdflib.time(query.text, dict(bindings), rdflib_repeat, budget)}
            for engine_name, engine in engines.items():
                engine.query(query.text, bindings)  # warm up (query parsing caches, connections)
                ms[engine_name] = median_ms(lambda e=engine, q=query.text, b=bindings: e.query(q, b), repeat)
            fastest = min(v for v in ms.values() if v is not None)
            cells = [f"{v:.1f}" if v is not None else f"> {budget * 1000:.0f}" for v in ms.values()]
            over = f"> {budget * 1000 / fastest:.0f}"
            ratios = [f"{v / fastest:.1f}" if v is not None else over for v in ms.values()]
            print(f"| {name} | {count} | {' | '.join(cells)} | {' | '.join(ratios)} |", flush=True)
    rdflib.close()


def startup(repeat: int) -> None:
    """Wall time of a cold ``medkg query`` against importing rdflib, in fresh processes."""

    def wall(command: list[str]) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200"})
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    default_graph_file()  # the cache is warm, as after the first run
    python = sys.executable
    rows = [
        ('python -c "import rdflib" (baseline)', [python, "-c", "import rdflib"]),
        ("medkg query treats", [python, "-m", "medkg", "query", "treats"]),
        ("medkg query treatments (table)", [python, "-m", "medkg", "query", "treatments"]),
        ("medkg query treatments -f json", [python, "-m", "medkg", "query", "treatments", "-f", "json"]),
        ("medkg query entity-graph (turtle)", [python, "-m", "medkg", "query", "entity-graph"]),
    ]
    print("\n## Start-up: a whole `medkg query` process\n")
    print("| command | median ms | x baseline |\n|---|---:|---:|")
    baseline = None
    for label, command in rows:
        ms = wall(command)
        baseline = baseline or ms
        print(f"| {label} | {ms:.0f} | {ms / baseline:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph")
    parser.add_argument("--repeat", type=int, default=9, help="runs per query (median)")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="runs per query for rdflib on the large graph")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds rdflib may spend on one query run")
    parser.add_argument("--skip-large", action="store_true", help="only the default graph")
    args = parser.parse_args()

    startup(args.repeat)
    default_nt = default_graph_file().read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "default.nt"
        small.write_bytes(default_nt)
        bench("Default graph", small, repeat=args.repeat, rdflib_repeat=args.repeat, budget=args.budget)
        if not args.skip_large:
            large = Path(tmp) / "large.nt"
            large.write_bytes(synthetic(default_nt, args.triples))
            bench("Synthetic graph", large, repeat=args.repeat, rdflib_repeat=args.rdflib_repeat, budget=args.budget)

if __name__ == "__main__":
    main()
