"""HermiT on the OWL export: consistent, the inferences a clinician would expect, in words, in the
inferred file, and the size limit that keeps `medkg build` fast."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS

from medkg.reason import INFERRED_BECAUSE, LIMIT_VARIABLE, ReasonerError, Reasoning, reason, write_inferred_owl
from medkg.vocab import MEDKG, ONTOLOGY_IRI

from . import (
    AFTER_ORAL,
    BACLOFEN,
    BACLOFEN_PUMP,
    BOTOX,
    BRACING,
    CASTING,
    CONTRACTURE,
    DIAZEPAM,
    ESCALATED_FROM,
    ESCALATES_EVENTUALLY_TO,
    FIRST_LINE,
    OCCUPATIONAL_THERAPY,
    PAIN,
    PHYSICAL_THERAPY,
    PRESSURE_SORE,
    RHIZOTOMY,
    RISK_INCREASED_BY,
    ROOT,
    SPASTICITY,
    SPLINTING,
    STRETCHING,
    SURGICAL_OPTION,
    TENDON_RELEASE,
    TIZANIDINE,
    TREATED_BY,
    UNTREATED_COMPLICATION,
)


def need_java() -> None:
    """Skip without Java, except in CI, where its absence is a failure."""
    from medkg.owlcheck import java_available

    if java_available():
        return
    message = "HermiT needs Java (apt-get install default-jdk-headless)"
    if os.environ.get("CI"):
        pytest.fail(f"CI: {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def reasoning(graph: Graph) -> Reasoning:
    need_java()
    return reason(graph)


@pytest.fixture(scope="module")
def added(reasoning: Reasoning) -> set[tuple[URIRef, URIRef, URIRef]]:
    return {i.triple for i in reasoning.inferences}


def members(reasoning: Reasoning, cls: URIRef) -> set[URIRef]:
    return {i.subject for i in reasoning.added(RDF.type) if i.object == cls}


@pytest.mark.java
def test_consistent_without_unsatisfiable_classes(reasoning: Reasoning) -> None:
    assert reasoning.unsatisfiable == []
    assert len(reasoning.inferences) > 100


# The inferences tested, one per row: what a clinician browsing Protégé would expect to see.
INFERRED = [
    # inverse properties: either direction can be browsed
    (SPASTICITY, TREATED_BY, BACLOFEN),
    (PAIN, TREATED_BY, RHIZOTOMY),
    (BACLOFEN_PUMP, ESCALATED_FROM, DIAZEPAM),
    (CONTRACTURE, RISK_INCREASED_BY, SPASTICITY),
    # the transitive ladder, from a technique that is part of a therapy up to surgery
    (STRETCHING, ESCALATES_EVENTUALLY_TO, RHIZOTOMY),
    (SPLINTING, ESCALATES_EVENTUALLY_TO, BACLOFEN_PUMP),
    (PHYSICAL_THERAPY, ESCALATES_EVENTUALLY_TO, TENDON_RELEASE),
    (PHYSICAL_THERAPY, ESCALATES_EVENTUALLY_TO, BACLOFEN),
    (DIAZEPAM, ESCALATES_EVENTUALLY_TO, RHIZOTOMY),
    # subclass relations HermiT finds from the definitions and the range of riskOf
    (UNTREATED_COMPLICATION, RDFS.subClassOf, MEDKG.Complication),
    (SURGICAL_OPTION, RDFS.subClassOf, MEDKG.SurgicalProcedure),
    (FIRST_LINE, RDFS.subClassOf, MEDKG.Treatment),
    # memberships from the class hierarchy
    (BACLOFEN, RDF.type, MEDKG.Medication),
    (BACLOFEN_PUMP, RDF.type, MEDKG.Treatment),
]


@pytest.mark.java
@pytest.mark.parametrize("triple", INFERRED, ids=lambda t: " ".join(str(n).rsplit("/", 1)[-1] for n in t))
def test_inferred(added: set[tuple[URIRef, URIRef, URIRef]], triple: tuple[URIRef, URIRef, URIRef]) -> None:
    assert triple in added


DEFINED = [
    (FIRST_LINE, {PHYSICAL_THERAPY, OCCUPATIONAL_THERAPY, STRETCHING, SPLINTING, CASTING, BRACING}),
    (AFTER_ORAL, {BACLOFEN_PUMP, BOTOX}),
    (SURGICAL_OPTION, {RHIZOTOMY, TENDON_RELEASE}),
    (UNTREATED_COMPLICATION, {CONTRACTURE, PRESSURE_SORE}),
]


@pytest.mark.java
@pytest.mark.parametrize(("cls", "expected"), DEFINED, ids=[str(c).rsplit("/", 1)[-1] for c, _ in DEFINED])
def test_defined_class_has_exactly_its_members(reasoning: Reasoning, cls: URIRef, expected: set[URIRef]) -> None:
    assert members(reasoning, cls) == expected


@pytest.mark.java
def test_the_whole_ladder_above_stretching(reasoning: Reasoning) -> None:
    above = {i.object for i in reasoning.added(ESCALATES_EVENTUALLY_TO) if i.subject == STRETCHING}
    assert above == {BACLOFEN, TIZANIDINE, DIAZEPAM, BACLOFEN_PUMP, BOTOX, RHIZOTOMY, TENDON_RELEASE}
    below_therapy = {i.subject for i in reasoning.added(ESCALATES_EVENTUALLY_TO) if i.object == PHYSICAL_THERAPY}
    assert below_therapy == set()  # the ladder only goes up


def because(reasoning: Reasoning, triple: tuple[URIRef, URIRef, URIRef]) -> str:
    return next(i.because for i in reasoning.inferences if i.triple == triple)


@pytest.mark.java
def test_grounds_in_words(reasoning: Reasoning) -> None:
    assert because(reasoning, (SPASTICITY, TREATED_BY, BACLOFEN)) == "baclofen treats spasticity"
    assert because(reasoning, (BACLOFEN_PUMP, RDF.type, AFTER_ORAL)) == (
        "baclofen pump is escalated to after baclofen, diazepam and tizanidine (each an oral medication)")
    assert because(reasoning, (STRETCHING, ESCALATES_EVENTUALLY_TO, RHIZOTOMY)) == (
        "stretching program is a component of physical therapy, physical therapy escalates to baclofen, "
        "baclofen escalates to baclofen pump and baclofen pump escalates to rhizotomy")
    assert because(reasoning, (CONTRACTURE, RDF.type, UNTREATED_COMPLICATION)) == (
        "contracture is made more likely by spasticity")
    assert because(reasoning, (UNTREATED_COMPLICATION, RDFS.subClassOf, MEDKG.Complication)) == (
        "the definition of complication of untreated spasticity requires that it is made more likely by "
        "something, and only a complication can")


@pytest.mark.java
def test_disjointness_catches_a_mistyped_entity(graph: Graph) -> None:
    """A device that is also a medication contradicts the schema: the reasoner refuses it."""
    need_java()
    bad = Graph()
    for triple in graph:
        bad.add(triple)
    bad.add((BACLOFEN_PUMP, RDF.type, MEDKG.Medication))
    with pytest.raises(ReasonerError, match="inconsistent"):
        reason(bad)


# ---------------------------------------------------------------- medkg-inferred.owl

@pytest.mark.java
def test_inferred_file_holds_every_inference_with_its_grounds(built_exports: Path, reasoning: Reasoning) -> None:
    owl = Graph().parse(built_exports / "medkg.owl", format="xml")
    inferred = Graph().parse(built_exports / "medkg-inferred.owl", format="xml")
    ground = {t for t in owl if not any(isinstance(n, BNode) for n in t) and t[1] != OWL.versionIRI}
    assert ground <= set(inferred)
    for inference in reasoning.inferences:
        assert inference.triple in inferred
        axioms = [a for a in inferred.subjects(OWL.annotatedSource, inference.subject)
                  if (a, OWL.annotatedProperty, inference.predicate) in inferred
                  and (a, OWL.annotatedTarget, inference.object) in inferred]
        assert len(axioms) == 1
        assert str(inferred.value(axioms[0], INFERRED_BECAUSE)) == f"Inferred by HermiT, because {inference.because}."
        assert inferred.value(axioms[0], DCTERMS.source) is None  # no source is claimed for a conclusion
    assert str(inferred.value(ONTOLOGY_IRI, OWL.versionIRI)).endswith("/medkg-inferred.owl")


@pytest.mark.java
def test_reason_command_prints_what_was_added(built_exports: Path, tmp_path: Path) -> None:
    """`medkg reason --owl exports/medkg.owl --write FILE` in a separate process (another hash seed):
    the report in words, and the same bytes as the build's medkg-inferred.owl."""
    need_java()
    out = tmp_path / "medkg-inferred.owl"
    result = subprocess.run(
        [sys.executable, "-m", "medkg", "reason", "--owl", str(built_exports / "medkg.owl"), "--write", str(out)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "3"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("HermiT: consistent, no unsatisfiable classes (")
    for text in [
        "  baclofen pump is a treatment escalated to after oral medication\n"
        "      because baclofen pump is escalated to after baclofen, diazepam and tizanidine "
        "(each an oral medication)\n",
        "  stretching program is a first-line treatment\n",
        "  rhizotomy is a surgical option\n",
        "  pressure sore is a complication of untreated spasticity\n",
        "    spasticity is treated by baclofen\n        because baclofen treats spasticity\n",
        "    stretching program escalates eventually to rhizotomy\n",
        "  every surgical option is a surgical procedure\n",
    ]:
        assert text in result.stdout
    assert out.read_bytes() == (built_exports / "medkg-inferred.owl").read_bytes()


# ---------------------------------------------------------------- the size limit (no Java needed)

@pytest.mark.parametrize("where", ["build", "reason"])
def test_above_the_limit_the_reasoner_is_skipped_with_a_clear_message(
        graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        where: str) -> None:
    monkeypatch.setenv(LIMIT_VARIABLE, "100")
    if where == "build":
        write_inferred_owl(graph, tmp_path / "medkg-inferred.owl")
        message = capsys.readouterr().err
        assert f"skipped the reasoner: the graph has {len(graph)} triples, more than {LIMIT_VARIABLE}=100" in message
        assert "medkg reason --force" in message
        written = Graph().parse(tmp_path / "medkg-inferred.owl", format="xml")
        assert "The reasoner was not run" in " ".join(map(str, written.objects(ONTOLOGY_IRI, RDFS.comment)))
        assert (SPASTICITY, TREATED_BY, BACLOFEN) not in written
    else:
        result = subprocess.run([sys.executable, "-m", "medkg", "reason"], capture_output=True, text=True,
                                cwd=ROOT, env={**os.environ, LIMIT_VARIABLE: "100"})
        assert result.returncode == 1
        assert result.stderr.endswith(f"error: the graph has {len(graph)} triples, more than {LIMIT_VARIABLE}=100; "
                                      "HermiT may take a long time (run again with --force, or set "
                                      f"{LIMIT_VARIABLE}=0 for no limit)\n")


def test_missing_java_is_a_clear_error_but_does_not_stop_the_build(
        graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ReasonerError, match="the HermiT reasoner needs Java"):
        reason(graph)
    write_inferred_owl(graph, tmp_path / "medkg-inferred.owl")
    assert "skipped the reasoner: no Java was found to run HermiT" in capsys.readouterr().err
    assert (tmp_path / "medkg-inferred.owl").exists()
