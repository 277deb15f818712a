"""``medkg validate``: check sources, or a graph file edited by hand, against the shapes."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import add_source_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate",
        help="check curated sources, or an RDF/OWL file, without writing anything",
        description="With no FILE: read and check the curated sources, build the graph and check it "
        "against the SHACL shapes. With FILE (Turtle, RDF/XML, N-Triples, JSON-LD): check "
        "that graph against the shapes, e.g. after editing it in Protégé.",
    )
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="an RDF or OWL file to check")
    add_source_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import Problem, ValidationError

    if args.file is None:
        from ..build import make_graph

        kb, graph = make_graph(args.sources, args.ontology)
        print(f"ok: {len(kb.entities)} entities, {len(kb.facts)} facts, {len(graph)} triples")
        return 0
    from rdflib import Graph
    from rdflib.util import guess_format

    from ..shapes import check

    graph = Graph()
    try:
        graph.parse(args.file, format=guess_format(str(args.file)) or "turtle")
    except Exception as exc:  # rdflib raises many parser-specific types
        raise ValidationError([Problem(str(args.file), 0, "", f"cannot parse: {exc}")]) from exc
    problems = check(graph, args.ontology / "shapes.ttl", label=str(args.file))
    if problems:
        raise ValidationError(problems)
    print(f"ok: {args.file} conforms to {args.ontology / 'shapes.ttl'} ({len(graph)} triples)")
    return 0
