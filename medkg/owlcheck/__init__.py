"""Check OWL files with the real OWL API (the library Protégé is built on).

Runs ``OwlCheck.java`` (next to this file) in Java 11+ source-launch mode
against the OWL API jars that Debian's ``libowlapi-java`` installs under
``/usr/share/java``; no build step. Needs the Debian packages
``libowlapi-java`` and a JDK/JRE >= 11 (``default-jdk-headless``).

Each call starts a JVM and compiles the checker (~2 s); use
:func:`check_owl_many` to check several files in one JVM.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "JAVA_SHARE",
    "OwlCheckUnavailable",
    "OwlLoadError",
    "OwlReport",
    "check_owl",
    "check_owl_many",
    "java_available",
    "owlapi_classpath",
    "owlcheck_available",
]

#: Where Debian installs Java libraries.
JAVA_SHARE = Path("/usr/share/java")

#: The single-file Java checker.
JAVA_SOURCE = Path(__file__).with_name("OwlCheck.java")

#: The OWL API itself: the shaded all-modules jar, or else the module jars.
_OWLAPI_DISTRIBUTION = "owlapi-distribution"
_OWLAPI_MODULES = (
    "owlapi-api",
    "owlapi-apibinding",
    "owlapi-impl",
    "owlapi-parsers",
    "owlapi-rio",
    "owlapi-oboformat",
    "owlapi-tools",
)

#: Runtime dependencies needed to load RDF/XML (found by trial with 5.1.20;
#: missing ones show up as NoClassDefFoundError or, worse, as a
#: NullPointerException "parser is null" when a parser factory fails to load).
_REQUIRED_DEPS = (
    "guava",
    "caffeine",
    "commons-rdf-api",
    "commons-io",
    "xz",
    "hppcrt",
    "atinject-jsr330-api",
    "slf4j-api",
    "rdf4j-model-api",
    "rdf4j-model",
    "rdf4j-rio-api",
    "rdf4j-util",
)

#: Further libowlapi-java dependencies, used when present (other syntaxes,
#: JSON-LD, HTTP imports). Only ONE SLF4J binding may be on the class path:
#: slf4j-simple, whose output OwlCheck captures to report parser warnings.
_OPTIONAL_DEPS = (
    "slf4j-simple",
    "failureaccess",
    "jsr305",
    "commons-codec",
    "commons-logging",
    "httpclient",
    "httpclient-cache",
    "httpcore",
    "jackson-annotations",
    "jackson-core",
    "jackson-databind",
    "jsonld-java",
    "commons-rdf-simple",
)

#: librdf4j-java's model and Rio parser jars (the OWL API registers Rio parsers).
_OPTIONAL_GLOBS = ("rdf4j-model*.jar", "rdf4j-rio-*.jar")

_VERSION_SUFFIX = re.compile(r"-\d[^/]*$")

_TIMEOUT_S = 600.0


class OwlCheckUnavailable(RuntimeError):
    """Java or the OWL API jars needed by the checker are missing."""


class OwlLoadError(Exception):
    """The OWL API could not load the file (what Protégé would refuse to open)."""


@dataclass(frozen=True)
class OwlReport:
    """What the OWL API reported for one file.

    ``unparsed_triples``: RDF triples mapped to no axiom (Protégé drops them).
    ``violations``: OWL 2 DL profile violations.
    ``undeclared``: "<EntityType> <IRI>" used without a Declaration axiom.
    ``counts``: axioms, logical_axioms, classes, object_properties,
    data_properties, annotation_properties, properties, individuals.
    ``warnings``: WARN/ERROR lines the OWL API logged while loading
    (e.g. illegal punning redeclarations).
    """

    unparsed_triples: list[str]
    violations: list[str]
    undeclared: list[str]
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    missing_imports: list[str] = field(default_factory=list)
    guessed_declarations: list[str] = field(default_factory=list)
    format: str = ""
    path: str = ""

    @property
    def clean(self) -> bool:
        """True when nothing at all was reported."""
        return not (
            self.unparsed_triples
            or self.violations
            or self.undeclared
            or self.warnings
            or self.missing_imports
            or self.guessed_declarations
        )

    def problems(self) -> list[str]:
        """All findings as one flat list of readable lines (for assertion messages)."""
        out: list[str] = []
        for name in (
            "unparsed_triples",
            "violations",
            "undeclared",
            "warnings",
            "missing_imports",
            "guessed_declarations",
        ):
            out.extend(f"{name}: {item}" for item in getattr(self, name))
        return out


def _java_binary() -> Path | None:
    """The java launcher: $JAVA_HOME/bin/java if set and present, else PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("java")
    return Path(found) if found else None


@cache
def _java_major(java: Path) -> int | None:
    """Major version of ``java`` (17 for "17.0.15"), or None if it won't run."""
    try:
        proc = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8" -> 8


def java_available() -> bool:
    """True if a runnable Java >= 11 (needed for source-launch mode) is found."""
    java = _java_binary()
    if java is None:
        return False
    major = _java_major(java)
    return major is not None and major >= 11


def owlcheck_available() -> bool:
    """True if :func:`check_owl` can run here (Java >= 11 and the OWL API jars)."""
    if not java_available():
        return False
    try:
        owlapi_classpath()
    except OwlCheckUnavailable:
        return False
    return True


def _version_key(path: Path) -> list[object]:
    """Natural sort key, so guava-31.10 sorts after guava-31.9."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def _find_jar(java_dir: Path, artifact: str) -> Path | None:
    """``artifact.jar`` (Debian's unversioned name) or the newest ``artifact-<ver>.jar``."""
    plain = java_dir / f"{artifact}.jar"
    if plain.is_file():
        return plain
    versioned = [
        p
        for p in java_dir.glob(f"{artifact}-[0-9]*.jar")
        if p.is_file() and _VERSION_SUFFIX.sub("", p.stem) == artifact
    ]
    return max(versioned, key=_version_key) if versioned else None


def _glob_artifacts(java_dir: Path, pattern: str) -> list[Path]:
    """One jar per artifact matching ``pattern``, versions collapsed."""
    artifacts = sorted({_VERSION_SUFFIX.sub("", p.stem) for p in java_dir.glob(pattern)})
    jars = [_find_jar(java_dir, a) for a in artifacts]
    return [j for j in jars if j is not None]


def _dedupe(jars: Iterable[Path]) -> list[str]:
    """Existing jars, first occurrence kept, symlink aliases removed."""
    seen: set[str] = set()
    out: list[str] = []
    for jar in jars:
        if not jar.is_file():
            continue
        real = os.path.realpath(jar)
        if real in seen:
            continue
        seen.add(real)
        out.append(str(jar))
    return out


def owlapi_classpath(java_dir: Path = JAVA_SHARE) -> str:
    """Class path for OwlCheck, built from the jars found in ``java_dir``.

    Raises :class:`OwlCheckUnavailable` naming the first missing jar.
    """
    if not java_dir.is_dir():
        raise OwlCheckUnavailable(f"{java_dir} does not exist: install the Debian package libowlapi-java")
    jars: list[Path] = []
    dist = _find_jar(java_dir, _OWLAPI_DISTRIBUTION)
    if dist is not None:
        jars.append(dist)
    else:
        for module in _OWLAPI_MODULES:
            jar = _find_jar(java_dir, module)
            if jar is None:
                raise OwlCheckUnavailable(
                    f"OWL API jar {module}.jar (or {_OWLAPI_DISTRIBUTION}.jar) not found "
                    f"in {java_dir}: install the Debian package libowlapi-java"
                )
            jars.append(jar)
    for dep in _REQUIRED_DEPS:
        jar = _find_jar(java_dir, dep)
        if jar is None:
            raise OwlCheckUnavailable(
                f"OWL API dependency {dep}.jar not found in {java_dir}: "
                "install the Debian package libowlapi-java (it pulls in its dependencies)"
            )
        jars.append(jar)
    for dep in _OPTIONAL_DEPS:
        jar = _find_jar(java_dir, dep)
        if jar is not None:
            jars.append(jar)
    for pattern in _OPTIONAL_GLOBS:
        jars.extend(_glob_artifacts(java_dir, pattern))
    return os.pathsep.join(_dedupe(jars))


def _require_java() -> Path:
    """The java binary, or :class:`OwlCheckUnavailable` saying what is wrong."""
    java = _java_binary()
    if java is None:
        raise OwlCheckUnavailable(
            "java binary not found (JAVA_HOME unset and no java on PATH): "
            "install the Debian package default-jdk-headless"
        )
    major = _java_major(java)
    if major is None:
        raise OwlCheckUnavailable(f"{java} -version failed")
    if major < 11:
        raise OwlCheckUnavailable(f"{java} is Java {major}; OwlCheck needs Java >= 11 (source-launch mode)")
    return java


def _report(obj: dict[str, object]) -> OwlReport:
    """Build an :class:`OwlReport` from one JSON line of OwlCheck."""

    def strings(key: str) -> list[str]:
        value = obj.get(key) or []
        assert isinstance(value, list)
        return [str(v) for v in value]

    counts = obj.get("counts") or {}
    assert isinstance(counts, dict)
    return OwlReport(
        unparsed_triples=strings("unparsed_triples"),
        violations=strings("violations"),
        undeclared=strings("undeclared"),
        counts={str(k): int(v) for k, v in counts.items()},
        warnings=strings("warnings"),
        missing_imports=strings("missing_imports"),
        guessed_declarations=strings("guessed_declarations"),
        format=str(obj.get("format", "")),
        path=str(obj.get("file", "")),
    )


def check_owl_many(paths: Sequence[Path], *, timeout: float = _TIMEOUT_S) -> list[OwlReport]:
    """Check several files in one JVM; reports come back in ``paths`` order.

    Raises :class:`OwlCheckUnavailable` if Java or the OWL API jars are
    missing, :class:`OwlLoadError` if any file cannot be loaded.
    """
    if not paths:
        return []
    if not JAVA_SOURCE.is_file():
        raise OwlCheckUnavailable(f"checker source {JAVA_SOURCE} is missing")
    java = _require_java()
    classpath = owlapi_classpath()
    cmd = [
        str(java),
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",  # JIT tier 1 only: faster start for a short run
        "-cp",
        classpath,
        str(JAVA_SOURCE),
        *(str(Path(p)) for p in paths),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"OwlCheck timed out after {timeout} s") from exc

    reports: list[OwlReport] = []
    errors: list[str] = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        obj = json.loads(line)
        if "error" in obj:
            errors.append(f"{obj.get('file')}: {obj['error']}")
        else:
            reports.append(_report(obj))
    if errors:
        raise OwlLoadError("OWL API could not load " + "; ".join(errors))
    if proc.returncode != 0 or len(reports) != len(paths):
        detail = (proc.stderr or proc.stdout).strip()
        raise RuntimeError(
            f"OwlCheck failed (exit {proc.returncode}, {len(reports)} of {len(paths)} reports): {detail[-4000:]}"
        )
    return reports


def check_owl(path: Path, *, timeout: float = _TIMEOUT_S) -> OwlReport:
    """Load ``path`` with the OWL API and report what Protégé would complain about.

    Raises :class:`OwlCheckUnavailable` (a RuntimeError) if Java or the OWL
    API jars are missing, :class:`OwlLoadError` if the file cannot be loaded.
    """
    return check_owl_many([path], timeout=timeout)[0]
