"""Each SHACL shape catches a graph that breaks it; the built graph conforms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal
from rdflib.namespace import DCTERMS

from medkg.shapes import check
from medkg.vocab import DEFINITION, MEDKG

from . import ARTICLE, BACLOFEN, CONTRACTURE, ONTOLOGY, SPASTICITY, TENDON_RELEASE

SHAPES = ONTOLOGY / "shapes.ttl"


def drop_provenance(g: Graph) -> None:
    for ax in list(g.subjects(OWL.annotatedSource, BACLOFEN)):
        if g.value(ax, OWL.annotatedTarget) == SPASTICITY:
            g.remove((ax, MEDKG.evidence, None))


BREAKS: list[tuple[str, Callable[[Graph], None], str]] = [
    ("missing evidence", drop_provenance, "mk:baclofen medkg:treats mk:spasticity has no provenance"),
    (
        "unprovenanced fact",
        lambda g: g.add((BACLOFEN, MEDKG.treats, CONTRACTURE)),
        "mk:baclofen medkg:treats mk:contracture has no provenance",
    ),
    ("second label", lambda g: g.add((BACLOFEN, RDFS.label, Literal("Baclofen", lang="en"))), "exactly one rdfs:label"),
    (
        "label not English",
        lambda g: (
            g.remove((BACLOFEN, RDFS.label, None)),
            g.add((BACLOFEN, RDFS.label, Literal("baclofène", lang="fr"))),
        ),
        "exactly one rdfs:label, in English",
    ),
    ("no type", lambda g: g.remove((BACLOFEN, RDF.type, MEDKG.OralMedication)), "needs a medkg type"),
    ("no definition", lambda g: g.remove((BACLOFEN, DEFINITION, None)), "exactly one definition"),
    (
        "condition that treats",
        lambda g: g.add((SPASTICITY, MEDKG.treats, SPASTICITY)),
        "the subject of medkg:treats must be a medkg:Treatment",
    ),
    (
        "treats a drug",
        lambda g: g.add((BACLOFEN, MEDKG.treats, BACLOFEN)),
        "the object of medkg:treats must be a medkg:Condition",
    ),
    (
        "risk of a drug",
        lambda g: g.add((SPASTICITY, MEDKG.riskOf, BACLOFEN)),
        "the object of medkg:riskOf must be a medkg:Complication",
    ),
    (
        "escalate to a condition",
        lambda g: g.add((BACLOFEN, MEDKG.escalatesTo, SPASTICITY)),
        "the object of medkg:escalatesTo must be a medkg:Treatment",
    ),
    (
        "repeat not boolean",
        lambda g: (
            g.remove((TENDON_RELEASE, MEDKG.mayNeedRepeating, None)),
            g.add((TENDON_RELEASE, MEDKG.mayNeedRepeating, Literal("maybe"))),
        ),
        "medkg:mayNeedRepeating must be true or false",
    ),
    (
        "source without reviewer",
        lambda g: g.remove((ARTICLE, MEDKG.reviewedBy, None)),
        "a source needs medkg:reviewedBy",
    ),
    (
        "source date",
        lambda g: g.set((ARTICLE, MEDKG.reviewDate, Literal("22 Feb 2015"))),
        "medkg:reviewDate as YYYY-MM-DD",
    ),
    ("source title", lambda g: g.remove((ARTICLE, DCTERMS.title, None)), "a source needs dcterms:title"),
]


def copy(graph: Graph) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    g.namespace_manager = graph.namespace_manager
    return g


def test_built_graph_conforms(graph: Graph) -> None:
    assert check(graph, SHAPES) == []


@pytest.mark.parametrize(("breaker", "expected"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS])
def test_shape_catches(graph: Graph, breaker: Callable[[Graph], None], expected: str) -> None:
    g = copy(graph)
    breaker(g)
    messages = [str(p) for p in check(g, SHAPES)]
    assert any(expected in m for m in messages), messages


def test_validate_cli_on_edited_file(graph: Graph, tmp_path: Path) -> None:
    """`medkg validate FILE` checks a hand-edited graph (here RDF/XML, as Protégé saves it)."""
    import subprocess
    import sys

    good = tmp_path / "good.owl"
    copy(graph).serialize(good, format="xml")
    ok = subprocess.run([sys.executable, "-m", "medkg", "validate", str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"ok: {good} conforms")
    bad_graph = copy(graph)
    drop_provenance(bad_graph)
    bad = tmp_path / "bad.ttl"
    bad_graph.serialize(bad, format="turtle")
    result = subprocess.run([sys.executable, "-m", "medkg", "validate", str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"error: {bad}: mk:baclofen: mk:baclofen medkg:treats mk:spasticity has no provenance" in result.stderr
