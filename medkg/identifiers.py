"""Identifiers in standard vocabularies: CURIE checks, IRIs and SKOS mapping properties.

Prefixes follow the Bioregistry. Its prefix table (standard prefix, URI prefix, local-id pattern,
example, synonyms) is derived once from the ``bioregistry`` package into ``medkg/prefixes.json``
(``python -m medkg.identifiers --refresh``), so a build needs neither that 30 MB package nor the
network, and a newer Bioregistry release cannot silently change our IRIs. A CURIE is written with
the Bioregistry's preferred prefix where it has one (``HP``, ``MONDO``, ``CHEBI``), else its
canonical one (``mesh``, ``rxnorm``); IRIs use the Bioregistry's default URI prefix and are
expanded through a ``curies`` converter.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import SKOS

if TYPE_CHECKING:  # pragma: no cover
    import curies

PREFIX_FILE = Path(__file__).with_name("prefixes.json")

#: The SKOS property for each mapping type a curated source may give.
MAPPING_PREDICATES: dict[str, URIRef] = {
    "exact": SKOS.exactMatch,
    "close": SKOS.closeMatch,
    "broad": SKOS.broadMatch,
    "narrow": SKOS.narrowMatch,
}


@dataclass(frozen=True)
class Prefix:
    """One Bioregistry prefix: how to write it, what it expands to, and what its ids look like."""

    prefix: str  # the form we write: preferred prefix, else canonical
    uri_prefix: str
    pattern: str
    example: str
    synonyms: tuple[str, ...]  # canonical prefix and other spellings the Bioregistry knows


@dataclass(frozen=True)
class Issue:
    """What is wrong with a CURIE, and how to fix it."""

    what: str
    fix: str


@dataclass(frozen=True)
class Registry:
    """The prefix table, indexed for lookups."""

    version: str
    by_prefix: dict[str, Prefix]
    by_folded: dict[str, Prefix]  # every spelling, case-folded
    by_uri: tuple[Prefix, ...]  # longest URI prefix first


@functools.cache
def registry(path: Path = PREFIX_FILE) -> Registry:
    """The prefix table in ``path`` (read once)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = [Prefix(r["prefix"], r["uri_prefix"], r.get("pattern", ""), r.get("example", ""),
                      tuple(r.get("synonyms", ()))) for r in data["prefixes"]]
    by_prefix = {p.prefix: p for p in entries}
    by_folded: dict[str, Prefix] = {}
    for p in entries:  # a standard form wins over another prefix's synonym
        by_folded[p.prefix.casefold()] = p
    for p in entries:
        for name in p.synonyms:
            by_folded.setdefault(name.casefold(), p)
    by_uri = tuple(sorted(entries, key=lambda p: (-len(p.uri_prefix), p.prefix)))
    return Registry(data["bioregistry_version"], by_prefix, by_folded, by_uri)


def split(curie: str) -> tuple[str, str]:
    """``"HP:0001257"`` -> ``("HP", "0001257")``; the local id may itself contain colons."""
    prefix, _, local = curie.partition(":")
    return prefix, local


def check(curie: str) -> Issue | None:
    """Why ``curie`` is not a well-formed Bioregistry CURIE, or None when it is."""
    prefix, local = split(curie)
    if not prefix or not local or any(c.isspace() for c in curie):
        return Issue(f"'{curie}' is not a CURIE", "write PREFIX:ID without spaces, e.g. HP:0001257")
    table = registry()
    entry = table.by_prefix.get(prefix)
    if entry is None:
        known = table.by_folded.get(prefix.casefold())
        if known is not None:
            return Issue(f"prefix '{prefix}' is not the Bioregistry's spelling",
                         f"write '{known.prefix}:{local}'")
        close = difflib.get_close_matches(prefix.casefold(), table.by_folded, n=3, cutoff=0.75)
        hint = ", ".join(sorted({table.by_folded[c].prefix for c in close}))
        return Issue(f"unknown prefix '{prefix}': not in the Bioregistry",
                     f"use a Bioregistry prefix{' such as ' + hint if hint else ''}")
    if entry.pattern and not _matches(entry.pattern, local):
        example = f", e.g. {entry.prefix}:{entry.example}" if entry.example else ""
        return Issue(f"'{local}' is not a valid {entry.prefix} identifier",
                     f"{entry.prefix} ids match {entry.pattern}{example}")
    return None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a pattern in a dialect Python does not read: do not block on it
        return None


def _matches(pattern: str, local: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.fullmatch(local) is not None


def converter(prefixes: Iterable[str]) -> curies.Converter:
    """A ``curies`` converter for the given (standard) prefixes."""
    return _converter(frozenset(prefixes))


@functools.cache
def _converter(prefixes: frozenset[str]) -> curies.Converter:
    import curies

    table = registry()
    records = [curies.Record(prefix=p.prefix, uri_prefix=p.uri_prefix, pattern=p.pattern or None,
                             prefix_synonyms=sorted(set(p.synonyms) - {p.prefix}))
               for p in (table.by_prefix[name] for name in sorted(prefixes))]
    return curies.Converter(records)


def expand(curie: str) -> str:
    """The IRI of a (checked) CURIE, e.g. ``http://purl.obolibrary.org/obo/HP_0001257``."""
    prefix, _ = split(curie)
    iri = converter([prefix]).expand(curie)
    if iri is None:
        raise ValueError(f"cannot expand {curie!r}: unknown prefix")
    return iri


def compress(iri: str) -> str | None:
    """The CURIE of an IRI under a Bioregistry URI prefix, or None."""
    for entry in registry().by_uri:
        if iri.startswith(entry.uri_prefix) and len(iri) > len(entry.uri_prefix):
            return converter([entry.prefix]).compress(iri)
    return None


def uri_prefix(prefix: str) -> str:
    """The URI prefix of a standard prefix, for a ``curie_map``."""
    return registry().by_prefix[prefix].uri_prefix


def refresh(path: Path = PREFIX_FILE) -> int:
    """Derive the prefix table from the installed ``bioregistry`` package; return the prefix count."""
    import bioregistry
    from bioregistry.version import get_version

    rows = []
    for record in bioregistry.get_converter().records:
        resource = bioregistry.get_resource(record.prefix)
        if resource is None:  # pragma: no cover - the converter only lists known resources
            continue
        standard = resource.get_preferred_prefix() or record.prefix
        row = {"prefix": standard, "uri_prefix": record.uri_prefix,
               "synonyms": sorted(({record.prefix} | set(record.prefix_synonyms)) - {standard})}
        pattern = record.pattern or resource.get_pattern()
        if pattern:
            row["pattern"] = pattern
        example = resource.get_example()
        if example:
            row["example"] = example
        rows.append(row)
    rows.sort(key=lambda r: (str(r["prefix"]).casefold(), str(r["prefix"])))
    lines = ",\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
    version = get_version()
    path.write_text(f'{{"bioregistry_version": "{version}",\n"prefixes": [\n{lines}\n]}}\n', encoding="utf-8")
    registry.cache_clear()
    return len(rows)


if __name__ == "__main__":  # pragma: no cover
    import argparse

    cli = argparse.ArgumentParser(prog="python -m medkg.identifiers",
                                  description="Check CURIEs, or refresh medkg/prefixes.json from bioregistry.")
    cli.add_argument("--refresh", action="store_true", help="rewrite medkg/prefixes.json from the bioregistry package")
    cli.add_argument("curies", nargs="*", metavar="CURIE")
    args = cli.parse_args()
    if args.refresh:
        print(f"{refresh()} prefixes written to {PREFIX_FILE}")
    for item in args.curies:
        issue = check(item)
        print(f"{item}: {expand(item)}" if issue is None else f"{item}: {issue.what} ({issue.fix})")
