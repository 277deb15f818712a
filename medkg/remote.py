"""Remote triple stores: load the graph with the SPARQL 1.1 Graph Store Protocol, query over HTTP.

Any server speaking the two W3C protocols works: Oxigraph (``/store`` and ``/query``), Apache
Jena Fuseki (``/<dataset>/data`` and ``/<dataset>/sparql``), Virtuoso and GraphDB. Only the
standard library talks HTTP here.

    RemoteError(MedkgError, RuntimeError)   the endpoint could not be reached or refused

A remote endpoint cannot take bindings next to the query, so parameters travel as a ``VALUES``
block of escaped RDF terms at the start of the WHERE clause (``medkg.queries.with_values``).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MedkgError
from .queries import with_values
from .sparql import Result, from_oxigraph, syntax_error

if TYPE_CHECKING:
    from .queries import Term

#: Media types of the RDF files ``push`` sends, by extension.
UPLOAD_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle", ".jsonld": "application/ld+json",
                ".rdf": "application/rdf+xml", ".owl": "application/rdf+xml"}

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


class RemoteError(MedkgError, RuntimeError):
    """The endpoint could not be reached, or answered with an error."""


def _with_params(url: str, params: list[tuple[str, str | None]]) -> str:
    """``url`` with query parameters added; a ``None`` value gives a bare name (GSP's ``?default``)."""
    if not params:
        return url
    parts = [urllib.parse.quote(k) if v is None else urllib.parse.urlencode({k: v}) for k, v in params]
    return f"{url}{'&' if '?' in url else '?'}{'&'.join(parts)}"


def _send(request: urllib.request.Request, timeout: float) -> tuple[str, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the user's URL)
            return response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip()
        raise RemoteError(f"{request.full_url}: HTTP {exc.code} {exc.reason}: {body[:2000]}") from exc
    except urllib.error.URLError as exc:
        raise RemoteError(f"cannot reach {request.full_url}: {exc.reason}") from exc
    except TimeoutError as exc:
        raise RemoteError(f"{request.full_url}: no answer within {timeout:g} s") from exc


def push(endpoint: str, path: Path, *, graph: str | None = None, append: bool = False,
         timeout: float = 300.0) -> None:
    """Upload an RDF file to a Graph Store Protocol endpoint: PUT replaces the graph, POST adds to it.

    ``graph`` names the target graph (``?graph=IRI``); without it the default graph (``?default``).
    """
    content_type = UPLOAD_TYPES.get(path.suffix.lower())
    if content_type is None:
        raise RemoteError(f"{path}: cannot upload this file type (use one of {', '.join(UPLOAD_TYPES)})")
    url = _with_params(endpoint, [("graph", graph)] if graph else [("default", None)])
    request = urllib.request.Request(url, data=path.read_bytes(), method="POST" if append else "PUT",
                                     headers={"Content-Type": content_type})
    _send(request, timeout)


class RemoteEngine:
    """Queries sent to a SPARQL 1.1 Protocol endpoint, answers parsed into a ``Result``."""

    def __init__(self, endpoint: str, *, graph: str | None = None, timeout: float = 60.0) -> None:
        self.endpoint = endpoint
        self.graph = graph
        self.timeout = timeout

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, *, where: str = "query",
              max_rows: int | None = None) -> Result:
        import pyoxigraph

        body = with_values(text, bindings) if bindings else text
        url = _with_params(self.endpoint, [("default-graph-uri", self.graph)] if self.graph else [])
        request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={
            "Content-Type": "application/sparql-query; charset=utf-8", "Accept": ACCEPT})
        try:
            content_type, data = _send(request, self.timeout)
        except RemoteError as exc:
            raise syntax_error(_oxigraph_message(str(exc)), where, body) or exc from exc
        kind = content_type.split(";")[0].strip().lower()
        if kind in ("application/sparql-results+json", "application/json"):
            answer = pyoxigraph.parse_query_results(data, pyoxigraph.QueryResultsFormat.JSON)
            return from_oxigraph(answer, max_rows)
        if kind in ("application/n-triples", "text/plain"):
            quads = pyoxigraph.parse(data, pyoxigraph.RdfFormat.N_TRIPLES)
            return from_oxigraph((pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads), max_rows)
        raise RemoteError(f"{self.endpoint}: unexpected answer of type {content_type!r}")


def _oxigraph_message(text: str) -> str:
    """Oxigraph's ``error at L:C: ...`` inside our HTTP error text, if it is there."""
    at = text.find("error at ")
    return text[at:] if at >= 0 else ""
