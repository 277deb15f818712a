"""Real servers for the tests: ``oxigraph serve`` and ``medkg serve``, each on a free loopback port."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """``oxigraph serve`` (from the PyPI package ``oxigraph``) on a free port; yields its base URL."""
    program = shutil.which("oxigraph")
    if program is None:
        pytest.fail("the `oxigraph` command is missing: pip install -e '.[test]' installs it (PyPI package oxigraph)")
    port = free_port()
    process = subprocess.Popen([program, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"oxigraph serve did not start: {err}")
                time.sleep(0.1)
        yield base
    finally:
        _stop(process)


@contextmanager
def medkg_server(data: Path, *options: str) -> Iterator[str]:
    """``medkg serve --data FILE --port 0`` through its real entry point; yields the endpoint URL."""
    command = [sys.executable, "-m", "medkg", "serve", "--data", str(data), "--port", "0", "--quiet", *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        match = re.search(r"SPARQL endpoint at (\S+)", line)
        if not match:
            pytest.fail(f"medkg serve did not start: {line}{process.stderr.read().decode()}")
        yield match.group(1)
    finally:
        _stop(process)
