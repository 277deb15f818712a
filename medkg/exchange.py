"""Exchange formats for graph tools: GraphML, Cytoscape.js JSON, KGX TSV and neo4j-admin CSV.

Every writer has the shape ``write(graph, path)`` and writes the property graph of
``medkg.analysis.property_graph``: the entities as nodes, the entity-to-entity facts as edges,
with the same attribute names in every format. Lists (synonyms, the provenance of a fact, one
entry per source) stay lists where the format has them (Cytoscape JSON, neo4j ``string[]``) and
are joined with ``|`` where it has none (GraphML, KGX TSV, as KGX does); a value that itself holds
``|``, a tab or a line break is refused (``ExportError``) rather than written ambiguously.

The Biolink mapping used by KGX: a node's ``category`` comes from its medkg class
(``BIOLINK_CATEGORIES``, the nearest mapped ancestor), an edge's ``predicate`` from the
``skos:closeMatch`` / ``skos:exactMatch`` to Biolink that ``ontology/medkg.ttl`` states for the
medkg relation, else ``biolink:related_to``; ``original_predicate`` always keeps the medkg relation.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .analysis import PROVENANCE_KEYS, PropertyGraph, property_graph
from .errors import ExportError
from .vocab import MEDKG

LIST_SEPARATOR = "|"
BIOLINK = "https://w3id.org/biolink/vocab/"

#: Biolink categories per medkg class; a class not listed takes its nearest listed ancestor.
#: Treatments that are procedures or devices also carry biolink:Treatment, the category
#: biolink:treats accepts as subject (its domain is "chemical or drug or treatment").
BIOLINK_CATEGORIES: dict[str, tuple[str, ...]] = {
    "MedicalEntity": ("biolink:NamedThing",),
    "Condition": ("biolink:DiseaseOrPhenotypicFeature",),
    "Treatment": ("biolink:Treatment",),
    "Medication": ("biolink:Drug",),
    "PhysicalTherapy": ("biolink:Treatment", "biolink:Procedure"),
    "OccupationalTherapy": ("biolink:Treatment", "biolink:Procedure"),
    "SurgicalProcedure": ("biolink:Treatment", "biolink:Procedure"),
    "Device": ("biolink:Treatment", "biolink:Device"),
}
BIOLINK_DEFAULT_PREDICATE = "biolink:related_to"
#: Every medkg edge is a curator's reading of a reviewed text.
KNOWLEDGE_LEVEL = "knowledge_assertion"
AGENT_TYPE = "manual_agent"

#: Node attributes in the order tabular formats show them; other attributes follow, sorted.
NODE_ORDER = [
    "iri",
    "label",
    "type",
    "types",
    "type_label",
    "definition",
    "synonyms",
    "brand_names",
    "sources",
    "xrefs",
]
EDGE_ORDER = ["id", "predicate", "label", *PROVENANCE_KEYS]


def _checked(value: str, where: str) -> str:
    for bad, name in ((LIST_SEPARATOR, "'|'"), ("\t", "a tab"), ("\n", "a line break"), ("\r", "a line break")):
        if bad in value:
            raise ExportError(
                f"{where}: the value {value!r} holds {name}, which the exchange formats use as a "
                "separator (reword it in the source)"
            )
    return value


def flat(value: Any, where: str) -> str | bool | int:
    """A list joined with ``|``; text checked for separators; bools and ints as they are."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_checked(str(v), where) for v in value)
    if isinstance(value, str):
        return _checked(value, where)
    return value


def columns(records: Iterable[dict[str, Any]], order: list[str]) -> list[str]:
    """Every attribute used by any record: the ``order`` ones first, then the rest sorted."""
    seen = {key for attrs in records for key in attrs}
    return [k for k in order if k in seen] + sorted(seen - set(order))


# ---------------------------------------------------------------- GraphML


def write_graphml(graph: Graph, path: Path) -> None:
    """GraphML read by networkx, Gephi and Cytoscape: typed keys, lists joined with ``|``."""
    import networkx as nx

    pg = property_graph(graph)
    view = nx.MultiDiGraph()
    for node, attrs in pg.nodes:
        view.add_node(node, **{k: flat(v, node) for k, v in attrs.items()})
    for subject, target, key, attrs in pg.edges:
        where = f"{subject} {key} {target}"
        view.add_edge(subject, target, key=key, **{k: flat(v, where) for k, v in attrs.items()})
    nx.write_graphml(view, path, encoding="utf-8", prettyprint=True, edge_id_from_attribute="id")


# ---------------------------------------------------------------- Cytoscape.js JSON


def cytoscape_json(pg: PropertyGraph) -> dict[str, Any]:
    """Cytoscape.js elements JSON. ``name`` repeats the label (Cytoscape desktop shows it), and
    ``value`` the id, with ``directed``/``multigraph``, so ``networkx.cytoscape_graph`` reads it too."""
    nodes = [
        {"data": {"id": node, "value": node, "name": attrs.get("label", node), **attrs}} for node, attrs in pg.nodes
    ]
    edges = [
        {"data": {**attrs, "source": subject, "target": target, "key": key}} for subject, target, key, attrs in pg.edges
    ]
    return {
        "data": {"name": "medkg"},
        "directed": True,
        "multigraph": True,
        "elements": {"nodes": nodes, "edges": edges},
    }


def write_cytoscape(graph: Graph, path: Path) -> None:
    """``{"elements": {"nodes": [{"data": ...}], "edges": [...]}}`` for ``cytoscape({elements})``."""
    data = cytoscape_json(property_graph(graph))
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- tables: KGX TSV and neo4j-admin CSV


def _write_table(path: Path, header: list[str], rows: list[list[Any]], *, delimiter: str) -> None:
    """CSV quoted as RFC 4180 (what neo4j-admin reads); TSV never quoted, as KGX reads it with
    ``quoting=QUOTE_NONE`` (values never hold tabs or line breaks: ``flat`` refuses them)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        if delimiter == "\t":
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None)
        else:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["true" if v is True else "false" if v is False else "" if v is None else v for v in row])


def biolink_categories(types: list[str]) -> list[str]:
    """The Biolink categories of a node from its medkg classes (most general first)."""
    for cls in reversed(types):
        if cls in BIOLINK_CATEGORIES:
            return list(BIOLINK_CATEGORIES[cls])
    return list(BIOLINK_CATEGORIES["MedicalEntity"])


def biolink_predicates(graph: Graph) -> dict[str, str]:
    """medkg predicate CURIE -> Biolink predicate CURIE, from the schema's SKOS mappings."""
    found = {}
    for match in (SKOS.closeMatch, SKOS.exactMatch):  # an exact match wins over a close one
        for prop, target in sorted(graph.subject_objects(match)):
            if isinstance(prop, URIRef) and str(prop).startswith(str(MEDKG)) and str(target).startswith(BIOLINK):
                found["medkg:" + str(prop)[len(str(MEDKG)) :]] = "biolink:" + str(target)[len(BIOLINK) :]
    return found


KGX_NODE_COLUMNS = ["id", "category", "name", "description", "synonym", "xref", "provided_by", "iri"]
KGX_EDGE_COLUMNS = [
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "primary_knowledge_source",
    "knowledge_level",
    "agent_type",
    "supporting_text",
    "medkg_section",
    "medkg_evidence",
    "medkg_applies_when",
]
#: Node attributes written to Biolink columns; every other one goes to a ``medkg_<name>`` column.
_KGX_NODE_MAPPED = {"label", "definition", "synonyms", "sources", "iri", "xrefs"}


def kgx_tables(graph: Graph) -> tuple[list[str], list[list[Any]], list[str], list[list[Any]]]:
    """KGX nodes and edges (header and rows). An edge row per fact and source: Biolink allows one
    primary knowledge source per association, so each source's statement is its own edge."""
    pg = property_graph(graph)
    extra = [c for c in columns((a for _, a in pg.nodes), NODE_ORDER) if c not in _KGX_NODE_MAPPED]
    node_header = KGX_NODE_COLUMNS + [f"medkg_{c}" for c in extra]
    node_rows = []
    for node, attrs in pg.nodes:
        synonyms = attrs.get("synonyms", []) + attrs.get("brand_names", [])
        row = [
            node,
            biolink_categories(attrs["types"]),
            attrs.get("label"),
            attrs.get("definition"),
            synonyms,
            attrs.get("xrefs", []),
            attrs.get("sources", []),
            attrs.get("iri"),
        ]
        row += [attrs.get(c) for c in extra]
        node_rows.append([flat(v, node) if v is not None else None for v in row])
    predicates = biolink_predicates(graph)
    edge_rows = []
    for subject, target, key, attrs in pg.edges:
        where = f"{subject} {key} {target}"
        columns_of = {name: attrs.get(name, []) for name in PROVENANCE_KEYS}
        for i, source in enumerate(columns_of["sources"]):
            nth = {name: values[i] if i < len(values) else "" for name, values in columns_of.items()}
            row = [
                uuid.uuid5(uuid.NAMESPACE_URL, f"{attrs['id']} {source}").urn,
                subject,
                predicates.get(attrs["predicate"], BIOLINK_DEFAULT_PREDICATE),
                target,
                attrs["predicate"],
                source,
                KNOWLEDGE_LEVEL,
                AGENT_TYPE,
                nth["anchors"],
                nth["sections"],
                nth["evidence"],
                nth["applies_when"],
            ]
            edge_rows.append([flat(v, where) for v in row])
    return node_header, node_rows, KGX_EDGE_COLUMNS, edge_rows


def write_kgx(graph: Graph, path: Path) -> None:
    """A folder with KGX ``nodes.tsv`` and ``edges.tsv`` (Biolink categories and predicates)."""
    node_header, node_rows, edge_header, edge_rows = kgx_tables(graph)
    path.mkdir(parents=True, exist_ok=True)
    _write_table(path / "nodes.tsv", node_header, node_rows, delimiter="\t")
    _write_table(path / "edges.tsv", edge_header, edge_rows, delimiter="\t")


def _neo4j_type(values: list[Any]) -> str:
    """The neo4j-admin header type of a column from its values: ``string[]``, ``boolean``, ``int`` or ``""``."""
    present = [v for v in values if v is not None]
    if any(isinstance(v, list) for v in present):
        return ":string[]"
    if present and all(isinstance(v, bool) for v in present):
        return ":boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return ":int"
    return ""


def _neo4j_table(
    records: list[tuple[str, list[Any], dict[str, Any]]], order: list[str]
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: the leading columns of each record, then its attributes typed by their values."""
    names = columns((attrs for *_, attrs in records), order)
    header = [name + _neo4j_type([attrs.get(name) for *_, attrs in records]) for name in names]
    rows = []
    for where, lead, attrs in records:
        rows.append([flat(v, where) if v is not None else None for v in [*lead, *(attrs.get(n) for n in names)]])
    return header, rows


def relationship_type(predicate: str) -> str:
    """``medkg:escalatesTo`` -> ``ESCALATES_TO``, Neo4j's convention for relationship types."""
    name = predicate.split(":", 1)[1]
    return "".join("_" + c if c.isupper() else c.upper() for c in name).lstrip("_")


def neo4j_tables(graph: Graph) -> tuple[list[str], list[list[Any]], list[str], list[list[Any]]]:
    """``neo4j-admin database import`` nodes and relationships (header and rows). Arrays and multiple
    labels are separated by ``|`` (import with ``--array-delimiter='|'``): evidence text holds ``;``,
    the default delimiter. A node's labels are its medkg classes (``MedicalEntity|Treatment|...``)."""
    pg = property_graph(graph)
    nodes = [(node, [node, attrs["types"]], attrs) for node, attrs in pg.nodes]
    header, node_rows = _neo4j_table(nodes, NODE_ORDER)
    node_header = ["id:ID", ":LABEL", *header]
    rels = [(f"{s} {key} {o}", [s, o, relationship_type(attrs["predicate"])], attrs) for s, o, key, attrs in pg.edges]
    header, rel_rows = _neo4j_table(rels, EDGE_ORDER)
    return node_header, node_rows, [":START_ID", ":END_ID", ":TYPE", *header], rel_rows


def write_neo4j(graph: Graph, path: Path) -> None:
    """A folder with ``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import``."""
    node_header, node_rows, rel_header, rel_rows = neo4j_tables(graph)
    path.mkdir(parents=True, exist_ok=True)
    _write_table(path / "nodes.csv", node_header, node_rows, delimiter=",")
    _write_table(path / "relationships.csv", rel_header, rel_rows, delimiter=",")
