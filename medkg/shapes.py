"""Check a graph against ``ontology/shapes.ttl`` with pyshacl."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .errors import Problem


def check(graph: Graph, shapes_path: Path, *, label: str = "graph") -> list[Problem]:
    """Every SHACL violation as a ``Problem`` naming the focus node; empty when the graph conforms."""
    import pyshacl  # heavy; only needed here

    shapes = Graph().parse(shapes_path, format="turtle")
    conforms, report, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True, allow_warnings=True)
    if conforms:
        return []
    if not isinstance(report, Graph):  # the shapes themselves are broken
        return [Problem(str(shapes_path), 0, "", f"the SHACL shapes cannot be used: {text}")]
    if conforms:
        return []
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        shape = report.value(result, SH.sourceShape)
        name = graph.namespace_manager.normalizeUri(focus) if isinstance(focus, URIRef) else str(focus)
        shape_name = str(shape).rsplit("/", 1)[-1] if isinstance(shape, URIRef) else "shape"
        problems.append(Problem(label, 0, name, f"{message} [{shape_name}]", "fix the graph or its source"))
    return sorted(set(problems), key=lambda p: (p.entry, p.what))
