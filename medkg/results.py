"""Query results as text: a readable table, the four SPARQL 1.1 result formats and RDF.

``FORMATS`` maps a format name (the CLI's ``--format`` choices) to its media types and writer.
SELECT/ASK results are written as SPARQL JSON here and converted by pyoxigraph's serializers to
XML, CSV and TSV, so those follow the W3C specifications exactly. CONSTRUCT/DESCRIBE results are
sorted and their blank nodes renamed by content, so the same query always prints the same bytes;
Turtle uses the prefixes the query declares, JSON-LD the @context of the JSON-LD export.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .queries import QueryError

if TYPE_CHECKING:
    from pyoxigraph import Triple

    from .queries import Term
    from .sparql import Result

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TABULAR = frozenset({"SELECT", "ASK"})
GRAPH = frozenset({"GRAPH"})


@dataclass(frozen=True)
class Format:
    """How one output format is named in HTTP and written."""

    media_types: tuple[str, ...]  # the first is what we send
    forms: frozenset[str]
    write: Callable[[Result, Mapping[str, str]], bytes]
    description: str

    @property
    def content_type(self) -> str:
        kind = self.media_types[0]
        return kind if "json" in kind or "xml" in kind or "n-triples" in kind else f"{kind}; charset=utf-8"


# ---------------------------------------------------------------- SELECT / ASK


def _json_term(term: Term) -> dict[str, str]:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def write_json(result: Result, prefixes: Mapping[str, str] | None = None) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    data: dict[str, Any]
    if result.form == "ASK":
        data = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [{name: _json_term(term) for name, term in zip(result.variables, row, strict=True)
                     if term is not None} for row in result.rows]
        data = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _via_oxigraph(name: str) -> Callable[[Result, Mapping[str, str]], bytes]:
    def write(result: Result, prefixes: Mapping[str, str]) -> bytes:
        import pyoxigraph

        parsed = pyoxigraph.parse_query_results(write_json(result), pyoxigraph.QueryResultsFormat.JSON)
        format_ = getattr(pyoxigraph.QueryResultsFormat, name)
        if isinstance(parsed, pyoxigraph.QueryBoolean) and name in ("CSV", "TSV"):
            return b"true\n" if result.boolean else b"false\n"  # the CSV/TSV note has no boolean form
        data = bytes(parsed.serialize(format=format_) or b"")
        return data if data.endswith(b"\n") else data + b"\n"

    return write


def short(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """A term as a person reads it: a CURIE when a prefix fits, a literal's text, ``_:id``."""
    import pyoxigraph

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        for prefix, namespace in prefixes.items():
            local = term.value[len(namespace):]
            if term.value.startswith(namespace) and local and all(c.isalnum() or c in "_-." for c in local):
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return " ".join(term.value.split())


def write_table(result: Result, prefixes: Mapping[str, str], width: int | None = None) -> bytes:
    """Aligned columns; one block per row (``-[ 1 ]-``) when that is too wide for the terminal.

    IRIs are shortened with the prefixes the query declares, as the reader wrote them.
    """
    if result.form == "ASK":
        return b"true\n" if result.boolean else b"false\n"
    width = width or shutil.get_terminal_size((120, 24)).columns
    cells = [[short(term, prefixes) for term in row] for row in result.rows]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(result.variables)]
    count = f"({len(cells)} row{'s' if len(cells) != 1 else ''}{', truncated' if result.truncated else ''})"
    lines: list[str] = []
    if sum(widths) + 2 * (len(widths) - 1) <= width:
        lines.append("  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    else:
        key = max(len(v) for v in result.variables)
        for number, row in enumerate(cells, 1):
            lines.append(f"-[ {number} ]".ljust(min(width, 40), "-"))
            lines += [f"{v.ljust(key)} | {c}".rstrip() for v, c in zip(result.variables, row, strict=True)]
    lines.append(count)
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- CONSTRUCT / DESCRIBE


def canonical_triples(triples: list[Triple]) -> list[Triple]:
    """The triples sorted, each blank node renamed ``b1``, ``b2``, ... in the order of its content.

    A blank node's content is its triples with other blank nodes masked: enough to tell apart
    the provenance axioms of our graphs, whose blank nodes the store names at random.
    """
    import pyoxigraph

    def masked(term: Any) -> str:
        return "_:" if isinstance(term, pyoxigraph.BlankNode) else str(term)

    content: dict[str, list[str]] = {}
    for t in triples:
        for position, term in enumerate((t.subject, t.object)):
            if isinstance(term, pyoxigraph.BlankNode):
                line = f"{position} {masked(t.subject)} {t.predicate} {masked(t.object)}"
                content.setdefault(term.value, []).append(line)
    order = sorted(content, key=lambda b: (sorted(content[b]), b))
    names = {b: pyoxigraph.BlankNode(f"b{i}") for i, b in enumerate(order, 1)}

    def rename(term: Any) -> Any:
        return names[term.value] if isinstance(term, pyoxigraph.BlankNode) else term

    renamed = {pyoxigraph.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in triples}
    return sorted(renamed, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def write_ntriples(result: Result, prefixes: Mapping[str, str] | None = None) -> bytes:
    return "".join(f"{t} .\n" for t in canonical_triples(result.triples)).encode("utf-8")


def _via_export(name: str) -> Callable[[Result, Mapping[str, str]], bytes]:
    """JSON-LD through the graph export's own writer (the same @context and layout)."""

    def write(result: Result, prefixes: Mapping[str, str]) -> bytes:
        import pyoxigraph
        from rdflib import BNode, Literal, URIRef

        from .exports import dumps
        from .graph import new_graph

        def term(t: Any) -> Any:  # keeps the blank node names canonical_triples chose
            if isinstance(t, pyoxigraph.NamedNode):
                return URIRef(t.value)
            if isinstance(t, pyoxigraph.BlankNode):
                return BNode(t.value)
            plain = t.language or t.datatype.value == XSD_STRING  # rdflib writes xsd:string as a plain literal
            return Literal(t.value, lang=t.language, datatype=None if plain else URIRef(t.datatype.value))

        graph = new_graph()
        for t in canonical_triples(result.triples):
            graph.add((term(t.subject), term(t.predicate), term(t.object)))
        return dumps(graph, name).encode("utf-8")

    return write


def _turtle(result: Result, prefixes: Mapping[str, str]) -> bytes:
    """Turtle by pyoxigraph (fast, no rdflib import), with the prefixes the query declares."""
    import pyoxigraph

    return bytes(pyoxigraph.serialize(canonical_triples(result.triples), format=pyoxigraph.RdfFormat.TURTLE,
                                      prefixes=dict(sorted(prefixes.items()))) or b"")


def _rdfxml(result: Result, prefixes: Mapping[str, str]) -> bytes:
    import pyoxigraph

    return bytes(pyoxigraph.serialize(canonical_triples(result.triples), format=pyoxigraph.RdfFormat.RDF_XML,
                                      prefixes=dict(prefixes)) or b"")


FORMATS: dict[str, Format] = {
    "table": Format(("text/plain",), TABULAR, write_table, "aligned columns for reading"),
    "json": Format(("application/sparql-results+json", "application/json"), TABULAR, write_json,
                   "SPARQL 1.1 results JSON"),
    "xml": Format(("application/sparql-results+xml", "application/xml", "text/xml"), TABULAR,
                  _via_oxigraph("XML"), "SPARQL results XML"),
    "csv": Format(("text/csv",), TABULAR, _via_oxigraph("CSV"), "SPARQL 1.1 results CSV"),
    "tsv": Format(("text/tab-separated-values",), TABULAR, _via_oxigraph("TSV"), "SPARQL 1.1 results TSV"),
    "turtle": Format(("text/turtle", "application/x-turtle"), GRAPH, _turtle, "Turtle"),
    "nt": Format(("application/n-triples", "text/plain"), GRAPH, write_ntriples, "sorted N-Triples"),
    "jsonld": Format(("application/ld+json", "application/json"), GRAPH, _via_export("jsonld"),
                     "JSON-LD with the medkg @context"),
    "rdfxml": Format(("application/rdf+xml",), GRAPH, _rdfxml, "RDF/XML (what SPARQLWrapper asks for by default)"),
}


def default_format(form: str) -> str:
    return "table" if form in TABULAR else "turtle"


def render(result: Result, name: str | None = None, *, prefixes: Mapping[str, str] | None = None) -> bytes:
    """The result in the named format (default: table, or Turtle for a graph)."""
    name = name or default_format(result.form)
    fmt = FORMATS[name]
    if result.form not in fmt.forms:
        fits = [n for n, f in FORMATS.items() if result.form in f.forms]
        kind = "SELECT/ASK" if result.form in TABULAR else "CONSTRUCT/DESCRIBE"
        raise QueryError(f"format {name} does not fit a {kind} result (choose from {', '.join(fits)})")
    return fmt.write(result, prefixes or {})


#: Names clients put in ``?format=`` / ``?output=`` (SPARQLWrapper, Fuseki, Virtuoso), per result kind.
FORMAT_ALIASES = {
    "SELECT": {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "srj": "json", "srx": "xml"},
    "GRAPH": {"xml": "rdfxml", "rdf": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "json": "jsonld",
              "json-ld": "jsonld", "jsonld": "jsonld", "turtle": "turtle", "ttl": "turtle", "n3": "turtle",
              "nt": "nt", "ntriples": "nt", "n-triples": "nt"},
}
FORMAT_ALIASES["ASK"] = FORMAT_ALIASES["SELECT"]


def format_named(name: str, form: str) -> str | None:
    """Our format for a ``?format=`` value and a kind of result; None when the name is unknown."""
    return FORMAT_ALIASES[form].get(name.strip().lower())


def negotiate(accept: str, form: str) -> str | None:
    """The format name for an HTTP ``Accept`` header, or None when nothing acceptable fits.

    Highest q first, then exact media types over wildcards, then the order in the header; a
    wildcard picks JSON for SELECT/ASK and Turtle for a graph.
    """
    names = [n for n in FORMATS if form in FORMATS[n].forms and n != "table"]
    names.sort(key=lambda n: n != ("json" if form in TABULAR else "turtle"))
    candidates: list[tuple[float, int, int, int, str]] = []
    for index, item in enumerate((accept or "*/*").split(",")):
        media, *params = [p.strip().lower() for p in item.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0 or not media:
            continue
        for order, name in enumerate(names):
            types = FORMATS[name].media_types
            if media in types:
                candidates.append((q, 2, -index, -order, name))
            elif media == "*/*" or (media.endswith("/*") and any(t.startswith(media[:-1]) for t in types)):
                candidates.append((q, 0 if media == "*/*" else 1, -index, -order, name))
    return max(candidates)[-1] if candidates else None
