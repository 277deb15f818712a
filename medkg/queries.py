"""Named SPARQL queries: the ``queries/*.rq`` files, their comment headers and their parameters.

A named query opens with a comment header; comment lines indented by two more spaces continue
the field above::

    # title: Treatments for a condition
    # description: What treats the condition, with the line of therapy
    #   and when the source says the treatment applies.
    # param: ?condition entity = spasticity -- the condition to treat

A parameter has a kind (a key of ``KINDS``) that says how a value typed by a user becomes an RDF
term, an optional default (without one the variable stays free) and a description. Values become
RDF terms that pyoxigraph builds and checks, never text pasted into the query: ``with_values``
joins them as ``VALUES`` blocks (``medkg.sparqltext``), locally and for a remote endpoint.

    QueryError(MedkgError, ValueError)        a query or a parameter value is wrong
    └── SparqlSyntaxError(QueryError)         the text is not SPARQL; carries line and column
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import sparqltext
from .errors import MedkgError

if TYPE_CHECKING:
    from pyoxigraph import BlankNode, Literal, NamedNode

    Term = NamedNode | BlankNode | Literal

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"

ENTITY_NS = "https://w3id.org/medkg/entity/"
VOCAB_NS = "https://w3id.org/medkg/vocab/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


class QueryError(MedkgError, ValueError):
    """A query, or a value given for one of its parameters, is wrong."""


class SparqlSyntaxError(QueryError):
    """The query text is not valid SPARQL: ``where:line:column: message``."""

    def __init__(self, where: str, line: int, column: int, message: str, text: str = "") -> None:
        lines = text.splitlines()
        shown = ""
        if 0 < line <= len(lines):  # the line, and a caret under the column
            source = lines[line - 1].expandtabs(1)
            shown = f"\n  {source}\n  {' ' * min(max(column - 1, 0), len(source))}^"
        super().__init__(f"{where}:{line}:{column}: SPARQL syntax error: {message}{shown}")
        self.where, self.line, self.column, self.message = where, line, column, message


@dataclass(frozen=True)
class Param:
    """A parameter a named query declares in its header."""

    name: str
    kind: str
    default: str | None
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its title, description and parameters."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    where: str  # the file it came from, or "query" for text given on the command line

    def bindings(self, values: Mapping[str, str] | None = None) -> dict[str, Term]:
        """The RDF term of every parameter: from ``values``, else the default; free when neither."""
        values = dict(values or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise QueryError(f"{self.where}: unknown parameter {', '.join(unknown)} (this query's parameters: {names})")
        bound: dict[str, Term] = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is not None:
                try:
                    bound[param.name] = KINDS[param.kind](value)
                except ValueError as exc:
                    raise QueryError(f"{self.where}: parameter {param.name}={value!r} is not a valid "
                                     f"{param.kind}: {exc}") from exc
        return bound

    @property
    def prefixes(self) -> dict[str, str]:
        """The ``PREFIX`` declarations of the query, name to namespace."""
        return declared_prefixes(self.text)


# ---------------------------------------------------------------- parameter values


def _iri(value: str, *, bare: str | None = None) -> NamedNode:
    """A full IRI (``<...>`` optional), a CURIE with a medkg prefix, or a bare name in ``bare``."""
    from pyoxigraph import NamedNode

    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in _CURIE_PREFIXES and not local.startswith("//"):
        text = _CURIE_PREFIXES[prefix] + local
    elif not colon and bare is not None:
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", text):
            raise ValueError("an id has only letters, digits, '_', '-' and '.'")
        text = bare + text
    return NamedNode(text)  # raises ValueError for anything that is not an absolute IRI


_CURIE_PREFIXES = {"mk": ENTITY_NS, "medkg": VOCAB_NS, "mksrc": "https://w3id.org/medkg/source/"}


def _string(value: str) -> Literal:
    from pyoxigraph import Literal

    return Literal(value)


def _typed(datatype: str, pattern: str, normalise: Callable[[str], str]) -> Callable[[str], Literal]:
    def parse(value: str) -> Literal:
        from pyoxigraph import Literal, NamedNode

        if not re.fullmatch(pattern, value.strip()):
            raise ValueError(f"expected {datatype}")
        return Literal(normalise(value.strip()), datatype=NamedNode(XSD_NS + datatype))

    return parse


#: Parameter kinds: how the text a user types becomes an RDF term.
KINDS: dict[str, Callable[[str], Term]] = {
    "entity": lambda v: _iri(v, bare=ENTITY_NS),  # baclofen, mk:baclofen or a full IRI
    "property": lambda v: _iri(v, bare=VOCAB_NS),  # treats, medkg:treats or a full IRI
    "iri": _iri,  # a full IRI or a CURIE with a medkg prefix
    "string": _string,  # any text, as an xsd:string literal
    "integer": _typed("integer", r"[+-]?\d+", lambda v: str(int(v))),
    "boolean": _typed("boolean", r"(?i)true|false|yes|no|1|0",
                      lambda v: "true" if v.lower() in ("true", "yes", "1") else "false"),
}


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["name=value", ...]`` from ``-p`` options as a dict (a value may contain ``=``)."""
    values: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not eq or not name:
            raise QueryError(f"parameter {item!r} must look like name=value")
        values[name] = value
    return values


# ---------------------------------------------------------------- reading queries

_FIELD = re.compile(r"#\s?(title|description|param):\s*(.*)")
_CONTINUATION = re.compile(r"#\s{3,}(\S.*)")
_PARAM = re.compile(r"[?$](\w+)\s+(\w+)(?:\s*=\s*(.*?))?\s+--\s+(.+)")


def parse(text: str, *, name: str, where: str) -> NamedQuery:
    """A query and its header; raise ``QueryError`` when the header is malformed."""
    fields: dict[str, str] = {}
    params: list[tuple[int, str]] = []  # (line number, text) of each param, continuations joined
    current = ""  # the field the next continuation line extends
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        field = _FIELD.match(stripped)
        continued = _CONTINUATION.match(line.rstrip())
        if field:
            current, value = field.groups()
            if current == "param":
                params.append((number, value))
            else:
                fields[current] = value
        elif continued and current == "param":
            params[-1] = (params[-1][0], f"{params[-1][1]} {continued.group(1)}")
        elif continued and current:
            fields[current] += " " + continued.group(1)
        else:
            current = ""
    declared = []
    for number, raw in params:
        match = _PARAM.fullmatch(raw.strip())
        if not match:
            raise QueryError(f"{where}:{number}: cannot read parameter {raw!r} "
                             "(write: # param: ?name kind = default -- description)")
        pname, kind, default, description = match.groups()
        if kind not in KINDS:
            raise QueryError(f"{where}:{number}: parameter {pname} has unknown kind {kind!r} "
                             f"(choose from {', '.join(KINDS)})")
        if pname not in sparqltext.variables(text):
            raise QueryError(f"{where}:{number}: parameter {pname} is not used in the query")
        declared.append(Param(pname, kind, default, description))
    query = NamedQuery(name, fields.get("title", name), fields.get("description", ""), tuple(declared), text, where)
    for param in declared:  # check the defaults once, when the file is read
        if param.default is not None:
            query.bindings({param.name: param.default})
    return query


def load(path: Path) -> NamedQuery:
    return parse(path.read_text(encoding="utf-8"), name=path.stem, where=_display(path))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def library(folder: Path = QUERIES) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file in the folder, by name (the file name without ``.rq``), sorted."""
    return {path.stem: load(path) for path in sorted(folder.glob("*.rq"))}


def resolve(spec: str, folder: Path = QUERIES) -> NamedQuery:
    """A named query, a ``.rq``/``.sparql`` file, or SPARQL text typed on the command line."""
    if re.fullmatch(r"[\w.-]+", spec) and (folder / f"{spec}.rq").is_file():
        return load(folder / f"{spec}.rq")
    path = Path(spec)
    if not any(c in spec for c in "{}\n") and path.suffix in (".rq", ".sparql", ".txt") and path.is_file():
        return load(path)
    if "{" in spec or re.match(r"\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", spec, re.I):
        return parse(spec, name="query", where="query")
    names = [p.stem for p in sorted(folder.glob("*.rq"))]
    close = difflib.get_close_matches(spec, names, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "`medkg queries` lists the named queries"
    raise QueryError(f"no named query or query file {spec!r} ({hint})")


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with each binding as a ``VALUES`` block of RDF terms (see ``medkg.sparqltext``)."""
    try:
        return sparqltext.with_values(text, {name: str(term) for name, term in bindings.items()})
    except ValueError as exc:
        raise QueryError(str(exc)) from exc


declared_prefixes = sparqltext.declared_prefixes
has_keyword = sparqltext.has_keyword
