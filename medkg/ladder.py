"""The treatment ladder, computed from ``escalatesTo``; what ``medkg ladder`` and ``medkg next`` print.

For a condition, step 1 holds its treatments that no other treatment of it escalates to; step
n + 1 holds the treatments that step n escalates to, each placed by its longest escalation path
(networkx's topological generations). A condition has a ladder only when at least one escalatesTo
links two of its treatments: a lone treatment is not a first step (the article reserves
rhizotomy, the only treatment it names for pain, for extreme cases). The condition for moving on
from a step is the ``medkg:appliesWhen`` of the escalatesTo facts that leave it.

``add_ladder_steps`` writes the computed steps into the graph (``medkg.build.make_graph`` calls
it after building and before any export), as annotations, so SPARQL and the HTML can use them::

    mk:baclofen medkg:ladderStep <https://w3id.org/medkg/ladder/spasticity/2> .
    <https://w3id.org/medkg/ladder/spasticity/2> medkg:forCondition mk:spasticity ;
        medkg:stepNumber 2 ; medkg:moveOnWhen "oral medications are not effective"@en .
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from .analysis import Provenance, curie, entities, local_id, provenance
from .errors import MedkgError
from .vocab import BASE, MEDKG, ROOT_CLASS

#: Step IRIs: ``https://w3id.org/medkg/ladder/<condition id>/<step number>``.
LADDER = Namespace(BASE + "ladder/")


class NameNotFound(MedkgError, LookupError):
    """A name that matches no entity of the kind asked for; the message lists the closest names."""


@dataclass(frozen=True)
class Step:
    """One rung of a ladder: its options and when the sources say to move on to the next rung."""

    number: int
    options: tuple[URIRef, ...]
    move_on_when: tuple[str, ...]


@dataclass(frozen=True)
class Ladder:
    """A condition's treatments in the order they are tried."""

    condition: URIRef
    steps: tuple[Step, ...]

    @property
    def depth(self) -> int:
        return len(self.steps)

    def step_of(self, treatment: Node) -> int | None:
        return next((s.number for s in self.steps if treatment in s.options), None)


def treatments_by_condition(graph: Graph) -> dict[URIRef, set[URIRef]]:
    found: dict[URIRef, set[URIRef]] = defaultdict(set)
    for treatment, condition in graph.subject_objects(MEDKG.treats):
        if isinstance(treatment, URIRef) and isinstance(condition, URIRef):
            found[condition].add(treatment)
    return dict(sorted(found.items()))


def ladders(graph: Graph) -> dict[URIRef, Ladder]:
    """The treatment ladder of every condition that has one, by condition IRI."""
    import networkx as nx

    escalates = MEDKG.escalatesTo  # a Namespace makes a new URIRef on each access
    provs = provenance(graph, escalates)
    # indexed by the treatment escalated from: looping over every escalatesTo for every
    # condition took 18 s on a million-triple graph
    escalations: dict[Node, list[Node]] = defaultdict(list)
    for s, o in sorted(graph.subject_objects(escalates)):
        escalations[s].append(o)
    found = {}
    for condition, treatments in treatments_by_condition(graph).items():
        dag = nx.DiGraph()
        nodes = sorted(treatments)
        dag.add_nodes_from(nodes)
        dag.add_edges_from((s, o) for s in nodes for o in escalations.get(s, ()) if o in treatments)
        if dag.number_of_edges() == 0:
            continue
        steps = []
        for number, generation in enumerate(nx.topological_generations(dag), start=1):
            members = sorted(generation)
            when = {
                p.applies_when
                for member in members
                for target in dag.successors(member)
                for p in provs.get((member, escalates, target), [])
                if p.applies_when
            }
            steps.append(Step(number, tuple(members), tuple(sorted(when))))
        found[condition] = Ladder(condition, tuple(steps))
    return found


def step_iri(condition: URIRef, number: int) -> URIRef:
    return LADDER[f"{local_id(condition)}/{number}"]


def ladder_triples(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The computed ladders as annotation triples (see the module docstring), each step labelled."""
    for condition, ladder in ladders(graph).items():
        name = _label(graph, condition)
        for step in ladder.steps:
            iri = step_iri(condition, step.number)
            yield iri, RDFS.label, Literal(f"{name} treatment ladder, step {step.number}", lang="en")
            yield iri, MEDKG.forCondition, condition
            yield iri, MEDKG.stepNumber, Literal(step.number)
            for text in step.move_on_when:
                yield iri, MEDKG.moveOnWhen, Literal(text, lang="en")
            for option in step.options:
                yield option, MEDKG.ladderStep, iri


def add_ladder_steps(graph: Graph) -> Graph:
    """Write the computed ladder steps into ``graph`` (derived triples, marked by their properties)."""
    for triple in list(ladder_triples(graph)):
        graph.add(triple)
    return graph


# ---------------------------------------------------------------- finding an entity by name

_NAME_KINDS = ["label", "synonym", "brand name", "id"]


def _label(graph: Graph, iri: Node) -> str:
    labels = sorted(str(v) for v in graph.objects(iri, RDFS.label))
    return labels[0] if labels else curie(graph, iri)


def _names(graph: Graph, iri: URIRef) -> Iterable[tuple[str, str]]:
    """(name, how it names the entity) for its label, synonyms, brand names, id and CURIE."""
    for label in graph.objects(iri, RDFS.label):
        yield str(label), "label"
    for synonym in graph.objects(iri, SKOS.altLabel):
        if (iri, MEDKG.brandName, synonym) not in graph:
            yield str(synonym), "synonym"
    for brand in graph.objects(iri, MEDKG.brandName):
        yield str(brand), "brand name"
    yield local_id(iri), "id"
    yield curie(graph, iri), "id"


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


def find_entity(graph: Graph, name: str, *, kind: URIRef = ROOT_CLASS, kind_name: str = "entity") -> tuple[URIRef, str]:
    """The entity of class ``kind`` that ``name`` names (label, synonym, brand name or id, in any
    case) and how it names it. Raises ``NameNotFound`` listing the closest names when none does."""
    wanted = set(graph.transitive_subjects(RDFS.subClassOf, kind))
    candidates = [iri for iri, cls in entities(graph).items() if cls in wanted]
    index: dict[str, list[tuple[URIRef, str, str]]] = defaultdict(list)
    for iri in candidates:
        for text, how in _names(graph, iri):
            index[_key(text)].append((iri, how, text))
    hits = sorted({(iri, how) for iri, how, _ in index.get(_key(name), [])})
    if len({iri for iri, _ in hits}) == 1:
        return hits[0][0], min((how for _, how in hits), key=_NAME_KINDS.index)
    if hits:
        labels = ", ".join(sorted({_label(graph, iri) for iri, _ in hits}))
        raise NameNotFound(f"'{name}' names several {kind_name}s: {labels} (use the label of one)")
    shown = {
        _key(text): text if how == "label" else f"{text} ({_label(graph, iri)})"
        for entries in index.values()
        for iri, how, text in entries
        if how != "id"
    }
    close = difflib.get_close_matches(_key(name), sorted(shown), n=5, cutoff=0.6)
    if not close:  # a typo in one word of a longer name
        close = sorted(k for k in shown if difflib.get_close_matches(_key(name), k.split(), n=1, cutoff=0.75))[:5]
    if close:
        hint = f"did you mean: {', '.join(shown[k] for k in close)}?"
    else:
        known = sorted(_label(graph, iri) for iri in candidates)
        hint = "known: " + (", ".join(known[:12]) + (", ..." if len(known) > 12 else "") if known else "none")
    raise NameNotFound(f"no {kind_name} named '{name}' ({hint})")


# ---------------------------------------------------------------- what the commands print


def _find(graph: Graph, name: str, kind: URIRef, kind_name: str, *, other: str) -> URIRef:
    """``find_entity``, pointing to the other command when ``name`` is an entity of another kind."""
    try:
        return find_entity(graph, name, kind=kind, kind_name=kind_name)[0]
    except NameNotFound as unknown:
        try:
            iri, _ = find_entity(graph, name)
        except NameNotFound:
            raise unknown from None
        what = _type_label(graph, iri)
        raise NameNotFound(f"'{name}' is {_a(what)}, not {_a(kind_name)} (try `medkg {other} {name}`)") from None


def _named(graph: Graph, iri: Node) -> str:
    """``tizanidine (Zanaflex)``: the label, with brand names when there are any."""
    brands = sorted(str(b) for b in graph.objects(iri, MEDKG.brandName))
    return _label(graph, iri) + (f" ({', '.join(brands)})" if brands else "")


def _a(text: str) -> str:
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


def _type_label(graph: Graph, iri: URIRef) -> str:
    cls = entities(graph).get(iri)
    return _label(graph, cls) if cls is not None else "entity"


def _source_lines(graph: Graph, sources: Iterable[str]) -> list[str]:
    lines = []
    for source in sorted(set(sources)):
        iri = URIRef(str(graph.namespace_manager.expand_curie(source))) if ":" in source else URIRef(source)
        title = graph.value(iri, DCTERMS.title) or source
        who = graph.value(iri, MEDKG.reviewedBy)
        when = graph.value(iri, MEDKG.reviewDate)
        publisher = graph.value(iri, DCTERMS.publisher)
        text = f"  {title}" + (f", {publisher}" if publisher else "")
        text += f"; reviewed by {who}" if who else ""
        text += f" on {when}" if when else ""
        lines.append(text + f" [{source}]")
    return lines


def ladder_report(graph: Graph, name: str | None = None) -> str:
    """``medkg ladder``: every ladder's size, or one condition's steps with when to move on."""
    computed = ladders(graph)
    if name is None:
        if not computed:
            return "No condition has a treatment ladder: no treatment of a condition escalates to another.\n"
        lines = ["Conditions with a treatment ladder (computed from escalatesTo):"]
        lines += [f"  {_label(graph, c)}: {ladder.depth} steps" for c, ladder in computed.items()]
        return "\n".join(lines) + "\n"
    condition = _find(graph, name, MEDKG.Condition, "condition", other="next")
    provs = provenance(graph)
    ladder = computed.get(condition)
    cited: list[str] = []
    if ladder is None:
        treatments = sorted(treatments_by_condition(graph).get(condition, set()))
        lines = [
            f"{_label(graph, condition)}: no treatment ladder in the sources (no treatment of it escalates to another)."
        ]
        if treatments:
            lines += ["", "Treatments the sources name for it:"]
            lines += _options(graph, condition, treatments, provs, cited)
        if cited:
            lines += ["", "Sources:", *_source_lines(graph, cited)]
        return "\n".join(lines) + "\n"
    lines = [f"Treatment ladder for {_label(graph, condition)} ({ladder.depth} steps, computed from escalatesTo)"]
    for step in ladder.steps:
        lines += ["", f"Step {step.number}"]
        lines += _options(graph, condition, list(step.options), provs, cited)
        for member in step.options:
            for target in graph.objects(member, MEDKG.escalatesTo):
                if ladder.step_of(target) is not None:
                    cited += [p.source for p in provs.get((member, MEDKG.escalatesTo, target), [])]
        if step.number == ladder.depth:
            lines.append("  Last step.")
        elif step.move_on_when:
            lines.append(f"  Move on to step {step.number + 1} when: {'; or '.join(step.move_on_when)}")
        else:
            lines.append(f"  Move on to step {step.number + 1}: the sources give no condition.")
    lines += ["", "Sources:", *_source_lines(graph, cited)]
    return "\n".join(lines) + "\n"


def _options(
    graph: Graph,
    condition: URIRef,
    options: list[URIRef],
    provs: dict[tuple[Node, Node, Node], list[Provenance]],
    cited: list[str],
) -> list[str]:
    lines = []
    for option in sorted(options, key=lambda o: _label(graph, o).casefold()):
        lines.append(f"  - {_named(graph, option)}")
        stated = provs.get((option, MEDKG.treats, condition), [])
        cited += [p.source for p in stated]
        for when in sorted({p.applies_when for p in stated if p.applies_when}):
            lines.append(f"      when: {when}")
    return lines


def next_report(graph: Graph, name: str) -> str:
    """``medkg next``: what the sources escalate to after a treatment, with when, why and where from."""
    treatment = _find(graph, name, MEDKG.Treatment, "treatment", other="ladder")
    _, how = find_entity(graph, name, kind=MEDKG.Treatment)
    provs = provenance(graph)
    computed = ladders(graph)
    lines = []
    if how in ("synonym", "brand name"):
        lines.append(f"{name} is a {how} of {_label(graph, treatment)}.")
    where = [
        f"step {ladder.step_of(treatment)} of the {_label(graph, c)} ladder"
        for c, ladder in computed.items()
        if ladder.step_of(treatment) is not None
    ]
    head = f"{_named(graph, treatment)}: {_a(_type_label(graph, treatment))}"
    lines.append(head + (f", {' and '.join(where)}." if where else "."))
    targets = sorted(
        (t for t in graph.objects(treatment, MEDKG.escalatesTo) if isinstance(t, URIRef)),
        key=lambda t: _label(graph, t).casefold(),
    )
    if not targets:
        return "\n".join(lines + ["", *_no_escalation(graph, treatment, computed)]) + "\n"
    lines += ["", "What comes next:"]
    cited = []
    for target in targets:
        steps = [
            f"step {ladder.step_of(target)} of the {_label(graph, c)} ladder"
            for c, ladder in computed.items()
            if ladder.step_of(target) is not None
        ]
        lines.append(f"  - {_named(graph, target)}" + (f" ({', '.join(steps)})" if steps else ""))
        for p in provs.get((treatment, MEDKG.escalatesTo, target), []):
            cited.append(p.source)
            if p.applies_when:
                lines.append(f"      when: {p.applies_when}")
            lines.append(f"      why: {p.evidence}")
            lines.append(f'      source: {p.source}, section "{p.section}" ("{p.anchor}")')
    lines += ["", "Sources:", *_source_lines(graph, cited)]
    return "\n".join(lines) + "\n"


def _no_escalation(graph: Graph, treatment: URIRef, computed: dict[URIRef, Ladder]) -> list[str]:
    """What to say when no escalatesTo leaves the treatment: the ladder's next step, if any."""
    name = _label(graph, treatment)
    lines = [f"The sources name nothing that {name} itself escalates to."]
    for parent in sorted(graph.objects(treatment, MEDKG.componentOf), key=lambda p: _label(graph, p)):
        lines.append(f"It is part of {_label(graph, parent)}: see `medkg next {_label(graph, parent)}`.")
    for condition, ladder in computed.items():
        number = ladder.step_of(treatment)
        if number is None:
            continue
        if number == ladder.depth:
            lines.append(f"It is on the last step of the {_label(graph, condition)} ladder.")
            continue
        following = ladder.steps[number]
        options = ", ".join(_named(graph, o) for o in sorted(following.options, key=lambda o: _label(graph, o)))
        lines.append(f"Step {following.number} of the {_label(graph, condition)} ladder comes next: {options}")
        when = ladder.steps[number - 1].move_on_when
        if when:
            lines.append(f"  when: {'; or '.join(when)}")
    return lines
