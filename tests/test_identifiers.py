"""Standard identifiers: Bioregistry prefixes and forms checked like any source error; SKOS matches,
oboInOwl:hasDbXref and where-verified records in the graph; a valid SSSOM export; the unmapped list."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from medkg import identifiers
from medkg.build import load_knowledge
from medkg.errors import ValidationError
from medkg.exports import EXPORTS, dumps
from medkg.model import KnowledgeBase
from medkg.sssom import MAPPING_SET_ID, mappings
from medkg.vocab import MEDKG, OBOINOWL, ONTOLOGY_IRI, load_schema

from . import CONTRACTURE, DIAZEPAM, MS, ONTOLOGY, ROOT, SPASTICITY

HP_SPASTICITY = URIRef("http://purl.obolibrary.org/obo/HP_0001257")
UNMAPPED_DOC = ROOT / "docs" / "unmapped-identifiers.md"

SOURCE = """\
source:
  id: mini
  title: Mini source
  publisher: Test
  reviewer: Dr Test
  review_date: "2020-01-01"
  sections:
    s1: Section one
entities:
  - id: spasm
    label: spasm
    type: Condition
    definition: A test condition.
    xrefs:
      - curie: "{curie}"
        mapping: {mapping}
        verified_in: "test fixture"
"""
CURIE_LINE = 15  # the line of `curie:` in SOURCE

# curie, mapping, the problem expected (after "bad.yaml:<line>: entity spasm: ")
BAD_XREFS = [
    ("rxnorm:12a4", "exact", "xref '12a4' is not a valid rxnorm identifier (rxnorm ids match ^[0-9]{1,7}$, e.g. "),
    ("mesh:009103", "exact", "xref '009103' is not a valid mesh identifier (mesh ids match ^(C|D|Q)\\d+$, e.g. mesh:"),
    ("HP:001257", "exact", "xref '001257' is not a valid HP identifier (HP ids match ^\\d{7}$, e.g. HP:"),
    ("HP:00012570", "exact", "xref '00012570' is not a valid HP identifier"),
    ("MONDO:5301", "exact", "xref '5301' is not a valid MONDO identifier"),
    ("CHEBI:baclofen", "exact", "xref 'baclofen' is not a valid CHEBI identifier"),
    ("drugbank:00829", "exact", "xref '00829' is not a valid drugbank identifier"),
    ("FOO:123", "exact", "xref unknown prefix 'FOO': not in the Bioregistry (use a Bioregistry prefix"),
    ("notavocabulary:1", "close", "xref unknown prefix 'notavocabulary': not in the Bioregistry"),
    ("MESH:D009103", "exact", "xref prefix 'MESH' is not the Bioregistry's spelling (write 'mesh:D009103')"),
    ("hp:0001257", "exact", "xref prefix 'hp' is not the Bioregistry's spelling (write 'HP:0001257')"),
    ("SNOMEDCT:24700007", "exact", "xref prefix 'SNOMEDCT' is not the Bioregistry's spelling (write 'snomedct:24700"),
    ("HP 0001257", "exact", "xref 'HP 0001257' is not a CURIE (write PREFIX:ID without spaces, e.g. HP:0001257)"),
    ("HP0001257", "exact", "xref 'HP0001257' is not a CURIE"),
    ("HP:0001257", "same", "unknown mapping type 'same' (use one of: exact, close, broad, narrow)"),
]


def problems_for(tmp_path: Path, text: str) -> str:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "bad.yaml").write_text(text, encoding="utf-8")
    try:
        load_knowledge(folder, load_schema(ONTOLOGY / "medkg.ttl"))
    except ValidationError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize(("curie", "mapping", "expected"), BAD_XREFS, ids=[c[0] + " " + c[1] for c in BAD_XREFS])
def test_bad_xref_is_a_source_problem(tmp_path: Path, curie: str, mapping: str, expected: str) -> None:
    message = problems_for(tmp_path, SOURCE.format(curie=curie, mapping=mapping))
    line = CURIE_LINE + 1 if mapping == "same" else CURIE_LINE
    assert f"error: {tmp_path / 'src' / 'bad.yaml'}:{line}: entity spasm: {expected}" in message, message


@pytest.mark.parametrize("curie", ["HP:0001257", "mesh:D009103", "rxnorm:3322", "snomedct:24700007", "icd10cm:G35",
                                   "atc:N05BA01", "drugbank:DB00829", "umls:C0026769", "NCIT:C3243", "MAXO:0000011"])
def test_good_xref_passes(tmp_path: Path, curie: str) -> None:
    assert problems_for(tmp_path, SOURCE.format(curie=curie, mapping="exact")) == ""


def test_xref_listed_twice(tmp_path: Path) -> None:
    text = SOURCE.format(curie="HP:0001257", mapping="exact") + (
        '      - curie: "HP:0001257"\n        mapping: close\n        verified_in: "again"\n')
    assert f"bad.yaml:{CURIE_LINE + 3}: entity spasm: xref HP:0001257 is listed twice (keep the one at line " \
           f"{CURIE_LINE})" in problems_for(tmp_path, text)


def test_cli_reports_bad_xref(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad.yaml").write_text(SOURCE.format(curie="rxnorm:12a4", mapping="exact"), encoding="utf-8")
    command = [sys.executable, "-m", "medkg", "build", "--sources", str(src), "--out", str(tmp_path / "o")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert f"error: {src / 'bad.yaml'}:{CURIE_LINE}: entity spasm: xref '12a4' is not a valid rxnorm identifier" \
        in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- the graph


def all_xrefs(kb: KnowledgeBase) -> list[tuple[str, identifiers.Prefix, str, str]]:
    return [(e.id, identifiers.registry().by_prefix[identifiers.split(x.curie)[0]], x.curie, x.mapping)
            for e in kb.entities.values() for x in e.xrefs]


def test_sources_have_verified_identifiers(kb: KnowledgeBase) -> None:
    xrefs = {(eid, curie, mapping) for eid, _, curie, mapping in all_xrefs(kb)}
    assert ("spasticity", "HP:0001257", "exact") in xrefs
    assert ("multiple_sclerosis", "MONDO:0005301", "exact") in xrefs
    assert ("diazepam", "rxnorm:3322", "exact") in xrefs
    assert len(xrefs) >= 25
    for entity in kb.entities.values():
        for xref in entity.xrefs:  # each names a repository file at a commit, or a web page
            assert re.search(r"@[0-9a-f]{40}|https://", xref.verified_in), (entity.id, xref.curie)


def test_skos_match_and_dbxref(graph: Graph, kb: KnowledgeBase) -> None:
    assert (SPASTICITY, SKOS.exactMatch, HP_SPASTICITY) in graph
    assert (SPASTICITY, OBOINOWL.hasDbXref, Literal("HP:0001257")) in graph
    assert (CONTRACTURE, SKOS.narrowMatch, URIRef("http://purl.obolibrary.org/obo/HP_0001371")) in graph
    assert (DIAZEPAM, SKOS.closeMatch, URIRef("http://www.whocc.no/atc_ddd_index/?code=N05BA01")) in graph
    for eid, _, curie, mapping in all_xrefs(kb):
        subject = URIRef(f"https://w3id.org/medkg/entity/{eid}")
        target = URIRef(identifiers.expand(curie))
        assert (subject, identifiers.MAPPING_PREDICATES[mapping], target) in graph
        assert (subject, OBOINOWL.hasDbXref, Literal(curie)) in graph


def test_every_match_says_where_it_was_verified(graph: Graph, kb: KnowledgeBase) -> None:
    """One xref record per match, naming the same IRI, with where it was verified; no extra owl:Axiom."""
    count = 0
    for predicate in identifiers.MAPPING_PREDICATES.values():
        for subject, target in graph.subject_objects(predicate):
            if not str(subject).startswith("https://w3id.org/medkg/entity/"):
                continue
            records = [r for r in graph.objects(subject, MEDKG.xrefRecord) if (r, MEDKG.mappedTo, target) in graph]
            assert len(records) == 1, (subject, predicate, target)
            assert graph.value(records[0], MEDKG.verifiedIn) is not None
            assert graph.value(records[0], RDF.type) is None
            count += 1
    assert count == len(all_xrefs(kb)) == len(list(graph.subject_objects(MEDKG.xrefRecord)))
    spasticity = graph.value(SPASTICITY, MEDKG.xrefRecord)
    assert graph.value(spasticity, MEDKG.targetLabel) == Literal("Spasticity")
    assert not [a for a in graph.subjects(RDF.type, OWL.Axiom) if graph.value(a, OWL.annotatedTarget) == HP_SPASTICITY]


def test_iris_resolve_through_the_converter(graph: Graph) -> None:
    """Each hasDbXref CURIE expands, through a curies converter, to the IRI of the entity's match."""
    matches = {(s, o) for p in identifiers.MAPPING_PREDICATES.values() for s, o in graph.subject_objects(p)}
    for subject, curie in graph.subject_objects(OBOINOWL.hasDbXref):
        prefix, _ = identifiers.split(str(curie))
        converter = identifiers.converter([prefix])
        iri = converter.expand(str(curie))
        assert iri is not None and (subject, URIRef(iri)) in matches
        assert converter.compress(iri) == str(curie)
        assert identifiers.compress(iri) == str(curie)
    assert str(identifiers.expand("HP:0001257")) == str(HP_SPASTICITY)  # OBO ids get their PURL


def test_declared_as_annotation_properties(graph: Graph) -> None:
    """OWL-DL safe: match properties and hasDbXref are annotation properties; external IRIs stay untyped."""
    for prop in (*identifiers.MAPPING_PREDICATES.values(), OBOINOWL.hasDbXref, MEDKG.xrefRecord, MEDKG.mappedTo,
                 MEDKG.verifiedIn, MEDKG.targetLabel):
        assert (prop, RDF.type, OWL.AnnotationProperty) in graph, prop
    for predicate in identifiers.MAPPING_PREDICATES.values():
        for target in graph.objects(None, predicate):
            assert isinstance(target, URIRef)
            assert graph.value(target, RDF.type) is None, f"{target} must not become a class or individual"


def test_turtle_export_has_the_identifiers(built_exports: Path) -> None:
    turtle = Graph().parse(built_exports / EXPORTS["turtle"].path, format="turtle")
    assert (SPASTICITY, SKOS.exactMatch, HP_SPASTICITY) in turtle
    assert (MS, OBOINOWL.hasDbXref, Literal("MONDO:0005301")) in turtle
    text = (built_exports / EXPORTS["turtle"].path).read_text(encoding="utf-8")
    assert "oboInOwl:hasDbXref" in text and "skos:exactMatch" in text


def test_curies_and_sssom_stay_out_of_cli_start() -> None:
    code = ("import sys, medkg.cli; medkg.cli.parser(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'curies', 'bioregistry', 'sssom'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


# ---------------------------------------------------------------- SSSOM


def test_sssom_parses_and_validates(built_exports: Path, graph: Graph, kb: KnowledgeBase) -> None:
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    path = built_exports / EXPORTS["sssom"].path
    msdf = parse_sssom_table(path)
    checks = [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness,
              SchemaValidationType.StrictCurieFormat]
    validate(msdf, checks, fail_on_error=True)  # raises on any problem
    assert msdf.metadata["mapping_set_id"] == MAPPING_SET_ID
    assert MAPPING_SET_ID.startswith("https://w3id.org/medkg/")
    assert msdf.metadata["license"] == str(graph.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license")))
    rows = {(r.subject_id, r.predicate_id, r.object_id) for r in msdf.df.itertuples()}
    expected = {(f"mk:{eid}", "skos:" + str(identifiers.MAPPING_PREDICATES[m]).split("#")[1], curie)
                for eid, _, curie, m in all_xrefs(kb)}
    assert rows == expected
    assert set(msdf.df["mapping_justification"]) == {"semapv:ManualMappingCuration"}
    spasticity = msdf.df[msdf.df["object_id"] == "HP:0001257"].iloc[0]
    assert spasticity["subject_label"] == "spasticity" and spasticity["object_label"] == "Spasticity"
    assert spasticity["comment"].startswith("verified in obophenotype/human-phenotype-ontology hp.obo@")


def test_sssom_validation_can_fail(built_exports: Path, tmp_path: Path) -> None:
    """The check above is real: the same file without one prefix in its curie_map is rejected."""
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    text = (built_exports / EXPORTS["sssom"].path).read_text(encoding="utf-8")
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text(re.sub(r"(?m)^#   rxnorm: .*\n", "", text), encoding="utf-8")
    kind = SchemaValidationType.PrefixMapCompleteness
    report = validate(parse_sssom_table(broken), [kind], fail_on_error=False)[kind]
    assert [str(r) for r in report.results] and "rxnorm" in " ".join(str(r) for r in report.results)
    with pytest.raises(Exception, match="validation error"):
        validate(parse_sssom_table(broken), [kind], fail_on_error=True)


def test_sssom_is_deterministic_and_sorted(graph: Graph) -> None:
    first = dumps(graph, "sssom")
    assert first == dumps(graph, "sssom")
    assert "mapping_date" not in first
    rows = mappings(graph)
    assert rows == sorted(rows)
    header = [line for line in first.splitlines() if not line.startswith("#")][0]
    assert header.split("\t") == ["subject_id", "subject_label", "predicate_id", "object_id", "object_label",
                                  "mapping_justification", "comment"]


# ---------------------------------------------------------------- prefix table and unmapped list


def test_prefix_table_agrees_with_bioregistry(kb: KnowledgeBase) -> None:
    """medkg/prefixes.json was derived from the bioregistry package; for every prefix in use it still
    gives the same spelling, URI prefix and pattern (run `python -m medkg.identifiers --refresh` if not)."""
    import bioregistry

    for _, entry, _, _ in all_xrefs(kb):
        canonical = bioregistry.normalize_prefix(entry.prefix)
        assert canonical is not None
        resource = bioregistry.get_resource(canonical)
        assert resource is not None
        assert (resource.get_preferred_prefix() or canonical) == entry.prefix
        assert bioregistry.get_uri_prefix(canonical) == entry.uri_prefix
        assert (resource.get_pattern() or "") == entry.pattern
    data = json.loads(identifiers.PREFIX_FILE.read_text(encoding="utf-8"))
    assert len(data["prefixes"]) > 1000 and data["bioregistry_version"]


def test_unmapped_list_names_every_entity_without_identifiers(kb: KnowledgeBase) -> None:
    text = UNMAPPED_DOC.read_text(encoding="utf-8")
    for entity in kb.entities.values():
        assert f"| `{entity.id}` |" in text, f"{entity.id} is missing from docs/unmapped-identifiers.md"
    for entity in kb.entities.values():
        if not entity.xrefs:
            assert re.search(rf"\| `{entity.id}` \| all \|", text), entity.id
