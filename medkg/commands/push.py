"""``medkg push``: load the graph into a triple store with the SPARQL 1.1 Graph Store Protocol."""

from __future__ import annotations

import argparse

from . import progress
from .query import add_data_option


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "push", help="load the graph into a triple store (Graph Store Protocol)",
        description="Upload the graph of the curated sources (or --data FILE) to a SPARQL 1.1 Graph\n"
                    "Store Protocol endpoint: Oxigraph's /store, Fuseki's /<dataset>/data, Virtuoso's\n"
                    "/sparql-graph-crud, GraphDB's /repositories/<id>/rdf-graphs/service. The target\n"
                    "graph is replaced (HTTP PUT) unless --append (POST).",
        epilog="example:\n  oxigraph serve --location db --bind 127.0.0.1:7878 &\n"
               "  medkg push --endpoint http://127.0.0.1:7878/store\n"
               "  medkg query treatments --endpoint http://127.0.0.1:7878/query",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", required=True, metavar="URL", help="the Graph Store Protocol URL")
    p.add_argument("--graph", metavar="IRI", help="load into this named graph (default: the default graph)")
    p.add_argument("--append", action="store_true", help="add to the graph instead of replacing it")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                   help="give up after this long (default: %(default)s)")
    add_data_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..remote import push
    from ..sparql import default_graph_file

    data = args.data or default_graph_file(args.sources, args.ontology)
    target = f"graph <{args.graph}>" if args.graph else "the default graph"
    push(args.endpoint, data, graph=args.graph, append=args.append, timeout=args.timeout)
    progress(f"{'added' if args.append else 'loaded'} {data.name} into {target} at {args.endpoint}")
    return 0
