"""The graph as a property graph, and as a networkx ``MultiDiGraph``.

Derived from the one rdflib graph (``medkg.build.make_graph``), never from the sources:
``property_graph`` flattens the RDF into nodes and edges with plain attributes, ``to_networkx``
turns them into a ``networkx.MultiDiGraph``, and the exchange writers (``medkg.exchange``) write
the same records, so every format has the same attributes.

Nodes are the medical entities, keyed by CURIE (``mk:baclofen``). Attributes: ``iri``, ``label``,
``type`` (the most specific medkg class), ``types`` (all its medkg classes, general first),
``type_label``, ``definition``, ``synonyms``, ``brand_names``, ``sources`` (``mksrc:`` CURIEs of
the documents naming it), ``xrefs`` (``oboInOwl:hasDbXref`` CURIEs), ``exact_matches`` /
``close_matches`` / ``broad_matches`` / ``narrow_matches`` / ``related_matches`` (SKOS mappings,
as CURIEs where a prefix is known, else IRIs), one attribute per literal fact
(``may_need_repeating``, ``reserved_for``) with its provenance in ``<name>_sources``,
``<name>_sections``, ``<name>_evidence``, ``<name>_anchors`` and ``<name>_applies_when``, and
``ladder_step_<condition id>`` (an int) for each treatment ladder the entity is on (from the
``medkg:ladderStep`` annotations, see ``medkg.ladder``).

Edges are the entity-to-entity facts, keyed by predicate name (``treats``). Attributes: ``id`` (a
UUID URN fixed by subject, predicate and object), ``predicate`` (``medkg:treats``), ``label``, and
the provenance lists ``sources``, ``sections``, ``evidence``, ``anchors`` and ``applies_when``: one
entry per source stating the fact, in the same order (sorted by source), ``""`` where a source
gives no condition. An attribute without a value is left out.
"""

from __future__ import annotations

import gc
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from .vocab import DEFINITION, ENTITY, MEDKG, ROOT_CLASS, SOURCE, curated_properties

if TYPE_CHECKING:
    import networkx as nx

MATCHES = {
    "exact_matches": SKOS.exactMatch,
    "close_matches": SKOS.closeMatch,
    "broad_matches": SKOS.broadMatch,
    "narrow_matches": SKOS.narrowMatch,
    "related_matches": SKOS.relatedMatch,
}
PROVENANCE_KEYS = ("sources", "sections", "evidence", "anchors", "applies_when")
HAS_DBXREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")
_OBO = re.compile(r"^http://purl\.obolibrary\.org/obo/([A-Za-z][A-Za-z0-9]*)_([A-Za-z0-9]+)$")


# ---------------------------------------------------------------- small readers over the RDF graph


def curie(graph: Graph, iri: Node) -> str:
    """``mk:baclofen`` for medkg IRIs, ``DOID:2377`` for OBO PURLs, else a bound prefix or the IRI."""
    text = str(iri)
    for prefix, namespace in (("mk", ENTITY), ("mksrc", SOURCE), ("medkg", MEDKG)):
        if text.startswith(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)) :]}"
    obo = _OBO.match(text)
    if obo:
        return f"{obo[1]}:{obo[2]}"
    try:
        return graph.namespace_manager.curie(text, generate=False)
    except (KeyError, ValueError):
        return text


def local_id(iri: Node) -> str:
    """The entity id of an ``mk:`` IRI (``baclofen``)."""
    return str(iri)[len(str(ENTITY)) :]


def objects_by_subject(graph: Graph, predicate: URIRef) -> dict[Node, list[Node]]:
    """The objects of ``predicate``, by subject, read in one pass: asking for each subject's
    objects costs a lookup each time, ten times as much on a big graph."""
    table: dict[Node, list[Node]] = {}
    for subject, value in graph.subject_objects(predicate):
        table.setdefault(subject, []).append(value)
    return table


class _Index:
    """The objects of a few predicates, by subject, each predicate read in one pass."""

    def __init__(self, graph: Graph, predicates: list[URIRef]) -> None:
        self.by = {predicate: objects_by_subject(graph, predicate) for predicate in predicates}

    def get(self, subject: Node, predicate: URIRef) -> list[Node]:
        return self.by[predicate].get(subject, [])

    def text(self, subject: Node, predicate: URIRef) -> str:
        """One value as text; the smallest when there are several, so the result never varies."""
        return min((str(v) for v in self.get(subject, predicate)), default="")

    def texts(self, subject: Node, predicate: URIRef) -> list[str]:
        return sorted({str(v) for v in self.get(subject, predicate)}, key=lambda s: (s.casefold(), s))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _ours(node: Node | None) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(MEDKG))


def fact_properties(graph: Graph) -> tuple[list[URIRef], list[URIRef]]:
    """The curated relations and literal-valued properties (``medkg.vocab.curated_properties``)."""
    found = curated_properties(graph)
    return [p for p, is_object in found if is_object], [p for p, is_object in found if not is_object]


def entity_classes(graph: Graph) -> dict[URIRef, list[URIRef]]:
    """Each medkg class below MedicalEntity, with its medkg ancestors, most general first."""

    def depth(cls: URIRef) -> int:
        return len(set(graph.transitive_objects(cls, RDFS.subClassOf)))

    classes: dict[URIRef, list[URIRef]] = {}
    for cls in graph.transitive_subjects(RDFS.subClassOf, ROOT_CLASS):
        if isinstance(cls, URIRef) and _ours(cls) and cls != ROOT_CLASS:
            up = {c for c in graph.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef) and _ours(c)}
            classes[cls] = sorted(up, key=lambda c: (depth(c), str(c)))
    return dict(sorted(classes.items()))


def entities(graph: Graph) -> dict[URIRef, URIRef]:
    """Every medical entity with its most specific medkg class."""
    classes = entity_classes(graph)
    found: dict[URIRef, URIRef] = {}
    for cls, ancestry in classes.items():
        for entity in graph.subjects(RDF.type, cls):
            if not isinstance(entity, URIRef):
                continue
            known = found.get(entity)
            if known is None or known in ancestry:  # keep the deeper class
                found[entity] = cls
    return dict(sorted(found.items()))


# ---------------------------------------------------------------- provenance, read in one query
#
# Asking rdflib about each owl:Axiom (nine lookups, rdflib terms each time) took 16 s on a
# million-triple graph. One SPARQL query on the graph's pyoxigraph store
# (``medkg.fastgraph.as_store``) joins the pattern in Rust; only the answers become Python objects.

_AXIOMS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX medkg: <https://w3id.org/medkg/vocab/>
SELECT ?a ?s ?p ?o ?source ?section ?evidence ?anchor ?when WHERE {
  %s
  ?a owl:annotatedProperty ?p ; a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedTarget ?o .
  OPTIONAL { ?a dcterms:source ?source }
  OPTIONAL { ?a medkg:section ?section }
  OPTIONAL { ?a medkg:evidence ?evidence }
  OPTIONAL { ?a medkg:anchorText ?anchor }
  OPTIONAL { ?a medkg:appliesWhen ?when }
}"""


class Axiom(NamedTuple):
    """One ``owl:Axiom`` annotating a triple. Texts are None when absent; when a part has several
    values, the one with the smallest text is kept, so the result never varies."""

    fact: tuple[Node, Node, Node]
    source: Node | None
    section: str | None
    evidence: str | None
    anchor: str | None
    applies_when: str | None


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic collector paused: reading a big graph makes many objects and no cycles, and with
    the graph's millions of objects alive each collection re-scans them all (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def axioms(graph: Graph, predicate: URIRef | None = None) -> list[Axiom]:
    """Every ``owl:Axiom`` with an annotated source, property and target (that property only, when
    given), in the store's order."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from .fastgraph import MedkgStore

    if isinstance(graph.store, MedkgStore) and graph.identifier == DATASET_DEFAULT_GRAPH_ID:
        return _axioms_by_query(graph, predicate)
    return _axioms_by_predicate(graph, predicate)  # any other rdflib graph, whatever its terms


_AXIOM_PARTS = (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget, DCTERMS.source,
                MEDKG.section, MEDKG.evidence, MEDKG.anchorText, MEDKG.appliesWhen)


def _axioms_by_predicate(graph: Graph, predicate: URIRef | None) -> list[Axiom]:
    """``axioms`` through rdflib, each predicate read in one pass."""
    tables = [objects_by_subject(graph, part) for part in _AXIOM_PARTS]
    typed = set(graph.subjects(RDF.type, OWL.Axiom))
    found = []
    for axiom in tables[0]:
        s, p, o, source, *texts = (min(t[axiom], key=str) if axiom in t else None for t in tables)
        if axiom in typed and s is not None and p is not None and o is not None and predicate in (None, p):
            found.append(Axiom((s, p, o), source, *(None if text is None else str(text) for text in texts)))
    return found


def _smaller(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return b if a is None else a
    return a if a.value <= b.value else b


def _axioms_by_query(graph: Graph, predicate: URIRef | None) -> list[Axiom]:
    """``axioms`` by one SPARQL query on the graph's own pyoxigraph store."""
    import pyoxigraph

    from .fastgraph import _from_ox, as_store

    query = _AXIOMS % ("" if predicate is None else f"VALUES ?p {{ <{predicate}> }}")
    solutions = as_store(graph).query(query, default_graph=pyoxigraph.DefaultGraph())
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    rows: dict[str, list[Any]] = {}
    for row in solutions:
        axiom, *parts = row
        known = rows.get(axiom.value)
        if known is None:
            rows[axiom.value] = parts
        else:  # a part with several values: one row for each combination
            rows[axiom.value] = [_smaller(a, b) for a, b in zip(known, parts, strict=True)]
    terms: dict[Any, Node] = {}

    def term(node: Any) -> Node:
        found = terms.get(node)
        if found is None:
            found = terms[node] = _from_ox(node)
        return found

    return [
        Axiom((term(s), term(p), term(o)), None if source is None else term(source),
              *(None if text is None else text.value for text in texts))
        for s, p, o, source, *texts in rows.values()
    ]


@dataclass(frozen=True)
class Provenance:
    """What one source says about one fact."""

    source: str  # mksrc: CURIE
    section: str
    evidence: str
    anchor: str
    applies_when: str


def provenance(graph: Graph, predicate: URIRef | None = None) -> dict[tuple[Node, Node, Node], list[Provenance]]:
    """Every ``owl:Axiom`` carrying a ``dcterms:source``, by the triple it annotates (facts of
    ``predicate`` only, when given), sorted by source.

    The one reader of the provenance pattern: the property graph, the ladder, the statistics and
    the HTML pages all take it from here."""
    with paused_gc():
        return _provenance(graph, predicate)


def _provenance(graph: Graph, predicate: URIRef | None) -> dict[tuple[Node, Node, Node], list[Provenance]]:
    curies: dict[Node, str] = {}
    found: dict[tuple[Node, Node, Node], list[Provenance]] = defaultdict(list)
    for axiom in axioms(graph, predicate):
        if axiom.source is None:
            continue
        source = curies.get(axiom.source)
        if source is None:
            source = curies[axiom.source] = curie(graph, axiom.source)
        found[axiom.fact].append(Provenance(source, axiom.section or "", axiom.evidence or "", axiom.anchor or "",
                                            axiom.applies_when or ""))
    return {key: sorted(values, key=lambda p: (p.source, p.section, p.evidence)) for key, values in found.items()}


def _provenance_attrs(provs: list[Provenance], prefix: str = "") -> dict[str, list[str]]:
    lists = {
        "sources": [p.source for p in provs],
        "sections": [p.section for p in provs],
        "evidence": [p.evidence for p in provs],
        "anchors": [p.anchor for p in provs],
        "applies_when": [p.applies_when for p in provs],
    }
    return {prefix + key: values for key, values in lists.items() if any(values)}


# ---------------------------------------------------------------- the property graph


@dataclass(frozen=True)
class PropertyGraph:
    """Nodes and edges with plain attributes (str, bool, int, list of str), sorted: what every
    exchange format writes. ``edges`` holds (subject, object, key, attributes)."""

    nodes: list[tuple[str, dict[str, Any]]]
    edges: list[tuple[str, str, str, dict[str, Any]]]


def fact_id(subject: Node, predicate: Node, target: Node) -> str:
    """A stable identifier of a fact: a name-based (version 5) UUID of its three IRIs."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{subject} {predicate} {target}").urn


def property_graph(graph: Graph) -> PropertyGraph:
    """The entities and their relations as a property graph; see the module docstring."""
    with paused_gc():
        return _property_graph(graph)


def _property_graph(graph: Graph) -> PropertyGraph:
    relations, literals = fact_properties(graph)
    provs = provenance(graph)
    classes = entity_classes(graph)
    found = entities(graph)
    index = _Index(graph, [RDFS.label, DEFINITION, SKOS.altLabel, MEDKG.brandName, MEDKG.mentionedIn, HAS_DBXREF,
                           *MATCHES.values(), *literals, MEDKG.ladderStep, MEDKG.forCondition, MEDKG.stepNumber])
    nodes = []
    for iri, cls in found.items():
        attrs: dict[str, Any] = {
            "iri": str(iri),
            "label": index.text(iri, RDFS.label),
            "type": curie(graph, cls).split(":", 1)[1],
            "types": [curie(graph, c).split(":", 1)[1] for c in classes[cls]],
            "type_label": index.text(cls, RDFS.label),
            "definition": index.text(iri, DEFINITION),
            "synonyms": index.texts(iri, SKOS.altLabel),
            "brand_names": index.texts(iri, MEDKG.brandName),
            "sources": sorted(curie(graph, s) for s in index.get(iri, MEDKG.mentionedIn)),
            "xrefs": sorted(str(x) for x in index.get(iri, HAS_DBXREF)),
        }
        for name, prop in MATCHES.items():
            attrs[name] = sorted(curie(graph, o) for o in index.get(iri, prop))
        for prop in literals:
            attrs.update(_literal_attrs(graph, iri, prop, index.get(iri, prop), provs))
        attrs.update(_ladder_attrs(index, iri))
        nodes.append((curie(graph, iri), {k: v for k, v in attrs.items() if v not in ("", [], None)}))
    edges = []
    for prop in relations:
        name = curie(graph, prop).split(":", 1)[1]
        label = min((str(v) for v in graph.objects(prop, RDFS.label)), default="")
        for s, o in graph.subject_objects(prop):
            if s not in found or o not in found:
                continue
            attrs = {"id": fact_id(s, prop, o), "predicate": curie(graph, prop), "label": label}
            attrs.update(_provenance_attrs(provs.get((s, prop, o), [])))
            edges.append((curie(graph, s), curie(graph, o), name, attrs))
    edges.sort(key=lambda e: (e[0], e[1], e[2]))
    return PropertyGraph(nodes, edges)


def _literal_attrs(
    graph: Graph, iri: URIRef, prop: URIRef, objects: list[Node], provs: dict[Any, list[Provenance]]
) -> dict[str, Any]:
    values = sorted(objects, key=lambda v: (str(v), str(getattr(v, "datatype", ""))))
    if not values:
        return {}
    name = _snake(curie(graph, prop).split(":", 1)[1])
    plain = [v.toPython() if isinstance(v, Literal) and v.datatype == XSD.boolean else str(v) for v in values]
    attrs: dict[str, Any] = {name: plain[0] if len(plain) == 1 else plain}
    stated = [p for v in values for p in provs.get((iri, prop, v), [])]
    attrs.update(_provenance_attrs(stated, prefix=name + "_"))
    return attrs


def _ladder_attrs(index: _Index, iri: URIRef) -> dict[str, int]:
    attrs = {}
    for step in index.get(iri, MEDKG.ladderStep):
        conditions, numbers = index.get(step, MEDKG.forCondition), index.get(step, MEDKG.stepNumber)
        if conditions and numbers and isinstance(numbers[0], Literal):
            attrs[f"ladder_step_{local_id(conditions[0])}"] = int(numbers[0].toPython())
    return dict(sorted(attrs.items()))


def to_networkx(source: Graph | PropertyGraph) -> nx.MultiDiGraph:
    """A ``networkx.MultiDiGraph`` of the entities and their relations (module docstring)."""
    import networkx as nx

    pg = source if isinstance(source, PropertyGraph) else property_graph(source)
    view = nx.MultiDiGraph(name="medkg")
    for node, attrs in pg.nodes:
        view.add_node(node, **attrs)
    for subject, target, key, attrs in pg.edges:
        view.add_edge(subject, target, key=key, **attrs)
    return view
