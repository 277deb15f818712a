"""``medkg ladder``: a condition's treatment ladder, computed from escalatesTo."""

from __future__ import annotations

import argparse

from . import add_source_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "ladder",
        help="print a condition's treatment ladder: each step's options and when to move on",
        description="Print the treatment ladder of CONDITION (a label, synonym or id, in any case): "
        "the steps computed from escalatesTo, each with its options, and the condition the sources "
        "give for moving on to the next step. Without CONDITION, list the conditions that have a ladder. "
        "An unknown name exits with status 1 and the closest names.",
    )
    p.add_argument("condition", nargs="?", metavar="CONDITION", help="e.g. spasticity")
    add_source_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..build import make_graph
    from ..ladder import ladder_report

    # The sources are still validated; the SHACL pass (seconds) is for `medkg validate` and `build`.
    _, graph = make_graph(args.sources, args.ontology, shacl=False)
    print(ladder_report(graph, args.condition), end="")
    return 0
