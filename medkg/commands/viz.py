"""``medkg viz``: write the interactive HTML pages (whole graph, treatment ladder, focus pages)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import add_out_option, add_source_options, progress

if TYPE_CHECKING:
    from rdflib import Graph

#: The exports ``medkg viz`` writes, as named in ``medkg.exports.EXPORTS``.
PAGES = ["html", "ladder", "focus"]
DEFAULT_WARN_ABOVE = 2000  # medkg.viz.WARN_ABOVE; repeated so --help does not import the library


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "viz", help="write the interactive pages: graph.html, ladder.html, focus/<condition>.html",
        description="Build the graph from the curated sources (or read an RDF FILE) and write the "
                    "interactive pages, which open from file:// with no network: graph.html (every "
                    "entity and relation), ladder.html (the treatment ladder, step by step) and "
                    "focus/ (one page per condition, with focus/index.html). `medkg build` writes "
                    "them too.")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE",
                   help="draw this RDF file (Turtle, RDF/XML, N-Triples, JSON-LD) instead of the sources")
    add_source_options(p)
    add_out_option(p)
    p.add_argument("--page", dest="pages", action="append", choices=PAGES, metavar="NAME",
                   help=f"write only this page set (repeatable): {', '.join(PAGES)}")
    p.add_argument("--warn-above", type=int, default=DEFAULT_WARN_ABOVE, metavar="N",
                   help="warn when the whole-graph page would show more than N entities (default: %(default)s)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..exports import EXPORTS, write_exports
    from ..viz import entity_count

    graph = _read(args)
    count = entity_count(graph)
    pages = args.pages or PAGES
    if count > args.warn_above and "html" in pages:
        focus = args.out / EXPORTS["focus"].path / "index.html"
        print(f"warning: {count:,} entities: graph.html shows them all and gets slow to open and to use above "
              f"{args.warn_above:,}; open the focus pages instead, one per condition: {focus}", file=sys.stderr)
    progress(f"drawing {count:,} entities")
    for path in write_exports(graph, args.out, pages, progress=progress):
        progress(f"wrote {path}")
    return 0


def _read(args: argparse.Namespace) -> Graph:
    if args.file is None:
        from ..build import make_graph

        progress(f"reading sources in {args.sources}")
        return make_graph(args.sources, args.ontology)[1]
    from rdflib import Graph
    from rdflib.util import guess_format

    from ..errors import Problem, ValidationError

    graph = Graph()
    try:
        graph.parse(args.file, format=guess_format(str(args.file)) or "turtle")
    except Exception as exc:  # rdflib raises many parser-specific types
        raise ValidationError([Problem(str(args.file), 0, "", f"cannot parse: {exc}",
                                       "check it opens in Protégé or with `medkg validate FILE`")]) from exc
    return graph
