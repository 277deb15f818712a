"""The medkg vocabulary: namespaces, and the schema read from ``ontology/medkg.ttl``.

The schema file is the one place classes, relations, domains and ranges are stated; source
validation, graph building and every export read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

BASE = "https://w3id.org/medkg/"
MEDKG = Namespace(BASE + "vocab/")
ENTITY = Namespace(BASE + "entity/")
SOURCE = Namespace(BASE + "source/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
ONTOLOGY_IRI = URIRef(BASE + "ontology")
DEFINITION = OBO.IAO_0000115

#: Prefixes bound in every serialisation, in this order.
PREFIXES: dict[str, Namespace] = {
    "medkg": MEDKG,
    "mk": ENTITY,
    "mksrc": SOURCE,
    "obo": OBO,
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "oboInOwl": OBOINOWL,
}

ROOT_CLASS = MEDKG.MedicalEntity


@dataclass(frozen=True)
class Property:
    """A relation or literal-valued property the schema declares."""

    name: str
    iri: URIRef
    is_object: bool
    domain: str
    range: str  # a class name, or an XSD local name for datatype properties


@dataclass(frozen=True)
class Schema:
    """Class hierarchy and properties from the schema graph, keyed by local name."""

    graph: Graph
    ancestors: dict[str, frozenset[str]]
    properties: dict[str, Property]
    defined: frozenset[str] = frozenset()  # classes with owl:equivalentClass: the reasoner fills them

    @property
    def entity_types(self) -> list[str]:
        """Classes an entity may be typed with: every subclass of MedicalEntity."""
        root = _local(ROOT_CLASS)
        return sorted(c for c, up in self.ancestors.items() if root in up and c != root and c not in self.defined)

    def is_a(self, cls: str, ancestor: str) -> bool:
        return ancestor in self.ancestors.get(cls, frozenset())


def _local(iri: object) -> str:
    return str(iri)[len(str(MEDKG)) :]


def _ours(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(MEDKG))


def _derived(graph: Graph, prop: URIRef) -> bool:
    """True for a property the reasoner fills in: a transitive one, or one declared as the
    ``owl:inverseOf`` a curated property (by convention the inverse names the curated one)."""
    return (prop, RDF.type, OWL.TransitiveProperty) in graph or graph.value(prop, OWL.inverseOf) is not None


def curated_properties(graph: Graph) -> list[tuple[URIRef, bool]]:
    """The properties sources may state, each with whether it links two entities (an object
    property): medkg properties with a domain and a range that the reasoner does not fill in.
    Inverses and transitive super-properties exist for the reasoner and are never curated."""
    found = []
    for kind, is_object in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
        for prop in graph.subjects(RDF.type, kind):
            if not (isinstance(prop, URIRef) and _ours(prop) and _ours(graph.value(prop, RDFS.domain))):
                continue
            if isinstance(graph.value(prop, RDFS.range), URIRef) and not _derived(graph, prop):
                found.append((prop, is_object))
    return sorted(found)


def load_schema(path: Path) -> Schema:
    """Read the schema Turtle file and index its classes and properties."""
    graph = Graph()
    graph.parse(path, format="turtle")
    parents: dict[str, set[str]] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if _ours(cls):
            parents[_local(cls)] = {_local(p) for p in graph.objects(cls, RDFS.subClassOf) if _ours(p)}
    ancestors = {c: frozenset(_closure(c, parents)) for c in parents}
    properties = {}
    for prop, is_object in curated_properties(graph):
        domain, rng = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        rng_name = _local(rng) if is_object else str(rng)[len(str(XSD)) :]
        properties[_local(prop)] = Property(_local(prop), prop, is_object, _local(domain), rng_name)
    defined = frozenset(_local(c) for c in graph.subjects(OWL.equivalentClass, None) if _ours(c))
    return Schema(graph, ancestors, dict(sorted(properties.items())), defined)


def _closure(cls: str, parents: dict[str, set[str]]) -> set[str]:
    seen = {cls}
    todo = [cls]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen
