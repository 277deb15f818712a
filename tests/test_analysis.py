"""The networkx view, the treatment ladder computed from escalatesTo, and `medkg ladder` / `medkg next`."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from medkg.analysis import fact_id, property_graph, to_networkx
from medkg.build import make_graph
from medkg.cli import main
from medkg.graph import new_graph
from medkg.ladder import LADDER, NameNotFound, add_ladder_steps, find_entity, ladder_triples, ladders
from medkg.vocab import DEFINITION, MEDKG, load_schema

from . import (
    BACLOFEN,
    BACLOFEN_PUMP,
    BOTOX,
    DIAZEPAM,
    EXTRA_SOURCES,
    MK,
    OCCUPATIONAL_THERAPY,
    ONTOLOGY,
    PAIN,
    PHYSICAL_THERAPY,
    RHIZOTOMY,
    SOURCES,
    SPASTICITY,
    STRETCHING,
    TENDON_RELEASE,
    TIZANIDINE,
)

NOCTURNAL_SPASMS = MK.nocturnal_spasms
LADDER_PROPERTIES = [MEDKG.ladderStep, MEDKG.forCondition, MEDKG.stepNumber, MEDKG.moveOnWhen]


@cache
def merged_graph() -> Graph:
    """The article plus the test-only second source, which restates `baclofen treats spasticity`."""
    with tempfile.TemporaryDirectory() as tmp:
        for path in [*SOURCES.glob("*.yaml"), *EXTRA_SOURCES.glob("*.yaml")]:
            shutil.copy(path, tmp)
        return make_graph(Path(tmp), ONTOLOGY, shacl=False)[1]


# ---------------------------------------------------------------- the ladder


def test_spasticity_ladder_matches_the_article(graph: Graph) -> None:
    ladder = ladders(graph)[SPASTICITY]
    assert [set(step.options) for step in ladder.steps] == [
        {STRETCHING, PHYSICAL_THERAPY, OCCUPATIONAL_THERAPY},
        {BACLOFEN, TIZANIDINE, DIAZEPAM},
        {BACLOFEN_PUMP, BOTOX},
        {RHIZOTOMY, TENDON_RELEASE},
    ]
    assert [step.move_on_when for step in ladder.steps] == [
        ("physical and occupational therapy do not adequately control the spasticity",),
        ("oral medications are not effective",),
        ("other treatments fail; usually only in extreme cases",),
        (),
    ]


def test_a_lone_treatment_makes_no_ladder(graph: Graph) -> None:
    """Pain and night-time spasms each have one treatment and no escalation: no ladder, no step 1."""
    assert set(ladders(graph)) == {SPASTICITY}
    assert (RHIZOTOMY, MEDKG.ladderStep, LADDER["pain/1"]) not in graph
    assert not list(graph.subjects(MEDKG.forCondition, PAIN))
    assert not list(graph.subjects(MEDKG.forCondition, NOCTURNAL_SPASMS))


def _toy(escalations: list[tuple[str, str, str]]) -> Graph:
    """Treatments a..e of condition x, with escalatesTo facts and their appliesWhen."""
    graph = new_graph()
    x = MK.x
    for name in "abcde":
        graph.add((MK[name], MEDKG.treats, x))
    for i, (s, o, when) in enumerate(escalations):
        graph.add((MK[s], MEDKG.escalatesTo, MK[o]))
        axiom = URIRef(f"urn:test:axiom{i}")
        for p, v in [
            (RDF.type, OWL.Axiom),
            (OWL.annotatedSource, MK[s]),
            (OWL.annotatedProperty, MEDKG.escalatesTo),
            (OWL.annotatedTarget, MK[o]),
            (MEDKG.appliesWhen, Literal(when, lang="en")),
        ]:
            graph.add((axiom, p, v))
        graph.add((axiom, URIRef("http://purl.org/dc/terms/source"), URIRef("urn:test:source")))
    return graph


def test_steps_follow_the_longest_path() -> None:
    """c is reached from a directly and through b: it sits after b (step 3), not at step 2."""
    graph = _toy([("a", "b", "a fails"), ("a", "c", "a fails badly"), ("b", "c", "b fails"), ("d", "e", "d fails")])
    ladder = ladders(graph)[MK.x]
    assert [sorted(str(o).rsplit("/", 1)[1] for o in s.options) for s in ladder.steps] == [
        ["a", "d"],
        ["b", "e"],
        ["c"],
    ]
    assert ladder.steps[0].move_on_when == ("a fails", "a fails badly", "d fails")
    assert ladder.steps[1].move_on_when == ("b fails",)
    assert ladder.step_of(MK.c) == 3 and ladder.step_of(MK.nothing) is None


def test_steps_are_written_into_the_graph(graph: Graph) -> None:
    """SPARQL finds every step of every treatment, as computed."""
    rows = graph.query(
        """SELECT ?treatment ?n ?condition WHERE {
               ?treatment medkg:ladderStep ?step .
               ?step medkg:forCondition ?condition ; medkg:stepNumber ?n . }"""
    )
    found = {(t, int(n), c) for t, n, c in rows}  # type: ignore[misc]
    expected = {
        (option, step.number, condition)
        for condition, ladder in ladders(graph).items()
        for step in ladder.steps
        for option in step.options
    }
    assert found == expected and len(found) == 10
    step2 = LADDER["spasticity/2"]
    assert graph.value(step2, MEDKG.moveOnWhen) == Literal("oral medications are not effective", lang="en")
    assert graph.value(step2, RDFS.label) == Literal("spasticity treatment ladder, step 2", lang="en")


def test_ladder_triples_are_derived_and_idempotent(graph: Graph) -> None:
    """The graph holds exactly the computed triples; computing again on it adds nothing."""
    derived = set(ladder_triples(graph))
    present = {t for p in LADDER_PROPERTIES for t in graph.triples((None, p, None))}
    assert present <= derived
    copy = Graph()
    copy += graph
    size = len(copy)
    add_ladder_steps(copy)
    assert len(copy) == size


def test_ladder_properties_are_declared_annotation_properties(graph: Graph) -> None:
    """OWL-DL-safe (annotations only, the reasoner ignores them) and never offered to curators."""
    for prop in LADDER_PROPERTIES:
        assert (prop, RDF.type, OWL.AnnotationProperty) in graph
        assert graph.value(prop, RDFS.label) is not None and graph.value(prop, DEFINITION) is not None
        assert (prop, RDF.type, OWL.ObjectProperty) not in graph
    properties = load_schema(ONTOLOGY / "medkg.ttl").properties
    assert not {"ladderStep", "forCondition", "stepNumber", "moveOnWhen"} & set(properties)


# ---------------------------------------------------------------- the networkx view


def test_view_has_every_entity_and_relation(graph: Graph) -> None:
    view = to_networkx(graph)
    entities = set(graph.subjects(MEDKG.mentionedIn, None))
    assert view.number_of_nodes() == len(entities) == 19
    relations = ["treats", "escalatesTo", "riskOf", "manifestationOf", "delivers", "componentOf"]
    expected = {(s, MEDKG[p], o) for p in relations for s, o in graph.subject_objects(MEDKG[p])}
    assert view.number_of_edges() == len(expected) == 37
    assert {(MK[s[3:]], MEDKG[k], MK[o[3:]]) for s, o, k in view.edges(keys=True)} == expected


def test_view_node_attributes(graph: Graph) -> None:
    view = to_networkx(graph)
    tizanidine = view.nodes["mk:tizanidine"]
    assert tizanidine["label"] == "tizanidine"
    assert tizanidine["type"] == "OralMedication"
    assert tizanidine["types"] == ["MedicalEntity", "Treatment", "Medication", "OralMedication"]
    assert tizanidine["brand_names"] == ["Zanaflex"]
    assert tizanidine["sources"] == ["mksrc:controlling-ms-spasticity"]
    assert tizanidine["ladder_step_spasticity"] == 2
    assert tizanidine["definition"].startswith("A muscle relaxant")
    tendon = view.nodes["mk:tendon_release"]
    assert tendon["may_need_repeating"] is True
    assert tendon["may_need_repeating_anchors"] == ["may need to be repeated"]
    assert tendon["reserved_for"] == "severe spasticity that has not responded to other treatment"
    assert tendon["synonyms"] == ["tenotomy"]
    assert "ladder_step_spasticity" not in view.nodes["mk:pain"]


def test_view_edge_provenance(graph: Graph) -> None:
    view = to_networkx(graph)
    edge = view.edges["mk:baclofen", "mk:baclofen_pump", "escalatesTo"]
    assert edge == {
        "id": fact_id(BACLOFEN, MEDKG.escalatesTo, BACLOFEN_PUMP),
        "predicate": "medkg:escalatesTo",
        "label": "escalates to",
        "sources": ["mksrc:controlling-ms-spasticity"],
        "sections": ["What Drugs Are Used to Treat Spasticity?"],
        "evidence": [
            "When drugs by mouth do not work, the next options are an implanted pump that delivers the drug "
            "or local injections of botulinum toxin."
        ],
        "anchors": ["If medications taken orally are not effective"],
        "applies_when": ["oral medications are not effective"],
    }
    for *_, attrs in view.edges(keys=True, data=True):
        assert len(attrs["sources"]) == len(attrs["sections"]) == len(attrs["evidence"]) == len(attrs["anchors"]) >= 1


def test_view_keeps_one_provenance_per_source() -> None:
    """A fact two sources state is one edge, its provenance lists aligned and sorted by source."""
    edge = to_networkx(merged_graph()).edges["mk:baclofen", "mk:spasticity", "treats"]
    assert edge["sources"] == ["mksrc:controlling-ms-spasticity", "mksrc:medkg-test-note"]
    assert edge["sections"] == ["What Drugs Are Used to Treat Spasticity?", "Test section"]
    assert edge["anchors"] == ["muscle relaxants baclofen and Zanaflex", "test anchor"]
    assert "applies_when" not in edge  # neither source gives one


def test_property_graph_is_sorted(graph: Graph) -> None:
    pg = property_graph(graph)
    assert [n for n, _ in pg.nodes] == sorted(n for n, _ in pg.nodes)
    assert [e[:3] for e in pg.edges] == sorted(e[:3] for e in pg.edges)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "expected", "how"),
    [
        ("baclofen", BACLOFEN, "label"),
        ("Baclofen", BACLOFEN, "label"),
        ("Zanaflex", TIZANIDINE, "brand name"),
        ("zanaflex", TIZANIDINE, "brand name"),
        ("VALIUM", DIAZEPAM, "brand name"),
        ("Botox", BOTOX, "brand name"),
        ("tenotomy", TENDON_RELEASE, "synonym"),
        ("intrathecal baclofen pump", BACLOFEN_PUMP, "synonym"),
        ("baclofen_pump", BACLOFEN_PUMP, "label"),  # an id reads as its label
        ("mk:baclofen_pump", BACLOFEN_PUMP, "id"),
        ("  physical   therapy ", PHYSICAL_THERAPY, "label"),
    ],
)
def test_find_treatment_by_any_name(graph: Graph, name: str, expected: URIRef, how: str) -> None:
    assert find_entity(graph, name, kind=MEDKG.Treatment, kind_name="treatment") == (expected, how)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("baclofn", "no treatment named 'baclofn' (did you mean: baclofen, baclofen pump?)"),
        ("Zanaflx", "no treatment named 'Zanaflx' (did you mean: Zanaflex (tizanidine)?)"),
        ("tenotomie", "no treatment named 'tenotomie' (did you mean: tenotomy (tendon release)?)"),
        ("xyzzy", "no treatment named 'xyzzy' (known: baclofen, baclofen pump, botulinum toxin injection, bracing,"),
    ],
)
def test_unknown_names_get_the_closest(graph: Graph, name: str, message: str) -> None:
    with pytest.raises(NameNotFound) as caught:
        find_entity(graph, name, kind=MEDKG.Treatment, kind_name="treatment")
    assert str(caught.value).startswith(message)


# ---------------------------------------------------------------- the commands, through the real entry point

LADDER_SPASTICITY = """\
Treatment ladder for spasticity (4 steps, computed from escalatesTo)

Step 1
  - occupational therapy
      when: as the first step of treatment
  - physical therapy
      when: as the first step of treatment
  - stretching program
      when: done daily, as the first step of treatment
  Move on to step 2 when: physical and occupational therapy do not adequately control the spasticity

Step 2
  - baclofen
  - diazepam (Valium)
  - tizanidine (Zanaflex)
  Move on to step 3 when: oral medications are not effective

Step 3
  - baclofen pump
      when: oral medications are not effective
  - botulinum toxin injection (Botox)
      when: oral medications are not effective
  Move on to step 4 when: other treatments fail; usually only in extreme cases

Step 4
  - rhizotomy
      when: other treatments fail; usually only in extreme cases
  - tendon release
      when: other treatments fail; usually only in extreme cases; whether it is done depends on the patient's age
  Last step.

Sources:
  Controlling the Muscle Spasms of Multiple Sclerosis, WebMD (Multiple Sclerosis Health Center, WebMD Medical \
Reference); reviewed by Neil Lava, MD on 2015-02-22 [mksrc:controlling-ms-spasticity]
"""

NEXT_ZANAFLEX = """\
Zanaflex is a brand name of tizanidine.
tizanidine (Zanaflex): an oral medication, step 2 of the spasticity ladder.

What comes next:
  - baclofen pump (step 3 of the spasticity ladder)
      when: oral medications are not effective
      why: When drugs by mouth do not work, the next options are an implanted pump that delivers the drug or local \
injections of botulinum toxin.
      source: mksrc:controlling-ms-spasticity, section "What Drugs Are Used to Treat Spasticity?" ("If medications \
taken orally are not effective")
  - botulinum toxin injection (Botox) (step 3 of the spasticity ladder)
      when: oral medications are not effective
      why: When drugs by mouth do not work, the next options are an implanted pump that delivers the drug or local \
injections of botulinum toxin.
      source: mksrc:controlling-ms-spasticity, section "What Drugs Are Used to Treat Spasticity?" ("If medications \
taken orally are not effective")

Sources:
  Controlling the Muscle Spasms of Multiple Sclerosis, WebMD (Multiple Sclerosis Health Center, WebMD Medical \
Reference); reviewed by Neil Lava, MD on 2015-02-22 [mksrc:controlling-ms-spasticity]
"""


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_ladder(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "ladder", "spasticity") == (0, LADDER_SPASTICITY, "")
    assert run_cli(capsys, "ladder", "Muscle Spasms")[1] == LADDER_SPASTICITY  # a synonym


def test_cli_ladder_lists_ladders_and_explains_a_condition_without_one(capsys: pytest.CaptureFixture[str]) -> None:
    listing = "Conditions with a treatment ladder (computed from escalatesTo):\n  spasticity: 4 steps\n"
    assert run_cli(capsys, "ladder") == (0, listing, "")
    code, out, _ = run_cli(capsys, "ladder", "pain")
    assert code == 0
    assert out.startswith(
        "pain: no treatment ladder in the sources (no treatment of it escalates to another).\n\n"
        "Treatments the sources name for it:\n  - rhizotomy\n"
        "      when: other treatments fail; usually only in extreme cases\n"
    )


def test_cli_next(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "next", "Zanaflex") == (0, NEXT_ZANAFLEX, "")
    code, out, _ = run_cli(capsys, "next", "stretching program")
    assert code == 0
    assert out == (
        "stretching program: a physical therapy intervention, step 1 of the spasticity ladder.\n\n"
        "The sources name nothing that stretching program itself escalates to.\n"
        "It is part of physical therapy: see `medkg next physical therapy`.\n"
        "Step 2 of the spasticity ladder comes next: baclofen, diazepam (Valium), tizanidine (Zanaflex)\n"
        "  when: physical and occupational therapy do not adequately control the spasticity\n"
    )
    assert "It is on the last step of the spasticity ladder." in run_cli(capsys, "next", "tenotomy")[1]


UNKNOWN_NAMES = [
    (["next", "baclofn"], "no treatment named 'baclofn' (did you mean: baclofen, baclofen pump?)"),
    (["next", "spasticity"], "'spasticity' is a condition, not a treatment (try `medkg ladder spasticity`)"),
    (["ladder", "baclofen"], "'baclofen' is an oral medication, not a condition (try `medkg next baclofen`)"),
    (
        ["ladder", "spastisity"],
        "no condition named 'spastisity' (did you mean: spasticity, muscle spasticity (spasticity)?)",
    ),
]


@pytest.mark.parametrize(("argv", "message"), UNKNOWN_NAMES)
def test_cli_unknown_names_exit_1(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert run_cli(capsys, *argv) == (1, "", f"error: {message}\n")


def test_cli_next_needs_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["next"])
    assert caught.value.code == 2
