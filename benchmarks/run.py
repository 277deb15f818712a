"""One benchmark run: medkg next to raw pyoxigraph on the same synthetic graph, with ratios.

    python benchmarks/run.py --size 1M                 # one size
    python benchmarks/run.py --size 10k,100k,1M        # growth from 10k to 1M
    python benchmarks/run.py --size 100k --markdown out.md

For each size it generates synthetic curated sources (``benchmarks/generate.py``) and measures,
every number a median over ``--repeat`` fresh processes (peak memory is the child's ru_maxrss):

* **build**: ``make_graph`` (read and validate the sources, build the graph, ladder steps, SHACL
  or its skip) plus the Turtle and N-Triples exports, against the baseline of raw pyoxigraph
  bulk-loading the N-Triples medkg wrote and serialising them as Turtle and N-Triples;
* **each export** of ``medkg.exports.EXPORTS``, once, each stopped after ``--export-limit`` s;
* **each named query** of ``queries/`` (parameters pointed at synthetic entities) through medkg's
  engine (``medkg.sparql.OxigraphEngine``, what ``medkg query`` uses) against ``Store.query`` on
  the same store with the same query text (parameters as the ``VALUES`` block medkg adds);
* **the endpoint**: queries per second from ``--clients`` concurrent clients against
  ``medkg serve``, and against ``oxigraph serve`` (the Oxigraph server, in memory);
* **start-up**: ``medkg --help`` and ``medkg query treatments`` against ``python -c "import rdflib"``,
  and the modules each imports (``python -X importtime``).

The baseline runs in the same run, alternating with medkg, so machine load hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate, parse_size  # noqa: E402

PY = sys.executable
#: The article's entities, as the named queries' defaults name them, and their synthetic counterparts.
SYNTHETIC = {
    "spasticity": "s000c000_symptom", "baclofen": "s000c000_oral_a", "tizanidine": "s000c000_oral_b",
    "diazepam": "s000c000_oral_c", "physical_therapy": "s000c000_pt", "occupational_therapy": "s000c000_ot",
    "tendon_release": "s000c000_surg_b", "rhizotomy": "s000c000_surg_a", "pain": "s000c000_pain",
    "zanaflex": "brandoralb0x0",
}
#: Modules that ``medkg --help`` and ``medkg query`` must not import.
HEAVY = ("pyshacl", "owlready2", "pyvis", "networkx", "http.server", "jinja2", "rdflib")


# ---------------------------------------------------------------- workers (run in child processes)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_build(sources: Path, out: Path) -> dict[str, Any]:
    """make_graph (phases timed by wrapping the functions it calls) + Turtle and N-Triples exports."""
    start = time.perf_counter()
    import medkg.build as build
    from medkg.exports import EXPORTS

    phases: dict[str, float] = {"import": time.perf_counter() - start}
    for name in ("load_schema", "load_knowledge", "build_graph", "add_ladder_steps", "check"):
        if hasattr(build, name):
            setattr(build, name, _timed(getattr(build, name), name, phases))
    notes: list[str] = []
    t = time.perf_counter()
    kb, graph = build.make_graph(sources, ROOT / "ontology", progress=notes.append)
    phases["make_graph"] = time.perf_counter() - t
    out.mkdir(parents=True, exist_ok=True)
    for name in ("turtle", "ntriples"):
        t = time.perf_counter()
        EXPORTS[name].write(graph, out / EXPORTS[name].path)
        phases[f"export {name}"] = time.perf_counter() - t
    total = time.perf_counter() - start
    return {"total": total, "phases": phases, "triples": len(graph), "facts": len(kb.facts),
            "entities": len(kb.entities), "peak_mb": _peak_mb(), "notes": notes}


def _timed(func: Any, name: str, into: dict[str, float]) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - t

    return wrapper


def worker_baseline(nt: Path, out: Path) -> dict[str, Any]:
    """Raw pyoxigraph: bulk load the N-Triples, serialise Turtle (with our prefixes) and N-Triples."""
    start = time.perf_counter()
    import pyoxigraph as ox

    from medkg.vocab import PREFIXES

    phases = {"import": time.perf_counter() - start}
    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    phases["bulk_load"] = time.perf_counter() - t
    out.mkdir(parents=True, exist_ok=True)
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    t = time.perf_counter()
    store.dump(str(out / "raw.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    phases["turtle"] = time.perf_counter() - t
    t = time.perf_counter()
    store.dump(str(out / "raw.nt"), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    phases["ntriples"] = time.perf_counter() - t
    return {"total": time.perf_counter() - start, "phases": phases, "triples": len(store), "peak_mb": _peak_mb()}


def worker_exports(sources: Path, out: Path, skip: list[str]) -> None:
    """Build once, then each export in turn; one JSON line per export as soon as it is written."""
    from medkg.build import make_graph
    from medkg.exports import EXPORTS

    _, graph = make_graph(sources, ROOT / "ontology")
    for name, export in EXPORTS.items():
        if name in skip:
            continue
        print(json.dumps({"start": name}), flush=True)
        target = out / export.path
        target.parent.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        error = ""
        try:
            export.write(graph, target)
        except Exception as exc:  # report and go on with the next export
            error = f"{type(exc).__name__}: {exc}"[:200]
        print(json.dumps({"item": name, "seconds": time.perf_counter() - t, "error": error}), flush=True)


def synthetic_bindings(query: Any) -> dict[str, str]:
    return {p.name: SYNTHETIC.get(p.default or "", p.default) for p in query.params if p.default}


def worker_queries(nt: Path, repeat: int, skip: list[str]) -> None:
    """Each named query: medkg's engine and raw Store.query on the same in-memory store; one JSON
    line per query as soon as it is measured."""
    import pyoxigraph as ox

    from medkg.queries import library, with_values
    from medkg.sparql import OxigraphEngine

    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    engine = OxigraphEngine(store)
    for name, query in library().items():
        if name in skip:
            continue
        print(json.dumps({"start": name}), flush=True)
        bindings = query.bindings(synthetic_bindings(query))
        text = with_values(query.text, bindings) if bindings else query.text
        medkg_times, raw_times, rows = [], [], 0
        engine.query(query.text, bindings, where=name)  # warm up both
        answer = store.query(text)
        rows = len(list(answer)) if not isinstance(answer, ox.QueryBoolean) else 1
        for _ in range(repeat):  # alternate, so load hits both alike
            t = time.perf_counter()
            result = engine.query(query.text, bindings, where=name)
            medkg_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            answer = store.query(text)
            rows = len(list(answer)) if not isinstance(answer, ox.QueryBoolean) else 1
            raw_times.append(time.perf_counter() - t)
        print(json.dumps({"item": name, "medkg": statistics.median(medkg_times), "raw": statistics.median(raw_times),
                          "rows": rows if result.form != "ASK" else int(result.boolean)}), flush=True)


WORKERS = {"build": worker_build, "baseline": worker_baseline}


# ---------------------------------------------------------------- the parent


def child(kind: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    proc = subprocess.run([PY, __file__, "--worker", kind, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def streamed(kind: str, args: list[str], limit: float) -> dict[str, Any]:
    """Run a worker that measures items one by one (a JSON line as each starts and ends); an item
    still running after ``limit`` seconds is stopped, noted, and the worker restarted without it."""
    results: dict[str, Any] = {}
    while True:
        proc = subprocess.Popen([PY, __file__, "--worker", kind, *args, *results], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout is not None
        current, started = None, time.monotonic()
        timer = threading.Timer(limit, proc.kill)
        for line in proc.stdout:
            try:
                item = json.loads(line)
            except ValueError:  # something the measured code printed
                continue
            timer.cancel()
            if "start" in item:
                current, started = item["start"], time.monotonic()
                timer = threading.Timer(limit, proc.kill)
                timer.start()
            else:
                results[item["item"]] = item
                current = None
        timer.cancel()
        proc.wait()
        if current is None:
            return results
        stopped = proc.returncode == -9 and time.monotonic() - started >= limit
        results[current] = {"item": current, "seconds": time.monotonic() - started,
                            "error": f"stopped after {limit:.0f} s" if stopped else f"failed (exit {proc.returncode})"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not answer within {seconds:.0f} s")


def throughput(endpoint: str, queries: list[str], clients: int, seconds: float) -> float:
    """Queries answered per second by ``clients`` threads, each POSTing the queries round-robin."""
    done = [0] * clients
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        i = k
        while time.monotonic() < stop:
            request = urllib.request.Request(endpoint, data=queries[i % len(queries)].encode(), headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
            try:
                with urllib.request.urlopen(request, timeout=300) as response:
                    response.read()
                done[k] += 1
            except OSError as exc:  # an error answer (a timeout, say) is not counted
                errors.append(f"{type(exc).__name__}: {exc}"[:120])
            i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"  {endpoint}: {len(errors)} error answers, e.g. {errors[0]}", file=sys.stderr)
    return sum(done) / (time.monotonic() - start)


def measure_endpoint(nt: Path, clients: int, seconds: float) -> dict[str, float]:
    from medkg.queries import library, with_values

    texts = [with_values(q.text, q.bindings(synthetic_bindings(q))) for q in library().values()]
    found = {}
    port = free_port()
    medkg = subprocess.Popen([PY, "-m", "medkg", "serve", "--data", str(nt), "--port", str(port), "--quiet",
                              "--timeout", "60"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        wait_http(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", 600)
        found["medkg serve"] = throughput(f"http://127.0.0.1:{port}/sparql", texts, clients, seconds)
    finally:
        medkg.terminate()
        medkg.wait()
    port = free_port()
    raw = subprocess.Popen(["oxigraph", "serve", "--bind", f"127.0.0.1:{port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 60)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/store?default", data=nt.read_bytes(),
                                         method="PUT", headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=600).read()
        found["oxigraph serve"] = throughput(f"http://127.0.0.1:{port}/query", texts, clients, seconds)
    finally:
        raw.terminate()
        raw.wait()
    return found


def median_wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def imports(command: list[str]) -> tuple[list[tuple[str, float]], list[str]]:
    """Top-level packages by cumulative import time (ms), and the heavy modules imported."""
    proc = subprocess.run([PY, "-X", "importtime", *command], capture_output=True, text=True, cwd=ROOT)
    tops: dict[str, float] = {}
    names = set()
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            cumulative, indent, name = int(match[1]), len(match[2]), match[3]
            names.add(name)
            if indent == 1:
                top = name.split(".")[0]
                tops[top] = tops.get(top, 0) + cumulative / 1000
    heavy = sorted(h for h in HEAVY if h in names)
    return sorted(tops.items(), key=lambda kv: -kv[1])[:8], heavy


def measure_startup(runs: int) -> dict[str, Any]:
    subprocess.run([PY, "-m", "medkg", "query", "treatments"], capture_output=True, cwd=ROOT)  # fill the cache
    found: dict[str, Any] = {
        "python -c 'import rdflib'": median_wall([PY, "-c", "import rdflib"], runs),
        "medkg --help": median_wall([PY, "-m", "medkg", "--help"], runs),
        "medkg query treatments": median_wall([PY, "-m", "medkg", "query", "treatments"], runs),
    }
    found["imports"] = {name: imports(cmd) for name, cmd in
                        (("medkg --help", ["-m", "medkg", "--help"]),
                         ("medkg query treatments", ["-m", "medkg", "query", "treatments"]))}
    return found


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    import pyoxigraph
    import rdflib

    load = os.getloadavg()[0]
    return (f"{cpu}, {os.cpu_count()} cores, {mem} GB RAM; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}; "
            f"load average {load:.1f} at start")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def measure_build(label: str, sources: Path, work: Path, args: argparse.Namespace,
                  out: list[str]) -> dict[str, Any]:
    builds, bases = [], []
    for k in range(args.repeat):
        builds.append(child("build", str(sources), str(work / f"medkg-{label}")))
        nt = work / f"medkg-{label}" / "medkg.nt"
        bases.append(child("baseline", str(nt), str(work / f"raw-{label}")))
        print(f"  {label} repeat {k + 1}: medkg {builds[-1]['total']:.2f} s, pyoxigraph {bases[-1]['total']:.2f} s",
              file=sys.stderr, flush=True)
    build_t = statistics.median(b["total"] for b in builds)
    base_t = statistics.median(b["total"] for b in bases)
    first = builds[0]
    files = len(list(sources.glob("*.yaml")))
    out.append(f"\n### {label}: {first['triples']:,} triples ({first['entities']:,} entities, "
               f"{first['facts']:,} facts, {files} source files)\n")
    out.append("| step | medkg (s) | raw pyoxigraph (s) | ratio |\n|---|---:|---:|---:|")
    out.append(f"| **build + Turtle + N-Triples** | **{build_t:.2f}** | **{base_t:.2f}** | "
               f"**{ratio(build_t, base_t)}** |")
    for phase in first["phases"]:
        out.append(f"| &nbsp; {phase} | {statistics.median(b['phases'].get(phase, 0) for b in builds):.2f} | | |")
    for phase in bases[0]["phases"]:
        out.append(f"| &nbsp; raw {phase} | | {statistics.median(b['phases'][phase] for b in bases):.2f} | |")
    if "add_ladder_steps" in first["phases"]:
        core = statistics.median(b["total"] - b["phases"]["add_ladder_steps"] for b in builds)
        out.append(f"| build without add_ladder_steps | {core:.2f} | {base_t:.2f} | {ratio(core, base_t)} |")
    peak = max(b["peak_mb"] for b in builds)
    base_peak = max(b["peak_mb"] for b in bases)
    out.append(f"| peak memory (MB) | {peak:.0f} | {base_peak:.0f} | {ratio(peak, base_peak)} |")
    out.append(f"| µs per triple (build) | {build_t / first['triples'] * 1e6:.1f} | "
               f"{base_t / first['triples'] * 1e6:.1f} | |")
    for note in first["notes"]:
        out.append(f"\nNote from the build: {note}")
    return {"triples": first["triples"], "build": build_t, "base": base_t, "peak": peak}


def run_size(label: str, work: Path, args: argparse.Namespace, out: list[str]) -> dict[str, Any]:
    sources = work / f"sources-{label}"
    summary: dict[str, Any] = {}
    if args.no_build:  # measure the rest on the sources and N-Triples of an earlier run
        out.append(f"\n### {label}: reusing {work / f'medkg-{label}' / 'medkg.nt'}\n")
    else:
        generate(sources, parse_size(label))
        summary = measure_build(label, sources, work, args, out)
    if not args.no_exports:
        exports = streamed("exports", [str(sources), str(work / f"exports-{label}")], args.export_limit)
        out.append("\n| export (written once, after a build) | seconds | note |\n|---|---:|---|")
        for name, item in exports.items():
            out.append(f"| {name} | {item['seconds']:.2f} | {item['error']} |")
    if not args.no_queries:
        queries = streamed("queries", [str(work / f"medkg-{label}" / "medkg.nt"), str(args.query_repeat)],
                           args.query_limit)
        out.append("\n| named query | rows | medkg engine (ms) | raw Store.query (ms) | ratio |"
                   "\n|---|---:|---:|---:|---:|")
        for name, item in queries.items():
            if "error" in item:
                out.append(f"| {name} | | {item['error']} (both engines) | | |")
                continue
            out.append(f"| {name} | {item['rows']} | {item['medkg'] * 1000:.1f} | {item['raw'] * 1000:.1f} | "
                       f"{ratio(item['medkg'], item['raw'])} |")
    if not args.no_endpoint:
        rates = measure_endpoint(work / f"medkg-{label}" / "medkg.nt", args.clients, args.endpoint_seconds)
        out.append(f"\n| endpoint, {args.clients} concurrent clients, all named queries round-robin | queries/s |"
                   "\n|---|---:|")
        for name, rate in rates.items():
            out.append(f"| {name} | {rate:.1f} |")
        out.append(f"| ratio medkg / oxigraph | {ratio(rates['medkg serve'], rates['oxigraph serve'])} |")
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k", help="comma-separated sizes: 10k, 100k, 1M or numbers of triples")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per build measurement (median)")
    ap.add_argument("--query-repeat", type=int, default=5, help="runs per named query (median)")
    ap.add_argument("--export-limit", type=float, default=300, help="seconds before an export is stopped")
    ap.add_argument("--query-limit", type=float, default=120,
                    help="seconds before a named query (warm-up and repeats, both engines) is stopped")
    ap.add_argument("--clients", type=int, default=4, help="concurrent endpoint clients")
    ap.add_argument("--endpoint-seconds", type=float, default=20, help="how long the clients send queries")
    ap.add_argument("--work", type=Path, default=Path("/tmp/medkg-bench"), help="scratch folder")
    ap.add_argument("--markdown", type=Path, help="also write the report to this file")
    for part in ("build", "exports", "queries", "endpoint", "startup"):
        ap.add_argument(f"--no-{part}", action="store_true", help=f"skip the {part} measurements")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "exports":
            worker_exports(Path(rest[0]), Path(rest[1]), rest[2:])
        elif kind == "queries":
            worker_queries(Path(rest[0]), int(rest[1]), rest[2:])
        else:
            print(json.dumps(WORKERS[kind](Path(rest[0]), Path(rest[1]))))
        return
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    out = ["## Run", "", f"`python benchmarks/run.py {' '.join(sys.argv[1:])}`", "", f"Machine: {machine()}"]
    summaries = {}
    for label in args.size.split(","):
        print(f"size {label} ...", file=sys.stderr, flush=True)
        summaries[label] = run_size(label, work, args, out)
    if len([s for s in summaries.values() if s]) > 1:
        out.append("\n### Growth\n\n| size | triples | build (s) | µs per triple | raw pyoxigraph (s) | ratio "
                   "| peak MB |\n|---|---:|---:|---:|---:|---:|---:|")
        for label, s in summaries.items():
            out.append(f"| {label} | {s['triples']:,} | {s['build']:.2f} | {s['build'] / s['triples'] * 1e6:.1f} | "
                       f"{s['base']:.2f} | {ratio(s['build'], s['base'])} | {s['peak']:.0f} |")
    if not args.no_startup:
        start = measure_startup(7)
        base = start["python -c 'import rdflib'"]
        out.append("\n### Start-up (default graph, median of 7)\n\n| command | seconds | ratio to `import rdflib` |"
                   "\n|---|---:|---:|")
        for name in ("python -c 'import rdflib'", "medkg --help", "medkg query treatments"):
            out.append(f"| {name} | {start[name]:.3f} | {ratio(start[name], base)} |")
        for name, (tops, heavy) in start["imports"].items():
            listed = ", ".join(f"{top} {ms:.0f} ms" for top, ms in tops)
            out.append(f"\n`{name}` imports (cumulative, top level): {listed}. Heavy modules imported: "
                       f"{', '.join(heavy) or 'none'}.")
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    shutil.rmtree(work / "exports-tmp", ignore_errors=True)


if __name__ == "__main__":
    main()
