"""The fast path at scale gives the same results: YAML reader, graph builder, store, writers, limits.

Not timed: ``benchmarks/run.py`` measures. These tests check that what makes medkg fast changes
nothing but the time.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from medkg import fastgraph, sources, yamlfast
from medkg import graph as rdflib_graph
from medkg.build import load_knowledge, make_graph
from medkg.exports import write_turtle
from medkg.vocab import MEDKG, load_schema

from . import BACLOFEN, DATA, ONTOLOGY, ROOT, SOURCES
from .test_bad_sources import ENTITIES, GOOD_RELATION, HEADER


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("medkg_bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two synthetic articles of two clusters each (a shared disease among them)."""
    folder = tmp_path_factory.mktemp("synthetic")
    generate = _generator()
    for number in range(2):
        (folder / f"synthetic-{number:03d}.yaml").write_text(generate.source_file(number, 2), encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the YAML reader


def libyaml(text: str) -> sources.Node | None:
    node = yaml.compose(text, Loader=sources._Loader)
    return None if node is None else sources._to_node(node, yaml.constructor.SafeConstructor())


EDGE_CASES = [
    "a: 1\nb: true\nc: 2020-01-01\nd: ~\ne: '1'\nf: \"x\"\n",
    "a:\n- x\n- y\nb: z\n",  # a sequence at the indentation of its key
    "a: [x, 'y']\n",  # quotes inside a flow sequence: libyaml's
    "a: [x, y,]\n",
    "a: b # comment\nc: 'it''s' # comment\n",
    "a: b#not a comment\n",
    "a: first line\n  second line\n",  # a continued plain scalar: libyaml's
    "a: b\n   # an indented comment\nc: d\n",
    "a:\n  b: c\n    # comment\n  d: e\n",
    "a:\nb: c\n",  # an empty value: libyaml's
    "a: &x b\nc: *x\n",
    "a: |\n  text\n",
    "a: b: c\n",  # a YAML error: libyaml reports it
    "a: 'unclosed\n",
    "- a\n- b\n",
    "a:\n  - b: c\n    d: e\n  - f\n",
    "a:\n  -   b: c\n      d: e\n",
    "a:\n\tb: c\n",
    "key with space: x\n",
    "a: {b: c}\n",
    "a: !!str 1\n",
    "a: -1\nb: .5\nc: 0x1F\nd: yes\ne: on\n",
    "a: x\na: y\n",
    "---\na: b\n",
    "a: b\r\nc: d\r\n",
]


def _cases() -> list[tuple[str, str]]:
    files = [p for p in [*SOURCES.glob("*.yaml"), *DATA.rglob("*.yaml")]]
    cases = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in files]
    cases.append(("bad-sources header", HEADER + ENTITIES + "relations:\n" + GOOD_RELATION))
    cases += [(f"edge {i}", text) for i, text in enumerate(EDGE_CASES)]
    return cases


@pytest.mark.parametrize(("name", "text"), _cases(), ids=[c[0] for c in _cases()])
def test_fast_reader_agrees_with_libyaml(name: str, text: str) -> None:
    """Same values and line numbers as libyaml, or None (then libyaml reads it, errors included)."""
    fast = yamlfast.parse(text, sources.Node)
    try:
        expected = libyaml(text)
    except yaml.YAMLError:
        assert fast is None, f"{name}: libyaml rejects it, the fast reader must leave it to libyaml"
        return
    assert fast is None or fast == expected


def test_fast_reader_reads_our_sources(synthetic: Path) -> None:
    """The reader is not just falling back: it reads the curated and the synthetic sources itself."""
    for path in [*SOURCES.glob("*.yaml"), *synthetic.glob("*.yaml")]:
        assert yamlfast.parse(path.read_text(encoding="utf-8"), sources.Node) is not None, path


def test_fast_reader_keeps_line_numbers() -> None:
    root = yamlfast.parse(HEADER + ENTITIES, sources.Node)
    assert root is not None
    pill = root.value["entities"].value[1]
    assert (pill.line, pill.value["type"].line) == (14, 16)


# ---------------------------------------------------------------- the graph builder and its store


@pytest.mark.parametrize("folder", ["default", "synthetic"])
def test_fast_graph_is_isomorphic_to_rdflib_build(folder: str, synthetic: Path) -> None:
    schema = load_schema(ONTOLOGY / "medkg.ttl")
    kb = load_knowledge(SOURCES if folder == "default" else synthetic, schema)  # the synthetic sources validate
    reference = rdflib_graph.build_graph(kb, schema)
    fast = fastgraph.build_graph(kb, schema)
    assert isinstance(fast.store, fastgraph.MedkgStore)
    assert len(fast) == len(reference)
    assert isomorphic(fast, reference)


def test_sorted_ntriples_are_what_pyoxigraph_writes(graph: Graph) -> None:
    """The lines cached at build time are the canonical, sorted N-Triples of the store, and of a
    plain rdflib copy of the graph."""
    cached = fastgraph.sorted_ntriples(graph)
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    assert fastgraph.sorted_ntriples(copy) == cached
    lines = cached.decode("utf-8").splitlines()
    assert lines == sorted(set(lines)) and len(lines) == len(graph)


def test_store_behaves_like_rdflib(graph: Graph) -> None:
    """Simple literals come back without ^^xsd:string; the cached N-Triples follow additions and
    removals (added lines are merged in, a removal makes it recompute)."""
    g = make_graph(SOURCES, ONTOLOGY, shacl=False)[1]
    holder, reserved = next(g.subject_objects(MEDKG.reservedFor))
    assert reserved.datatype is None and reserved == Literal(str(reserved))
    store = g.store
    assert isinstance(store, fastgraph.MedkgStore) and store.sorted_nt is not None
    g.add((BACLOFEN, MEDKG.reservedFor, Literal("a test value")))
    g.add((BACLOFEN, MEDKG.reservedFor, Literal("a test value")))
    g.add((holder, MEDKG.reservedFor, reserved))  # already there
    merged = fastgraph.sorted_ntriples(g)
    assert b'"a test value"' in merged and len(g) == len(graph) + 1
    store.sorted_nt = None
    assert fastgraph.sorted_ntriples(g) == merged
    g.remove((BACLOFEN, MEDKG.reservedFor, Literal("a test value")))
    assert store.sorted_nt is None and fastgraph.sorted_ntriples(g) == fastgraph.sorted_ntriples(graph)
    assert not list(g.triples((Literal("x"), None, None)))  # a literal subject matches nothing


@pytest.mark.slow
def test_large_graph_turtle_parses_back_and_is_deterministic(graph: Graph, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the pretty-Turtle limit pyoxigraph writes the Turtle: same triples, same bytes every build."""
    import medkg.exports

    monkeypatch.setattr(medkg.exports, "PRETTY_TURTLE_LIMIT", 0)
    path = tmp_path / "big.ttl"
    write_turtle(graph, path)
    text = path.read_text(encoding="utf-8")
    assert "@prefix mk: <https://w3id.org/medkg/entity/> ." in text and "mk:baclofen" in text
    assert isomorphic(Graph().parse(path, format="turtle"), graph)
    script = ("import sys, medkg.exports as e; from pathlib import Path; from medkg.build import make_graph; "
              "e.PRETTY_TURTLE_LIMIT = 0; e.write_turtle(make_graph(shacl=False)[1], Path(sys.argv[1]))")
    for seed in ("1", "2"):
        other = tmp_path / f"seed{seed}.ttl"
        subprocess.run([sys.executable, "-c", script, str(other)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        assert other.read_bytes() == path.read_bytes()


# ---------------------------------------------------------------- the SHACL limit


def test_shacl_skipped_above_the_limit_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    messages: list[str] = []
    monkeypatch.setenv("MEDKG_SHACL_LIMIT", "100")
    make_graph(SOURCES, ONTOLOGY, progress=messages.append)
    assert len(messages) == 1
    assert messages[0].startswith("SHACL check skipped: ") and "MEDKG_SHACL_LIMIT=0 medkg validate" in messages[0]
    messages.clear()
    monkeypatch.setenv("MEDKG_SHACL_LIMIT", "0")
    make_graph(SOURCES, ONTOLOGY, progress=messages.append)
    assert messages == []
