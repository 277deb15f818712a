"""``medkg queries`` and ``medkg query`` through the real entry point: every output format, errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from medkg.cli import main
from medkg.queries import library
from medkg.sparql import default_graph_file

from . import ONTOLOGY, SOURCES

NEXT_STEP_TABLE = """\
treatment    next                          label                      kind                             appliesWhen
-----------  ----------------------------  -------------------------  -------------------------------  ----------------------------------
mk:baclofen  mk:baclofen_pump              baclofen pump              device                           oral medications are not effective
mk:baclofen  mk:botulinum_toxin_injection  botulinum toxin injection  injected or intrathecal therapy  oral medications are not effective
(2 rows)
"""  # noqa: E501

NEXT_STEP_NARROW = """\
-[ 1 ]----------------------------------
treatment   | mk:baclofen
next        | mk:baclofen_pump
label       | baclofen pump
kind        | device
appliesWhen | oral medications are not effective
-[ 2 ]----------------------------------
treatment   | mk:baclofen
next        | mk:botulinum_toxin_injection
label       | botulinum toxin injection
kind        | injected or intrathecal therapy
appliesWhen | oral medications are not effective
(2 rows)
"""

NEXT_STEP_CSV = (
    "treatment,next,label,kind,appliesWhen\r\n"
    "https://w3id.org/medkg/entity/baclofen,https://w3id.org/medkg/entity/baclofen_pump,baclofen pump,device,"
    "oral medications are not effective\r\n"
    "https://w3id.org/medkg/entity/baclofen,https://w3id.org/medkg/entity/botulinum_toxin_injection,"
    "botulinum toxin injection,injected or intrathecal therapy,oral medications are not effective\r\n"
)


@pytest.fixture(scope="module")
def data(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default graph as an N-Triples file, for ``--data``."""
    path = tmp_path_factory.mktemp("query-cli") / "graph.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    return path


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8"), err.decode("utf-8")


def test_queries_lists_names_titles_and_parameters(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(capsysbinary, "queries")
    assert code == 0
    for name, query in library().items():
        assert f"\n{name.ljust(20)}{query.title}\n" in "\n" + out
    assert "-p condition=spasticity  [entity] the condition to treat" in out
    assert "-p predicate (optional)  [property]" in out


def test_queries_shows_one_query(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(capsysbinary, "queries", "treats")
    assert (code, out) == (0, library()["treats"].text)


def test_table(capsysbinary: pytest.CaptureFixture[bytes], data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert run(capsysbinary, "query", "next-step", "--data", str(data)) == (0, NEXT_STEP_TABLE, "")
    monkeypatch.setenv("COLUMNS", "60")
    assert run(capsysbinary, "query", "next-step", "--data", str(data)) == (0, NEXT_STEP_NARROW, "")


def test_csv(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    assert run(capsysbinary, "query", "next-step", "-f", "csv", "--data", str(data)) == (0, NEXT_STEP_CSV, "")


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_result_formats_read_back(capsysbinary: pytest.CaptureFixture[bytes], data: Path, fmt: str) -> None:
    """JSON, XML and TSV parse back (with pyoxigraph's readers) to exactly the rows of the JSON answer."""
    code, out, _ = run(capsysbinary, "query", "treatments", "--format", fmt, "--data", str(data))
    assert code == 0
    parsed = pyoxigraph.parse_query_results(out.encode(), getattr(pyoxigraph.QueryResultsFormat, fmt.upper()))
    rows = [[str(s[v]) if s[v] is not None else None for v in parsed.variables] for s in parsed]
    _, reference, _ = run(capsysbinary, "query", "treatments", "-f", "json", "--data", str(data))
    expected = json.loads(reference)
    assert [v.value for v in parsed.variables] == expected["head"]["vars"]
    assert len(rows) == len(expected["results"]["bindings"]) == 10
    assert rows[3][1] == "<https://w3id.org/medkg/entity/baclofen>" and rows[3][4] == (
        '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')
    assert rows[3][5] is None and rows[0][2] == '"occupational therapy"@en'


def test_csv_has_every_row(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    _, out, _ = run(capsysbinary, "query", "treatments", "-f", "csv", "--data", str(data))
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["condition", "treatment", "label", "kind", "line", "appliesWhen"]
    assert [r[4] for r in rows[1:]] == ["1", "1", "1", "2", "2", "2", "3", "3", "4", "4"]


@pytest.mark.parametrize(("fmt", "expected"), [
    ("table", "true\n"),
    ("csv", "true\n"),
    ("tsv", "true\n"),
    ("json", '{\n "head": {},\n "boolean": true\n}\n'),
])
def test_ask(capsysbinary: pytest.CaptureFixture[bytes], data: Path, fmt: str, expected: str) -> None:
    assert run(capsysbinary, "query", "treats", "-f", fmt, "--data", str(data)) == (0, expected, "")


def test_ask_xml(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    _, out, _ = run(capsysbinary, "query", "treats", "-p", "condition=pain", "-f", "xml", "--data", str(data))
    assert bool(pyoxigraph.parse_query_results(out.encode(), pyoxigraph.QueryResultsFormat.XML)) is False


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                                                    ("rdfxml", "xml")])
def test_graph_formats(capsysbinary: pytest.CaptureFixture[bytes], data: Path, graph: Graph, fmt: str,
                       rdflib_format: str) -> None:
    code, out, _ = run(capsysbinary, "query", "entity-graph", "-f", fmt, "--data", str(data))
    assert code == 0
    _, nt, _ = run(capsysbinary, "query", "entity-graph", "-f", "nt", "--data", str(data))
    assert isomorphic(Graph().parse(data=out, format=rdflib_format), Graph().parse(data=nt, format="nt"))
    again = run(capsysbinary, "query", "entity-graph", "-f", fmt, "--data", str(data))[1]
    assert again == out, "a fresh store names blank nodes anew; the output must not change"


def test_turtle_is_the_default_for_a_graph(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    _, out, _ = run(capsysbinary, "query", "entity-graph", "--data", str(data))
    assert "@prefix mk: <https://w3id.org/medkg/entity/> .\n" in out  # the query's own prefixes
    assert "\tmedkg:mayNeedRepeating true ;\n" in out
    assert "\n_:b1 dcterms:source mksrc:controlling-ms-spasticity ;" in out


def test_a_format_must_fit_the_query(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    assert run(capsysbinary, "query", "treatments", "-f", "turtle", "--data", str(data)) == (
        1, "", "error: format turtle does not fit a SELECT/ASK result (choose from table, json, xml, csv, tsv)\n")
    code, _, err = run(capsysbinary, "query", "entity-graph", "-f", "csv", "--data", str(data))
    assert code == 1 and "does not fit a CONSTRUCT/DESCRIBE result (choose from turtle, nt, jsonld" in err


def test_syntax_error_shows_line_and_column(capsysbinary: pytest.CaptureFixture[bytes], data: Path,
                                           tmp_path: Path) -> None:
    code, out, err = run(capsysbinary, "query", "SELECT ?x\nWHERE { ?x ?y }", "--data", str(data))
    assert (code, out) == (1, "")
    assert err.startswith("error: query:2:") and "SPARQL syntax error: expected" in err
    assert err.endswith("  WHERE { ?x ?y }\n" + " " * 17 + "^\n")
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: bad\nSELECT ?x WHERE {\n  ?x a mk:Device\n}\n", encoding="utf-8")
    code, _, err = run(capsysbinary, "query", str(bad), "--data", str(data))
    assert code == 1
    assert f"{bad}:3:" in err and "undeclared prefix (add a PREFIX line for it)" in err


def test_rdflib_engine_reports_syntax_errors_too(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    code, _, err = run(capsysbinary, "query", "SELECT ?x\nWHERE { ?x ?y }", "--engine", "rdflib", "--data", str(data))
    assert code == 1 and err.startswith("error: query:2:") and "SPARQL syntax error" in err


def test_engines_print_the_same(capsysbinary: pytest.CaptureFixture[bytes], data: Path) -> None:
    for name in ("treatments", "ladder", "evidence"):
        ox = run(capsysbinary, "query", name, "-f", "json", "--data", str(data))
        rl = run(capsysbinary, "query", name, "-f", "json", "--engine", "rdflib", "--data", str(data))
        assert ox == rl, name


def test_injection_through_the_command_line(capsysbinary: pytest.CaptureFixture[bytes], data: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsysbinary, "query", "find", "-p", 'text=x" ) ) } UNION { ?entity ?p ?matched } #',
                       "--data", str(data))
    assert (code, out.splitlines()[-1]) == (0, "(0 rows)")
    code, _, err = run(capsysbinary, "query", "treatments", "-p", "condition=x> } #", "--data", str(data))
    assert code == 1 and "is not a valid entity" in err


def test_default_graph_is_built_once_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.setenv("MEDKG_CACHE", str(tmp_path / "cache"))
    assert run(capsysbinary, "query", "treats") == (0, "true\n", "")
    [cached] = (tmp_path / "cache").glob("graph-*.nt")
    stamp = cached.stat().st_mtime_ns
    assert run(capsysbinary, "query", "treats", "-p", "condition=pain") == (0, "false\n", "")
    assert cached.stat().st_mtime_ns == stamp
    # an edited source gives another cache entry, not the stale graph
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    article = sources / "controlling-ms-spasticity.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("brand_names: [Zanaflex]",
                                                                  "brand_names: [Zanaflex, Sirdalud]"), "utf-8")
    other = default_graph_file(sources, ONTOLOGY)
    assert other != cached and b"Sirdalud" in other.read_bytes() and b"Sirdalud" not in cached.read_bytes()


def test_unknown_query(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run(capsysbinary, "query", "treatment") == (
        1, "", "error: no named query or query file 'treatment' (did you mean treatments, untreated, treats?)\n")
