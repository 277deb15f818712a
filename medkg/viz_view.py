"""What the HTML pages show, read from the graph: entities, relations with their provenance, types, sources.

Everything comes from the one rdflib graph, through ``medkg.analysis`` for what counts as an
entity, a relation or a literal fact, so the pages agree with every other export. Each predicate is
read in one pass (per-entity lookups are slow on a big graph). Records are plain JSON-able dicts,
keyed by CURIE and sorted, for ``medkg.viz`` to put into pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from .vocab import DEFINITION, MEDKG

#: Shape and colour by entity type (Okabe-Ito colours, told apart by shape too). A type not
#: listed takes the style of its nearest listed ancestor.
TYPE_STYLES: dict[str, tuple[str, str]] = {
    "Condition": ("dot", "#D55E00"),
    "Complication": ("triangleDown", "#CC79A7"),
    "Treatment": ("dot", "#999999"),
    "PhysicalTherapy": ("square", "#009E73"),
    "OccupationalTherapy": ("square", "#56B4E9"),
    "Medication": ("diamond", "#0072B2"),
    "InjectedOrIntrathecalTherapy": ("star", "#E69F00"),
    "Device": ("hexagon", "#F0E442"),
    "SurgicalProcedure": ("triangle", "#555555"),
}
DEFAULT_TYPE_STYLE = ("dot", "#9E9E9E")
RELATION_STYLES: dict[str, dict[str, Any]] = {
    "treats": {"color": "#2E7D32", "dashes": False, "width": 1.6},
    "escalatesTo": {"color": "#1565C0", "dashes": False, "width": 3},
    "riskOf": {"color": "#C62828", "dashes": [8, 5], "width": 2},
    "manifestationOf": {"color": "#6A1B9A", "dashes": [2, 5], "width": 2},
    "delivers": {"color": "#EF6C00", "dashes": [10, 4, 2, 4], "width": 2},
    "componentOf": {"color": "#6D6D6D", "dashes": [4, 4], "width": 1.4},
}
DEFAULT_RELATION_STYLE: dict[str, Any] = {"color": "#8C8C8C", "dashes": [6, 3], "width": 1.4}


@dataclass(frozen=True)
class Kind:
    """An entity type or a relation, as the legend and the filters show it."""

    id: str
    label: str
    definition: str
    style: dict[str, Any]
    ancestors: tuple[str, ...] = ()


@dataclass(frozen=True)
class View:
    """What the pages show, read from the graph: records keyed by CURIE, edges sorted with ids."""

    title: str
    nodes: dict[str, dict[str, Any]]
    edges: list[dict[str, Any]]
    types: dict[str, Kind]
    relations: dict[str, Kind]
    sources: dict[str, dict[str, str]]


def _pick(values: list[Any]) -> str:
    """One value as text, English first, the smallest when there are several: the result never varies."""
    english = sorted(str(v) for v in values if getattr(v, "language", None) == "en")
    return (english or sorted(str(v) for v in values if isinstance(v, Literal)) or [""])[0]


def _all(values: list[Any]) -> list[str]:
    return sorted({str(v) for v in values}, key=lambda s: (s.casefold(), s))


def local_name(curie: str) -> str:
    return curie.split(":", 1)[1] if ":" in curie and not curie.startswith("http") else curie


class _Index:
    """The objects of a few predicates, by subject, each predicate read in one pass: per-subject
    lookups cost far more on a big graph."""

    def __init__(self, graph: Graph, predicates: list[URIRef]) -> None:
        self.by: dict[URIRef, dict[Any, list[Any]]] = {}
        for predicate in predicates:
            table: dict[Any, list[Any]] = {}
            for s, o in graph.subject_objects(predicate):
                table.setdefault(s, []).append(o)
            self.by[predicate] = table

    def get(self, subject: Any, predicate: URIRef) -> list[Any]:
        return self.by[predicate].get(subject, [])


def _provenance(graph: Graph) -> dict[tuple[Any, Any, Any], list[dict[str, str]]]:
    """What each source says about each fact (``medkg.analysis.provenance``), as page records:
    ``source``, and ``section``, ``evidence``, ``anchor`` and ``when`` where the source gives them."""
    from .analysis import Provenance, provenance

    def record(p: Provenance) -> dict[str, str]:
        texts = {"section": p.section, "evidence": p.evidence, "anchor": p.anchor, "when": p.applies_when}
        return {"source": p.source, **{key: text for key, text in texts.items() if text}}

    return {fact: [record(p) for p in provs] for fact, provs in provenance(graph).items()}


def read_view(graph: Graph) -> View:
    """Entities, relations with their provenance, types and sources, as the pages show them."""
    from .analysis import HAS_DBXREF, MATCHES, curie, entities, entity_classes, fact_properties

    found = entities(graph)
    classes = entity_classes(graph)
    relations, literals = fact_properties(graph)
    provs = _provenance(graph)
    ids = {iri: curie(graph, iri) for iri in found}
    id_props = [(p, name.replace("_matches", " match")) for name, p in MATCHES.items()]
    id_props.append((HAS_DBXREF, "cross-reference"))
    index = _Index(graph, [RDFS.label, DEFINITION, SKOS.altLabel, MEDKG.brandName, *(p for p, _ in id_props),
                           *literals])
    types: dict[str, Kind] = {}
    for cls, ancestry in classes.items():
        names = [local_name(curie(graph, c)) for c in ancestry]
        style = next((TYPE_STYLES[n] for n in reversed(names) if n in TYPE_STYLES), DEFAULT_TYPE_STYLE)
        name = local_name(curie(graph, cls))
        types[name] = Kind(name, _pick(index.get(cls, RDFS.label)) or name, _pick(index.get(cls, DEFINITION)),
                           {"shape": style[0], "color": style[1]}, tuple(names))
    fact_labels = {p: _pick(index.get(p, RDFS.label)) or local_name(curie(graph, p)) for p in literals}
    nodes: dict[str, dict[str, Any]] = {}
    for iri, cls in found.items():
        brands = _all(index.get(iri, MEDKG.brandName))
        facts = [{"label": fact_labels[prop], "value": {"true": "yes", "false": "no"}.get(str(value), str(value)),
                  "prov": provs.get((iri, prop, value), [])}
                 for prop in literals for value in sorted(index.get(iri, prop), key=str)]
        nodes[ids[iri]] = {
            "id": ids[iri], "iri": str(iri), "label": _pick(index.get(iri, RDFS.label)) or ids[iri],
            "type": local_name(curie(graph, cls)), "definition": _pick(index.get(iri, DEFINITION)),
            "synonyms": [s for s in _all(index.get(iri, SKOS.altLabel)) if s not in brands], "brands": brands,
            "ids": [[kind, curie(graph, v) if isinstance(v, URIRef) else str(v)]
                    for prop, kind in id_props for v in sorted(index.get(iri, prop), key=str)],
            "facts": facts,
        }
    kinds: dict[str, Kind] = {}
    edges: list[dict[str, Any]] = []
    for prop in relations:
        name = local_name(curie(graph, prop))
        kinds[name] = Kind(name, _pick(index.get(prop, RDFS.label)) or name, _pick(index.get(prop, DEFINITION)),
                           RELATION_STYLES.get(name, DEFAULT_RELATION_STYLE))
        for s, o in graph.subject_objects(prop):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and s in ids and o in ids:
                edges.append({"from": ids[s], "relation": name, "to": ids[o], "prov": provs.get((s, prop, o), [])})
    edges.sort(key=lambda e: (e["from"], e["relation"], e["to"]))
    for i, edge in enumerate(edges):
        edge["id"] = f"e{i}"
    def text(subject: Any, *predicates: URIRef) -> str:
        return next((t for p in predicates if (t := _pick(list(graph.objects(subject, p))))), "")

    sources = {}
    for doc in sorted(graph.subjects(RDF.type, MEDKG.SourceDocument), key=str):
        fields = {"title": text(doc, DCTERMS.title, RDFS.label), "publisher": text(doc, DCTERMS.publisher),
                  "reviewer": text(doc, MEDKG.reviewedBy), "date": text(doc, MEDKG.reviewDate)}
        sources[curie(graph, doc)] = {k: v for k, v in fields.items() if v}
    ontologies = sorted(graph.subjects(RDF.type, OWL.Ontology), key=str)
    title = next((t for o in ontologies if (t := text(o, DCTERMS.title, RDFS.label))), "medkg")
    return View(title, nodes, edges, types, kinds, sources)
