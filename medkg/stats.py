"""``exports/STATS.md``: what the graph holds, counted from the graph itself.

Entities per type, facts per predicate, facts per source, facts without provenance (a fact whose
triple has no ``owl:Axiom`` with a source, section and evidence; must be zero) and the depth of
each condition's treatment ladder. Sorted tables, no dates: two builds give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef

from .analysis import Axiom, axioms, curie, entities, entity_classes, fact_properties, paused_gc
from .ladder import ladders, treatments_by_condition
from .vocab import MEDKG


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    right = ["---:" if all(isinstance(r[i], int) for r in rows) and rows else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(right) + " |"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _label(graph: Graph, iri: URIRef) -> str:
    return str(graph.value(iri, RDFS.label) or curie(graph, iri))


def fact_triples(graph: Graph) -> list[tuple[URIRef, URIRef, object]]:
    """Every curated fact: a triple whose predicate is a schema relation or literal property."""
    relations, literals = fact_properties(graph)
    return sorted((s, p, o) for p in relations + literals for s, o in graph.subject_objects(p))  # type: ignore[misc]


def unsourced(graph: Graph) -> list[tuple[URIRef, URIRef, object]]:
    """Facts without an ``owl:Axiom`` giving their source, section and evidence (the SHACL rule)."""
    with paused_gc():
        return _unsourced(fact_triples(graph), axioms(graph))


def _unsourced(facts: list[tuple[URIRef, URIRef, object]], stated: list[Axiom]) -> list[tuple[URIRef, URIRef, object]]:
    backed = {a.fact for a in stated if None not in (a.source, a.section, a.evidence)}
    return [t for t in facts if t not in backed]


def stats_markdown(graph: Graph) -> str:
    """The statistics report as Markdown."""
    found = entities(graph)
    facts = fact_triples(graph)
    with paused_gc():
        stated = axioms(graph)
    missing = _unsourced(facts, stated)
    fact_set = set(facts)
    per_source: Counter[URIRef] = Counter()
    for axiom in stated:
        if axiom.fact in fact_set and isinstance(axiom.source, URIRef):
            per_source[axiom.source] += 1
    documents = {s for s in graph.subjects(RDF.type, MEDKG.SourceDocument) if isinstance(s, URIRef)}
    sources = sorted(documents | set(per_source))

    out = ["# medkg graph statistics", ""]
    out += ["Counted from the built graph by `medkg build` (medkg/stats.py); do not edit by hand.", ""]
    totals: list[list[object]] = [["triples", len(graph)], ["entities", len(found)], ["facts", len(facts)]]
    totals += [["sources", len(sources)], ["facts lacking provenance", len(missing)]]
    out += ["## Totals", "", *_table(["what", "count"], totals)]

    by_type = Counter(found.values())
    classes = entity_classes(graph)
    rows: list[list[object]] = [[_label(graph, c), f"`{curie(graph, c)}`", by_type.get(c, 0)] for c in classes]
    out += ["", "## Entities per type", "", "Each entity counted once, under its most specific class.", ""]
    out += _table(["type", "class", "entities"], sorted(rows, key=lambda r: str(r[1])))

    per_predicate = Counter(p for _, p, _ in facts)
    missing_per = Counter(p for _, p, _ in missing)
    relations, literals = fact_properties(graph)
    rows = [
        [
            f"`{curie(graph, p)}`",
            "relation" if p in relations else "value",
            per_predicate.get(p, 0),
            per_predicate.get(p, 0) - missing_per.get(p, 0),
        ]
        for p in relations + literals
    ]
    out += ["", "## Facts per predicate", ""]
    out += _table(["predicate", "kind", "facts", "with provenance"], rows)

    rows = [[_label(graph, s), f"`{curie(graph, s)}`", per_source.get(s, 0)] for s in sources]
    out += ["", "## Facts per source", "", "A fact stated by several sources counts once for each.", ""]
    out += _table(["source", "id", "facts"], rows)

    out += ["", "## Facts lacking provenance", ""]
    if missing:
        out += [f"{len(missing)} facts have no source, section and evidence:", ""]
        out += [
            f"- `{curie(graph, s)} {curie(graph, p)} {o if not isinstance(o, URIRef) else curie(graph, o)}`"
            for s, p, o in missing
        ]
    else:
        out += ["None: every fact has a source, a section and an evidence note."]

    computed = ladders(graph)
    treated = treatments_by_condition(graph)
    condition_classes = {cls for cls, ancestry in classes.items() if MEDKG.Condition in ancestry}
    conditions = [iri for iri, cls in found.items() if cls in condition_classes]
    rows = []
    for condition in conditions:
        ladder = computed.get(condition)
        sizes = ", ".join(str(len(step.options)) for step in ladder.steps) if ladder else "-"
        rows.append([_label(graph, condition), len(treated.get(condition, ())), ladder.depth if ladder else 0, sizes])
    out += [
        "",
        "## Treatment ladder depth per condition",
        "",
        "Steps computed from escalatesTo (medkg/analysis.py); 0 when no treatment of the condition "
        "escalates to another.",
        "",
    ]
    out += _table(["condition", "treatments", "ladder depth", "options per step"], rows)
    return "\n".join(out) + "\n"


def write_stats(graph: Graph, path: Path) -> None:
    """``STATS.md``: counts of entities, facts, sources, unsourced facts and ladder depths."""
    path.write_text(stats_markdown(graph), encoding="utf-8")
