"""The entities' mappings to standard vocabularies as an SSSOM TSV file, derived from the graph.

One row per SKOS match from a medkg entity (``mk:``) to an external identifier's IRI; the object
CURIE comes back from the IRI through the Bioregistry prefix table, the object label and the
place it was verified from the entity's xref record. The metadata block (licence, version,
title) is read from the ontology header in the graph. Rows are sorted and no date is written, so
two builds give the same bytes. Format: https://w3id.org/sssom/spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import OWL, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from . import identifiers
from .errors import ExportError
from .vocab import BASE, ENTITY, MEDKG, ONTOLOGY_IRI

MAPPING_SET_ID = BASE + "mappings/medkg.sssom.tsv"
JUSTIFICATION = "semapv:ManualMappingCuration"
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "comment")
FIXED_PREFIXES = {
    "mk": str(ENTITY),
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": str(SKOS),
}


@dataclass(frozen=True, order=True)
class Mapping:
    """One SSSOM row."""

    subject_id: str
    predicate_id: str
    object_id: str
    subject_label: str
    object_label: str
    comment: str

    def cells(self) -> tuple[str, ...]:
        return (self.subject_id, self.subject_label, self.predicate_id, self.object_id, self.object_label,
                JUSTIFICATION, self.comment)


def mappings(graph: Graph) -> list[Mapping]:
    """Every entity-to-identifier SKOS match in the graph, sorted."""
    skos_names = {predicate: "skos:" + str(predicate)[len(str(SKOS)):]
                  for predicate in identifiers.MAPPING_PREDICATES.values()}
    rows = []
    for predicate, predicate_id in skos_names.items():
        for subject, target in graph.subject_objects(predicate):
            if not (isinstance(subject, URIRef) and str(subject).startswith(str(ENTITY))):
                continue  # the schema's own alignments (medkg:treats skos:closeMatch ...) are not entity mappings
            object_id = identifiers.compress(str(target))
            if object_id is None:
                raise ExportError(f"{subject} {predicate_id} {target}: the IRI is under no Bioregistry URI prefix")
            record = _record(graph, subject, target)
            rows.append(Mapping(
                subject_id="mk:" + str(subject)[len(str(ENTITY)):],
                predicate_id=predicate_id,
                object_id=object_id,
                subject_label=_text(graph.value(subject, RDFS.label)),
                object_label=_text(graph.value(record, MEDKG.targetLabel)) if record is not None else "",
                comment=("verified in " + _text(graph.value(record, MEDKG.verifiedIn))) if record is not None else "",
            ))
    return sorted(rows)


def _record(graph: Graph, subject: URIRef, target: Node) -> Node | None:
    for record in sorted(graph.objects(subject, MEDKG.xrefRecord), key=str):
        if (record, MEDKG.mappedTo, target) in graph:
            return record
    return None


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def metadata(graph: Graph, rows: list[Mapping]) -> dict[str, object]:
    """The SSSOM metadata block: prefixes used, mapping set id, licence and version from the graph."""
    curie_map = dict(FIXED_PREFIXES)
    for prefix in sorted({identifiers.split(row.object_id)[0] for row in rows}):
        curie_map[prefix] = identifiers.uri_prefix(prefix)
    license_iri = graph.value(ONTOLOGY_IRI, DCTERMS.license)
    if license_iri is None:
        raise ExportError(f"the graph has no dcterms:license on {ONTOLOGY_IRI}: SSSOM needs a licence")
    block: dict[str, object] = {
        "curie_map": dict(sorted(curie_map.items(), key=lambda kv: (kv[0].casefold(), kv[0]))),
        "mapping_set_id": MAPPING_SET_ID,
        "mapping_set_title": "medkg entities mapped to standard vocabularies",
        "mapping_set_description": "Identifiers in standard vocabularies for the entities of the medkg knowledge "
                                   "graph, each verified by hand in a public file named in the comment column.",
        "license": str(license_iri),
    }
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    if isinstance(version, Literal):
        block["mapping_set_version"] = str(version)
    creators = sorted(str(c) for c in graph.objects(ONTOLOGY_IRI, DCTERMS.creator))
    if creators:
        block["creator_label"] = creators
    return block


def write_sssom(graph: Graph, path: Path) -> None:
    """SSSOM TSV: a ``#``-commented YAML metadata block, then one tab-separated row per mapping."""
    rows = mappings(graph)
    header = yaml.safe_dump(metadata(graph, rows), sort_keys=False, allow_unicode=True, width=1000)
    lines = ["#" + (" " + line if line else "") for line in header.splitlines()]
    lines.append("\t".join(COLUMNS))
    for row in rows:
        cells = row.cells()
        if any("\t" in cell or "\n" in cell for cell in cells):  # pragma: no cover - text is whitespace-normalised
            raise ExportError(f"{row.subject_id} {row.object_id}: a tab or newline cannot go in a TSV cell")
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
