"""Remote stores: ``medkg push`` into a real Oxigraph server, and one contract for every backend.

The same named queries, with the same parameter values, must give the same answers embedded
(pyoxigraph with VALUES or with substitutions, and rdflib's engine with initBindings), from
Oxigraph's server (default graph and a named graph) and from ``medkg serve``.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from medkg.cli import main
from medkg.queries import library, parse
from medkg.remote import RemoteEngine, RemoteError, push
from medkg.sparql import Engine, OxigraphEngine, RdflibEngine, Result, store_from_graph

from .servers import medkg_server, oxigraph_server

pytestmark = pytest.mark.server

NAMED_GRAPH = "https://w3id.org/medkg/graph/test"
# parameter values to try besides the defaults, per query
VALUES = {
    "treatments": [{"condition": "pain"}],
    "next-step": [{"treatment": "physical_therapy"}],
    "ladder": [{"start": "baclofen"}],
    "evidence": [{"subject": "diazepam", "predicate": "treats"}],
    "entity": [{"entity": "baclofen"}],
    "entity-graph": [{"entity": "spasticity"}],
    "find": [{"text": 'Zan" } UNION { ?entity ?p ?matched } #'}],
    "treats": [{"condition": "pain"}],
}
CASES = [(name, values) for name in sorted(library()) for values in [{}, *VALUES.get(name, [])]]


@pytest.fixture(scope="module")
def data(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("remote") / "graph.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    return path


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, data: Path) -> Iterator[str]:
    """Oxigraph's server with the graph pushed by ``medkg push`` into the default and a named graph."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db") as base:
        assert main(["push", "--endpoint", base + "/store", "--data", str(data)]) == 0
        assert main(["push", "--endpoint", base + "/store", "--graph", NAMED_GRAPH, "--data", str(data)]) == 0
        yield base


@pytest.fixture(scope="module")
def medkg_endpoint(data: Path) -> Iterator[str]:
    with medkg_server(data, "--timeout", "20") as url:
        yield url


@pytest.fixture(scope="module")
def backends(graph: Graph, oxigraph: str, medkg_endpoint: str) -> dict[str, Engine]:
    return {
        "pyoxigraph": OxigraphEngine(store_from_graph(graph)),
        "pyoxigraph-substitutions": OxigraphEngine(store_from_graph(graph), bind="substitutions"),
        "rdflib": RdflibEngine(graph),
        "oxigraph-server": RemoteEngine(oxigraph + "/query"),
        "oxigraph-named-graph": RemoteEngine(oxigraph + "/query", graph=NAMED_GRAPH),
        "medkg-serve": RemoteEngine(medkg_endpoint),
    }


def comparable(result: Result) -> object:
    if result.form == "GRAPH":
        return Graph().parse(data="".join(f"{t} .\n" for t in result.triples), format="nt")
    return (result.form, result.variables, [[str(t) if t is not None else None for t in row] for row in result.rows],
            result.boolean)


@pytest.mark.parametrize(("name", "values"), CASES, ids=[f"{n}{'-' + '-'.join(v) if v else ''}" for n, v in CASES])
def test_every_backend_gives_the_same_answer(backends: dict[str, Engine], name: str, values: dict[str, str]) -> None:
    query = library()[name]
    answers = {backend: comparable(engine.query(query.text, query.bindings(values), where=query.where))
               for backend, engine in backends.items()}
    reference = answers.pop("pyoxigraph")
    for backend, answer in answers.items():
        if isinstance(reference, Graph):
            assert isinstance(answer, Graph) and len(answer) == len(reference) > 0
            assert isomorphic(answer, reference), backend
        else:
            assert answer == reference, backend


def test_injection_is_inert_remotely(backends: dict[str, Engine]) -> None:
    echo = parse("# param: ?value string = x -- anything\nSELECT ?value WHERE { }", name="echo", where="echo")
    value = 'a" } UNION { ?s ?p ?o } # \\ \n \'\'\' """'
    for backend, engine in backends.items():
        result = engine.query(echo.text, echo.bindings({"value": value}))
        assert [row[0].value for row in result.rows if row[0] is not None] == [value], backend


def test_push_replaces_or_appends(oxigraph: str, data: Path, graph: Graph, tmp_path: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    target = "https://w3id.org/medkg/graph/push-test"
    engine = RemoteEngine(oxigraph + "/query", graph=target)

    def triples() -> int:
        return int(engine.query(count).rows[0][0].value)  # type: ignore[union-attr]

    push(oxigraph + "/store", data, graph=target)
    push(oxigraph + "/store", data, graph=target)  # PUT replaces: no duplicates
    assert triples() == len(graph)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> 'c' .\n", encoding="utf-8")
    push(oxigraph + "/store", extra, graph=target, append=True)
    assert triples() == len(graph) + 1
    push(oxigraph + "/store", extra, graph=target)
    assert triples() == 1


def test_query_command_against_the_endpoint(oxigraph: str, data: Path,
                                            capsysbinary: pytest.CaptureFixture[bytes],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    for name, values in (("treatments", []), ("next-step", ["-p", "treatment=tizanidine"]),
                         ("entity-graph", ["-f", "nt"]), ("treats", ["-f", "json"])):
        assert main(["query", name, *values, "--data", str(data)]) == 0
        local = capsysbinary.readouterr().out
        assert main(["query", name, *values, "--endpoint", oxigraph + "/query"]) == 0
        assert capsysbinary.readouterr().out == local, name
        assert main(["query", name, *values, "--endpoint", oxigraph + "/query", "--graph", NAMED_GRAPH]) == 0
        assert capsysbinary.readouterr().out == local, name


def test_remote_syntax_error_keeps_line_and_column(oxigraph: str, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["query", "SELECT ?x\nWHERE { ?x ?y }", "--endpoint", oxigraph + "/query"]) == 1
    err = capsysbinary.readouterr().err.decode()
    assert err.startswith("error: query:2:") and "SPARQL syntax error" in err


def test_unreachable_endpoint(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    from .servers import free_port

    url = f"http://127.0.0.1:{free_port()}/store"
    assert main(["push", "--endpoint", url, "--data", str(data)]) == 1
    assert capsysbinary.readouterr().err.decode().startswith(f"error: cannot reach {url}?default: ")
    with pytest.raises(RemoteError, match="cannot reach"):
        RemoteEngine(url).query("ASK { ?s ?p ?o }")


def test_oxigraph_holds_what_was_pushed(oxigraph: str, graph: Graph) -> None:
    request = urllib.request.Request(oxigraph + "/query", data=b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(graph)
