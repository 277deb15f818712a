"""``medkg build``: validate the sources, build the graph, write every export."""

from __future__ import annotations

import argparse

from . import add_out_option, add_source_options, progress


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "build",
        help="validate the sources and write every export",
        description="Read every curated source, check it (all problems are reported together), build "
        "the graph, check it against ontology/shapes.ttl and write the exports. On any "
        "problem nothing is written and earlier exports stay as they were.",
    )
    add_source_options(p)
    add_out_option(p)
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        metavar="NAME",
        help="write only this export (repeatable); see `medkg build --list-formats`",
    )
    p.add_argument("--list-formats", action="store_true", help="list the export formats and exit")
    p.set_defaults(handler=run, parser=p)


def run(args: argparse.Namespace) -> int:
    from ..build import build
    from ..exports import EXPORTS

    if args.list_formats:
        for name, export in EXPORTS.items():
            print(f"{name:12} {export.path:24} {export.description}")
        return 0
    unknown = sorted(set(args.formats or []) - set(EXPORTS))
    if unknown:  # checked here, not with argparse choices, so `medkg --help` needn't import the writers
        args.parser.error(f"unknown format {', '.join(unknown)} (choose from {', '.join(EXPORTS)})")
    built = build(
        sources_dir=args.sources, ontology_dir=args.ontology, out_dir=args.out, formats=args.formats, progress=progress
    )
    for path in built.written:
        progress(f"wrote {path}")
    return 0
