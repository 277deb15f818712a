"""The CLI through its real entry points: the `medkg` script, `python -m medkg` and build_graph.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from medkg import __version__
from medkg.exports import EXPORTS

from . import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "medkg", *args], capture_output=True, text=True, cwd=ROOT)


def test_console_script_installed() -> None:
    script = shutil.which("medkg")
    assert script is not None, "pip install -e . should install the `medkg` command"
    result = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert result.stdout == f"medkg {__version__}\n"


def test_help_lists_every_command() -> None:
    from medkg.cli import COMMANDS

    result = run("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert f"\n    {name} " in result.stdout


def test_list_formats_is_the_registry() -> None:
    result = run("build", "--list-formats")
    expected = "".join(f"{name:12} {e.path:24} {e.description}\n" for name, e in EXPORTS.items())
    assert result.stdout == expected


def test_build_into_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--out", str(out), "--format", "turtle", "--format", "ntriples")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["medkg.nt", "medkg.ttl"]
    assert f"medkg: wrote {out / 'medkg.ttl'}\n" in result.stderr


def test_unknown_format_is_a_usage_error() -> None:
    result = run("build", "--format", "docx")
    assert result.returncode == 2
    assert "unknown format docx" in result.stderr


def test_build_graph_script_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build_graph.py"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: medkg build")


def test_validate_default_sources() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 19 entities, 40 facts, ")
