"""medkg: trusted medical reference text as a standards-aligned knowledge graph."""

__version__ = "0.1.0"
