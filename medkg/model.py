"""The entities and facts of the curated sources, in plain Python, merged and checked.

``sources`` turns each file into a ``SourceFile``; ``assemble`` merges them into one
``KnowledgeBase`` and checks what only shows across files (unknown entities, types against the
schema's domains and ranges, cycles in the treatment ladder). Every problem is collected and
raised together as a ``ValidationError``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import Problem, ValidationError
from .vocab import Schema


@dataclass(frozen=True)
class SourceDoc:
    """A reviewed document facts are taken from."""

    id: str
    title: str
    publisher: str
    reviewer: str
    review_date: str
    text: str
    sections: dict[str, str]
    file: str


@dataclass(frozen=True)
class Xref:
    """An identifier in a standard vocabulary that denotes the entity."""

    curie: str
    mapping: str  # exact | close | broad | narrow
    verified_in: str
    label: str = ""


@dataclass(frozen=True)
class EntityEntry:
    """An entity as one source file names it."""

    id: str
    label: str
    type: str
    definition: str
    synonyms: tuple[str, ...]
    brand_names: tuple[str, ...]
    xrefs: tuple[Xref, ...]
    source: str
    file: str
    line: int


@dataclass(frozen=True)
class Entity:
    """An entity merged over every source that names it."""

    id: str
    label: str
    type: str
    definition: str
    synonyms: tuple[str, ...]
    brand_names: tuple[str, ...]
    xrefs: tuple[Xref, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Provenance:
    """Where a fact comes from: the source, its section, and the curator's evidence note."""

    source: str
    section: str
    evidence: str
    anchor: str
    applies_when: str
    file: str
    line: int


@dataclass(frozen=True)
class Fact:
    """One statement: an entity-to-entity relation (``object``) or a literal value (``value``)."""

    subject: str
    predicate: str
    object: str | None
    value: bool | str | None
    provenance: Provenance

    @property
    def key(self) -> tuple[str, str, str]:
        target = self.object if self.object is not None else repr(self.value)
        return (self.subject, self.predicate, target)


@dataclass
class SourceFile:
    """What one curated file holds after its own checks."""

    path: str
    source: SourceDoc | None
    source_ref: str  # the source id facts in this file cite
    entities: list[EntityEntry] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class KnowledgeBase:
    """Every source, entity and fact, merged and validated."""

    sources: dict[str, SourceDoc]
    entities: dict[str, Entity]
    facts: tuple[Fact, ...]


def assemble(files: Iterable[SourceFile], schema: Schema, problems: list[Problem]) -> KnowledgeBase:
    """Merge source files into one knowledge base; raise ``ValidationError`` with all problems."""
    files = sorted(files, key=lambda f: f.path)
    sources = _merge_sources(files, problems)
    entities = _merge_entities(files, problems)
    facts: list[Fact] = []
    seen: dict[tuple[str, tuple[str, str, str]], Fact] = {}
    for file in files:
        if file.source_ref and file.source_ref not in sources:
            problems.append(
                Problem(
                    file.path,
                    1,
                    "source",
                    f"unknown source '{file.source_ref}'",
                    f"define it in a source block; known: {_known(sources)}",
                )
            )
        for fact in file.facts:
            _check_fact(fact, entities, schema, problems)
            key = (fact.provenance.source, fact.key)
            if key in seen:
                first = seen[key].provenance
                problems.append(
                    Problem(
                        file.path,
                        fact.provenance.line,
                        _describe(fact),
                        f"duplicate fact, already stated at {first.file}:{first.line}",
                        "state each fact once per source",
                    )
                )
                continue
            seen[key] = fact
            facts.append(fact)
    _check_cycles(facts, problems)
    if problems:
        raise ValidationError(problems)
    facts.sort(key=lambda f: (f.key, f.provenance.source))
    return KnowledgeBase(dict(sorted(sources.items())), dict(sorted(entities.items())), tuple(facts))


def _known(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def _describe(fact: Fact) -> str:
    return "relation " + " ".join(fact.key)


def _merge_sources(files: list[SourceFile], problems: list[Problem]) -> dict[str, SourceDoc]:
    sources: dict[str, SourceDoc] = {}
    for file in files:
        doc = file.source
        if doc is None:
            continue
        if doc.id in sources:
            problems.append(
                Problem(
                    file.path,
                    1,
                    f"source {doc.id}",
                    f"duplicate source id, also defined in {sources[doc.id].file}",
                    "give each source document its own id, or refer to it with `source: <id>`",
                )
            )
            continue
        sources[doc.id] = doc
    return sources


def _merge_entities(files: list[SourceFile], problems: list[Problem]) -> dict[str, Entity]:
    entries: dict[str, list[EntityEntry]] = {}
    for file in files:
        for entry in file.entities:
            entries.setdefault(entry.id, []).append(entry)
    entities: dict[str, Entity] = {}
    for eid, group in entries.items():
        first = group[0]
        broken = False
        for other in group[1:]:
            for attr in ("type", "label"):
                if getattr(other, attr) != getattr(first, attr):
                    broken = True
                    problems.append(
                        Problem(
                            other.file,
                            other.line,
                            f"entity {eid}",
                            f"{attr} '{getattr(other, attr)}' differs from '{getattr(first, attr)}'"
                            f" in {first.file}:{first.line}",
                            f"an entity named by several sources needs one {attr}",
                        )
                    )
        definitions = {e.definition for e in group if e.definition}
        if len(definitions) > 1:
            broken = True
            later = next(e for e in group[1:] if e.definition and e.definition != first.definition)
            problems.append(
                Problem(
                    later.file,
                    later.line,
                    f"entity {eid}",
                    f"definition differs from the one in {first.file}:{first.line}",
                    "keep one definition and leave `definition` out of the other sources",
                )
            )
        elif not definitions:
            broken = True
            problems.append(
                Problem(
                    first.file,
                    first.line,
                    f"entity {eid}",
                    "no source gives a definition",
                    "add `definition:` in your own words",
                )
            )
        if broken:
            continue
        entities[eid] = Entity(
            id=eid,
            label=first.label,
            type=first.type,
            definition=definitions.pop(),
            synonyms=_union(e.synonyms for e in group),
            brand_names=_union(e.brand_names for e in group),
            xrefs=tuple(sorted({x for e in group for x in e.xrefs}, key=lambda x: (x.curie, x.mapping))),
            sources=tuple(sorted({e.source for e in group})),
        )
    return entities


def _union(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(sorted({item for group in groups for item in group}, key=str.casefold))


def _check_fact(fact: Fact, entities: dict[str, Entity], schema: Schema, problems: list[Problem]) -> None:
    prop = schema.properties[fact.predicate]  # the file check already rejected unknown predicates
    where = (fact.provenance.file, fact.provenance.line, _describe(fact))
    ends = [("subject", fact.subject, prop.domain)]
    if fact.object is not None:
        ends.append(("object", fact.object, prop.range))
    for role, eid, expected in ends:
        entity = entities.get(eid)
        if entity is None:
            close = difflib.get_close_matches(eid, entities, n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "add it under `entities:`"
            problems.append(Problem(*where, f"unknown entity '{eid}' as {role}", hint))
        elif not schema.is_a(entity.type, expected):
            problems.append(
                Problem(
                    *where,
                    f"{role} '{eid}' is a {entity.type}, but {fact.predicate} needs a {expected} as {role}",
                    "check the direction of the relation or the entity's type",
                )
            )


def _check_cycles(facts: list[Fact], problems: list[Problem]) -> None:
    edges: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.predicate == "escalatesTo" and fact.object is not None:
            edges.setdefault(fact.subject, []).append(fact)
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[Fact] = []

    def visit(node: str) -> None:
        state[node] = 1
        for fact in sorted(edges.get(node, []), key=lambda f: f.key):
            target = fact.object or ""
            if state.get(target) == 1:
                start = next(i for i, f in enumerate(path + [fact]) if f.subject == target)
                cycle = (path + [fact])[start:]
                names = " -> ".join([f.subject for f in cycle] + [target])
                problems.append(
                    Problem(
                        fact.provenance.file,
                        fact.provenance.line,
                        _describe(fact),
                        f"escalatesTo forms a cycle: {names}",
                        "a treatment ladder only goes up; remove one of these steps",
                    )
                )
            elif target not in state:
                path.append(fact)
                visit(target)
                path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
