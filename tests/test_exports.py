"""Exports: every file parses back to the built graph, builds are byte-identical, exports/ is current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from medkg.exports import EXPORTS, dumps

from . import EXPORTS as COMMITTED
from . import ROOT

RDF_EXPORTS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("name", "fmt"), sorted(RDF_EXPORTS.items()))
def test_export_parses_back_isomorphic(graph: Graph, built_exports: Path, name: str, fmt: str) -> None:
    back = Graph().parse(built_exports / EXPORTS[name].path, format=fmt)
    assert len(back) == len(graph)
    assert isomorphic(back, graph)


def test_dumps_matches_file(graph: Graph, built_exports: Path) -> None:
    assert dumps(graph, "turtle") == (built_exports / "medkg.ttl").read_text(encoding="utf-8")


def test_jsonld_context_is_readable(built_exports: Path) -> None:
    import json

    data = json.loads((built_exports / "medkg.jsonld").read_text())
    assert data["@context"]["mk"] == "https://w3id.org/medkg/entity/"
    assert any(node.get("@id") == "mk:baclofen" for node in data["@graph"])


def test_every_export_written(built_exports: Path) -> None:
    for export in EXPORTS.values():
        assert (built_exports / export.path).exists(), export.path
    assert not list(built_exports.glob(".medkg-staging-*"))


def test_committed_exports_are_current(built_exports: Path) -> None:
    """exports/ in the repository is what the code builds now (rebuild with `python build_graph.py`)."""
    fresh = files_under(built_exports)
    committed = files_under(COMMITTED)
    assert sorted(committed) == sorted(fresh), "exports/ has missing or extra files: run python build_graph.py"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"exports/ is stale ({', '.join(stale)}): run python build_graph.py and commit"


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    """Different hash seeds, separate processes: the same bytes in every export."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build{seed}"
        subprocess.run(
            [sys.executable, str(ROOT / "build_graph.py"), "--out", str(out)],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outs.append(files_under(out))
    assert outs[0].keys() == outs[1].keys()
    assert [n for n in outs[0] if outs[0][n] != outs[1][n]] == []
