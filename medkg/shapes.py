"""Check a graph against ``ontology/shapes.ttl`` with pyshacl."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .errors import Problem

_IRI = re.compile(r'https?://[^\s<>"{}]+')


def _short(graph: Graph, iri: str) -> str:
    try:
        return graph.namespace_manager.normalizeUri(URIRef(iri))
    except Exception:  # rdflib cannot shorten every IRI
        return iri


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
        text = _IRI.sub(lambda m: _short(graph, m.group(0)), str(message))
        problems.append(Problem(label, 0, name, f"{text} [{shape_name}]", "fix the graph or its source"))
    return sorted(set(problems), key=lambda p: (p.entry, p.what))
