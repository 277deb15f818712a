"""Read curated source files (YAML) and check each on its own.

A source file has three top-level keys: ``source`` (the document, or the id of a document another
file defines), ``entities`` and ``relations``. See README.md, "Curated sources". Problems are
collected with their file and line; nothing stops at the first one.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from . import identifiers, yamlfast
from .errors import Problem
from .model import EntityEntry, Fact, Provenance, SourceDoc, SourceFile, Xref
from .vocab import Schema

try:  # libyaml's parser is several times faster; fall back to the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SOURCE_ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAPPINGS = ("exact", "close", "broad", "narrow")

SOURCE_KEYS = {"id", "title", "publisher", "reviewer", "review_date", "text", "sections"}
ENTITY_KEYS = {"id", "label", "type", "definition", "synonyms", "brand_names", "xrefs"}
RELATION_KEYS = {"subject", "predicate", "object", "value", "section", "anchor", "evidence", "applies_when"}
PROVENANCE_KEYS = ("section", "anchor", "evidence")
XREF_KEYS = {"curie", "mapping", "verified_in", "label"}


class Node(NamedTuple):
    """A YAML value with the line (1-based) it starts on (a tuple: a million of them are made quickly)."""

    value: Any
    line: int


def read_dir(directory: Path, schema: Schema, problems: list[Problem]) -> list[SourceFile]:
    """Read every ``*.yaml`` file in ``directory`` (sorted by name)."""
    paths = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not paths:
        problems.append(
            Problem(str(directory), 0, "", "no *.yaml source files here", "pass the folder of curated sources")
        )
    return [read_file(path, schema, problems) for path in paths]


def read_file(path: Path, schema: Schema, problems: list[Problem]) -> SourceFile:
    """Parse one file and check its structure and values; append problems found."""
    name = str(path)
    result = SourceFile(name, None, "")
    try:
        root = _compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problems.append(
            Problem(
                name,
                line,
                "",
                f"YAML syntax error at column {col}: {exc.problem or exc}",
                "fix the indentation or quoting there",
            )
        )
        return result
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(name, 0, "", f"cannot read file: {exc}", "save it as UTF-8 YAML"))
        return result
    if root is None or not isinstance(root.value, dict):
        problems.append(
            Problem(
                name,
                root.line if root else 0,
                "",
                "a source file must be a mapping with `source`, `entities` and `relations`",
                "see README.md, Curated sources",
            )
        )
        return result
    checker = _FileChecker(name, schema, problems)
    top = root.value
    checker.unknown_keys(top, {"source", "entities", "relations"}, "", root.line)
    result.source, result.source_ref = checker.source(top.get("source"), root.line)
    sections = result.source.sections if result.source else None
    result.entities = checker.entities(top.get("entities"), result.source_ref)
    result.facts = checker.relations(top.get("relations"), result.source_ref, sections)
    return result


_STR = "tag:yaml.org,2002:str"


def _compose(text: str) -> Node | None:
    fast = yamlfast.parse(text, Node)  # the usual plain block YAML, several times faster
    if fast is not None:
        return fast
    node = yaml.compose(text, Loader=_Loader)
    if node is None:
        return None
    constructor = yaml.constructor.SafeConstructor()
    return _to_node(node, constructor)


def _to_node(node: yaml.Node, constructor: yaml.constructor.SafeConstructor) -> Node:
    """Turn a composed YAML node into plain values, keeping each value's line."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return Node({str(k.value): _to_node(v, constructor) for k, v in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_to_node(v, constructor) for v in node.value], line)
    if node.tag == _STR:
        return Node(node.value, line)
    return Node(constructor.construct_object(node), line)


class _FileChecker:
    """Checks the parts of one file, recording problems against it."""

    def __init__(self, file: str, schema: Schema, problems: list[Problem]) -> None:
        self.file = file
        self.schema = schema
        self.problems = problems

    def problem(self, line: int, entry: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, line, entry, what, fix))

    def unknown_keys(self, mapping: dict[str, Node], allowed: set[str], entry: str, line: int) -> None:
        for key in sorted(set(mapping) - allowed):
            self.problem(mapping[key].line, entry, f"unknown key '{key}'", f"allowed: {', '.join(sorted(allowed))}")

    def text(self, mapping: dict[str, Node], key: str, entry: str, line: int, *, required: bool = True) -> str:
        node = mapping.get(key)
        if node is None or node.value is None or (isinstance(node.value, str) and not node.value.strip()):
            if required:
                self.problem(node.line if node else line, entry, f"missing or empty '{key}'", f"add `{key}:`")
            return ""
        if isinstance(node.value, datetime.date):  # an unquoted YYYY-MM-DD
            return node.value.isoformat()
        if not isinstance(node.value, str | int | float) or isinstance(node.value, bool):
            self.problem(node.line, entry, f"'{key}' must be text")
            return ""
        return " ".join(str(node.value).split())

    def text_list(self, mapping: dict[str, Node], key: str, entry: str) -> tuple[str, ...]:
        node = mapping.get(key)
        if node is None or node.value is None:
            return ()
        items = node.value if isinstance(node.value, list) else [node]
        out = []
        for item in items:
            if not isinstance(item.value, str) or not item.value.strip():
                self.problem(item.line, entry, f"'{key}' must be a list of non-empty text")
                continue
            out.append(" ".join(item.value.split()))
        return tuple(out)

    def source(self, node: Node | None, line: int) -> tuple[SourceDoc | None, str]:
        if node is None:
            self.problem(
                line,
                "source",
                "missing 'source'",
                "describe the document, or give the id of one defined in another file",
            )
            return None, ""
        if isinstance(node.value, str):
            return None, node.value
        if not isinstance(node.value, dict):
            self.problem(node.line, "source", "'source' must be a mapping or a source id")
            return None, ""
        m = node.value
        self.unknown_keys(m, SOURCE_KEYS, "source", node.line)
        sid = self.text(m, "id", "source", node.line)
        entry = f"source {sid}" if sid else "source"
        if sid and not SOURCE_ID_PATTERN.match(sid):
            self.problem(
                m["id"].line,
                entry,
                f"source id '{sid}' is not usable in an IRI",
                "use lower-case letters, digits and hyphens, starting with a letter",
            )
        values = {k: self.text(m, k, entry, node.line) for k in ("title", "publisher", "reviewer", "review_date")}
        if values["review_date"] and not DATE_PATTERN.match(values["review_date"]):
            self.problem(
                m["review_date"].line,
                entry,
                f"review_date '{values['review_date']}' is not a date",
                "write it as YYYY-MM-DD, in quotes",
            )
        sections: dict[str, str] = {}
        snode = m.get("sections")
        if snode is None or not isinstance(snode.value, dict) or not snode.value:
            self.problem(
                snode.line if snode else node.line,
                entry,
                "missing 'sections'",
                "map a short key to each section heading the facts cite",
            )
        else:
            for key, heading in snode.value.items():
                if not isinstance(heading.value, str) or not heading.value.strip():
                    self.problem(heading.line, entry, f"section '{key}' needs its heading as text")
                else:
                    sections[key] = heading.value.strip()
        doc = SourceDoc(
            sid,
            values["title"],
            values["publisher"],
            values["reviewer"],
            values["review_date"],
            self.text(m, "text", entry, node.line, required=False),
            sections,
            self.file,
        )
        return doc, sid

    def items(self, node: Node | None, key: str) -> list[Node]:
        if node is None or node.value is None:
            return []
        if not isinstance(node.value, list):
            self.problem(node.line, key, f"'{key}' must be a list")
            return []
        good = []
        for item in node.value:
            if isinstance(item.value, dict):
                good.append(item)
            else:
                self.problem(item.line, key, f"each item of '{key}' must be a mapping of fields")
        return good

    def entities(self, node: Node | None, source: str) -> list[EntityEntry]:
        out: list[EntityEntry] = []
        seen: dict[str, int] = {}
        for item in self.items(node, "entities"):
            m = item.value
            eid = self.text(m, "id", "entity", item.line)
            entry = f"entity {eid}" if eid else f"entity at line {item.line}"
            self.unknown_keys(m, ENTITY_KEYS, entry, item.line)
            ok = bool(eid)
            if eid and not ID_PATTERN.match(eid):
                ok = False
                suggestion = re.sub(r"[^a-z0-9]+", "_", eid.lower()).strip("_")
                if not suggestion[:1].isalpha():
                    suggestion = "x_" + suggestion
                self.problem(
                    m["id"].line,
                    entry,
                    f"id '{eid}' would make an invalid IRI",
                    f"use lower-case letters, digits and underscores, starting with a letter, e.g. '{suggestion}'",
                )
            if eid in seen:
                ok = False
                self.problem(
                    item.line, entry, f"duplicate id, first defined at line {seen[eid]}", "merge the two entries"
                )
            elif eid:
                seen[eid] = item.line
            label = self.text(m, "label", entry, item.line)
            etype = self.text(m, "type", entry, item.line)
            if etype and etype not in self.schema.entity_types:
                ok = False
                self.problem(
                    m["type"].line,
                    entry,
                    f"unknown type '{etype}'",
                    f"use one of: {', '.join(self.schema.entity_types)}",
                )
            definition = self.text(m, "definition", entry, item.line, required=False)
            xrefs = self.xrefs(m.get("xrefs"), entry)
            if ok and label and etype:
                out.append(
                    EntityEntry(
                        eid,
                        label,
                        etype,
                        definition,
                        self.text_list(m, "synonyms", entry),
                        self.text_list(m, "brand_names", entry),
                        xrefs,
                        source,
                        self.file,
                        item.line,
                    )
                )
        return out

    def xrefs(self, node: Node | None, entry: str) -> tuple[Xref, ...]:
        out = []
        seen: dict[str, int] = {}
        for item in self.items(node, "xrefs"):
            m = item.value
            self.unknown_keys(m, XREF_KEYS, entry, item.line)
            curie = self.text(m, "curie", entry, item.line)
            mapping = self.text(m, "mapping", entry, item.line)
            verified = self.text(m, "verified_in", entry, item.line)
            if mapping and mapping not in MAPPINGS:
                self.problem(
                    m["mapping"].line, entry, f"unknown mapping type '{mapping}'", f"use one of: {', '.join(MAPPINGS)}"
                )
                continue
            issue = identifiers.check(curie) if curie else None
            if issue is not None:
                self.problem(m["curie"].line, entry, f"xref {issue.what}", issue.fix)
                continue
            if curie in seen:
                self.problem(
                    m["curie"].line, entry, f"xref {curie} is listed twice", f"keep the one at line {seen[curie]}"
                )
                continue
            if curie:
                seen[curie] = m["curie"].line
            if curie and mapping and verified:
                out.append(Xref(curie, mapping, verified, self.text(m, "label", entry, item.line, required=False)))
        return tuple(out)

    def relations(self, node: Node | None, source: str, sections: dict[str, str] | None) -> list[Fact]:
        out: list[Fact] = []
        for item in self.items(node, "relations"):
            m = item.value
            entry = f"relation at line {item.line}"
            self.unknown_keys(m, RELATION_KEYS, entry, item.line)
            predicate = self.text(m, "predicate", entry, item.line)
            prop = self.schema.properties.get(predicate)
            if predicate and prop is None:
                self.problem(
                    m["predicate"].line,
                    entry,
                    f"unknown relation '{predicate}'",
                    f"use one of: {', '.join(self.schema.properties)}",
                )
            subjects = self.ids(m, "subject", entry, item.line)
            objects: list[str | None] = [None]
            value: bool | str | None = None
            if prop is not None and prop.is_object:
                objects = list(self.ids(m, "object", entry, item.line))
                if "value" in m:
                    self.problem(m["value"].line, entry, f"{predicate} links two entities: use `object`, not `value`")
            elif prop is not None:
                value = self.value(m, prop.range, predicate, entry, item.line)
                if "object" in m:
                    self.problem(m["object"].line, entry, f"{predicate} takes a literal: use `value`, not `object`")
            missing = [k for k in PROVENANCE_KEYS if k not in m or m[k].value in (None, "")]
            if missing:
                self.problem(
                    item.line,
                    entry,
                    f"missing provenance: {', '.join(missing)}",
                    "every fact needs the section it comes from, a short anchor quote and an evidence note",
                )
            section = self.text(m, "section", entry, item.line, required=False)
            heading = section
            if section and sections is not None:
                if section not in sections:
                    self.problem(
                        m["section"].line,
                        entry,
                        f"unknown section '{section}'",
                        f"use one of: {', '.join(sorted(sections))}",
                    )
                heading = sections.get(section, section)
            if missing or prop is None or not subjects or not all(objects) and prop.is_object:
                continue
            prov = Provenance(
                source,
                heading,
                self.text(m, "evidence", entry, item.line),
                self.text(m, "anchor", entry, item.line),
                self.text(m, "applies_when", entry, item.line, required=False),
                self.file,
                item.line,
            )
            out.extend(Fact(s, predicate, o, value, prov) for s in subjects for o in objects)
        return out

    def ids(self, m: dict[str, Node], key: str, entry: str, line: int) -> tuple[str, ...]:
        node = m.get(key)
        if node is None or node.value in (None, "", []):
            self.problem(node.line if node else line, entry, f"missing '{key}'", f"name the {key} entity by its id")
            return ()
        return self.text_list(m, key, entry)

    def value(self, m: dict[str, Node], datatype: str, predicate: str, entry: str, line: int) -> bool | str | None:
        node = m.get("value")
        if node is None or node.value is None:
            self.problem(node.line if node else line, entry, "missing 'value'", f"{predicate} needs a {datatype} value")
            return None
        if datatype == "boolean" and not isinstance(node.value, bool):
            self.problem(node.line, entry, f"{predicate} needs true or false, not '{node.value}'")
            return None
        if datatype == "string" and not isinstance(node.value, str):
            self.problem(node.line, entry, f"{predicate} needs text, not '{node.value}'")
            return None
        return node.value if isinstance(node.value, bool) else " ".join(node.value.split())
