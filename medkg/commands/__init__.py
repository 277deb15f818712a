"""One module per ``medkg`` command; each defines ``register(subparsers)``.

Shared options are defined here once. Keep imports at the top of these modules to argparse and
this package: the library is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..paths import DEFAULT_ONTOLOGY, DEFAULT_OUT, DEFAULT_SOURCES


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """``--sources`` and ``--ontology``, for commands that build the graph from curated sources."""
    parser.add_argument(
        "--sources",
        type=Path,
        default=DEFAULT_SOURCES,
        metavar="DIR",
        help="folder of curated *.yaml source files (default: %(default)s)",
    )
    parser.add_argument(
        "--ontology",
        type=Path,
        default=DEFAULT_ONTOLOGY,
        metavar="DIR",
        help="folder with medkg.ttl (schema) and shapes.ttl (default: %(default)s)",
    )


def add_out_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help="folder the exports are written to (default: %(default)s)",
    )


def progress(message: str) -> None:
    """Progress for long work goes to stderr, so stdout stays clean for data."""
    print(f"medkg: {message}", file=sys.stderr, flush=True)
