"""A fast reader for the plain block YAML that curated sources are written in, with line numbers.

libyaml composes a 20 MB source folder (a million triples) in about 4 s, most of it spent making
a Python node and two position marks for every value. Curated files use a small part of YAML:
block mappings and sequences, one-line plain, quoted or ``[a, b]`` values, comments. ``parse``
reads exactly that part, line by line, and gives the same values with the same line numbers as
composing with libyaml (``tests/test_scale.py`` checks this on every source and bad source we
have). Anything else (anchors, tags, block or multi-line scalars, flow mappings, escapes, tabs,
odd indentation, syntax errors) makes it return ``None``, and the caller reads the file with
libyaml instead, so behaviour and error messages stay libyaml's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import yaml

N = TypeVar("N")
MakeNode = Callable[[Any, int], N]


class _Fallback(Exception):
    """The text uses YAML this reader does not handle."""


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*))?$")
_DOUBLE = re.compile(r'"([^"\\]*)"(?: +#.*)?$')
_SINGLE = re.compile(r"'((?:[^']|'')*)'(?: +#.*)?$")
_FLOW = re.compile(r"\[([^\[\]{}\"'#]*)\](?: +#.*)?$")
#: Characters that may not start a plain scalar here (YAML indicators), and anything unusual.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_UNUSUAL = re.compile("[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_STR = "tag:yaml.org,2002:str"
_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = yaml.resolver.Resolver.yaml_implicit_resolvers


def parse(text: str, make: MakeNode[N]) -> N | None:
    """The document's root mapping as nodes built by ``make(value, line)``, or None to use libyaml."""
    if _UNUSUAL.search(text):
        return None
    lines: list[tuple[int, int, str]] = []  # (line number, indentation, content), comments dropped
    for number, raw in enumerate(text.split("\n"), 1):
        content = raw.lstrip(" ")
        if not content or content[0] == "#":
            continue
        lines.append((number, len(raw) - len(content), content.rstrip(" ")))
    if not lines or lines[0][1] != 0:
        return None
    try:
        reader = _Reader(lines, make)
        root, end = reader.mapping(0, 0, lines[0][2])
    except _Fallback:
        return None
    return root if end == len(lines) else None


class _Reader:
    def __init__(self, lines: list[tuple[int, int, str]], make: MakeNode[Any]) -> None:
        self.lines = lines
        self.make = make
        self.constructor = yaml.constructor.SafeConstructor()

    def block(self, i: int) -> tuple[Any, int]:
        """The node whose first line is ``lines[i]``: a sequence or a mapping."""
        _, indent, content = self.lines[i]
        if content == "-" or content.startswith("- "):
            return self.sequence(i, indent)
        return self.mapping(i, indent, content)

    def mapping(self, i: int, indent: int, first: str) -> tuple[Any, int]:
        """A block mapping at ``indent`` whose first key line (maybe after ``- ``) is ``first``."""
        lines, make = self.lines, self.make
        line = lines[i][0]
        values: dict[str, Any] = {}
        content = first
        while True:
            number = lines[i][0]
            match = _KEY.match(content)
            if match is None:
                raise _Fallback
            key, rest = match.groups()
            i += 1
            if rest:
                values[key] = self.scalar(rest, number)
                if i < len(lines) and lines[i][1] > indent:
                    raise _Fallback  # a continued scalar, or an error for libyaml to report
            elif i < len(lines) and lines[i][1] > indent:
                values[key], i = self.block(i)
            elif i < len(lines) and lines[i][1] == indent and (lines[i][2] == "-" or lines[i][2].startswith("- ")):
                values[key], i = self.sequence(i, indent)
            else:
                raise _Fallback  # an empty value: rare, leave it to libyaml
            if i >= len(lines) or lines[i][1] != indent:
                break
            content = lines[i][2]
        if i < len(lines) and lines[i][1] > indent:
            raise _Fallback
        return make(values, line), i

    def sequence(self, i: int, indent: int) -> tuple[Any, int]:
        lines, make = self.lines, self.make
        line = lines[i][0]
        items: list[Any] = []
        while i < len(lines) and lines[i][1] == indent:
            number, _, content = lines[i]
            if not content.startswith("- "):
                break
            rest = content[2:].lstrip(" ")
            if not rest or rest[0] == "-":
                raise _Fallback
            if _KEY.match(rest):
                column = indent + len(content) - len(rest)
                node, i = self.mapping(i, column, rest)
                items.append(node)
                continue
            items.append(self.scalar(rest, number))
            i += 1
            if i < len(lines) and lines[i][1] > indent:
                raise _Fallback
        if i < len(lines) and lines[i][1] > indent:
            raise _Fallback
        return make(items, line), i

    def scalar(self, text: str, line: int) -> Any:
        """A one-line value: plain, quoted, or a flow sequence of plain values."""
        make = self.make
        first = text[0]
        if first == '"':
            match = _DOUBLE.match(text)
            if match is None:
                raise _Fallback
            return make(match.group(1), line)
        if first == "'":
            match = _SINGLE.match(text)
            if match is None:
                raise _Fallback
            return make(match.group(1).replace("''", "'"), line)
        if first == "[":
            match = _FLOW.match(text)
            if match is None:
                raise _Fallback
            inner = match.group(1).strip()
            if not inner:
                return make([], line)
            items = [make(_plain(item.strip(), self.constructor, flow=True), line) for item in inner.split(",")]
            return make(items, line)
        return make(_plain(text, self.constructor, flow=False), line)


def _plain(text: str, constructor: yaml.constructor.SafeConstructor, *, flow: bool) -> Any:
    """A plain scalar's value: text, or what libyaml's safe resolver makes of it (true, 12, ...)."""
    cut = text.find(" #")
    if cut >= 0:
        if flow:
            raise _Fallback
        text = text[:cut].rstrip(" ")
    if not text or text[0] in _INDICATORS or ": " in text or text[-1] == ":" or (flow and ":" in text):
        raise _Fallback
    for tag, pattern in _RESOLVERS.get(text[0], ()):
        if pattern.match(text):
            if tag == _STR:
                break
            return constructor.construct_object(yaml.ScalarNode(tag, text))
    return text
