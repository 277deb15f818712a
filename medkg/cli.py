"""The ``medkg`` command line. Thin: each command parses its arguments and calls the library.

Every command lives in ``medkg/commands/<name>.py`` with ``register(subparsers)``; those modules
import only argparse at the top, so ``medkg --help`` starts fast. Exit codes: 0 success, 1 invalid
input (the message names the file, the entry and the problem), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__

#: Command modules under ``medkg.commands``, in the order ``--help`` lists them.
COMMANDS = ["build", "validate", "queries", "query", "serve", "push", "reason", "ladder", "next", "viz"]

DESCRIPTION = """\
medkg turns curated medical reference sources into one RDF knowledge graph and exports it
(Turtle, N-Triples, JSON-LD, OWL, HTML, ...). Every fact carries its source, section and evidence.
"""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="medkg", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    top.add_argument("--version", action="version", version=f"medkg {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"medkg.commands.{name}").register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .errors import MedkgError

    try:
        return int(args.handler(args) or 0)
    except MedkgError as exc:
        text = str(exc)
        print(text if text.startswith("error:") or "\nerror:" in text else f"error: {text}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
