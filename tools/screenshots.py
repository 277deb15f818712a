"""The README's screenshots of the HTML pages, taken in Debian's chromium with the network off.

Builds the pages from the curated sources into a temporary folder, opens each one as a user would
(file://) and writes PNGs to docs/screenshots/. Screenshots are documentation, not build output:
run this after a change to the pages and commit the PNGs.

    python tools/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medkg.build import make_graph  # noqa: E402
from medkg.exports import write_exports  # noqa: E402
from tests.browser import chromium, missing, open_offline  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1440, 860


def main() -> None:
    why = missing()
    if why:
        sys.exit(f"cannot take screenshots: {why}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        pages = Path(tmp)
        write_exports(make_graph()[1], pages, ["html", "ladder", "focus"])
        shots = [
            ("graph.png", "graph.html", None),
            ("graph-selected.png", "graph.html", "baclofen"),  # search, highlight, details panel
            ("ladder.png", "ladder.html", None),
            ("focus-spasticity.png", "focus/spasticity.html", None),
        ]
        for name, page_path, query in shots:
            opened = open_offline(browser, pages / page_path, width=WIDTH, height=HEIGHT)
            page = opened.page
            if query:
                page.fill("#search", query)
                page.press("#search", "Enter")
                page.evaluate("medkg.network.fit({animation: false})")
            page.wait_for_timeout(300)
            page.screenshot(path=str(OUT / name))
            assert not (opened.errors or opened.outside or opened.dialogs), (name, opened)
            page.context.close()
            print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
