"""``medkg serve``: a read-only SPARQL 1.1 Protocol endpoint over the graph."""

from __future__ import annotations

import argparse

from . import progress
from .query import add_data_option


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve", help="serve the graph as a read-only SPARQL endpoint",
        description="Serve the graph of the curated sources (or --data FILE) at http://HOST:PORT/sparql "
                    "(SPARQL 1.1 Protocol: GET, POST form, POST application/sparql-query; JSON, XML, CSV, TSV, "
                    "Turtle, N-Triples, JSON-LD). http://HOST:PORT/ is a page to type and run queries. Each query "
                    "runs in a worker process and is stopped after --timeout seconds.")
    add_data_option(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: %(default)s; 0.0.0.0 opens it to the network)")
    p.add_argument("--port", type=int, default=7070, help="port (default: %(default)s; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="stop a query after this long (default: %(default)s)")
    p.add_argument("--max-rows", type=int, default=10_000, metavar="N",
                   help="answer at most N rows or triples per query (default: %(default)s)")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="queries that can run at the same time, one process each (default: %(default)s)")
    p.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES",
                   help="largest POST body accepted (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..server import Endpoint, serve
    from ..sparql import default_graph_file

    for name in ("timeout", "max_rows", "workers", "max_body"):
        if getattr(args, name) <= 0:
            raise SystemExit(f"medkg serve: error: --{name.replace('_', '-')} must be positive")
    data = args.data or default_graph_file(args.sources, args.ontology)

    def ready(server: Endpoint) -> None:
        progress(f"SPARQL endpoint at {server.endpoint} (query page: {server.base}/), "
                 f"{server.triples} triples; Ctrl+C stops it")

    serve(data, host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
          workers=args.workers, max_body=args.max_body, log=not args.quiet, ready=ready)
    return 0
