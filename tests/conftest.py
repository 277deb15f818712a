"""Fixtures shared by every test module: the default graph, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from medkg.build import make_graph
from medkg.model import KnowledgeBase

from . import ONTOLOGY, SOURCES


@pytest.fixture(scope="session")
def built() -> tuple[KnowledgeBase, Graph]:
    """The knowledge base and graph of the default sources (do not modify the graph)."""
    return make_graph(SOURCES, ONTOLOGY)


@pytest.fixture(scope="session")
def graph(built: tuple[KnowledgeBase, Graph]) -> Graph:
    return built[1]


@pytest.fixture(scope="session")
def kb(built: tuple[KnowledgeBase, Graph]) -> KnowledgeBase:
    return built[0]


@pytest.fixture(scope="session")
def built_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh ``medkg build`` of every export into a temporary folder."""
    from medkg.build import build

    out = tmp_path_factory.mktemp("exports")
    build(out_dir=out)
    return out
