"""The graph as an OWL 2 DL ontology in RDF/XML, the format Protégé reads best.

``owl_graph`` takes the one graph (schema, sources, entities, facts, ``owl:Axiom`` provenance) and
adds only what OWL needs on top: the ontology header's dated version IRI and sources, and a
declaration for every entity used without one. It refuses what Protégé and HermiT would choke on
(datatypes outside OWL 2, IRIs used as two kinds of property, invalid IRIs) instead of writing it.
``write_rdfxml`` is a small RDF/XML writer whose output is sorted, so two builds give the same
bytes; rdflib's own writers follow the store's order, which changes with the hash seed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from .errors import ExportError
from .vocab import MEDKG, ONTOLOGY_IRI, PREFIXES

#: The release this ontology is published as; part of the version IRI. A fixed date, bumped by
#: hand when a release is made, so that a rebuild of the same sources gives the same file.
RELEASE_DATE = "2026-11-26"

#: Datatypes of the OWL 2 datatype map (and rdfs:Literal); any other one (xsd:date, say) is not OWL 2 DL.
OWL2_DATATYPES = frozenset(
    [XSD[name] for name in (
        "string", "boolean", "decimal", "integer", "double", "float", "dateTime", "dateTimeStamp",
        "anyURI", "base64Binary", "hexBinary", "normalizedString", "token", "language", "Name",
        "NCName", "NMTOKEN", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte")]
    + [RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal, OWL.real, OWL.rational])

#: What a declaration says an IRI is.
KINDS = (OWL.Ontology, OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class,
         RDFS.Datatype, OWL.NamedIndividual)
PROPERTY_KINDS = frozenset({OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty})
_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def version_iri(file_name: str = "medkg.owl") -> URIRef:
    """The dated IRI of this release of ``file_name``, e.g. ``.../ontology/2026-11-26/medkg.owl``."""
    return URIRef(f"{ONTOLOGY_IRI}/{RELEASE_DATE}/{file_name}")


def _builtin(iri: Node) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(_BUILTIN_NAMESPACES)


def declared_kinds(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """For each IRI with a declaration, the kinds it is declared as."""
    kinds: dict[URIRef, set[URIRef]] = defaultdict(set)
    for kind in KINDS:
        for iri in graph.subjects(RDF.type, kind):
            if isinstance(iri, URIRef):
                kinds[iri].add(kind)
    return kinds


def owl_graph(graph: Graph, *, file_name: str = "medkg.owl") -> Graph:
    """A copy of ``graph`` ready for OWL tools: header completed, everything used declared, checked."""
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in graph:
        out.add(triple)
    _complete_header(out, file_name)
    _declare_used(out)
    problems = owl_problems(out)
    if problems:
        raise ExportError(f"cannot write {file_name} as OWL 2 DL:\n" + "\n".join(f"  {p}" for p in problems))
    return out


def _complete_header(graph: Graph, file_name: str) -> None:
    graph.add((ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    graph.add((ONTOLOGY_IRI, OWL.versionIRI, version_iri(file_name)))
    cited = []
    for source in sorted(s for s in graph.subjects(RDF.type, MEDKG.SourceDocument) if isinstance(s, URIRef)):
        graph.add((ONTOLOGY_IRI, DCTERMS.source, source))
        title = graph.value(source, DCTERMS.title)
        publisher = graph.value(source, DCTERMS.publisher)
        reviewer = graph.value(source, MEDKG.reviewedBy)
        date = graph.value(source, MEDKG.reviewDate)
        cited.append(f"{title} ({publisher}), reviewed by {reviewer} on {date}")
    if cited:
        text = "Facts taken from: " + "; ".join(cited) + "."
        graph.add((ONTOLOGY_IRI, RDFS.comment, Literal(text, lang="en")))


def _declare_used(graph: Graph) -> None:
    """Declare what the graph uses without declaring: external annotation properties, individuals."""
    kinds = declared_kinds(graph)
    new: set[tuple[Node, Node, Node]] = set()
    for s, p, o in graph:
        if not isinstance(p, URIRef) or _builtin(p):
            if p == RDF.type and isinstance(o, URIRef) and not _builtin(o) and o not in kinds:
                new.add((o, RDF.type, OWL.Class))
            if p == OWL.hasValue and isinstance(o, URIRef) and o not in kinds:
                new.add((o, RDF.type, OWL.NamedIndividual))
            continue
        if p not in kinds and not str(p).startswith(str(MEDKG)):  # medkg's own must be in the schema
            new.add((p, RDF.type, OWL.AnnotationProperty))
        if kinds.get(p, set()) & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            for node in (s, o) if OWL.ObjectProperty in kinds[p] else (s,):
                if isinstance(node, URIRef) and OWL.NamedIndividual not in kinds.get(node, set()):
                    new.add((node, RDF.type, OWL.NamedIndividual))
    for triple in new:
        graph.add(triple)


def owl_problems(graph: Graph) -> list[str]:
    """What would make the graph fail to load cleanly in Protégé or break OWL 2 DL, in words."""
    problems = []
    kinds = declared_kinds(graph)
    for iri, declared in sorted(kinds.items()):
        if len(declared & PROPERTY_KINDS) > 1:
            names = ", ".join(sorted(graph.namespace_manager.normalizeUri(k) for k in declared & PROPERTY_KINDS))
            problems.append(f"{iri} is declared as {names}: one IRI may be only one kind of property "
                            "(rename one of them)")
    for s, p, o in graph:
        if isinstance(p, URIRef) and not _builtin(p) and p not in kinds:
            problems.append(f"{p} is used but not declared (declare it in ontology/medkg.ttl)")
        for node in (s, p, o):
            if isinstance(node, URIRef) and not _IRI.match(str(node)):
                problems.append(f"invalid IRI <{node}> (no spaces or <>\"{{}}|\\^` allowed)")
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            problems.append(f"{s} {p} {o.n3()}: datatype {o.datatype} is not in OWL 2 "
                            "(use xsd:dateTime or a plain string)")
    return sorted(set(problems))


def write_owl(graph: Graph, path: Path) -> None:
    """``medkg.owl``: the graph as OWL 2 DL in RDF/XML, with header and declarations completed."""
    write_rdfxml(owl_graph(graph, file_name=path.name), path)


# ---------------------------------------------------------------- RDF/XML, sorted

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SECTIONS = [
    (OWL.Ontology, "Ontology"), (OWL.AnnotationProperty, "Annotation properties"),
    (OWL.ObjectProperty, "Object properties"), (OWL.DatatypeProperty, "Data properties"),
    (RDFS.Datatype, "Datatypes"), (OWL.Class, "Classes"), (OWL.NamedIndividual, "Individuals"),
]


class _Names:
    """QNames for element names: the graph's prefixes, and ``nsN`` for namespaces it lacks."""

    def __init__(self, graph: Graph, iris: Iterable[URIRef]) -> None:
        self.prefixes: dict[str, str] = {p: str(ns) for p, ns in PREFIXES.items()}
        bound = {str(ns): prefix for prefix, ns in graph.namespaces()}
        needed = sorted({ns for ns, _ in map(self._split, iris)} - set(self.prefixes.values()))
        for i, ns in enumerate(needed, start=1):
            prefix = bound.get(ns, "")
            self.prefixes[prefix if prefix and prefix not in self.prefixes else f"ns{i}"] = ns

    @staticmethod
    def _split(iri: URIRef) -> tuple[str, str]:
        text = str(iri)
        match = re.search(r"[A-Za-z_][A-Za-z0-9_.-]*$", text)
        if not match:
            raise ExportError(f"RDF/XML cannot name the property or class {iri} (it ends in no XML name)")
        return text[: match.start()], match.group(0)

    def qname(self, iri: URIRef) -> str:
        text = str(iri)
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and _NCNAME.match(text[len(ns):]):
                return f"{prefix}:{text[len(ns):]}"
        ns, local = self._split(iri)
        prefix = next(p for p, n in self.prefixes.items() if n == ns)
        return f"{prefix}:{local}"


def _text(value: str) -> str:
    if _XML_INVALID.search(value):
        raise ExportError(f"text cannot be written in XML (control character): {value!r}")
    return escape(value)


class _Writer:
    """Renders one graph; blank nodes used once are nested, lists become ``parseType="Collection"``."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        uses = Counter(o for _, _, o in graph if isinstance(o, BNode))
        self.referenced = set(uses)
        self.nested = {b for b, n in uses.items() if n == 1}
        self._unnest_unreachable()
        element_iris = {p for _, p, _ in graph} | {o for _, p, o in graph if p == RDF.type and isinstance(o, URIRef)}
        self.names = _Names(graph, [i for i in element_iris if isinstance(i, URIRef)])

    def _unnest_unreachable(self) -> None:
        """Blank nodes used once but only from within a cycle of blank nodes are written at the top."""
        while True:
            todo = [s for s in set(self.graph.subjects()) if s not in self.nested]
            reached = set()
            while todo:
                for o in self.graph.objects(todo.pop()):
                    if o in self.nested and o not in reached:
                        reached.add(o)
                        todo.append(o)
            stranded = self.nested - reached
            if not stranded:
                return
            self.nested.discard(min(stranded, key=str))

    def _node_id(self, node: BNode) -> str:
        label = str(node)
        return label if _NCNAME.match(label) else f"b{label}"

    def _list_items(self, node: Node) -> list[Node] | None:
        """The members of a well-formed list of resources starting at ``node``, else None."""
        items: list[Node] = []
        seen = set()
        while node != RDF.nil:
            if not isinstance(node, BNode) or node in seen or node not in self.nested:
                return None
            seen.add(node)
            preds = sorted(set(self.graph.predicates(node)), key=str)
            first = list(self.graph.objects(node, RDF.first))
            rest = list(self.graph.objects(node, RDF.rest))
            if preds != sorted([RDF.first, RDF.rest], key=str) or len(first) != 1 or len(rest) != 1:
                return None
            if isinstance(first[0], Literal):
                return None
            items.append(first[0])
            node = rest[0]
        return items

    def node(self, subject: Node, indent: str) -> str:
        """A node element for ``subject`` with its properties, sorted."""
        types = sorted(o for o in self.graph.objects(subject, RDF.type) if isinstance(o, URIRef))
        main = next((k for k in KINDS + (OWL.Axiom, OWL.Restriction, OWL.AllDisjointClasses) if k in types),
                    types[0] if types else None)
        tag = self.names.qname(main) if main is not None else "rdf:Description"
        if isinstance(subject, URIRef):
            attr = f" rdf:about={quoteattr(str(subject))}"
        elif subject in self.nested or subject not in self.referenced:
            attr = ""
        else:
            attr = f" rdf:nodeID={quoteattr(self._node_id(subject))}"  # type: ignore[arg-type]
        props = sorted(self.prop(p, o, indent + "    ") for p, o in self.graph.predicate_objects(subject)
                       if not (p == RDF.type and o == main))
        if not props:
            return f"{indent}<{tag}{attr}/>"
        return f"{indent}<{tag}{attr}>\n" + "\n".join(props) + f"\n{indent}</{tag}>"

    def prop(self, predicate: Node, obj: Node, indent: str) -> str:
        tag = self.names.qname(predicate)  # type: ignore[arg-type]
        if isinstance(obj, Literal):
            attr = ""
            if obj.language:
                attr = f" xml:lang={quoteattr(obj.language)}"
            elif obj.datatype is not None:
                attr = f" rdf:datatype={quoteattr(str(obj.datatype))}"
            return f"{indent}<{tag}{attr}>{_text(str(obj))}</{tag}>"
        if isinstance(obj, URIRef):
            return f"{indent}<{tag} rdf:resource={quoteattr(str(obj))}/>"
        if obj not in self.nested:
            return f"{indent}<{tag} rdf:nodeID={quoteattr(self._node_id(obj))}/>"  # type: ignore[arg-type]
        items = self._list_items(obj)
        if items is not None:
            inner = "\n".join(self._member(item, indent + "    ") for item in items)
            return f"{indent}<{tag} rdf:parseType=\"Collection\">\n{inner}\n{indent}</{tag}>"
        return f"{indent}<{tag}>\n{self.node(obj, indent + '    ')}\n{indent}</{tag}>"

    def _member(self, item: Node, indent: str) -> str:
        if isinstance(item, URIRef):
            return f"{indent}<rdf:Description rdf:about={quoteattr(str(item))}/>"
        if item in self.nested:
            return self.node(item, indent)
        return f"{indent}<rdf:Description rdf:nodeID={quoteattr(self._node_id(item))}/>"  # type: ignore[arg-type]

    def _axiom_key(self, node: Node) -> tuple[str, ...]:
        """Axiom annotations sort by the statement they annotate, then anything else by content."""
        parts = (self.graph.value(node, p) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        return tuple("" if v is None else v.n3() for v in parts)

    def document(self) -> str:
        kinds = declared_kinds(self.graph)
        sections: dict[str, list[str]] = defaultdict(list)
        for subject in sorted({s for s in self.graph.subjects() if isinstance(s, URIRef)}):
            title = next((t for k, t in _SECTIONS if k in kinds.get(subject, set())), "Other resources")
            sections[title].append(f"    <!-- {escape(str(subject)).replace('--', '- -')} -->\n\n"
                                   + self.node(subject, "    "))
        others = [s for s in {s for s in self.graph.subjects() if isinstance(s, BNode)} if s not in self.nested]
        rendered = [(self._axiom_key(s), self.node(s, "    ")) for s in others]
        sections["Axioms and other statements"] = [text for _, text in sorted(rendered)]
        namespaces = "".join(f"\n     xmlns:{p}={quoteattr(ns)}" for p, ns in sorted(self.names.prefixes.items()))
        parts = ['<?xml version="1.0" encoding="utf-8"?>', f"<rdf:RDF{namespaces}>"]
        for title in [t for _, t in _SECTIONS] + ["Other resources", "Axioms and other statements"]:
            if sections.get(title):
                parts.append(f"\n    <!-- ///// {title} ///// -->\n")
                parts.append("\n\n".join(sections[title]))
        parts.append("</rdf:RDF>\n")
        return "\n".join(parts)


def write_rdfxml(graph: Graph, path: Path) -> None:
    """Write ``graph`` as RDF/XML: subjects grouped by kind and sorted, so the bytes are stable."""
    path.write_text(_Writer(graph).document(), encoding="utf-8")


def dumps_rdfxml(graph: Graph) -> str:
    """The RDF/XML ``write_rdfxml`` would write."""
    return _Writer(graph).document()
