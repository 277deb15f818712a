"""Why a statement follows, in words: the grounds of each conclusion the reasoner adds.

HermiT says what follows, not why. ``explain`` finds the grounds in the graph for the kinds of
axiom the medkg schema uses (superclasses, defined classes, domains and ranges, inverse and
sub-properties, transitive properties with a property chain) and phrases them with the labels
of the entities and properties, e.g. "baclofen treats spasticity" for "spasticity is treated by
baclofen".
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

if TYPE_CHECKING:
    from .reason import Reasoning

FALLBACK = "HermiT derived it from the axioms of the schema"


def label(graph: Graph, node: Node) -> str:
    """The English label of ``node``, else its local name."""
    labels = sorted(str(v) for v in graph.objects(node, RDFS.label) if getattr(v, "language", None) in ("en", None))
    if labels:
        return labels[0]
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def phrase(graph: Graph, prop: Node) -> str:
    """A verb phrase for a property: "treats", "is treated by", "is a component of"."""
    text = label(graph, prop)
    if text.endswith(" of"):
        return f"is {_a(text)}"
    if text.endswith((" by", " after")):
        return f"is {text}"
    return text


def _a(text: str) -> str:
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"


def a(graph: Graph, cls: Node) -> str:
    """"a treatment", "an oral medication"."""
    return _a(label(graph, cls))


def join(items: list[str]) -> str:
    """"x", "x and y", "x, y and z"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explain(graph: Graph, asserted: Graph, triple: tuple[Node, Node, Node]) -> str:
    """Why ``triple`` holds in ``graph`` (asserted and inferred statements), in one sentence."""
    s, p, o = triple
    if p == RDF.type:
        return _type(graph, asserted, s, o) or FALLBACK
    if p == RDFS.subClassOf:
        return _subclass(graph, s, o) or FALLBACK
    return _link(graph, asserted, s, p, o) or FALLBACK


def _says(graph: Graph, s: Node, p: Node, o: Node) -> str:
    return f"{label(graph, s)} {phrase(graph, p)} {label(graph, o)}"


# ---------------------------------------------------------------- property values

def _inverses(graph: Graph, prop: Node) -> list[Node]:
    return sorted(set(graph.objects(prop, OWL.inverseOf)) | set(graph.subjects(OWL.inverseOf, prop)), key=str)


def _link(graph: Graph, asserted: Graph, s: Node, p: Node, o: Node) -> str | None:
    for q in _inverses(graph, p):
        if (o, q, s) in graph:
            return _says(graph, o, q, s)
    for sub in sorted(graph.subjects(RDFS.subPropertyOf, p), key=str):
        if (s, sub, o) in graph:
            return f"{_says(graph, s, sub, o)}, and {phrase(graph, sub)} implies {phrase(graph, p)}"
    if (p, RDF.type, OWL.TransitiveProperty) in graph:
        path = _path(graph, asserted, s, p, o)
        if path:
            return join([_says(graph, x, q, y) for x, q, y in path])
    return None


def _steps(graph: Graph, prop: Node) -> tuple[set[Node], set[Node]]:
    """Properties whose values are direct steps of ``prop``, and those (from chains) that lead into one."""
    steps: set[Node] = set()
    todo = [prop]
    while todo:
        for sub in graph.subjects(RDFS.subPropertyOf, todo.pop()):
            if sub not in steps:
                steps.add(sub)
                todo.append(sub)
    lead_ins: set[Node] = set()
    for chain in graph.objects(prop, OWL.propertyChainAxiom):
        members = list(Collection(graph, chain))
        if len(members) == 2 and members[1] == prop:
            lead_ins.add(members[0])
    return steps, lead_ins


def _path(graph: Graph, asserted: Graph, s: Node, prop: Node, o: Node) -> list[tuple[Node, Node, Node]] | None:
    """The shortest chain of asserted statements by which ``s`` reaches ``o`` along a transitive property."""
    steps, lead_ins = _steps(graph, prop)
    parents: dict[Node, tuple[Node, Node]] = {}
    queue = deque([s])
    seen = {s}
    while queue:
        node = queue.popleft()
        for _, q, nxt in sorted(asserted.triples((node, None, None))):
            if q in steps and nxt == o:
                path = [(node, q, o)]
                while node != s:
                    prev, via = parents[node]
                    path.insert(0, (prev, via, node))
                    node = prev
                return path
            if (q in steps or q in lead_ins) and nxt not in seen:
                seen.add(nxt)
                parents[nxt] = (node, q)
                queue.append(nxt)
    return None


# ---------------------------------------------------------------- class memberships

def _type(graph: Graph, asserted: Graph, s: Node, cls: Node) -> str | None:
    types = sorted(t for t in graph.objects(s, RDF.type) if t != cls and isinstance(t, URIRef))
    for t in sorted(types, key=lambda t: (t, RDF.type, s) not in asserted and (s, RDF.type, t) not in asserted):
        if (t, RDFS.subClassOf, cls) in asserted:
            return f"{label(graph, s)} is {a(graph, t)}, and every {label(graph, t)} is {a(graph, cls)}"
    for definition in sorted(graph.objects(cls, OWL.equivalentClass), key=str):
        found = _witness(graph, s, definition)
        if found:
            return found
    for t in types:
        if (t, RDFS.subClassOf, cls) in graph:
            return f"{label(graph, s)} is {a(graph, t)}, and every {label(graph, t)} is {a(graph, cls)}"
    for prop in sorted(graph.subjects(RDFS.domain, cls), key=str):
        for value in sorted(asserted.objects(s, prop), key=str):
            return (f"{_says(graph, s, prop, value)}, and only {a(graph, cls)} can be the subject of "
                    f"'{label(graph, prop)}'")
    for prop in sorted(graph.subjects(RDFS.range, cls), key=str):
        for subject in sorted(asserted.subjects(prop, s), key=str):
            return (f"{_says(graph, subject, prop, s)}, and only {a(graph, cls)} can be the object of "
                    f"'{label(graph, prop)}'")
    return None


def _witness(graph: Graph, s: Node, expr: Node) -> str | None:
    """What makes ``s`` an instance of the class expression ``expr``, or None if nothing does."""
    if isinstance(expr, URIRef):
        return f"{label(graph, s)} is {a(graph, expr)}" if (s, RDF.type, expr) in graph else None
    parts = graph.value(expr, OWL.intersectionOf)
    if parts is not None:
        members = list(Collection(graph, parts))
        found = [_witness(graph, s, m) for m in members]
        if not all(found):
            return None
        restrictions = [f for m, f in zip(members, found, strict=True) if f is not None and not isinstance(m, URIRef)]
        return "; ".join(restrictions or [f for f in found if f is not None])
    options = graph.value(expr, OWL.unionOf)
    if options is not None:
        return next((f for f in (_witness(graph, s, m) for m in Collection(graph, options)) if f), None)
    prop = graph.value(expr, OWL.onProperty)
    if prop is None:
        return None
    value = graph.value(expr, OWL.hasValue)
    if value is not None:
        return _says(graph, s, prop, value) if (s, prop, value) in graph else None
    filler = graph.value(expr, OWL.someValuesFrom)
    if filler is None:
        return None
    values = sorted({label(graph, y) for y in graph.objects(s, prop) if _witness(graph, y, filler)})
    if not values:
        return None
    each = "each " if len(values) > 1 else ""
    return f"{label(graph, s)} {phrase(graph, prop)} {join(values)} ({each}{a(graph, filler)})"


# ---------------------------------------------------------------- subclasses

def _subclass(graph: Graph, sub: Node, sup: Node) -> str | None:
    for definition in sorted(graph.objects(sub, OWL.equivalentClass), key=str):
        parts = graph.value(definition, OWL.intersectionOf)
        members = list(Collection(graph, parts)) if parts is not None else [definition]
        for member in members:
            if member == sup:
                return f"the definition of {label(graph, sub)} makes every one {a(graph, sup)}"
            if isinstance(member, URIRef) and (member, RDFS.subClassOf, sup) in graph:
                return (f"the definition of {label(graph, sub)} makes every one {a(graph, member)}, "
                        f"and every {label(graph, member)} is {a(graph, sup)}")
        for member in members:
            prop = graph.value(member, OWL.onProperty)
            domain = graph.value(prop, RDFS.domain) if prop is not None else None
            if prop is not None and domain is not None and (domain == sup or (domain, RDFS.subClassOf, sup) in graph):
                return (f"the definition of {label(graph, sub)} requires that it {phrase(graph, prop)} something, "
                        f"and only {a(graph, domain)} can")
    for middle in sorted(graph.objects(sub, RDFS.subClassOf), key=str):
        if (middle, RDFS.subClassOf, sup) in graph and middle not in (sub, sup):
            return (f"every {label(graph, sub)} is {a(graph, middle)}, "
                    f"and every {label(graph, middle)} is {a(graph, sup)}")
    return None


# ---------------------------------------------------------------- the report `medkg reason` prints

def from_hierarchy(asserted: Graph, s: Node, cls: Node) -> bool:
    """True if ``s`` is in ``cls`` only because an asserted type of ``s`` is a subclass of it."""
    todo: list[Node] = [t for t in asserted.objects(s, RDF.type) if isinstance(t, URIRef)]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node == cls:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(asserted.objects(node, RDFS.subClassOf))
    return False


def describe(reasoning: Reasoning, *, hierarchy: bool = False) -> str:
    """What the reasoner concluded, grouped and in words, one statement and its grounds per item."""
    graph = reasoning.asserted
    lines = []
    verdict = ("consistent, no unsatisfiable classes" if not reasoning.unsatisfiable else
               "UNSATISFIABLE classes: " + join([label(graph, c) for c in reasoning.unsatisfiable]))
    lines.append(f"HermiT: {verdict} ({reasoning.seconds:.1f} s). It added {len(reasoning.inferences)} statements.")
    types = reasoning.added(RDF.type)
    trivial = [i for i in types if from_hierarchy(graph, i.subject, i.object)]
    shown = types if hierarchy else [i for i in types if i not in trivial]
    more = "" if hierarchy or not trivial else f"; {len(trivial)} more from the class hierarchy, listed with --all"
    lines.append(f"\nClass memberships ({len(shown)}{more}):")
    for i in sorted(shown, key=lambda i: (label(graph, i.object), label(graph, i.subject))):
        lines.append(f"  {label(graph, i.subject)} is {a(graph, i.object)}\n      because {i.because}")
    links = [i for i in reasoning.inferences if i.predicate not in (RDF.type, RDFS.subClassOf)]
    lines.append(f"\nLinks between entities ({len(links)}):")
    for prop in sorted({i.predicate for i in links}, key=lambda p: label(graph, p)):
        group = sorted((i for i in links if i.predicate == prop),
                       key=lambda i: (label(graph, i.subject), label(graph, i.object)))
        lines.append(f"  {label(graph, prop)} ({len(group)}):")
        for i in group:
            lines.append(f"    {_says(graph, i.subject, prop, i.object)}\n        because {i.because}")
    subclasses = reasoning.added(RDFS.subClassOf)
    lines.append(f"\nSubclass relations ({len(subclasses)}):")
    for i in sorted(subclasses, key=lambda i: label(graph, i.subject)):
        lines.append(f"  every {label(graph, i.subject)} is {a(graph, i.object)}\n      because {i.because}")
    return "\n".join(lines)
