"""Headless Chromium from Debian's ``chromium`` package, driven by Playwright, with the network off.

Used by the page tests (tests/test_viz.py), the scale benchmark (benchmarks/viz.py) and the
README screenshots (tools/screenshots.py). Never downloads a browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL = ("file://", "data:", "about:")


def missing() -> str:
    """Why the browser cannot run here, or "" when it can."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing: pip install -e '.[test]'"
    return ""


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright ``Browser`` on Debian's chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Opened:
    """A page opened offline, with what it tried to fetch, the errors it logged and any dialogs."""

    page: Any
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_offline(browser: Any, path: Path, *, width: int = 1400, height: int = 900, wait: bool = True,
                 timeout_ms: int = 120_000) -> Opened:
    """Open ``path`` from file:// in a fresh offline context. Any request that is not file:// (or
    data:) is recorded and aborted; console errors, page errors and dialogs are recorded."""
    context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
    page = context.new_page()
    opened = Opened(page)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            opened.outside.append(url)
            route.abort()

    def dialog(d: Any) -> None:
        opened.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    context.route("**/*", route)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("dialog", dialog)
    page.goto(path.resolve().as_uri())
    if wait:
        page.wait_for_function("window.medkg !== undefined && window.medkg.ready", timeout=timeout_ms)
    return opened
