"""Scale of the HTML pages: page generation time, and in Chromium the time until a page is interactive.

Synthetic graphs shaped like the article (benchmarks/generate.py: clusters of a disease, symptoms,
therapies, drugs, pump, injection, operations and complications, all linked as in the article)
go through the real pipeline (sources, model, graph; SHACL skipped) and ``medkg.viz``.

Baselines, run in the same process on the same nodes, edges and positions:

* generation: pyvis's own ``Network.add_node`` / ``add_edge`` then ``generate_html`` (each call
  scans the lists built so far, so filling grows quadratically);
* browser: a bare vis-network page with the same nodes and edges (no tooltips, legend, search,
  filters or details).

"Interactive" is the first ``afterDrawing`` of vis-network, in ms since navigation started (the page
answers clicks from then on); "click" is a click on the best-connected node (select, highlight its
neighbourhood, show its details) until the next frame is drawn.

    python benchmarks/viz.py                         # 500, 1,000, 2,000 and 5,000 entities
    python benchmarks/viz.py --sizes 5000 --no-browser
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import generate  # noqa: E402  benchmarks/generate.py

from medkg import viz  # noqa: E402
from medkg.build import DEFAULT_ONTOLOGY, make_graph  # noqa: E402

ENTITIES_PER_CLUSTER = 18  # plus the diseases, a pool shared by every cluster (generate.DISEASE_POOL)


def synthetic_graph(entities: int, folder: Path) -> Any:
    clusters = max(1, math.ceil((entities - generate.DISEASE_POOL) / ENTITIES_PER_CLUSTER))
    generate.generate(folder, clusters * generate.TRIPLES_PER_CLUSTER + generate.FIXED_TRIPLES)
    return make_graph(folder, DEFAULT_ONTOLOGY, shacl=False)[1]


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def pyvis_baseline(view: viz.View, page: viz.Page) -> float:
    """pyvis's documented path for the same page: add_node / add_edge, then generate_html."""
    from pyvis.network import Network

    start = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    for node_id in page.nodes:
        node = view.nodes[node_id]
        x, y = page.positions[node_id]
        net.add_node(node_id, label=node["label"], title=node["definition"], x=x, y=y, physics=False)
    for edge in page.edges:
        net.add_edge(edge["from"], edge["to"], label=edge["label"], title=edge["relation"])
    net.generate_html()
    return time.perf_counter() - start


def bare_page(html_path: Path, ours: Path) -> None:
    """A vis-network page with the same nodes and edges as ``ours`` and nothing else."""
    text = ours.read_text(encoding="utf-8")
    data = json.loads(text.split('id="medkg-data">', 1)[1].split("</script>", 1)[0])
    vis_js = viz._assets()[0]
    nodes = [{k: n[k] for k in ("id", "label", "x", "y")} for n in data["nodes"]]
    edges = [{k: e[k] for k in ("id", "from", "to", "label")} for e in data["edges"]]
    payload = viz._script_json({"nodes": nodes, "edges": edges, "options": data["options"]})
    script = ("var n = new vis.DataSet(D.nodes), e = new vis.DataSet(D.edges);"
              "var net = new vis.Network(document.getElementById('g'), {nodes: n, edges: e}, D.options);"
              "net.once('afterDrawing', function () { window.readyAt = performance.now(); });")
    html_path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>"
        "<div id='g' style='width:100vw;height:100vh'></div>"
        f"<script>{vis_js}</script><script>var D = {payload};{script}</script></body></html>", encoding="utf-8")


def in_browser(browser: Any, ours: Path, bare: Path, hub: str) -> dict[str, float]:
    from tests.browser import open_offline

    start = time.perf_counter()
    opened = open_offline(browser, ours)
    wall = time.perf_counter() - start
    page = opened.page
    ready = float(page.evaluate("medkg.readyAt"))
    frame = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - t0))))"
    page.evaluate("window.t0 = performance.now(); medkg.network.redraw()")
    redraw = float(page.evaluate(frame))
    page.evaluate(f"medkg.network.focus({json.dumps(hub)}, {{scale: 1, animation: false}})")
    page.evaluate("window.t0 = performance.now(); medkg.network.redraw()")
    redraw_zoomed = float(page.evaluate(frame))
    at = page.evaluate(f"medkg.domPosition({json.dumps(hub)})")
    page.evaluate("window.t0 = performance.now()")
    page.mouse.click(at["x"], at["y"])
    click = float(page.evaluate(frame))
    assert page.evaluate("medkg.selected()") == hub, "the click did not select the hub"
    assert not opened.errors and not opened.outside, (opened.errors, opened.outside)
    page.context.close()
    base = open_offline(browser, bare, wait=False)
    base.page.wait_for_function("window.readyAt !== undefined", timeout=300_000)
    bare_ready = float(base.page.evaluate("window.readyAt"))
    base.page.context.close()
    return {"ready_ms": ready, "wall_s": wall, "click_ms": click, "bare_ready_ms": bare_ready, "frame_ms": redraw,
            "frame_zoomed_ms": redraw_zoomed}


def run(sizes: list[int], browser_on: bool, keep: Path | None) -> None:
    root = keep or Path(tempfile.mkdtemp(prefix="medkg-viz-bench-"))
    browser_cm: Any = None
    browser = None
    if browser_on:
        from tests.browser import chromium, missing

        why = missing()
        if why:
            sys.exit(f"cannot run the browser part: {why} (or pass --no-browser)")
        browser_cm = chromium()
        browser = browser_cm.__enter__()
    try:
        import pyvis.network  # noqa: F401  imported once, outside the timings

        for size in sizes:
            folder = root / f"n{size}"
            t_graph, graph = timed(synthetic_graph, size, folder / "sources")
            t_view, view = timed(viz.read_view, graph)
            t_layout, page = timed(viz.graph_page, view)
            t_render, html = timed(viz.render, view, page)
            ours = folder / "graph.html"
            ours.write_text(html, encoding="utf-8")
            t_focus, _ = timed(viz.write_focus_pages, graph, folder / "focus")
            focus_files = list((folder / "focus").glob("*.html"))
            focus_mb = sum(p.stat().st_size for p in (folder / "focus").iterdir()) / 1e6
            t_pyvis = pyvis_baseline(view, page)
            n, e = len(page.nodes), len(page.edges)
            print(f"\n== {n:,} entities, {e:,} relations (graph of {len(graph):,} triples built in {t_graph:.1f} s)")
            print(f"generate graph.html: {t_view + t_layout + t_render:.2f} s (read {t_view:.2f}, layout "
                  f"{t_layout:.2f}, fill + render {t_render:.2f}); {len(html) / 1e6:.1f} MB")
            print(f"  baseline pyvis add_node/add_edge + generate_html: {t_pyvis:.2f} s; "
                  f"ours fill + render is {t_render / t_pyvis:.2f}x of it ({t_pyvis / t_render:.1f}x faster)")
            print(f"generate focus/: {t_focus:.2f} s for {len(focus_files) - 1} pages + index, {focus_mb:.1f} MB")
            if browser is not None:
                bare = folder / "bare.html"
                bare_page(bare, ours)
                hub = max(page.nodes, key=lambda x: sum(1 for ed in page.edges if x in (ed["from"], ed["to"])))
                m = in_browser(browser, ours, bare, hub)
                print(f"browser: interactive after {m['ready_ms'] / 1000:.2f} s (open to ready {m['wall_s']:.2f} s); "
                      f"click on the hub {m['click_ms']:.0f} ms; a frame takes {m['frame_ms']:.0f} ms "
                      f"(whole graph in view), {m['frame_zoomed_ms']:.0f} ms (zoom 1)")
                print(f"  baseline bare vis-network page: interactive after {m['bare_ready_ms'] / 1000:.2f} s; "
                      f"ours is {m['ready_ms'] / m['bare_ready_ms']:.2f}x of it")
    finally:
        if browser_cm is not None:
            browser_cm.__exit__(None, None, None)
    print(f"\npages kept in {root}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="500,1000,2000,5000", help="entity counts, comma-separated")
    ap.add_argument("--no-browser", action="store_true", help="measure page generation only")
    ap.add_argument("--keep", type=Path, help="write the synthetic sources and pages here (default: a temp folder)")
    args = ap.parse_args()
    run([int(s) for s in args.sizes.split(",")], not args.no_browser, args.keep)


if __name__ == "__main__":
    main()
