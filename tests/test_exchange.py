"""Exchange files read back by the readers people use: networkx (GraphML, Cytoscape JSON), pandas as
KGX reads TSV, the neo4j-admin header rules; Biolink names checked against the Biolink model."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import RDFS, Graph, Literal

from medkg.analysis import PropertyGraph, property_graph
from medkg.errors import ExportError
from medkg.exchange import LIST_SEPARATOR, write_graphml, write_kgx, write_neo4j
from medkg.exports import EXPORTS
from medkg.stats import stats_markdown, unsourced

from . import BACLOFEN, PAIN, TREATS
from .test_analysis import merged_graph


@pytest.fixture(scope="module")
def pg(graph: Graph) -> PropertyGraph:
    return property_graph(graph)


def export(built_exports: Path, name: str) -> Path:
    return built_exports / EXPORTS[name].path


def flat(value: Any) -> Any:
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else value


# ---------------------------------------------------------------- GraphML


def test_graphml_reads_back_every_attribute(pg: PropertyGraph, built_exports: Path) -> None:
    back = nx.read_graphml(export(built_exports, "graphml"), force_multigraph=True)
    assert sorted(back.nodes) == [n for n, _ in pg.nodes]
    for node, attrs in pg.nodes:
        assert back.nodes[node] == {k: flat(v) for k, v in attrs.items()}, node
    edges = {data["id"]: (s, o, data) for s, o, data in back.edges(data=True)}
    assert len(edges) == back.number_of_edges() == len(pg.edges)
    for subject, target, _, attrs in pg.edges:
        assert edges[attrs["id"]] == (subject, target, {k: flat(v) for k, v in attrs.items()})


def test_graphml_keys_are_typed_for_gephi_and_cytoscape(built_exports: Path) -> None:
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(export(built_exports, "graphml")).getroot()
    keys = root.findall("g:key", ns)
    declared = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in keys}
    assert len(declared) == len(keys) == len({k.get("id") for k in keys})
    assert set(declared.values()) <= {"boolean", "int", "long", "float", "double", "string"}
    assert declared[("node", "may_need_repeating")] == "boolean"
    assert declared[("node", "ladder_step_spasticity")] in ("int", "long")
    for name in ("sources", "sections", "evidence", "anchors", "applies_when"):
        assert declared[("edge", name)] == "string"
    ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == len(set(ids)) and all(ids)


def test_graphml_joins_the_provenance_of_several_sources(tmp_path: Path) -> None:
    graph = merged_graph()
    write_graphml(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    [data] = [
        d
        for s, o, d in back.edges(data=True)
        if (s, o, d["predicate"]) == ("mk:baclofen", "mk:spasticity", "medkg:treats")
    ]
    assert data["sources"].split("|") == ["mksrc:controlling-ms-spasticity", "mksrc:medkg-test-note"]
    assert data["anchors"].split("|") == ["muscle relaxants baclofen and Zanaflex", "test anchor"]


def test_a_separator_inside_a_value_is_refused(graph: Graph, tmp_path: Path) -> None:
    broken = Graph()
    broken += graph
    broken.set((BACLOFEN, RDFS.label, Literal("baclofen | Lioresal", lang="en")))
    for writer in (write_graphml, write_kgx, write_neo4j):
        with pytest.raises(ExportError, match=r"mk:baclofen: the value 'baclofen \| Lioresal' holds '\|'"):
            writer(broken, tmp_path / writer.__name__)


# ---------------------------------------------------------------- Cytoscape.js JSON


def test_cytoscape_json_is_valid_elements_json(pg: PropertyGraph, built_exports: Path) -> None:
    data = json.loads(export(built_exports, "cytoscape").read_text(encoding="utf-8"))
    assert set(data) == {"data", "directed", "multigraph", "elements"}
    assert set(data["elements"]) == {"nodes", "edges"}
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes] + [e["data"]["id"] for e in edges]
    assert len(ids) == len(set(ids)), "cytoscape.js needs ids unique over nodes and edges"
    node_ids = {n["data"]["id"] for n in nodes}
    for element in nodes + edges:
        assert set(element) == {"data"} and isinstance(element["data"]["id"], str)
        for value in element["data"].values():
            assert isinstance(value, str | bool | int) or all(isinstance(v, str) for v in value)
    for edge in edges:
        assert edge["data"]["source"] in node_ids and edge["data"]["target"] in node_ids
    assert len(nodes) == len(pg.nodes) and len(edges) == len(pg.edges)


def test_cytoscape_json_reads_back_with_networkx(pg: PropertyGraph, built_exports: Path) -> None:
    back = nx.cytoscape_graph(json.loads(export(built_exports, "cytoscape").read_text(encoding="utf-8")))
    for node, attrs in pg.nodes:
        assert {k: v for k, v in back.nodes[node].items() if k not in ("id", "value", "name")} == attrs
        assert back.nodes[node]["name"] == attrs["label"]
    for subject, target, key, attrs in pg.edges:
        data = dict(back.edges[subject, target, key])
        assert {k: v for k, v in data.items() if k not in ("source", "target", "key")} == attrs


# ---------------------------------------------------------------- KGX TSV


def read_kgx(path: Path) -> list[dict[str, str]]:
    """As KGX's TSV source reads it: pandas, tab-separated, every value a string, no quoting."""
    import pandas as pd

    frame = pd.read_csv(path, sep="\t", dtype=str, quoting=csv.QUOTE_NONE, keep_default_na=False)
    return frame.to_dict("records")  # type: ignore[no-any-return]


@cache
def biolink_model() -> dict[str, Any]:
    """The Biolink Model schema shipped by the ``biolink-model`` package (a test extra)."""
    from importlib.resources import files

    import yaml

    try:
        text = (files("biolink_model") / "schema" / "biolink_model.yaml").read_text(encoding="utf-8")
    except ModuleNotFoundError:  # pragma: no cover - the test extras install it
        pytest.fail("the biolink-model package is missing: pip install -e '.[test]'")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def biolink_class(curie: str) -> str:
    """``biolink:DiseaseOrPhenotypicFeature`` -> ``disease or phenotypic feature``."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", curie.split(":", 1)[1]).lower()


def biolink_slot(name: str) -> str:
    return name.split(":", 1)[-1].replace("_", " ")


def slot_ancestors(slot: str) -> list[str]:
    slots = biolink_model()["slots"]
    chain = [slot]
    while slots[chain[-1]].get("is_a"):
        chain.append(slots[chain[-1]]["is_a"])
    return chain


def test_kgx_nodes_use_biolink_categories(pg: PropertyGraph, built_exports: Path) -> None:
    rows = read_kgx(export(built_exports, "kgx") / "nodes.tsv")
    assert list(rows[0])[:7] == ["id", "category", "name", "description", "synonym", "xref", "provided_by"]
    classes = biolink_model()["classes"]
    by_id = {row["id"]: row for row in rows}
    assert sorted(by_id) == [n for n, _ in pg.nodes]
    for row in rows:
        assert row["category"], row["id"]
        for category in row["category"].split("|"):
            assert biolink_class(category) in classes, category
    assert by_id["mk:baclofen"]["category"] == "biolink:Drug"
    assert by_id["mk:spasticity"]["category"] == "biolink:DiseaseOrPhenotypicFeature"
    assert by_id["mk:rhizotomy"]["category"] == "biolink:Treatment|biolink:Procedure"
    assert by_id["mk:baclofen_pump"]["category"] == "biolink:Treatment|biolink:Device"
    tizanidine = by_id["mk:tizanidine"]
    assert tizanidine["name"] == "tizanidine" and tizanidine["synonym"] == "Zanaflex"
    assert tizanidine["medkg_brand_names"] == "Zanaflex" and tizanidine["medkg_ladder_step_spasticity"] == "2"
    assert tizanidine["provided_by"] == "mksrc:controlling-ms-spasticity"
    assert by_id["mk:tendon_release"]["medkg_may_need_repeating"] == "true"


def test_kgx_edges_use_biolink_predicates_and_keep_provenance(pg: PropertyGraph, built_exports: Path) -> None:
    rows = read_kgx(export(built_exports, "kgx") / "edges.tsv")
    model = biolink_model()
    for column in rows[0]:
        if not column.startswith("medkg_"):
            assert biolink_slot(column) in model["slots"], column
    enums = model["enums"]
    node_ids = {n for n, _ in pg.nodes}
    for row in rows:
        assert row["subject"] in node_ids and row["object"] in node_ids
        assert "related to" in slot_ancestors(biolink_slot(row["predicate"])), row["predicate"]
        assert row["knowledge_level"] in enums["KnowledgeLevelEnum"]["permissible_values"]
        assert row["agent_type"] in enums["AgentTypeEnum"]["permissible_values"]
    assert len({row["id"] for row in rows}) == len(rows) == sum(len(a["sources"]) for *_, a in pg.edges)
    mapping = {(r["original_predicate"], r["predicate"]) for r in rows}
    assert mapping == {
        ("medkg:treats", "biolink:treats"),
        ("medkg:escalatesTo", "biolink:precedes"),
        ("medkg:riskOf", "biolink:associated_with_increased_likelihood_of"),
        ("medkg:manifestationOf", "biolink:manifestation_of"),
        ("medkg:delivers", "biolink:related_to"),
        ("medkg:componentOf", "biolink:related_to"),
    }
    by_fact = {(r["subject"], r["original_predicate"], r["object"]): r for r in rows}
    for subject, target, _, attrs in pg.edges:
        row = by_fact[(subject, attrs["predicate"], target)]
        assert row["primary_knowledge_source"] == attrs["sources"][0]
        assert row["supporting_text"] == attrs["anchors"][0]
        assert row["medkg_section"] == attrs["sections"][0]
        assert row["medkg_evidence"] == attrs["evidence"][0]
        assert row["medkg_applies_when"] == attrs.get("applies_when", [""])[0]


def test_kgx_node_columns_are_biolink_slots(built_exports: Path) -> None:
    slots = biolink_model()["slots"]
    header = list(read_kgx(export(built_exports, "kgx") / "nodes.tsv")[0])
    assert [c for c in header if not c.startswith("medkg_") and biolink_slot(c) not in slots] == []


def test_kgx_writes_an_edge_per_source(tmp_path: Path) -> None:
    write_kgx(merged_graph(), tmp_path)
    rows = [
        r for r in read_kgx(tmp_path / "edges.tsv") if (r["subject"], r["object"]) == ("mk:baclofen", "mk:spasticity")
    ]
    assert sorted(r["primary_knowledge_source"] for r in rows) == [
        "mksrc:controlling-ms-spasticity",
        "mksrc:medkg-test-note",
    ]
    assert len({r["id"] for r in rows}) == 2


# ---------------------------------------------------------------- neo4j-admin CSV

NEO4J_TYPES = {
    "int",
    "long",
    "float",
    "double",
    "boolean",
    "byte",
    "short",
    "char",
    "string",
    "point",
    "date",
    "localtime",
    "time",
    "localdatetime",
    "datetime",
    "duration",
}
HEADER_FIELD = re.compile(r"^(?P<name>[^:]*)(:(?P<kind>ID|LABEL|START_ID|END_ID|TYPE|IGNORE|[a-z]+(\[\])?))?$")


def parse_header(header: list[str]) -> list[tuple[str, str]]:
    """(name, field type) per column, by the neo4j-admin import header rules; fails on anything else."""
    fields = []
    for column in header:
        match = HEADER_FIELD.match(column)
        assert match, f"not a neo4j-admin header field: {column!r}"
        kind = match["kind"] or "string"
        if kind not in ("ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"):
            assert kind.removesuffix("[]") in NEO4J_TYPES, column
        fields.append((match["name"], kind))
    names = [n for n, k in fields if n and k not in ("LABEL", "TYPE", "START_ID", "END_ID")]
    assert len(names) == len(set(names)), "property names must be unique"
    return fields


def read_neo4j(path: Path) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """Rows typed as neo4j-admin would (``--array-delimiter='|'``): arrays split, booleans, ints."""
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    fields = parse_header(table[0])
    rows = []
    for raw in table[1:]:
        assert len(raw) == len(fields)
        row: dict[str, Any] = {}
        for (name, kind), cell in zip(fields, raw, strict=True):
            assert "\n" not in cell
            key = name or f":{kind}"
            if cell == "":
                continue
            if kind.endswith("[]") or kind == "LABEL":
                row[key] = cell.split("|")
            elif kind == "boolean":
                assert cell in ("true", "false")
                row[key] = cell == "true"
            elif kind in ("int", "long"):
                row[key] = int(cell)
            else:
                row[key] = cell
        rows.append(row)
    return fields, rows


def test_neo4j_nodes_follow_the_import_header_rules(pg: PropertyGraph, built_exports: Path) -> None:
    fields, rows = read_neo4j(export(built_exports, "neo4j") / "nodes.csv")
    assert [k for _, k in fields].count("ID") == 1 and [k for _, k in fields].count("LABEL") == 1
    assert len({r["id"] for r in rows}) == len(rows) == len(pg.nodes)
    for row, (node, attrs) in zip(rows, pg.nodes, strict=True):
        assert row["id"] == node and row[":LABEL"] == attrs["types"]
        assert {k: v for k, v in row.items() if k not in ("id", ":LABEL")} == {
            k: ([v] if isinstance(v, str) and dict(fields).get(k, "").endswith("[]") else v) for k, v in attrs.items()
        }


def test_neo4j_relationships_follow_the_import_header_rules(pg: PropertyGraph, built_exports: Path) -> None:
    _, nodes = read_neo4j(export(built_exports, "neo4j") / "nodes.csv")
    fields, rows = read_neo4j(export(built_exports, "neo4j") / "relationships.csv")
    kinds = [k for _, k in fields]
    assert kinds[:3] == ["START_ID", "END_ID", "TYPE"] and kinds.count("TYPE") == 1
    ids = {n["id"] for n in nodes}
    assert len(rows) == len(pg.edges)
    for row, (subject, target, _, attrs) in zip(rows, pg.edges, strict=True):
        assert (row[":START_ID"], row[":END_ID"]) == (subject, target)
        assert row[":START_ID"] in ids and row[":END_ID"] in ids
        assert re.fullmatch(r"[A-Z]+(_[A-Z]+)*", row[":TYPE"])
        assert {k: v for k, v in row.items() if not k.startswith(":")} == attrs
    assert {r[":TYPE"] for r in rows} == {
        "TREATS",
        "ESCALATES_TO",
        "RISK_OF",
        "MANIFESTATION_OF",
        "DELIVERS",
        "COMPONENT_OF",
    }


# ---------------------------------------------------------------- STATS.md and determinism


def test_stats_report(graph: Graph, built_exports: Path) -> None:
    text = export(built_exports, "stats").read_text(encoding="utf-8")
    assert text == stats_markdown(graph)
    assert "| facts lacking provenance | 0 |" in text
    assert "| oral medication | `medkg:OralMedication` | 3 |" in text
    assert "| `medkg:escalatesTo` | relation | 16 | 16 |" in text
    assert "| spasticity | 10 | 4 | 3, 3, 2, 2 |" in text
    assert "| pain | 1 | 0 | - |" in text


def test_stats_counts_a_fact_without_provenance(graph: Graph) -> None:
    broken = Graph()
    broken += graph
    broken.add((BACLOFEN, TREATS, PAIN))
    assert len(unsourced(broken)) == 1 and unsourced(graph) == []
    assert "| facts lacking provenance | 1 |" in stats_markdown(broken)
    assert "- `mk:baclofen medkg:treats mk:pain`" in stats_markdown(broken)


@pytest.mark.parametrize("name", ["graphml", "cytoscape", "kgx", "neo4j", "stats"])
def test_exchange_exports_are_deterministic(graph: Graph, tmp_path: Path, name: str) -> None:
    """Written twice from the same graph (and once by the session build): the same bytes."""
    outs = []
    for run in ("a", "b"):
        target = tmp_path / run / EXPORTS[name].path
        target.parent.mkdir(parents=True)
        EXPORTS[name].write(graph, target)
        outs.append(
            {
                str(p.relative_to(tmp_path / run)): p.read_bytes()
                for p in sorted((tmp_path / run).rglob("*"))
                if p.is_file()
            }
        )
    assert outs[0] == outs[1]
