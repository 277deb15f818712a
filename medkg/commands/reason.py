"""``medkg reason``: run HermiT on the OWL ontology and print, in words, what it added."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import add_source_options, progress


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "reason", help="run the HermiT reasoner and say what it concluded",
        description="Build the OWL ontology (as exports/medkg.owl holds it), or read --owl FILE, classify "
                    "it with HermiT (Java, through owlready2) and print each statement the reasoner adds "
                    "with its grounds: class memberships from the defined classes, the links inverse and "
                    "transitive properties add, and new subclass relations. Exit status 1 if the "
                    "ontology is inconsistent or has unsatisfiable classes.")
    p.add_argument("--owl", type=Path, metavar="FILE",
                   help="an OWL file to reason over (RDF/XML or Turtle), e.g. after editing it in Protégé")
    add_source_options(p)
    p.add_argument("--all", action="store_true",
                   help="also list the memberships that only follow from the class hierarchy "
                        "(every oral medication is a medication, ...)")
    p.add_argument("--force", action="store_true",
                   help="reason even over a graph larger than MEDKG_REASONER_LIMIT triples")
    p.add_argument("--write", type=Path, metavar="FILE",
                   help="also write the ontology with the inferred statements to FILE (RDF/XML)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..explain import describe
    from ..reason import LIMIT_VARIABLE, inferred_graph, load_owl, reason, reason_owl, reasoner_limit

    limit = reasoner_limit()
    if args.owl is not None:
        data, asserted = load_owl(args.owl)
        _check_size(len(asserted), limit, args.force, LIMIT_VARIABLE)
        progress(f"reasoning over {args.owl} ({len(asserted)} triples) with HermiT")
        reasoning = reason_owl(data, asserted)
    else:
        from ..build import make_graph

        _, graph = make_graph(args.sources, args.ontology)
        _check_size(len(graph), limit, args.force, LIMIT_VARIABLE)
        progress(f"reasoning over the graph ({len(graph)} triples) with HermiT")
        reasoning = reason(graph)
    print(describe(reasoning, hierarchy=args.all))
    if args.write is not None:
        from ..owl import write_rdfxml

        write_rdfxml(inferred_graph(reasoning, file_name=args.write.name), args.write)
        progress(f"wrote {args.write}")
    return 1 if reasoning.unsatisfiable else 0


def _check_size(size: int, limit: int, force: bool, variable: str) -> None:
    from ..errors import MedkgError

    if limit and size > limit and not force:
        raise MedkgError(f"the graph has {size} triples, more than {variable}={limit}; HermiT may take a long "
                         f"time (run again with --force, or set {variable}=0 for no limit)")
