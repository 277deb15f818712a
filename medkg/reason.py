"""Run HermiT on the OWL export and say what it concluded.

The OWL file (bytes, as written) is loaded into owlready2 and classified by HermiT through
``owlready2.sync_reasoner``. HermiT reports new class memberships, subclass relations and property
values; owlready2 stores them apart from the asserted ones, and leaves out what follows from a
sub-property or an inverse alone. ``reason_owl`` takes those conclusions, completes them with
those two rules, and returns every statement the reasoner adds with its grounds in words
(``medkg.explain``). ``write_inferred_owl`` writes the graph with them as ``medkg-inferred.owl``.

Java starts slowly and HermiT grows with the ontology: above ``reasoner_limit()`` triples (the
environment variable ``MEDKG_REASONER_LIMIT``), or when there is no Java, the build writes the
inferred file without running the reasoner and says how to run it anyway.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import MedkgError
from .explain import explain
from .owl import dumps_rdfxml, owl_graph, version_iri, write_rdfxml
from .vocab import MEDKG, ONTOLOGY_IRI

#: Graphs with more triples than this are not reasoned over by ``medkg build`` (``MEDKG_REASONER_LIMIT``).
DEFAULT_REASONER_LIMIT = 50_000
LIMIT_VARIABLE = "MEDKG_REASONER_LIMIT"
INFERRED_BECAUSE = MEDKG.inferredBecause

Triple = tuple[URIRef, URIRef, URIRef]


class ReasonerError(MedkgError, RuntimeError):
    """The reasoner could not run, or found the ontology inconsistent."""


@dataclass(frozen=True)
class Inference:
    """One statement the reasoner added, and why, in words."""

    subject: URIRef
    predicate: URIRef  # rdf:type, rdfs:subClassOf, or an object property
    object: URIRef
    because: str

    @property
    def triple(self) -> Triple:
        return (self.subject, self.predicate, self.object)


@dataclass(frozen=True)
class Reasoning:
    """What HermiT made of one ontology."""

    asserted: Graph
    inferences: list[Inference]
    unsatisfiable: list[URIRef]
    seconds: float

    def added(self, predicate: URIRef | None = None) -> list[Inference]:
        return [i for i in self.inferences if predicate is None or i.predicate == predicate]


def reasoner_limit() -> int:
    """The largest graph (in triples) ``medkg build`` reasons over; 0 means no limit."""
    value = os.environ.get(LIMIT_VARIABLE, "")
    try:
        return int(value) if value.strip() else DEFAULT_REASONER_LIMIT
    except ValueError as exc:
        raise ReasonerError(f"{LIMIT_VARIABLE}={value!r} is not a number of triples "
                            "(use e.g. 200000, or 0 for no limit)") from exc


def java_executable() -> str:
    """The ``java`` HermiT runs with: ``$JAVA_HOME/bin/java`` or the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return str(Path(home, "bin", "java"))
    found = shutil.which("java")
    if not found:
        raise ReasonerError("the HermiT reasoner needs Java, and no `java` was found "
                            "(install a JDK, e.g. Debian's default-jdk-headless, or set JAVA_HOME)")
    return found


def reason_owl(data: bytes, asserted: Graph) -> Reasoning:
    """Classify the OWL file ``data`` with HermiT; ``asserted`` is the same ontology in rdflib."""
    import owlready2  # heavy; only needed here

    owlready2.JAVA_EXE = java_executable()
    world = owlready2.World()
    start = time.perf_counter()
    try:
        world.get_ontology(str(ONTOLOGY_IRI)).load(fileobj=io.BytesIO(data))
        owlready2.sync_reasoner(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise ReasonerError("HermiT found the ontology inconsistent: some facts contradict the schema "
                            "(e.g. an entity in two disjoint classes); run `medkg validate` and check the "
                            "types of the entities in recently added facts") from exc
    except owlready2.OwlReadyJavaError as exc:
        raise ReasonerError(f"HermiT failed: {exc}") from exc
    seconds = time.perf_counter() - start
    unsatisfiable = sorted(URIRef(c.iri) for c in world.inconsistent_classes())
    found = Graph()
    buffer = io.BytesIO()
    world.get_ontology("http://inferrences/").save(buffer, format="ntriples")
    found.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
    world.close()
    conclusions = {(s, p, o) for s, p, o in found
                   if isinstance(s, URIRef) and isinstance(o, URIRef) and o not in (OWL.Ontology, OWL.Thing)}
    new = sorted(t for t in _direct_subclasses(close(asserted, conclusions)) - set(asserted) if _worth_stating(t))
    everything = Graph()
    for triple in asserted:
        everything.add(triple)
    for triple in new:
        everything.add(triple)
    inferences = [Inference(s, p, o, explain(everything, asserted, (s, p, o))) for s, p, o in new]
    return Reasoning(asserted, inferences, unsatisfiable, seconds)


def _worth_stating(triple: tuple[Node, Node, Node]) -> bool:
    s, p, o = triple
    if not (isinstance(s, URIRef) and isinstance(o, URIRef)) or s == o and p in (RDFS.subClassOf, OWL.equivalentClass):
        return False
    return not (str(o).startswith(str(OWL)) or str(s).startswith(str(OWL)))


def close(asserted: Graph, conclusions: Iterable[tuple[Node, Node, Node]]) -> set[Triple]:
    """Asserted and concluded statements, completed as HermiT means them.

    HermiT lists a property value under the most specific property only, and owlready2 drops a value
    whose inverse is stored; here a value is added to every super-property and to the inverse, and
    class memberships to every superclass.
    """
    facts = {t for t in conclusions}
    graph = Graph()
    for triple in asserted:
        graph.add(triple)
    for triple in facts:
        graph.add(triple)
    supers = _ancestors(graph, RDFS.subPropertyOf)
    classes = _ancestors(graph, RDFS.subClassOf, OWL.equivalentClass)
    inverse = {}
    for p, q in graph.subject_objects(OWL.inverseOf):
        if isinstance(p, URIRef) and isinstance(q, URIRef):
            inverse[p], inverse[q] = q, p
    object_props = {p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)}
    individuals = {i for i in graph.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef)}
    result: set[Triple] = set()
    todo: list[Triple] = [(s, p, o) for s, p, o in graph  # type: ignore[misc]
                          if p in object_props and s in individuals and o in individuals]
    while todo:
        s, p, o = todo.pop()
        if (s, p, o) in result:
            continue
        result.add((s, p, o))
        todo.extend((s, q, o) for q in supers.get(p, ()))
        if p in inverse:
            todo.append((o, inverse[p], s))
    for ind in individuals:
        for cls in list(graph.objects(ind, RDF.type)):
            if isinstance(cls, URIRef) and cls not in (OWL.NamedIndividual, OWL.Thing):
                result.update((ind, RDF.type, c) for c in {cls} | classes.get(cls, set()))
    for cls, ups in classes.items():
        if (cls, RDF.type, OWL.Class) in graph:
            result.update((cls, RDFS.subClassOf, up) for up in ups if up != cls and (up, RDF.type, OWL.Class) in graph)
    return result


def _direct_subclasses(triples: set[Triple]) -> set[Triple]:
    """Drop ``A subClassOf C`` when ``A subClassOf B subClassOf C`` is there: Protégé's tree stays uncluttered."""
    supers: dict[URIRef, set[URIRef]] = {}
    for s, p, o in triples:
        if p == RDFS.subClassOf:
            supers.setdefault(s, set()).add(o)
    redundant = {(s, RDFS.subClassOf, o) for s, ups in supers.items() for mid in ups for o in ups
                 if mid != o and o in supers.get(mid, set()) and s not in supers.get(o, set())}
    return triples - redundant


def _ancestors(graph: Graph, *predicates: URIRef) -> dict[URIRef, set[URIRef]]:
    """For each named node, every named node reachable along ``predicates`` (equivalence both ways)."""
    up: dict[URIRef, set[URIRef]] = {}
    for predicate in predicates:
        for s, o in graph.subject_objects(predicate):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                up.setdefault(s, set()).add(o)
                if predicate == OWL.equivalentClass:
                    up.setdefault(o, set()).add(s)
    closure: dict[URIRef, set[URIRef]] = {}
    for start in up:
        seen: set[URIRef] = set()
        todo = list(up[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(up.get(node, ()))
        closure[start] = seen - {start}
    return closure


def reason(graph: Graph) -> Reasoning:
    """Build the OWL ontology from the graph, as ``medkg.owl`` holds it, and classify it."""
    owl = owl_graph(graph)
    return reason_owl(dumps_rdfxml(owl).encode("utf-8"), owl)


def load_owl(path: Path) -> tuple[bytes, Graph]:
    """An OWL file as it is on disk (e.g. ``exports/medkg.owl`` after editing in Protégé), and as a graph."""
    from rdflib.util import guess_format

    if not path.is_file():
        raise ReasonerError(f"{path}: no such file (give the path of an OWL file, e.g. exports/medkg.owl)")
    data = path.read_bytes()
    syntax = guess_format(str(path)) or "xml"
    asserted = Graph()
    try:
        asserted.parse(data=data, format=syntax)
    except Exception as exc:  # rdflib raises many parser-specific types
        raise ReasonerError(f"{path}: cannot parse: {exc}") from exc
    if syntax != "xml":  # owlready2 reads RDF/XML, not Turtle
        data = dumps_rdfxml(asserted).encode("utf-8")
    return data, _canonical(asserted)


def _canonical(graph: Graph) -> Graph:
    """The graph with blank nodes named by their content, so what is written from it is stable."""
    from rdflib.compare import to_canonical_graph

    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in to_canonical_graph(graph):
        out.add(triple)
    return out


def _axiom_node(triple: Triple) -> BNode:
    digest = hashlib.sha1("\x1f".join(triple).encode()).hexdigest()[:16]
    return BNode(f"inferred{digest}")


def inferred_graph(reasoning: Reasoning, *, file_name: str = "medkg-inferred.owl") -> Graph:
    """The asserted ontology plus what the reasoner added, each with an ``inferredBecause`` note."""
    out = Graph()
    for prefix, namespace in reasoning.asserted.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in reasoning.asserted:
        out.add(triple)
    for inference in reasoning.inferences:
        out.add(inference.triple)
        axiom = _axiom_node(inference.triple)
        out.add((axiom, RDF.type, OWL.Axiom))
        out.add((axiom, OWL.annotatedSource, inference.subject))
        out.add((axiom, OWL.annotatedProperty, inference.predicate))
        out.add((axiom, OWL.annotatedTarget, inference.object))
        out.add((axiom, INFERRED_BECAUSE, Literal(f"Inferred by HermiT, because {inference.because}.", lang="en")))
    _retitle(out, file_name, "Includes the conclusions of the HermiT reasoner: each one carries an "
                             "'inferred because' annotation saying how it follows.")
    return out


def _retitle(graph: Graph, file_name: str, note: str) -> None:
    graph.remove((ONTOLOGY_IRI, OWL.versionIRI, None))
    graph.add((ONTOLOGY_IRI, OWL.versionIRI, version_iri(file_name)))
    graph.add((ONTOLOGY_IRI, RDFS.comment, Literal(note, lang="en")))


def write_inferred_owl(graph: Graph, path: Path) -> None:
    """``medkg-inferred.owl``: ``medkg.owl`` with HermiT's conclusions added.

    Above ``reasoner_limit()`` triples, or without Java, the reasoner is skipped: the file then
    holds the asserted axioms, its header says why, and a message says how to run it anyway.
    """
    limit = reasoner_limit()
    if limit and len(graph) > limit:
        _write_unreasoned(graph, path, f"the graph has {len(graph)} triples, more than {LIMIT_VARIABLE}={limit}",
                          f"run `medkg reason --force --write {path.name}`, or build with {LIMIT_VARIABLE}=0 "
                          "(no limit)")
        return
    try:
        java_executable()
    except ReasonerError:
        _write_unreasoned(graph, path, "no Java was found to run HermiT",
                          f"install a JDK (Debian: default-jdk-headless) and build again, or run "
                          f"`medkg reason --write {path.name}`")
        return
    write_rdfxml(inferred_graph(reason(graph), file_name=path.name), path)


def _write_unreasoned(graph: Graph, path: Path, why: str, how: str) -> None:
    owl = owl_graph(graph)
    how = f"{how}; or open medkg.owl in Protégé and start HermiT there"
    _retitle(owl, path.name, f"The reasoner was not run for this build ({why}). To run it, {how}.")
    write_rdfxml(owl, path)
    print(f"medkg: skipped the reasoner: {why}; {path.name} holds the asserted axioms only. "
          f"To reason anyway, {how}.", file=sys.stderr, flush=True)
