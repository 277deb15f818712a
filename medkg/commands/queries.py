"""``medkg queries``: list the named queries with their descriptions and parameters."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "queries", help="list the named queries in queries/",
        description="List the named SPARQL queries `medkg query NAME` runs: name, title, description and the "
                    "parameters with their defaults.")
    p.add_argument("name", nargs="?", metavar="NAME", help="show only this query, with its SPARQL text")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import textwrap

    from ..queries import library, resolve

    if args.name:
        query = resolve(args.name)
        print(query.text, end="" if query.text.endswith("\n") else "\n")
        return 0
    queries = library()
    width = max(len(name) for name in queries) + 2
    for name, query in queries.items():
        print(f"{name.ljust(width)}{query.title}")
        for line in textwrap.wrap(query.description, 96 - width):
            print(" " * (width + 2) + line)
        for param in query.params:
            default = f"={param.default}" if param.default is not None else " (optional)"
            print(" " * (width + 2) + f"-p {param.name}{default}  [{param.kind}] {param.description}")
    return 0
