"""Bad curated sources: every problem is reported, with file, line, entry and a fix; nothing is written."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from medkg.build import load_knowledge
from medkg.errors import ValidationError
from medkg.vocab import load_schema

from . import ONTOLOGY

HEADER = """\
source:
  id: mini
  title: Mini source
  publisher: Test
  reviewer: Dr Test
  review_date: "2020-01-01"
  sections:
    s1: Section one
"""

ENTITIES = """\
entities:
  - id: spasm
    label: spasm
    type: Condition
    definition: A test condition.
  - id: pill
    label: pill
    type: OralMedication
    definition: A test drug.
  - id: sore
    label: sore
    type: Complication
    definition: A test complication.
"""

GOOD_RELATION = """\
  - subject: pill
    predicate: treats
    object: spasm
    section: s1
    anchor: a few words
    evidence: The test source says the pill helps.
"""


def relations(*items: str) -> str:
    return "relations:\n" + "".join(items)


def rel(**fields: str) -> str:
    base = {
        "subject": "pill",
        "predicate": "treats",
        "object": "spasm",
        "section": "s1",
        "anchor": "a few words",
        "evidence": "The test source says so.",
    }
    base.update(fields)
    lines = [f"{k}: {v}" for k, v in base.items() if v != "DROP"]
    return "  - " + "\n    ".join(lines) + "\n"


# name, file text, expected message fragments (each must appear in the error output)
CASES = [
    ("valid", HEADER + ENTITIES + relations(GOOD_RELATION), []),
    ("yaml syntax", HEADER + "entities:\n  - id: [unclosed\n", ["bad.yaml:11:", "YAML syntax error at column"]),
    ("not a mapping", "- just\n- a list\n", ["bad.yaml:1:", "must be a mapping"]),
    (
        "unknown top-level key",
        HEADER + ENTITIES + "facts: []\n",
        ["bad.yaml:22:", "unknown key 'facts' (allowed: entities, relations, source)"],
    ),
    (
        "unknown entity",
        HEADER + ENTITIES + relations(rel(object="spams")),
        ["bad.yaml:23: relation pill treats spams: unknown entity 'spams' as object (did you mean spasm?)"],
    ),
    (
        "unknown relation",
        HEADER + ENTITIES + relations(rel(predicate="cures")),
        ["bad.yaml:24: relation at line 23: unknown relation 'cures' (use one of:", "treats"],
    ),
    (
        "condition that treats",
        HEADER + ENTITIES + relations(rel(subject="spasm", object="pill")),
        [
            "subject 'spasm' is a Condition, but treats needs a Treatment as subject",
            "object 'pill' is a OralMedication, but treats needs a Condition as object",
        ],
    ),
    (
        "risk of a non-complication",
        HEADER + ENTITIES + relations(rel(subject="spasm", predicate="riskOf", object="spasm")),
        ["object 'spasm' is a Condition, but riskOf needs a Complication as object"],
    ),
    (
        "missing provenance",
        HEADER + ENTITIES + relations(rel(evidence="DROP", anchor="DROP")),
        ["bad.yaml:23: relation at line 23: missing provenance: anchor, evidence"],
    ),
    ("missing section", HEADER + ENTITIES + relations(rel(section="DROP")), ["missing provenance: section"]),
    (
        "unknown section",
        HEADER + ENTITIES + relations(rel(section="s9")),
        ["bad.yaml:26: relation at line 23: unknown section 's9' (use one of: s1)"],
    ),
    (
        "duplicate id",
        HEADER + ENTITIES + "  - id: pill\n    label: pill\n    type: OralMedication\n",
        ["bad.yaml:22: entity pill: duplicate id, first defined at line 14"],
    ),
    (
        "invalid IRI id",
        HEADER + "entities:\n  - id: 2 Tendon release\n    label: x\n    type: Condition\n    definition: d\n",
        [
            "bad.yaml:10: entity 2 Tendon release: id '2 Tendon release' would make an invalid IRI",
            "'x_2_tendon_release'",
        ],
    ),
    (
        "empty label",
        HEADER + "entities:\n  - id: thing\n    label: ''\n    type: Condition\n    definition: d\n",
        ["bad.yaml:11: entity thing: missing or empty 'label'"],
    ),
    (
        "unknown type",
        HEADER + "entities:\n  - id: thing\n    label: thing\n    type: Drug\n    definition: d\n",
        ["bad.yaml:12: entity thing: unknown type 'Drug' (use one of:", "OralMedication"],
    ),
    (
        "no definition",
        HEADER + "entities:\n  - id: thing\n    label: thing\n    type: Condition\n",
        ["bad.yaml:10: entity thing: no source gives a definition"],
    ),
    (
        "escalation cycle",
        HEADER
        + ENTITIES
        + "  - id: pump\n    label: pump\n    type: Device\n    definition: d\n"
        + relations(
            rel(predicate="escalatesTo", object="pump"), rel(subject="pump", predicate="escalatesTo", object="pill")
        ),
        ["escalatesTo forms a cycle: pill -> pump -> pill"],
    ),
    (
        "unknown source",
        "source: some-other-doc\n" + ENTITIES + relations(GOOD_RELATION),
        ["bad.yaml:1: source: unknown source 'some-other-doc'"],
    ),
    (
        "bad review date",
        HEADER.replace('"2020-01-01"', "last spring") + ENTITIES,
        ["bad.yaml:6: source mini: review_date 'last spring' is not a date (write it as YYYY-MM-DD"],
    ),
    (
        "literal given as object",
        HEADER + ENTITIES + relations(rel(predicate="mayNeedRepeating", object="spasm")),
        ["mayNeedRepeating takes a literal: use `value`, not `object`"],
    ),
    (
        "boolean that is not",
        HEADER + ENTITIES + relations(rel(predicate="mayNeedRepeating", object="DROP", value="sometimes")),
        ["mayNeedRepeating needs true or false, not 'sometimes'"],
    ),
    (
        "duplicate fact",
        HEADER + ENTITIES + relations(GOOD_RELATION, GOOD_RELATION),
        ["bad.yaml:29: relation pill treats spasm: duplicate fact, already stated at"],
    ),
    (
        "unknown entity key",
        HEADER + "entities:\n  - id: thing\n    label: thing\n    type: Condition\n    definition: d\n    brand: X\n",
        ["bad.yaml:14: entity thing: unknown key 'brand'"],
    ),
]


def check_text(tmp_path: Path, text: str) -> str:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "bad.yaml").write_text(text, encoding="utf-8")
    try:
        load_knowledge(folder, load_schema(ONTOLOGY / "medkg.ttl"))
    except ValidationError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_source_message(tmp_path: Path, text: str, expected: list[str]) -> None:
    message = check_text(tmp_path, text)
    if not expected:
        assert message == ""
    for fragment in expected:
        assert fragment in message


def test_all_problems_reported_together(tmp_path: Path) -> None:
    text = HEADER + ENTITIES + relations(rel(object="spams"), rel(predicate="cures"), rel(section="s9"))
    message = check_text(tmp_path, text)
    assert message.startswith("3 problems found:")
    assert message.count("\nerror: ") == 3


def test_problems_in_several_files(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.yaml").write_text(HEADER + ENTITIES + relations(rel(object="nothing")))
    (folder / "b.yaml").write_text("source: mini\nentities:\n  - id: Bad Id\n    label: x\n    type: Condition\n")
    with pytest.raises(ValidationError) as info:
        load_knowledge(folder, load_schema(ONTOLOGY / "medkg.ttl"))
    files = {Path(p.file).name for p in info.value.problems}
    assert files == {"a.yaml", "b.yaml"}


def test_cli_reports_and_writes_nothing(tmp_path: Path) -> None:
    """Through the real entry point: exit 1, every problem on stderr, no traceback, earlier exports untouched."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad.yaml").write_text(HEADER + ENTITIES + relations(rel(object="spams"), rel(predicate="cures")))
    out = tmp_path / "out"
    out.mkdir()
    (out / "medkg.ttl").write_text("earlier export\n")
    result = subprocess.run(
        [sys.executable, "-m", "medkg", "build", "--sources", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: {src / 'bad.yaml'}:23: relation pill treats spams: unknown entity 'spams'" in result.stderr
    assert "unknown relation 'cures'" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["medkg.ttl"]
    assert (out / "medkg.ttl").read_text() == "earlier export\n"


def test_usage_error_exit_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "medkg", "build", "--no-such-option"], capture_output=True, text=True
    )
    assert result.returncode == 2


def test_case_count() -> None:
    assert len([c for c in CASES if c[2]]) >= 15
    assert textwrap.dedent(HEADER) == HEADER
