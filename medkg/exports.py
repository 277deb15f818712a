"""Writers that turn the built graph into files, and the registry the build and CLI use.

Every writer has the shape ``write(graph, path)`` and derives its output from the graph alone.
``EXPORTS`` maps a format name to the file it writes and its writer; ``medkg build`` writes them
all. Writers that need heavy libraries import them inside the writer.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from .exchange import write_cytoscape, write_graphml, write_kgx, write_neo4j
from .owl import write_owl
from .reason import write_inferred_owl
from .sssom import write_sssom
from .stats import write_stats
from .viz import write_focus_pages, write_graph_page, write_ladder_page
from .vocab import PREFIXES

Writer = Callable[[Graph, Path], None]


@dataclass(frozen=True)
class Export:
    """One output: its path relative to the export folder, its writer, and what it is."""

    path: str
    write: Writer
    description: str


#: Up to this many triples rdflib writes the Turtle: sorted, nested blank nodes and lists, easy to
#: read. Above, pyoxigraph writes it from its store, 30 to 90 times faster: each subject's triples
#: grouped, in the store's order (by its internal term encoding: the same from build to build for a
#: given pyoxigraph version, but not alphabetical), blank nodes by their labels.
PRETTY_TURTLE_LIMIT = 50_000


def write_turtle(graph: Graph, path: Path) -> None:
    """Turtle with the medkg prefixes, each subject's triples together."""
    if len(graph) <= PRETTY_TURTLE_LIMIT:
        path.write_bytes(graph.serialize(format="turtle", encoding="utf-8"))
        return
    import pyoxigraph

    from .fastgraph import as_store

    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    as_store(graph).dump(str(path), format=pyoxigraph.RdfFormat.TURTLE, from_graph=pyoxigraph.DefaultGraph(),
                         prefixes=prefixes)


def write_ntriples(graph: Graph, path: Path) -> None:
    """N-Triples, one triple a line, lines sorted."""
    from .fastgraph import sorted_ntriples

    path.write_bytes(sorted_ntriples(graph))


def jsonld_context() -> dict[str, Any]:
    """The ``@context`` of the JSON-LD export: our prefixes, so keys read as CURIEs."""
    return {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def write_jsonld(graph: Graph, path: Path) -> None:
    """JSON-LD compacted with the medkg prefixes, nodes and values sorted."""
    data = json.loads(graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True))
    nodes = data.get("@graph", [])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    data["@graph"] = sorted(nodes, key=lambda n: json.dumps(n, sort_keys=True))
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def dumps(graph: Graph, name: str) -> str:
    """A single-file export as text, through the same writer that writes the file."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / Path(EXPORTS[name].path).name
        EXPORTS[name].write(graph, target)
        if target.is_dir():
            raise ValueError(f"export {name!r} writes a folder ({EXPORTS[name].path}/), not one text")
        return target.read_text(encoding="utf-8")


EXPORTS: dict[str, Export] = {
    "turtle": Export("medkg.ttl", write_turtle, "the whole graph as Turtle"),
    "ntriples": Export("medkg.nt", write_ntriples, "the whole graph as sorted N-Triples"),
    "jsonld": Export("medkg.jsonld", write_jsonld, "the whole graph as JSON-LD with a readable @context"),
    "sssom": Export("medkg.sssom.tsv", write_sssom, "entity mappings to standard vocabularies as SSSOM TSV"),
    "owl": Export("medkg.owl", write_owl, "OWL 2 DL in RDF/XML, for Protégé (README: Open in Protégé)"),
    "owl-inferred": Export("medkg-inferred.owl", write_inferred_owl, "medkg.owl plus what HermiT concludes"),
    "graphml": Export("medkg.graphml", write_graphml, "entities and relations as typed GraphML (networkx, Gephi)"),
    "cytoscape": Export("medkg.cyjs", write_cytoscape, "entities and relations as Cytoscape.js elements JSON"),
    "kgx": Export("kgx", write_kgx, "KGX TSV nodes.tsv and edges.tsv with Biolink categories and predicates"),
    "neo4j": Export("neo4j", write_neo4j, "nodes.csv and relationships.csv for neo4j-admin database import"),
    "stats": Export("STATS.md", write_stats, "counts: entities, facts per predicate and source, ladder depths"),
    "html": Export("graph.html", write_graph_page, "the whole graph as an interactive page (offline, self-contained)"),
    "ladder": Export("ladder.html", write_ladder_page, "the treatment ladder, step by step, as an interactive page"),
    "focus": Export("focus", write_focus_pages, "one interactive page per condition, and index.html"),
}


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A scratch folder beside ``out_dir``; removed whatever happens."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".medkg-staging-", dir=out_dir))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(staged: Path, out_dir: Path, relpath: str) -> Path:
    """Move one staged file or folder into ``out_dir``, replacing what was there."""
    source = staged / relpath
    target = out_dir / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(source, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(source, target)
    return target


def write_exports(
    graph: Graph, out_dir: Path, names: list[str], *, progress: Callable[[str], None] = lambda _: None
) -> list[Path]:
    """Write the named exports: all into a staging folder first, then each moved into place."""
    with staging(out_dir) as tmp:
        for name in names:
            export = EXPORTS[name]
            target = tmp / export.path
            target.parent.mkdir(parents=True, exist_ok=True)
            progress(f"writing {export.path} ({export.description})")
            export.write(graph, target)
        return [publish(tmp, out_dir, EXPORTS[name].path) for name in names]
