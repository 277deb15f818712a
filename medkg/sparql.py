"""Run SPARQL on the graph: the default graph as a pyoxigraph store, engines, and their results.

pyoxigraph is the query engine: on the default graph it answers each named query 25-115x faster
than rdflib's engine, on a million triples 18x to over 6,000x (``benchmarks/queries.py``). rdflib
stays the API that builds the graph. The default graph is built
from the curated sources once and kept as N-Triples in a cache folder, keyed by a hash of the
sources, the schema and medkg's code, so ``medkg query`` needs neither rdflib nor the source
reader after the first run.

Every engine answers ``query(text, bindings, where=..., max_rows=...)`` with a ``Result`` whose
terms are pyoxigraph terms, so results can be compared across engines and formatted one way.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .queries import QueryError, SparqlSyntaxError, with_values

if TYPE_CHECKING:
    from pyoxigraph import Store, Triple
    from rdflib import Graph

    from .queries import Term

ROOT = Path(__file__).resolve().parent.parent

#: RDF file formats by file extension, as pyoxigraph names them.
RDF_EXTENSIONS = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".jsonld": "JSON_LD", ".json": "JSON_LD",
                  ".rdf": "RDF_XML", ".owl": "RDF_XML", ".xml": "RDF_XML", ".nq": "N_QUADS", ".trig": "TRIG"}


@dataclass
class Result:
    """The answer to a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    form: str  # "SELECT", "ASK" or "GRAPH"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool = False
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False  # more rows or triples than max_rows


class Engine(Protocol):
    """Something that answers SPARQL queries: a local store or a remote endpoint."""

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, *, where: str = "query",
              max_rows: int | None = None) -> Result: ...


# ---------------------------------------------------------------- the graph as a file


def cache_dir() -> Path:
    """``$MEDKG_CACHE``, else ``$XDG_CACHE_HOME/medkg``, else ``~/.cache/medkg``."""
    if os.environ.get("MEDKG_CACHE"):
        return Path(os.environ["MEDKG_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "medkg"


def _inputs_key(sources_dir: Path, ontology_dir: Path) -> str:
    digest = hashlib.sha256()
    package = Path(__file__).parent  # any change to medkg's code may change the graph: rebuild
    code = sorted(package.glob("*.py")) + sorted(package.glob("*.json"))
    files = sorted(sources_dir.glob("*.y*ml")) + [ontology_dir / "medkg.ttl"] + code
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()[:24]


def default_graph_file(sources_dir: Path = ROOT / "sources", ontology_dir: Path = ROOT / "ontology") -> Path:
    """The graph of the sources as N-Triples: from the cache, or built now and cached.

    The sources are validated as by ``medkg build`` except for the SHACL check (slow, and
    ``medkg build`` / ``medkg validate`` run it); when the cache folder is not writable the
    graph goes to a temporary file.
    """
    path = cache_dir() / f"graph-{_inputs_key(sources_dir, ontology_dir)}.nt"
    if path.is_file():
        return path
    from .build import make_graph

    _, graph = make_graph(sources_dir, ontology_dir, shacl=False)
    data = graph.serialize(format="nt", encoding="utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, data)
    except OSError:
        handle, name = tempfile.mkstemp(prefix="medkg-graph-", suffix=".nt")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        path = Path(name)
    return path


def _write_atomic(path: Path, data: bytes) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(name, path)


def open_store(path: Path) -> Store:
    """An in-memory pyoxigraph store holding the RDF file (format from its extension)."""
    import pyoxigraph

    name = RDF_EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise QueryError(f"{path}: unknown RDF file type (use one of {', '.join(sorted(RDF_EXTENSIONS))})")
    store = pyoxigraph.Store()
    try:
        store.bulk_load(path=str(path), format=getattr(pyoxigraph.RdfFormat, name))
    except (SyntaxError, ValueError) as exc:
        raise QueryError(f"{path}: cannot read: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return store


def store_from_graph(graph: Graph) -> Store:
    """A pyoxigraph store with the triples of an rdflib graph (through N-Triples)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


# ---------------------------------------------------------------- engines


def syntax_error(message: str, where: str, text: str = "") -> SparqlSyntaxError | None:
    """Oxigraph's ``error at 3:2: expected OPTIONAL`` as a ``SparqlSyntaxError`` (None if it is not one)."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not match:
        return None
    line, column, what = match.groups()
    first = what.splitlines()[0]
    if first.startswith("expected one of "):  # drop the character classes the lexer lists
        items = [i for i in first[len("expected one of "):].split(", ") if i and not i.startswith(("[", "'"))]
        first = "expected one of " + ", ".join(items) if items else "unexpected character"
    if "Prefix not found" in first:
        first = "undeclared prefix (add a PREFIX line for it)"
    return SparqlSyntaxError(where, int(line), int(column), first, text)


class OxigraphEngine:
    """Queries on an in-memory pyoxigraph store.

    Parameters are bound as ``VALUES`` blocks of RDF terms (``bind="values"``, exactly as for a
    remote endpoint, see ``medkg.sparqltext``), or with pyoxigraph's SEP-0007 ``substitutions``
    (``bind="substitutions"``). Both take terms that pyoxigraph built and checked, never text.
    VALUES is the default: on a million triples it answers the selective named queries in 1-2 ms
    where substitutions take 60-150 ms (``untreated``: 30 s), and it does not require the bound
    variables to be selected. The contract tests check that both give the same answers.
    """

    def __init__(self, store: Store, *, bind: str = "values") -> None:
        if bind not in ("values", "substitutions"):
            raise ValueError(f"bind must be 'values' or 'substitutions', not {bind!r}")
        self.store = store
        self.bind = bind

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, *, where: str = "query",
              max_rows: int | None = None) -> Result:
        import pyoxigraph

        substitutions: dict[Any, Any] = {}
        if bindings and self.bind == "values":
            text = with_values(text, bindings)
        elif bindings:
            substitutions = {pyoxigraph.Variable(name): term for name, term in bindings.items()}
        try:
            answer = self.store.query(text, substitutions=substitutions or None)
        except SyntaxError as exc:
            raise syntax_error(str(exc), where, text) or QueryError(f"{where}: {exc}") from exc
        except RuntimeError as exc:  # e.g. a bound variable that is not selected
            raise QueryError(f"{where}: {exc} (a parameter must be one of the selected variables)") from exc
        return from_oxigraph(answer, max_rows)


def from_oxigraph(answer: Any, max_rows: int | None = None) -> Result:
    """A ``Result`` from what ``Store.query`` or ``parse_query_results`` returned."""
    import pyoxigraph

    if isinstance(answer, pyoxigraph.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, pyoxigraph.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows, truncated = _take((tuple(s[n] for n in names) for s in answer), max_rows)
        return Result("SELECT", variables=names, rows=rows, truncated=truncated)
    triples, truncated = _take(iter(answer), max_rows)
    return Result("GRAPH", triples=triples, truncated=truncated)


def _take(items: Iterable[Any], limit: int | None) -> tuple[list[Any], bool]:
    out: list[Any] = []
    for item in items:
        if limit is not None and len(out) >= limit:
            return out, True
        out.append(item)
    return out, False


class RdflibEngine:
    """Queries with rdflib's own SPARQL engine; parameters bound with ``initBindings``.

    Kept to compare engines (``--engine rdflib``, the benchmark and the contract tests). A graph
    held by another store (the build's is pyoxigraph's, through oxrdflib, which would answer the
    query itself) is copied into rdflib's memory store first.
    """

    def __init__(self, graph: Graph) -> None:
        from rdflib import Graph
        from rdflib.plugins.stores.memory import Memory

        if not isinstance(graph.store, Memory):
            plain = Graph()
            for triple in graph:
                plain.add(triple)
            graph = plain
        self.graph = graph

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, *, where: str = "query",
              max_rows: int | None = None) -> Result:
        import pyoxigraph
        from pyparsing import ParseException
        from rdflib.util import from_n3

        init: dict[str, Any] = {name: from_n3(str(term)) for name, term in (bindings or {}).items()}
        try:
            answer = self.graph.query(text, initBindings=init)
        except ParseException as exc:
            raise SparqlSyntaxError(where, exc.lineno, exc.col, exc.msg, text) from exc
        if answer.type == "ASK":
            return Result("ASK", boolean=bool(answer.askAnswer))
        to_ox = _rdflib_to_oxigraph(pyoxigraph)
        items: Iterable[Any] = answer
        if answer.type == "SELECT":
            names = [str(v) for v in answer.vars or []]
            rows, truncated = _take((tuple(to_ox(row[i]) for i in range(len(names))) for row in items), max_rows)
            return Result("SELECT", variables=names, rows=rows, truncated=truncated)
        triples, truncated = _take((pyoxigraph.Triple(*(to_ox(t) for t in triple)) for triple in items), max_rows)
        return Result("GRAPH", triples=triples, truncated=truncated)


def _rdflib_to_oxigraph(ox: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    def convert(term: Any) -> Any:
        if term is None:
            return None
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(re.sub(r"[^A-Za-z0-9]", "", str(term)) or None)
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
        raise TypeError(f"unexpected term {term!r}")

    return convert


def local_engine(data: Path | None = None, *, sources_dir: Path = ROOT / "sources",
                 ontology_dir: Path = ROOT / "ontology", engine: str = "oxigraph") -> Engine:
    """An engine over an RDF file, or over the default graph of the sources."""
    path = data if data is not None else default_graph_file(sources_dir, ontology_dir)
    if engine == "rdflib":
        from rdflib import Graph

        graph = Graph()
        graph.parse(path, format="nt" if path.suffix == ".nt" else None)
        return RdflibEngine(graph)
    return OxigraphEngine(open_store(path))
