"""The pipeline: curated sources, then a validated model, then one graph, then every export."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from . import sources as source_files
from .analysis import paused_gc
from .errors import Problem, ValidationError
from .exports import EXPORTS, write_exports
from .fastgraph import build_graph
from .ladder import add_ladder_steps
from .model import KnowledgeBase, assemble
from .paths import DEFAULT_ONTOLOGY, DEFAULT_OUT, DEFAULT_SOURCES
from .shapes import check
from .vocab import Schema, load_schema


@dataclass(frozen=True)
class Built:
    """What a build produced."""

    knowledge: KnowledgeBase
    graph: Graph
    written: list[Path]


def load_knowledge(sources_dir: Path, schema: Schema) -> KnowledgeBase:
    """Read and validate every source file in the folder; raise ``ValidationError`` listing all problems."""
    problems: list[Problem] = []
    files = source_files.read_dir(sources_dir, schema, problems)
    return assemble(files, schema, problems)


#: pyshacl needs seconds for a thousand triples and minutes for ten thousand (its SPARQL constraint
#: runs once per fact). Above this many triples the build skips the SHACL check and says so; the
#: shapes only re-check what the source validation already guarantees (types against domains and
#: ranges, provenance of every fact, one label and definition). ``MEDKG_SHACL_LIMIT`` overrides it
#: (0: always check). ``medkg validate FILE`` always checks.
SHACL_LIMIT = 5_000


def shacl_limit() -> int | None:
    """The SHACL size limit in force (None: no limit)."""
    value = int(os.environ.get("MEDKG_SHACL_LIMIT", SHACL_LIMIT))
    return value if value > 0 else None


def make_graph(
    sources_dir: Path = DEFAULT_SOURCES,
    ontology_dir: Path = DEFAULT_ONTOLOGY,
    *,
    shacl: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[KnowledgeBase, Graph]:
    """Validated knowledge base and its graph, checked against the SHACL shapes (up to ``shacl_limit()`` triples)."""
    with paused_gc():
        schema = load_schema(ontology_dir / "medkg.ttl")
        kb = load_knowledge(sources_dir, schema)
        graph = add_ladder_steps(build_graph(kb, schema))  # derived ladder steps, before any export
    if shacl:
        limit, size = shacl_limit(), len(graph)
        if limit is not None and size > limit:
            progress(f"SHACL check skipped: {size} triples, above the limit of {limit} (pyshacl would take "
                     f"minutes); the sources were fully validated. To check anyway: MEDKG_SHACL_LIMIT=0 medkg validate")
            return kb, graph
        problems = check(graph, ontology_dir / "shapes.ttl", label="built graph")
        if problems:
            raise ValidationError(problems)
    return kb, graph


def build(
    *,
    sources_dir: Path = DEFAULT_SOURCES,
    ontology_dir: Path = DEFAULT_ONTOLOGY,
    out_dir: Path = DEFAULT_OUT,
    formats: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Built:
    """Build the graph and write the chosen exports (all by default). Nothing is written on error."""
    progress(f"reading sources in {sources_dir}")
    kb, graph = make_graph(sources_dir, ontology_dir, progress=progress)
    progress(f"graph: {len(kb.entities)} entities, {len(kb.facts)} facts, {len(graph)} triples")
    names = list(formats) if formats else list(EXPORTS)
    written = write_exports(graph, out_dir, names, progress=progress)
    return Built(kb, graph, written)
