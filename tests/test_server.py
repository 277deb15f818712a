"""``medkg serve`` over real HTTP: SPARQLWrapper, content negotiation, CORS, refusals, time and row limits."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from medkg.server_page import _json_for_html

from .servers import medkg_server

pytestmark = pytest.mark.server

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DEVICES = "SELECT ?s WHERE { ?s a <https://w3id.org/medkg/vocab/Device> }"
# 4 patterns over every triple: about 10^11 combinations, far beyond any time limit
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PUMP = "https://w3id.org/medkg/entity/baclofen_pump"


@pytest.fixture(scope="module")
def data(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "graph.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    return path


@pytest.fixture(scope="module")
def endpoint(data: Path) -> Iterator[str]:
    """A server with a 2-second time limit, 2 workers, at most 5 rows and 10 kB bodies."""
    with medkg_server(data, "--timeout", "2", "--workers", "2", "--max-rows", "5", "--max-body", "10000") as url:
        yield url


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get(endpoint: str, query: str, accept: str = "*/*", **params: str) -> tuple[int, dict[str, str], bytes]:
    return http(endpoint + "?" + urllib.parse.urlencode({"query": query, **params}), headers={"Accept": accept})


def wrapper(endpoint: str, query: str, fmt: str, *, method: str = "GET", request: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    if request:
        client.setRequestMethod(request)
    return client


# ---------------------------------------------------------------- a real client


@pytest.mark.parametrize(("method", "request_method"), [("GET", None), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_sparqlwrapper_select(endpoint: str, method: str, request_method: str | None) -> None:
    result = wrapper(endpoint, DEVICES, JSON, method=method, request=request_method).query().convert()
    assert result["results"]["bindings"] == [{"s": {"type": "uri", "value": PUMP}}]  # type: ignore[index]
    xml = wrapper(endpoint, DEVICES, XML, method=method, request=request_method).query().convert()
    assert [u.firstChild.data for u in xml.getElementsByTagName("uri")] == [PUMP]  # type: ignore[union-attr]
    for fmt, line in ((CSV, PUMP), (TSV, f"<{PUMP}>")):
        text = wrapper(endpoint, DEVICES, fmt, method=method, request=request_method).query().convert()
        assert text.decode().split() == ["s" if fmt == CSV else "?s", line]  # type: ignore[union-attr]


def test_sparqlwrapper_ask_and_construct(endpoint: str) -> None:
    assert wrapper(endpoint, "ASK { ?s a <https://w3id.org/medkg/vocab/Device> }", JSON).query().convert() == {
        "head": {}, "boolean": True}
    construct = f"CONSTRUCT {{ ?s a ?type }} WHERE {{ ?s a ?type FILTER(?s = <{PUMP}>) }}"
    expected = {(URIRef(PUMP), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                 URIRef("https://w3id.org/medkg/vocab/Device"))}
    for fmt in (TURTLE, XML, JSONLD):  # XML means RDF/XML for a graph
        result = wrapper(endpoint, construct, fmt).query().convert()
        graph = result if isinstance(result, Graph) else Graph().parse(data=result, format=fmt)  # type: ignore[arg-type]
        assert expected <= set(graph), fmt


def test_bad_query_is_400_with_line_and_column(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed, match=r"query:1:\d+: SPARQL syntax error"):
        wrapper(endpoint, "SELECT ?x WHERE { ?x }", JSON).query()
    status, headers, body = get(endpoint, "SELECT ?x WHERE {\n ?x ?y\n}")
    assert status == 400 and body.startswith(b"query:3:") and headers["Access-Control-Allow-Origin"] == "*"


# ---------------------------------------------------------------- negotiation


@pytest.mark.parametrize(("accept", "content_type"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
])
def test_select_negotiation(endpoint: str, accept: str, content_type: str) -> None:
    status, headers, _ = get(endpoint, DEVICES, accept)
    assert (status, headers["Content-Type"]) == (200, content_type)


@pytest.mark.parametrize(("accept", "content_type"), [
    ("text/turtle", "text/turtle; charset=utf-8"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("*/*", "text/turtle; charset=utf-8"),
])
def test_construct_negotiation(endpoint: str, accept: str, content_type: str) -> None:
    status, headers, body = get(endpoint, f"CONSTRUCT WHERE {{ <{PUMP}> a ?t }}", accept)
    assert (status, headers["Content-Type"]) == (200, content_type)
    assert b"Device" in body


def test_format_parameter_and_406(endpoint: str) -> None:
    status, headers, body = get(endpoint, DEVICES, "application/sparql-results+json", format="csv")
    assert (status, headers["Content-Type"], body) == (200, "text/csv; charset=utf-8", f"s\r\n{PUMP}\r\n".encode())
    status, _, body = get(endpoint, DEVICES, "image/png")
    assert status == 406 and b"cannot answer a SELECT query as image/png" in body


# ---------------------------------------------------------------- read-only, CORS, limits


def test_updates_are_refused(endpoint: str) -> None:
    client = wrapper(endpoint, "INSERT DATA { <http://a> <http://b> <http://c> }", JSON, method=POST)
    with pytest.raises(urllib.error.HTTPError, match="403"):
        client.query()
    for kind, body in (("application/sparql-update", b"DROP ALL"),
                       ("application/x-www-form-urlencoded", b"update=DROP+ALL")):
        status, headers, text = http(endpoint, data=body, headers={"Content-Type": kind})
        assert status == 403 and b"read-only" in text and headers["Access-Control-Allow-Origin"] == "*"
    assert http(endpoint + "?update=CLEAR+ALL")[0] == 403
    assert http(endpoint, data=b"<a> <b> <c> .", method="PUT", headers={"Content-Type": "text/turtle"})[0] == 403
    assert get(endpoint, "ASK { ?s ?p ?o }", "application/sparql-results+json")[2].count(b"true") == 1


def test_federated_queries_are_refused(endpoint: str) -> None:
    status, _, body = get(endpoint, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE" in body


def test_cors_on_every_response(endpoint: str) -> None:
    base = endpoint.rsplit("/", 1)[0]
    responses = [
        http(endpoint, method="OPTIONS", headers={"Origin": "http://yasgui.example", "Access-Control-Request-Method":
                                                  "POST", "Access-Control-Request-Headers": "content-type"}),
        get(endpoint, DEVICES), get(endpoint, "nonsense"), http(base + "/nowhere"),
        http(endpoint, data=b"x" * 20_000, headers={"Content-Type": "application/sparql-query"}),
        http(endpoint, data=b"query=x", headers={"Content-Type": "text/plain"}),
    ]
    assert [r[0] for r in responses] == [204, 200, 400, 404, 413, 415]
    for _, headers, _ in responses:
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_row_limit(endpoint: str) -> None:
    status, headers, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200 and headers["X-SPARQL-MaxRows"] == "5"
    assert len(json.loads(body)["results"]["bindings"]) == 5
    assert "X-SPARQL-MaxRows" not in get(endpoint, DEVICES)[1]


def test_service_description(endpoint: str, graph: Graph) -> None:
    status, headers, body = http(endpoint, headers={"Accept": "text/turtle"})
    assert (status, headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")
    sd = Graph().parse(data=body, format="turtle")
    service = URIRef(endpoint)
    assert (service, SD.endpoint, service) in sd
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in sd
    dataset = sd.value(service, SD.defaultDataset)
    assert sd.value(sd.value(dataset, SD.defaultGraph), VOID.triples) == Literal(len(graph))


def test_page_is_offline(endpoint: str) -> None:
    base = endpoint.rsplit("/", 1)[0]
    status, headers, body = http(base + "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert '<script src="/medkg-sparql.js">' in page and '<link rel="stylesheet" href="/medkg-sparql.css">' in page
    assert "src=\"http" not in page and "href=\"http" not in page and "@import" not in page
    for asset in ("/medkg-sparql.js", "/medkg-sparql.css"):
        status, _, text = http(base + asset)
        assert status == 200 and b"http://" not in text and b"https://" not in text
    assert http(endpoint, headers={"Accept": "text/html"})[1]["Content-Type"] == "text/html; charset=utf-8"


def test_page_data_cannot_close_its_script() -> None:
    text = _json_for_html({"q": "</script><script>alert(1)</script> <!-- & "})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"q": "</script><script>alert(1)</script> <!-- & "}


# ---------------------------------------------------------------- a runaway query


@pytest.mark.slow
def test_runaway_query_is_stopped_while_others_answer(endpoint: str) -> None:
    slow: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        slow["reply"] = get(endpoint, RUNAWAY)
        slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)  # the runaway now holds one worker
    answers = []
    while thread.is_alive() and len(answers) < 40:
        started = time.monotonic()
        result = wrapper(endpoint, DEVICES, JSON, method=POST).query().convert()
        answers.append((time.monotonic() - started, result["results"]["bindings"][0]["s"]["value"]))  # type: ignore[index]
    thread.join()
    status, headers, body = slow["reply"]  # type: ignore[misc]
    assert status == 503 and b"stopped after the time limit of 2 s" in body
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert 1.9 < slow["seconds"] < 6  # type: ignore[operator]
    assert len(answers) >= 5, "fast queries kept being answered while the runaway ran"
    assert all(value == PUMP and seconds < 1.5 for seconds, value in answers)
    # the killed worker was replaced: another runaway is stopped too, and the server lives on
    assert get(endpoint, RUNAWAY)[0] == 503
    assert get(endpoint, DEVICES)[0] == 200


# ---------------------------------------------------------------- the query page in a real browser

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
XSS = '<img src=x onerror="window.pwned = 1">'


@pytest.mark.browser
def test_page_runs_queries_and_shows_answers_as_text(endpoint: str) -> None:
    import os
    import shutil

    from playwright.sync_api import expect, sync_playwright

    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        message = "Debian's chromium package is needed for this test (apt-get install chromium)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    base = endpoint.rsplit("/", 1)[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requested: list[str] = []
            problems: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.goto(base + "/")
            page.select_option("#named", "next-step")
            assert "VALUES (?treatment) { (<https://w3id.org/medkg/entity/baclofen>) }" in page.input_value("#query")
            page.click("button[type=submit]")
            expect(page.locator("#status")).to_have_text(re.compile(r"^2 rows in "))
            cells = page.locator("#output tbody tr").evaluate_all(
                "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
            assert [row[:2] for row in cells] == [["mk:baclofen", "mk:baclofen_pump"],
                                                  ["mk:baclofen", "mk:botulinum_toxin_injection"]]
            page.fill("#query", f'SELECT ?x WHERE {{ BIND("{XSS.replace(chr(34), chr(92) + chr(34))}" AS ?x) }}')
            page.click("button[type=submit]")
            expect(page.locator("#status")).to_have_text(re.compile(r"^1 row in "))
            assert page.text_content("#output td") == XSS
            assert page.locator("#output img").count() == 0 and page.evaluate("window.pwned") is None
            page.fill("#query", "SELECT ?x WHERE { ?x }")
            page.click("button[type=submit]")
            expect(page.locator("#status")).to_have_class("error")
            expect(page.locator("#status")).to_contain_text("HTTP 400: query:1:")
            assert all(url.startswith(base + "/") for url in requested), requested
            assert not [p for p in problems if "400" not in p], problems
        finally:
            browser.close()
