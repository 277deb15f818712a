"""Where the default inputs and outputs live: beside the package, in the repository checkout."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = ROOT / "sources"
DEFAULT_ONTOLOGY = ROOT / "ontology"
DEFAULT_OUT = ROOT / "exports"
