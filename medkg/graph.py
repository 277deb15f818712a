"""Build the one RDF graph every export is derived from.

The graph holds the schema, the sources, the entities and the facts. Each fact is a plain triple
(``mk:baclofen medkg:treats mk:spasticity``) and, for each source stating it, an ``owl:Axiom``
that annotates that triple with its source, section, evidence, anchor and condition: the OWL 2
pattern Protégé shows as the annotations of an assertion, and which SPARQL reaches with
``owl:annotatedSource / owl:annotatedProperty / owl:annotatedTarget``.
"""

from __future__ import annotations

import hashlib

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, SKOS

from . import identifiers
from .model import Entity, Fact, KnowledgeBase, SourceDoc, Xref
from .vocab import DEFINITION, ENTITY, MEDKG, OBOINOWL, PREFIXES, SOURCE, Schema


def entity_iri(entity_id: str) -> URIRef:
    return ENTITY[entity_id]


def source_iri(source_id: str) -> URIRef:
    return SOURCE[source_id]


def axiom_node(fact: Fact) -> BNode:
    """A blank node whose label depends only on the fact, so serialisations are stable."""
    digest = hashlib.sha1("\x1f".join((fact.provenance.source, *fact.key)).encode()).hexdigest()[:16]
    return BNode(f"fact{digest}")


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def build_graph(kb: KnowledgeBase, schema: Schema) -> Graph:
    """Schema, sources, entities and facts with provenance, in one rdflib graph."""
    graph = new_graph()
    # The schema's blank nodes (class expressions, lists) get labels from their content, not random
    # ones from the Turtle parser, so every export of the graph is the same from build to build.
    for triple in to_canonical_graph(schema.graph):
        graph.add(triple)
    for doc in kb.sources.values():
        _add_source(graph, doc)
    for entity in kb.entities.values():
        _add_entity(graph, entity)
    for fact in kb.facts:
        _add_fact(graph, fact)
    return graph


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _add_source(graph: Graph, doc: SourceDoc) -> None:
    iri = source_iri(doc.id)
    graph.add((iri, RDF.type, MEDKG.SourceDocument))
    graph.add((iri, RDF.type, OWL.NamedIndividual))
    graph.add((iri, RDFS.label, _en(doc.title)))
    graph.add((iri, DCTERMS.title, _en(doc.title)))
    graph.add((iri, DCTERMS.publisher, Literal(doc.publisher)))
    graph.add((iri, MEDKG.reviewedBy, Literal(doc.reviewer)))
    graph.add((iri, MEDKG.reviewDate, Literal(doc.review_date)))
    graph.add((iri, MEDKG.sourceFile, Literal(doc.file.replace("\\", "/").rsplit("/", 1)[-1])))


def _add_entity(graph: Graph, entity: Entity) -> None:
    iri = entity_iri(entity.id)
    graph.add((iri, RDF.type, MEDKG[entity.type]))
    graph.add((iri, RDF.type, OWL.NamedIndividual))
    graph.add((iri, RDFS.label, _en(entity.label)))
    graph.add((iri, DEFINITION, _en(entity.definition)))
    for synonym in entity.synonyms:
        graph.add((iri, SKOS.altLabel, _en(synonym)))
    for brand in entity.brand_names:
        graph.add((iri, MEDKG.brandName, _en(brand)))
    for source in entity.sources:
        graph.add((iri, MEDKG.mentionedIn, source_iri(source)))
    for xref in entity.xrefs:
        _add_xref(graph, iri, xref)


def _add_xref(graph: Graph, subject: URIRef, xref: Xref) -> None:
    """The SKOS match to the identifier's IRI, its CURIE as oboInOwl:hasDbXref, and a record of the
    mapping saying where it was verified and the label seen there. (The record is a plain node, not
    an owl:Axiom: in this graph owl:Axiom is the provenance of facts.)"""
    target = URIRef(identifiers.expand(xref.curie))
    graph.add((subject, identifiers.MAPPING_PREDICATES[xref.mapping], target))
    graph.add((subject, OBOINOWL.hasDbXref, Literal(xref.curie)))
    digest = hashlib.sha1("\x1f".join((str(subject), xref.curie)).encode()).hexdigest()[:16]
    record = BNode(f"xref{digest}")
    graph.add((subject, MEDKG.xrefRecord, record))
    graph.add((record, MEDKG.mappedTo, target))
    graph.add((record, MEDKG.verifiedIn, Literal(xref.verified_in)))
    if xref.label:
        graph.add((record, MEDKG.targetLabel, Literal(xref.label)))


def _add_fact(graph: Graph, fact: Fact) -> None:
    subject = entity_iri(fact.subject)
    predicate = MEDKG[fact.predicate]
    if fact.object is not None:
        target: URIRef | Literal = entity_iri(fact.object)
    elif isinstance(fact.value, bool):
        target = Literal(fact.value, datatype=XSD.boolean)
    else:
        target = Literal(str(fact.value))  # a plain literal is xsd:string in RDF 1.1
    graph.add((subject, predicate, target))
    prov = fact.provenance
    axiom = axiom_node(fact)
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, subject))
    graph.add((axiom, OWL.annotatedProperty, predicate))
    graph.add((axiom, OWL.annotatedTarget, target))
    graph.add((axiom, DCTERMS.source, source_iri(prov.source)))
    graph.add((axiom, MEDKG.section, _en(prov.section)))
    graph.add((axiom, MEDKG.evidence, _en(prov.evidence)))
    graph.add((axiom, MEDKG.anchorText, _en(prov.anchor)))
    if prov.applies_when:
        graph.add((axiom, MEDKG.appliesWhen, _en(prov.applies_when)))
