"""Several sources merge: one entity, one triple, a provenance per source."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import OWL, Literal
from rdflib.namespace import DCTERMS, SKOS

from medkg.build import make_graph
from medkg.vocab import MEDKG

from . import ARTICLE, BACLOFEN, EXTRA_SOURCES, ONTOLOGY, SOURCES, SPASTICITY, TEST_SOURCE


def test_two_sources_merge(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    for path in [*SOURCES.glob("*.yaml"), *EXTRA_SOURCES.glob("*.yaml")]:
        shutil.copy(path, folder)
    kb, graph = make_graph(folder, ONTOLOGY)
    assert set(kb.sources) == {"controlling-ms-spasticity", "medkg-test-note"}
    # one entity with both provenances and the union of synonyms; label and definition kept once
    assert set(graph.objects(SPASTICITY, MEDKG.mentionedIn)) == {ARTICLE, TEST_SOURCE}
    assert Literal("test-only synonym", lang="en") in set(graph.objects(SPASTICITY, SKOS.altLabel))
    assert len(list(graph.objects(SPASTICITY, MEDKG.mentionedIn))) == 2
    assert len(list(graph.objects(BACLOFEN, OWL.annotatedSource))) == 0
    # one triple, two axioms
    assert (BACLOFEN, MEDKG.treats, SPASTICITY) in graph
    sources = {
        graph.value(ax, DCTERMS.source)
        for ax in graph.subjects(OWL.annotatedSource, BACLOFEN)
        if graph.value(ax, OWL.annotatedTarget) == SPASTICITY and graph.value(ax, OWL.annotatedProperty) == MEDKG.treats
    }
    assert sources == {ARTICLE, TEST_SOURCE}
    from rdflib.namespace import RDFS

    assert len(list(graph.objects(SPASTICITY, RDFS.label))) == 1
