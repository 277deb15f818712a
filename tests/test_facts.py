"""The article's facts are in the graph, each with its provenance (source, section, evidence, condition)."""

from __future__ import annotations

import pytest
from rdflib import OWL, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from medkg.vocab import MEDKG

from . import (
    ARTICLE,
    BACLOFEN,
    BACLOFEN_PUMP,
    BOTOX,
    BRACING,
    CASTING,
    CONTRACTURE,
    DIAZEPAM,
    MS,
    NOCTURNAL_SPASMS,
    OCCUPATIONAL_THERAPY,
    PAIN,
    PHYSICAL_THERAPY,
    PRESSURE_SORE,
    RHIZOTOMY,
    SPASTICITY,
    SPLINTING,
    STRETCHING,
    TENDON_RELEASE,
    TIZANIDINE,
)

THERAPY = "How Does Physical and Occupational Therapy Help Spasticity?"
DRUGS = "What Drugs Are Used to Treat Spasticity?"
SURGERY = "What Types of Surgery Are Available for Spasticity?"
THERAPY_FAILS = "physical and occupational therapy do not adequately control the spasticity"
ORAL_FAILS = "oral medications are not effective"
OTHERS_FAIL = "other treatments fail"

T, E, R = MEDKG.treats, MEDKG.escalatesTo, MEDKG.riskOf

# subject, predicate, object, section, text the condition must contain ("" = no condition)
FACTS = [
    (SPASTICITY, MEDKG.manifestationOf, MS, THERAPY, ""),
    (STRETCHING, T, SPASTICITY, THERAPY, "first step"),
    (STRETCHING, MEDKG.componentOf, PHYSICAL_THERAPY, THERAPY, ""),
    (PHYSICAL_THERAPY, T, SPASTICITY, THERAPY, "first step"),
    (OCCUPATIONAL_THERAPY, T, SPASTICITY, THERAPY, "first step"),
    (SPLINTING, MEDKG.componentOf, OCCUPATIONAL_THERAPY, THERAPY, ""),
    (CASTING, MEDKG.componentOf, OCCUPATIONAL_THERAPY, THERAPY, ""),
    (BRACING, MEDKG.componentOf, OCCUPATIONAL_THERAPY, THERAPY, ""),
    *[
        (therapy, E, drug, THERAPY, THERAPY_FAILS)
        for therapy in (PHYSICAL_THERAPY, OCCUPATIONAL_THERAPY)
        for drug in (BACLOFEN, TIZANIDINE, DIAZEPAM)
    ],
    (BACLOFEN, T, SPASTICITY, DRUGS, ""),
    (TIZANIDINE, T, SPASTICITY, DRUGS, ""),
    (DIAZEPAM, T, SPASTICITY, DRUGS, ""),
    (DIAZEPAM, T, NOCTURNAL_SPASMS, DRUGS, "taken at night"),
    (NOCTURNAL_SPASMS, MEDKG.manifestationOf, SPASTICITY, DRUGS, ""),
    *[
        (drug, E, step3, DRUGS, ORAL_FAILS)
        for drug in (BACLOFEN, TIZANIDINE, DIAZEPAM)
        for step3 in (BACLOFEN_PUMP, BOTOX)
    ],
    (BACLOFEN_PUMP, T, SPASTICITY, DRUGS, ORAL_FAILS),
    (BACLOFEN_PUMP, MEDKG.delivers, BACLOFEN, DRUGS, ""),
    (BOTOX, T, SPASTICITY, DRUGS, ORAL_FAILS),
    *[
        (step3, E, surgery, SURGERY, OTHERS_FAIL)
        for step3 in (BACLOFEN_PUMP, BOTOX)
        for surgery in (RHIZOTOMY, TENDON_RELEASE)
    ],
    (RHIZOTOMY, T, SPASTICITY, SURGERY, "extreme cases"),
    (RHIZOTOMY, T, PAIN, SURGERY, OTHERS_FAIL),
    (TENDON_RELEASE, T, SPASTICITY, SURGERY, "patient's age"),
    (TENDON_RELEASE, MEDKG.mayNeedRepeating, Literal(True, datatype=XSD.boolean), SURGERY, ""),
    (RHIZOTOMY, MEDKG.reservedFor, None, SURGERY, ""),
    (TENDON_RELEASE, MEDKG.reservedFor, None, SURGERY, ""),
    (SPASTICITY, R, CONTRACTURE, SURGERY, "left untreated"),
    (SPASTICITY, R, PRESSURE_SORE, SURGERY, "left untreated"),
]


def axioms(graph: Graph, s: URIRef, p: URIRef, o: object) -> list:
    found = []
    for axiom in graph.subjects(OWL.annotatedSource, s):
        if graph.value(axiom, OWL.annotatedProperty) == p and (
            o is None or graph.value(axiom, OWL.annotatedTarget) == o
        ):
            found.append(axiom)
    return found


@pytest.mark.parametrize(
    ("s", "p", "o", "section", "condition"),
    FACTS,
    ids=[f"{s.split('/')[-1]}-{p.split('/')[-1]}-{str(o).split('/')[-1]}" for s, p, o, *_ in FACTS],
)
def test_fact_present_with_provenance(
    graph: Graph, s: URIRef, p: URIRef, o: object, section: str, condition: str
) -> None:
    if o is None:
        assert graph.value(s, p) is not None
    else:
        assert (s, p, o) in graph
    found = axioms(graph, s, p, o)
    assert len(found) == 1
    axiom = found[0]
    assert graph.value(axiom, DCTERMS.source) == ARTICLE
    assert str(graph.value(axiom, MEDKG.section)) == section
    assert len(str(graph.value(axiom, MEDKG.evidence))) > 20
    anchor = str(graph.value(axiom, MEDKG.anchorText))
    assert 0 < len(anchor.split()) <= 8
    applies = graph.value(axiom, MEDKG.appliesWhen)
    if condition:
        assert applies is not None and condition in str(applies)
    else:
        assert applies is None


def test_every_relation_in_graph_is_in_the_table(graph: Graph) -> None:
    """Nothing beyond the tested facts: a new fact needs a row above."""
    tested = {(s, p) for s, p, *_ in FACTS}
    props = [
        MEDKG[n]
        for n in (
            "treats",
            "escalatesTo",
            "riskOf",
            "manifestationOf",
            "delivers",
            "componentOf",
            "mayNeedRepeating",
            "reservedFor",
        )
    ]
    in_graph = {(s, p) for p in props for s, _ in graph.subject_objects(p)}
    assert in_graph == tested
    assert len(list(graph.subjects(OWL.annotatedSource, None))) == len(FACTS)


def test_anchors_quote_the_article(graph: Graph) -> None:
    """Each anchor is a short phrase found verbatim in the article (so a reviewer can find it)."""
    from . import ROOT

    article = " ".join((ROOT.parent / "shared" / "seed" / "controlling-ms-spasticity.txt").read_text().split())
    for anchor in graph.objects(None, MEDKG.anchorText):
        assert str(anchor) in article, anchor


def test_source_metadata(graph: Graph) -> None:
    assert str(graph.value(ARTICLE, DCTERMS.title)) == "Controlling the Muscle Spasms of Multiple Sclerosis"
    assert "WebMD" in str(graph.value(ARTICLE, DCTERMS.publisher))
    assert str(graph.value(ARTICLE, MEDKG.reviewedBy)) == "Neil Lava, MD"
    assert str(graph.value(ARTICLE, MEDKG.reviewDate)) == "2015-02-22"


@pytest.mark.parametrize(("entity", "brand"), [(TIZANIDINE, "Zanaflex"), (DIAZEPAM, "Valium"), (BOTOX, "Botox")])
def test_brand_names(graph: Graph, entity: URIRef, brand: str) -> None:
    assert Literal(brand, lang="en") in set(graph.objects(entity, MEDKG.brandName))


def test_tenotomy_is_a_synonym(graph: Graph) -> None:
    from rdflib.namespace import SKOS

    assert Literal("tenotomy", lang="en") in set(graph.objects(TENDON_RELEASE, SKOS.altLabel))
