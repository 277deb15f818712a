"""``medkg next``: what the sources say to try after a treatment, and why."""

from __future__ import annotations

import argparse

from . import add_source_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "next",
        help="print what comes after a treatment, when, why and from which source",
        description="Print the treatments TREATMENT escalates to (by label, synonym, brand name or id, in "
        "any case: `medkg next Zanaflex`), each with the condition for moving on, the evidence and the "
        "source section, and where they sit on the treatment ladders. An unknown name exits with "
        "status 1 and the closest names.",
    )
    p.add_argument("treatment", metavar="TREATMENT", help="e.g. baclofen, Zanaflex, physical therapy")
    add_source_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..build import make_graph
    from ..ladder import next_report

    # The sources are still validated; the SHACL pass (seconds) is for `medkg validate` and `build`.
    _, graph = make_graph(args.sources, args.ontology, shacl=False)
    print(next_report(graph, args.treatment), end="")
    return 0
