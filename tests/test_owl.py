"""exports/medkg.owl and medkg-inferred.owl: derived from the graph, clean for the OWL API (Protégé),
readable, with provenance on every relation assertion, and the same bytes from build to build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS

from medkg.errors import ExportError
from medkg.model import Fact, KnowledgeBase
from medkg.owl import OWL2_DATATYPES, PROPERTY_KINDS, RELEASE_DATE, declared_kinds, owl_graph, write_owl
from medkg.vocab import BASE, DEFINITION, MEDKG, ONTOLOGY_IRI, SOURCE

from . import ARTICLE, BACLOFEN_PUMP, ESCALATES_TO, RISK_OF, ROOT, SPASTICITY, TIZANIDINE, TREATS

RELATIONS = (TREATS, ESCALATES_TO, RISK_OF)
BIOLINK = "https://w3id.org/biolink/vocab/"


def need_owlapi() -> None:
    """Skip without Java and the OWL API, except in CI, where their absence is a failure."""
    from medkg.owlcheck import owlcheck_available

    if owlcheck_available():
        return
    message = "needs Java >= 11 and Debian's libowlapi-java (apt-get install default-jdk-headless libowlapi-java)"
    if os.environ.get("CI"):
        pytest.fail(f"CI: {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def owl(built_exports: Path) -> Graph:
    return Graph().parse(built_exports / "medkg.owl", format="xml")


@pytest.fixture(scope="module")
def inferred(built_exports: Path) -> Graph:
    return Graph().parse(built_exports / "medkg-inferred.owl", format="xml")


@pytest.fixture(scope="module", params=["medkg.owl", "medkg-inferred.owl"])
def either(request: pytest.FixtureRequest, owl: Graph, inferred: Graph) -> Graph:
    return owl if request.param == "medkg.owl" else inferred


# ---------------------------------------------------------------- derived from the one graph

def test_owl_file_is_the_owl_graph(graph: Graph, owl: Graph) -> None:
    assert isomorphic(owl, owl_graph(graph))


def test_owl_adds_only_header_and_declarations(graph: Graph, owl: Graph) -> None:
    """Nothing of the graph is lost and no fact is re-typed: the extras are the header and declarations."""
    def ground(g: Graph) -> set[tuple[object, object, object]]:
        return {t for t in g if not any(isinstance(n, BNode) for n in t)}

    assert ground(graph) <= ground(owl)
    assert len(owl) - len(graph) == len(ground(owl) - ground(graph))
    for s, p, o in ground(owl) - ground(graph):
        declaration = p == RDF.type and o in (OWL.NamedIndividual, OWL.AnnotationProperty, OWL.Class)
        assert s == ONTOLOGY_IRI or declaration, (s, p, o)


def test_header(owl: Graph, inferred: Graph) -> None:
    assert set(owl.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY_IRI}
    for g, name in ((owl, "medkg.owl"), (inferred, "medkg-inferred.owl")):
        version = g.value(ONTOLOGY_IRI, OWL.versionIRI)
        assert version == URIRef(f"{BASE}ontology/{RELEASE_DATE}/{name}")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", RELEASE_DATE)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.license):
        assert owl.value(ONTOLOGY_IRI, prop) is not None, prop
    assert set(owl.objects(ONTOLOGY_IRI, DCTERMS.source)) == {ARTICLE}
    comment = " ".join(str(c) for c in owl.objects(ONTOLOGY_IRI, RDFS.comment))
    assert "Controlling the Muscle Spasms of Multiple Sclerosis" in comment
    assert "reviewed by Neil Lava, MD on 2015-02-22" in comment


# ---------------------------------------------------------------- readable in Protégé

def ours(iri: object) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(BASE)


def test_exactly_one_english_label_and_one_definition(either: Graph) -> None:
    declared = [iri for iri in declared_kinds(either) if ours(iri) and iri != ONTOLOGY_IRI]
    assert len(declared) > 40
    for iri in declared:
        labels = list(either.objects(iri, RDFS.label))
        assert len(labels) == 1 and isinstance(labels[0], Literal) and labels[0].language == "en", (iri, labels)
        if not str(iri).startswith(f"{BASE}source/"):
            definitions = list(either.objects(iri, DEFINITION))
            assert len(definitions) == 1 and definitions[0].language == "en", (iri, definitions)  # type: ignore[union-attr]


def test_synonyms_and_brand_names_are_annotations(owl: Graph) -> None:
    assert Literal("intrathecal baclofen pump", lang="en") in set(owl.objects(BACLOFEN_PUMP, SKOS.altLabel))
    assert set(owl.objects(TIZANIDINE, MEDKG.brandName)) == {Literal("Zanaflex", lang="en")}
    kinds = declared_kinds(owl)
    for prop in (SKOS.altLabel, MEDKG.brandName, DEFINITION, MEDKG.mentionedIn, MEDKG.evidence):
        assert kinds[prop] == {OWL.AnnotationProperty}, prop


# ---------------------------------------------------------------- provenance on every relation

def test_every_relation_assertion_has_its_evidence(kb: KnowledgeBase, either: Graph) -> None:
    """Each treats / escalatesTo / riskOf triple has an owl:Axiom with source, section, evidence and,
    when the source gives one, the condition under which it applies."""
    facts: dict[tuple[str, str, str], list[Fact]] = {}
    for fact in kb.facts:
        if MEDKG[fact.predicate] in RELATIONS:
            facts.setdefault(fact.key, []).append(fact)
    triples = [(s, p, o) for p in RELATIONS for s, o in either.subject_objects(p)]
    assert len(triples) == len(facts) >= 30
    for s, p, o in triples:
        stated = facts[(str(s).rsplit("/", 1)[-1], str(p).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1])]
        axioms = [a for a in either.subjects(OWL.annotatedSource, s)
                  if (a, OWL.annotatedProperty, p) in either and (a, OWL.annotatedTarget, o) in either]
        assert len(axioms) == len(stated), (s, p, o)
        found = set()
        for axiom in axioms:
            assert (axiom, RDF.type, OWL.Axiom) in either
            found.add((either.value(axiom, DCTERMS.source), either.value(axiom, MEDKG.section),
                       either.value(axiom, MEDKG.evidence), either.value(axiom, MEDKG.appliesWhen)))
        expected = {(SOURCE[f.provenance.source], Literal(f.provenance.section, lang="en"),
                     Literal(f.provenance.evidence, lang="en"),
                     Literal(f.provenance.applies_when, lang="en") if f.provenance.applies_when else None)
                    for f in stated}
        assert found == expected, (s, p, o)


def test_a_treats_assertion_shows_its_applicability(owl: Graph) -> None:
    axiom = next(a for a in owl.subjects(OWL.annotatedSource, BACLOFEN_PUMP)
                 if owl.value(a, OWL.annotatedProperty) == TREATS)
    assert owl.value(axiom, OWL.annotatedTarget) == SPASTICITY
    assert str(owl.value(axiom, MEDKG.appliesWhen)) == "oral medications are not effective"


# ---------------------------------------------------------------- the traps Protégé and HermiT fall into

def test_only_owl2_datatypes_and_no_dates(either: Graph) -> None:
    datatypes = {o.datatype for o in either.objects() if isinstance(o, Literal) and o.datatype is not None}
    assert datatypes <= OWL2_DATATYPES
    assert XSD.date not in datatypes
    assert either.value(ARTICLE, MEDKG.reviewDate) == Literal("2015-02-22")


def test_no_puns_between_kinds_of_property(either: Graph) -> None:
    for iri, kinds in declared_kinds(either).items():
        assert len(kinds & PROPERTY_KINDS) <= 1, (iri, kinds)
        assert not (kinds & PROPERTY_KINDS and OWL.Class in kinds), (iri, kinds)


def test_external_iris_are_only_annotation_values(owl: Graph) -> None:
    """biolink and RO IRIs are values of skos mappings, never declared or used as properties."""
    external = {o for o in owl.objects() if isinstance(o, URIRef) and str(o).startswith(BIOLINK)}
    assert URIRef(BIOLINK + "treats") in external
    for iri in external:
        assert not list(owl.predicate_objects(iri)), iri
        assert {p for _, p in owl.subject_predicates(iri)} <= {SKOS.closeMatch, SKOS.narrowMatch, SKOS.exactMatch,
                                                                 SKOS.broadMatch, SKOS.relatedMatch}


def tiny(*extra: tuple[object, object, object]) -> Graph:
    g = Graph()
    g.add((ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    for triple in extra:
        g.add(triple)  # type: ignore[arg-type]
    return g


EX = "https://example.org/"
BAD = [
    ("xsd:date", tiny((URIRef(EX + "a"), RDFS.comment, Literal("2015-02-22", datatype=XSD.date))),
     "is not in OWL 2 (use xsd:dateTime or a plain string)"),
    ("pun", tiny((MEDKG.p, RDF.type, OWL.ObjectProperty), (MEDKG.p, RDF.type, OWL.AnnotationProperty)),
     "is declared as owl:AnnotationProperty, owl:ObjectProperty"),
    ("space in IRI", tiny((URIRef(EX + "a b"), RDFS.comment, Literal("x"))), "invalid IRI <https://example.org/a b>"),
    ("undeclared medkg property", tiny((URIRef(EX + "a"), MEDKG.undeclared, URIRef(EX + "b"))),
     "vocab/undeclared is used but not declared"),
]


@pytest.mark.parametrize(("case", "bad", "message"), BAD, ids=[b[0] for b in BAD])
def test_traps_are_refused(case: str, bad: Graph, message: str) -> None:
    with pytest.raises(ExportError, match=re.escape(message)):
        owl_graph(bad)


def test_external_annotation_property_is_declared() -> None:
    g = owl_graph(tiny((URIRef(EX + "a"), SKOS.exactMatch, URIRef(EX + "b"))))
    assert (SKOS.exactMatch, RDF.type, OWL.AnnotationProperty) in g
    assert (URIRef(EX + "b"), RDF.type, OWL.NamedIndividual) not in g


# ---------------------------------------------------------------- the same bytes every time

@pytest.mark.slow
def test_owl_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from medkg.build import make_graph; "
            "from medkg.owl import write_owl; write_owl(make_graph()[1], Path(sys.argv[1]))")
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"{seed}" / "medkg.owl"
        target.parent.mkdir()
        subprocess.run([sys.executable, "-c", code, str(target)], check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_write_owl_matches_build(graph: Graph, built_exports: Path, tmp_path: Path) -> None:
    write_owl(graph, tmp_path / "medkg.owl")
    assert (tmp_path / "medkg.owl").read_bytes() == (built_exports / "medkg.owl").read_bytes()


# ---------------------------------------------------------------- the real OWL API, as Protégé loads it

@pytest.mark.java
def test_owl_api_loads_both_files_cleanly(built_exports: Path, tmp_path: Path) -> None:
    """Zero unparsed triples, zero OWL 2 DL violations, nothing undeclared; and the same check does
    flag a file with an annotation/object property pun (so this test can fail)."""
    need_owlapi()
    from medkg.owl import write_rdfxml
    from medkg.owlcheck import check_owl_many

    broken = owl_graph(Graph().parse(built_exports / "medkg.owl", format="xml"))
    broken.add((MEDKG.evidence, RDF.type, OWL.ObjectProperty))
    write_rdfxml(broken, tmp_path / "broken.owl")
    files = [built_exports / "medkg.owl", built_exports / "medkg-inferred.owl", tmp_path / "broken.owl"]
    owl_report, inferred_report, broken_report = check_owl_many(files)
    for report in (owl_report, inferred_report):
        assert report.unparsed_triples == []
        assert report.violations == []
        assert report.undeclared == []
        assert report.clean, report.problems()
        assert report.counts["individuals"] >= 20
        assert report.counts["classes"] >= 16
    assert inferred_report.counts["logical_axioms"] > owl_report.counts["logical_axioms"] + 100
    assert not broken_report.clean
