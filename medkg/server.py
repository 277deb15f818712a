"""``medkg serve``: a read-only SPARQL 1.1 Protocol endpoint over the graph.

``/sparql`` answers queries by GET (``?query=``) and POST (an HTML form or
``application/sparql-query``), in the result format the ``Accept`` header (or ``?format=``) asks
for. Updates, Graph Store writes and federated ``SERVICE`` calls are refused. A GET without a query
returns the SPARQL service description (Turtle), or the query page for a browser; ``/`` is that
page. Every response, errors included, carries CORS headers so browser clients such as YASGUI
work from any origin.

Queries run in worker processes (``medkg.workers``) under a time limit and a row limit; the HTTP
side is the standard library's threading server, bound to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import sys
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .queries import QueryError, has_keyword, library, with_values
from .server_page import CSP, CSS, SCRIPT, page
from .workers import Job, Pool, Reply, text_reply

CORS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type, Accept"),
    ("Access-Control-Expose-Headers", "X-SPARQL-MaxRows"),
    ("Access-Control-Max-Age", "86400"),
)

#: W3C format IRIs for the service description, by our format name.
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
               "rdfxml": "RDF_XML"}


class Endpoint(ThreadingHTTPServer):
    """The HTTP server: the pool of query workers and the limits."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: Pool, *, triples: int, max_rows: int,
                 max_body: int, log: bool = True) -> None:
        super().__init__(address, Handler)
        self.pool = pool
        self.max_rows = max_rows
        self.max_body = max_body
        self.triples = triples
        self.log = log
        host, port = str(self.server_address[0]), self.server_address[1]
        self.base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
        self.endpoint = self.base + "/sparql"
        self.html = page(endpoint=self.endpoint, queries=_examples(), prefixes=_prefixes(),
                         triples=triples, timeout=pool.timeout, max_rows=max_rows)

    def service_description(self) -> bytes:
        formats = ",\n        ".join(f"<http://www.w3.org/ns/formats/{iri}>" for iri in FORMAT_IRIS.values())
        return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{self.endpoint}> a sd:Service ;
    dcterms:title "medkg SPARQL endpoint (read-only)"@en ;
    sd:endpoint <{self.endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ; void:triples {self.triples} ]
    ] .
""".encode()


def _examples() -> list[dict[str, str]]:
    """The named queries with their default values bound, for the page's picker."""
    found = []
    for name, query in library().items():
        try:
            text = with_values(query.text, query.bindings())
        except QueryError:
            continue
        found.append({"name": name, "title": query.title, "text": text})
    return found


def _prefixes() -> dict[str, str]:
    from .vocab import PREFIXES

    return {name: str(ns) for name, ns in PREFIXES.items()}


class Handler(BaseHTTPRequestHandler):
    """One request. Every response goes through ``end_headers``, which adds the CORS headers."""

    server: Endpoint
    protocol_version = "HTTP/1.1"
    server_version = "medkg"
    timeout = 60  # seconds a connection may stay idle or trickle its request, so threads are not held

    def end_headers(self) -> None:
        for name, value in CORS:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        if self.server.log:
            sys.stderr.write(f"medkg: {self.address_string()} {format % args}\n")

    def reply(self, reply: Reply, *, extra: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in reply.headers + extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    # ------------------------------------------------------------ methods

    def do_OPTIONS(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/", "/index.html"):
            return self.reply(Reply(200, "text/html; charset=utf-8", self.server.html),
                              extra=(("Content-Security-Policy", CSP),))
        if url.path == "/medkg-sparql.js":
            return self.reply(Reply(200, "text/javascript; charset=utf-8", SCRIPT.encode()))
        if url.path == "/medkg-sparql.css":
            return self.reply(Reply(200, "text/css; charset=utf-8", CSS.encode()))
        if url.path == "/favicon.ico":  # browsers ask; an empty answer keeps their console clean
            return self.reply(Reply(204, "image/x-icon", b""))
        if url.path != "/sparql":
            return self.reply(text_reply(404, f"not found: {url.path} (the endpoint is /sparql)"))
        if "update" in params:
            return self.refuse_update()
        if "query" not in params:
            if "text/html" in self.headers.get("Accept", "") and "text/turtle" not in self.headers.get("Accept", ""):
                return self.reply(Reply(200, "text/html; charset=utf-8", self.server.html),
                                  extra=(("Content-Security-Policy", CSP),))
            return self.reply(Reply(200, "text/turtle; charset=utf-8", self.server.service_description()))
        self.run(params)

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self.reply(text_reply(404, f"not found: {url.path} (the endpoint is /sparql)"))
        body = self.read_body()
        if body is None:
            return
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return self.refuse_update()
        if kind == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif kind == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if "update" in form:
                return self.refuse_update()
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        else:
            return self.reply(text_reply(415, "send the query as application/sparql-query or as an "
                                              "application/x-www-form-urlencoded form with a query field"))
        if "query" not in params:
            return self.reply(text_reply(400, "no query: the form needs a query field"))
        self.run(params)

    def refuse(self) -> None:
        self.close_connection = True  # the body, if any, stays unread
        self.reply(text_reply(403, "this endpoint is read-only: updates and graph store writes are refused"))

    do_PUT = do_DELETE = do_PATCH = refuse

    def refuse_update(self) -> None:
        self.reply(text_reply(403, "this endpoint is read-only: SPARQL updates are refused"))

    # ------------------------------------------------------------ helpers

    def read_body(self) -> bytes | None:
        """The request body, or None after answering 411/413 when it is missing or too large."""
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.reply(text_reply(411, "a POST needs a Content-Length"))
            return None
        if length > self.server.max_body:
            self.close_connection = True
            self.reply(text_reply(413, f"the request body is larger than {self.server.max_body} bytes"))
            return None
        return self.rfile.read(length)

    def run(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query", [])
        if len(queries) != 1:
            return self.reply(text_reply(400, "give exactly one query"))
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self.reply(text_reply(400, "this endpoint serves one default graph: leave out "
                                              "default-graph-uri and named-graph-uri"))
        text = queries[0]
        if has_keyword(text, "SERVICE"):
            return self.reply(text_reply(400, "federated queries (SERVICE) are not allowed on this endpoint"))
        fmt = (params.get("format") or params.get("output") or [""])[0] or None
        job = Job(text, accept=self.headers.get("Accept", "*/*"), format=fmt, max_rows=self.server.max_rows)
        self.reply(self.server.pool.run(job))


def serve(data: Path, *, host: str = "127.0.0.1", port: int = 7070, timeout: float = 10.0, max_rows: int = 10_000,
          workers: int = 2, max_body: int = 1_000_000, log: bool = True,
          ready: Callable[[Endpoint], None] = lambda _: None) -> None:
    """Serve the RDF file until interrupted; ``ready`` is called once the endpoint listens."""
    import json
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():  # stop cleanly on SIGTERM too
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    pool = Pool(data, size=workers, timeout=timeout)
    try:
        counted = pool.run(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", format="json"))
        triples = int(json.loads(counted.body)["results"]["bindings"][0]["n"]["value"])
        with Endpoint((host, port), pool, triples=triples, max_rows=max_rows, max_body=max_body, log=log) as server:
            ready(server)
            server.serve_forever()
    finally:
        pool.close()
