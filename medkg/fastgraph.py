"""The graph of a knowledge base, built fast: N-Triples straight from the model, held by pyoxigraph.

``graph.build_graph`` states what the graph holds, term by term, with rdflib. At a million
triples making those rdflib terms and indexing them in rdflib's memory store takes about 15 s.
``build_graph`` here writes the same triples as N-Triples lines from the validated model (the few
sources and identifier records through ``graph``'s own functions) and loads them into a pyoxigraph
store that an rdflib ``Graph`` wraps (``oxrdflib``), so every exporter still gets an rdflib Graph.
``tests/test_scale.py`` checks the two builders give isomorphic graphs.

``as_store`` hands the pyoxigraph store of a graph to code that wants pyoxigraph's speed (SPARQL,
serialisers); ``sorted_ntriples`` is the graph as sorted N-Triples, computed once per change.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from oxrdflib import OxigraphStore
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from . import graph as rdf
from .model import KnowledgeBase
from .vocab import DEFINITION, ENTITY, MEDKG, PREFIXES, SOURCE, Schema

if TYPE_CHECKING:
    import pyoxigraph

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _en(text: str) -> str:
    return f'"{text.translate(_ESCAPES)}"@en'


def term(node: Any) -> str:
    """An rdflib term in N-Triples."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        text = f'"{str(node).translate(_ESCAPES)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and str(node.datatype) != _XSD_STRING:
            return f"{text}^^<{node.datatype}>"
        return text
    raise TypeError(f"not an RDF term: {node!r}")


class _Lines(list[str]):
    """Collects what ``graph``'s ``_add_*`` functions add, as N-Triples lines."""

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        self.append(f"{term(triple[0])} {term(triple[1])} {term(triple[2])} .")


def ntriples(kb: KnowledgeBase, schema: Schema) -> Iterator[str]:
    """The lines of the graph ``graph.build_graph`` makes, in no particular order, maybe repeated."""
    out = _Lines()
    for triple in to_canonical_graph(schema.graph):
        out.add(triple)
    for doc in kb.sources.values():
        rdf._add_source(out, doc)  # type: ignore[arg-type]
    yield from out
    a, named = _iri(str(RDF.type)), _iri(str(OWL.NamedIndividual))
    label, definition, alt = _iri(str(RDFS.label)), _iri(str(DEFINITION)), _iri(str(SKOS.altLabel))
    brand, mentioned = _iri(str(MEDKG.brandName)), _iri(str(MEDKG.mentionedIn))
    for entity in kb.entities.values():
        iri = _iri(ENTITY + entity.id)
        yield f"{iri} {a} {_iri(MEDKG + entity.type)} ."
        yield f"{iri} {a} {named} ."
        yield f"{iri} {label} {_en(entity.label)} ."
        yield f"{iri} {definition} {_en(entity.definition)} ."
        for synonym in entity.synonyms:
            yield f"{iri} {alt} {_en(synonym)} ."
        for name in entity.brand_names:
            yield f"{iri} {brand} {_en(name)} ."
        for source in entity.sources:
            yield f"{iri} {mentioned} {_iri(SOURCE + source)} ."
        if entity.xrefs:
            out = _Lines()
            for xref in entity.xrefs:
                rdf._add_xref(out, ENTITY[entity.id], xref)  # type: ignore[arg-type]
            yield from out
    axiom_type = _iri(str(OWL.Axiom))
    on_source, on_property = _iri(str(OWL.annotatedSource)), _iri(str(OWL.annotatedProperty))
    on_target, cites = _iri(str(OWL.annotatedTarget)), _iri(str(DCTERMS.source))
    section, evidence = _iri(str(MEDKG.section)), _iri(str(MEDKG.evidence))
    anchor, applies = _iri(str(MEDKG.anchorText)), _iri(str(MEDKG.appliesWhen))
    boolean = _iri(str(XSD.boolean))
    for fact in kb.facts:
        subject, predicate = _iri(ENTITY + fact.subject), _iri(MEDKG + fact.predicate)
        if fact.object is not None:
            target = _iri(ENTITY + fact.object)
        elif isinstance(fact.value, bool):
            target = f'"{"true" if fact.value else "false"}"^^{boolean}'
        else:
            target = f'"{str(fact.value).translate(_ESCAPES)}"'
        prov = fact.provenance
        axiom = f"_:{rdf.axiom_node(fact)}"
        yield f"{subject} {predicate} {target} ."
        yield f"{axiom} {a} {axiom_type} ."
        yield f"{axiom} {on_source} {subject} ."
        yield f"{axiom} {on_property} {predicate} ."
        yield f"{axiom} {on_target} {target} ."
        yield f"{axiom} {cites} {_iri(SOURCE + prov.source)} ."
        yield f"{axiom} {section} {_en(prov.section)} ."
        yield f"{axiom} {evidence} {_en(prov.evidence)} ."
        yield f"{axiom} {anchor} {_en(prov.anchor)} ."
        if prov.applies_when:
            yield f"{axiom} {applies} {_en(prov.applies_when)} ."


def build_graph(kb: KnowledgeBase, schema: Schema) -> Graph:
    """What ``graph.build_graph`` makes, in an rdflib Graph backed by a pyoxigraph store."""
    import pyoxigraph

    text = "\n".join(sorted(set(ntriples(kb, schema)))) + "\n"
    data = text.encode("utf-8")
    graph = new_graph()
    store = graph.store
    assert isinstance(store, MedkgStore)
    # parse() keeps blank node labels (Store.load would rename them, at random)
    store._inner.extend(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    if not _CONTROL.search(text):  # then the lines are canonical N-Triples, as pyoxigraph writes them
        store.sorted_nt, store.added = data, []
    return graph


def new_graph() -> Graph:
    """An empty rdflib Graph over a pyoxigraph store (its default graph), with medkg's prefixes."""
    graph = Graph(store=MedkgStore(), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


class MedkgStore(OxigraphStore):
    """oxrdflib's store, giving back simple literals as rdflib makes them (no ``^^xsd:string``).

    It also remembers the sorted N-Triples of its triples until they change.
    """

    sorted_nt: bytes | None = None
    added: list[bytes]  # lines added since sorted_nt was made (derived triples, a few)

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        if self.sorted_nt is not None:
            line = f"{term(triple[0])} {term(triple[1])} {term(triple[2])} ."
            if _CONTROL.search(line):
                self.sorted_nt = None
            else:
                self.added.append(line.encode("utf-8"))
        super().add(triple, context, quoted)

    def addN(self, quads: Any) -> None:  # noqa: N802 - rdflib's name
        self.sorted_nt = None
        super().addN(list(quads))

    def remove(self, triple: Any, context: Any = None) -> None:
        self.sorted_nt = None
        super().remove(triple, context)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.sorted_nt = None
        super().update(*args, **kwargs)

    def triples(self, triple_pattern: Any, context: Any = None) -> Any:
        # oxrdflib's conversions, made lean: analysis code asks millions of small questions.
        try:
            s, p, o = (None if t is None else _to_ox(t) for t in triple_pattern)
            graph = None if context is None else _to_ox(getattr(context, "identifier", context))
            quads = self._inner.quads_for_pattern(s, p, o, graph)
        except (TypeError, ValueError):  # e.g. a literal as subject: nothing matches
            return
        contexts = (context,)
        for quad in quads:
            yield (_from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object)), iter(contexts)

    def query(self, *args: Any, **kwargs: Any) -> Any:
        result = super().query(*args, **kwargs)
        if result.type == "SELECT":
            result.bindings = [{k: _simple(v) for k, v in row.items()} for row in result.bindings]
        return result

    def __len__(self, context: Any = None) -> int:
        inner = self._inner
        if context is None or getattr(context, "identifier", context) == DATASET_DEFAULT_GRAPH_ID:
            if not any(True for _ in inner.named_graphs()):
                return len(inner)
        return super().__len__(context)


def _to_ox(node: Any) -> Any:
    import pyoxigraph

    if isinstance(node, URIRef):
        if node == DATASET_DEFAULT_GRAPH_ID:
            return pyoxigraph.DefaultGraph()
        return pyoxigraph.NamedNode(node)
    if isinstance(node, BNode):
        return pyoxigraph.BlankNode(node)
    if isinstance(node, Literal):
        datatype = None if node.datatype is None else pyoxigraph.NamedNode(node.datatype)
        return pyoxigraph.Literal(node, language=node.language, datatype=datatype)
    raise TypeError(f"not an RDF term: {node!r}")


def _from_ox(node: Any) -> Any:
    kind = type(node).__name__
    if kind == "NamedNode":
        return URIRef(node.value)
    if kind == "BlankNode":
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    datatype = node.datatype.value
    return Literal(node.value) if datatype == _XSD_STRING else Literal(node.value, datatype=URIRef(datatype))


def _simple(node: Any) -> Any:
    if isinstance(node, Literal) and node.datatype is not None and str(node.datatype) == _XSD_STRING:
        return Literal(str(node))
    return node


def as_store(graph: Graph) -> pyoxigraph.Store:
    """The pyoxigraph store holding the graph: its own, or a new one filled with its triples."""
    import pyoxigraph

    if isinstance(graph.store, MedkgStore) and graph.identifier == DATASET_DEFAULT_GRAPH_ID:
        return graph.store._inner
    store = pyoxigraph.Store()
    data = "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in graph).encode("utf-8")
    store.extend(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return store


def sorted_ntriples(graph: Graph) -> bytes:
    """The graph as N-Triples, one triple a line, lines unique and sorted (by code point)."""
    import pyoxigraph

    own = graph.store if isinstance(graph.store, MedkgStore) else None
    if own is not None and own.sorted_nt is not None:
        if own.added:  # merge the few added lines into the sorted ones, dropping repeats
            merged = heapq.merge(own.sorted_nt.split(b"\n")[:-1], sorted(set(own.added)))
            own.sorted_nt = b"".join(line + b"\n" for line, _ in itertools.groupby(merged))
            own.added = []
        return own.sorted_nt
    dumped = as_store(graph).dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    assert dumped is not None
    lines = sorted(set(dumped.split(b"\n")) - {b""})  # UTF-8 bytes sort in code point order
    data = b"\n".join(lines) + b"\n" if lines else b""
    if own is not None:
        own.sorted_nt, own.added = data, []
    return data
