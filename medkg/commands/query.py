"""``medkg query``: run a named query, a query file or SPARQL text, locally or on an endpoint."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import add_source_options

FORMAT_NAMES = ["table", "json", "xml", "csv", "tsv", "turtle", "nt", "jsonld", "rdfxml"]


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """``--data FILE`` plus ``--sources``/``--ontology``: which graph to work on."""
    parser.add_argument("--data", type=Path, metavar="FILE",
                        help="an RDF file (.nt, .ttl, .jsonld, .rdf/.owl) to use instead of the graph of the sources")
    add_source_options(parser)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "query", help="run a named query, a .rq file or SPARQL text",
        description="Run QUERY on the graph of the curated sources (or --data FILE, or a remote\n"
                    "--endpoint) and print the answer. QUERY is the name of a query in queries/ (see\n"
                    "`medkg queries`), a .rq file, or SPARQL text. Parameters are bound as RDF terms,\n"
                    "never pasted into the text.",
        epilog="examples:\n  medkg query treatments -p condition=pain\n  medkg query next-step -p treatment=tizanidine "
               "--format csv\n  medkg query 'SELECT ?s WHERE { ?s a <https://w3id.org/medkg/vocab/Device> }'\n"
               "  medkg query treatments --endpoint http://127.0.0.1:7878/query",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", metavar="QUERY", help="a named query, a .rq file or SPARQL text")
    p.add_argument("-p", "--param", dest="params", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value (repeatable): an entity id, a CURIE, an IRI or text, as the query says")
    p.add_argument("-f", "--format", choices=FORMAT_NAMES, metavar="FORMAT",
                   help=f"{', '.join(FORMAT_NAMES)} (default: table for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE)")
    add_data_option(p)
    p.add_argument("--engine", choices=["oxigraph", "rdflib"], default="oxigraph",
                   help="the local SPARQL engine (default: %(default)s)")
    p.add_argument("--endpoint", metavar="URL",
                   help="run the query on this SPARQL endpoint instead, e.g. http://127.0.0.1:7878/query")
    p.add_argument("--graph", metavar="IRI", help="with --endpoint: query this named graph (default-graph-uri)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="with --endpoint: give up after this long (default: %(default)s)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..queries import parse_assignments, resolve
    from ..results import render
    from ..sparql import Engine, local_engine

    query = resolve(args.query)
    bindings = query.bindings(parse_assignments(args.params))
    engine: Engine
    if args.endpoint:
        from ..remote import RemoteEngine

        engine = RemoteEngine(args.endpoint, graph=args.graph, timeout=args.timeout)
    else:
        engine = local_engine(args.data, sources_dir=args.sources, ontology_dir=args.ontology, engine=args.engine)
    result = engine.query(query.text, bindings, where=query.where)
    sys.stdout.buffer.write(render(result, args.format, prefixes=query.prefixes))
    sys.stdout.flush()
    return 0
