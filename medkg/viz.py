"""Interactive HTML pages: the whole graph, the treatment ladder, and one focus page per condition.

The pages open from ``file://`` with no network. They are built with pyvis: its ``Network`` holds
the vis-network nodes, edges and options, and its bundled vis-network (license header kept) is
inlined. pyvis's template is not used: it links Bootstrap and vis-network from CDNs and writes
link tooltips, the heading and its select menu unescaped. Ours (``templates/viz.*``) embeds the
data as JSON in a script element that is never executed, with ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, and its script puts every text into the page with ``textContent``; tooltips are
plain strings, which vis-network shows with ``innerText``. A Content-Security-Policy allows only
the page's own scripts and no request at all.

Everything is read from the graph (``medkg.viz_view``, ``medkg.ladder``). Positions come
from ``medkg.viz_layout`` (no physics in the browser) and every list is sorted, so two builds give
byte-identical pages.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph

from . import viz_layout as layout
from .errors import ExportError
from .viz_view import View, local_name, read_view

TEMPLATES = Path(__file__).parent / "templates"
VIS_VERSION = "9.1.2"
#: Past this many entities the whole-graph page takes several seconds to open and to respond to a
#: click (benchmarks/viz.py), so ``medkg viz`` warns and the page points to the focus pages.
WARN_ABOVE = 2000
LADDER_RELATION = "escalatesTo"
CONDITION_CLASS = "Condition"

@dataclass
class Page:
    """One page: which nodes and edges, where they sit, and what surrounds them."""

    kind: str  # graph | ladder | focus
    title: str
    nodes: list[str]
    edges: list[dict[str, Any]]
    positions: dict[str, layout.Point]
    depth: int = 0  # 0 for pages at the top of the export folder, 1 inside focus/
    captions: list[dict[str, Any]] = field(default_factory=list)
    warning: str = ""
    focus: str = ""


# ---------------------------------------------------------------- the three kinds of page


def graph_page(view: View) -> Page:
    """Every entity and relation, in a seeded force-directed layout."""
    positions = layout.spring(list(view.nodes), [(e["from"], e["to"]) for e in view.edges])
    page = Page("graph", view.title, sorted(view.nodes), [_labelled(view, e) for e in view.edges], positions)
    if len(view.nodes) > WARN_ABOVE:
        page.warning = (f"This graph has {len(view.nodes):,} entities, so this page responds slowly. The focus pages "
                        "(focus/index.html) each show one condition and what is linked to it.")
    return page


def _ladder_steps(view: View, graph: Graph) -> tuple[dict[str, int], list[str], dict[int, list[str]]]:
    """From ``medkg.ladder``: each treatment's step (its lowest over all ladders), the conditions that
    have a ladder, and by step number the conditions the sources give for moving on from it."""
    from .ladder import ladders

    by_iri = {node["iri"]: cid for cid, node in view.nodes.items()}
    level: dict[str, int] = {}
    conditions: list[str] = []
    move_on: dict[int, set[str]] = {}
    for condition, ladder in ladders(graph).items():
        conditions.append(by_iri[str(condition)])
        for step in ladder.steps:
            move_on.setdefault(step.number, set()).update(step.move_on_when)
            for option in step.options:
                cid = by_iri[str(option)]
                level[cid] = min(level.get(cid, step.number), step.number)
    return level, conditions, {n: sorted(texts) for n, texts in move_on.items()}


def ladder_page(view: View, graph: Graph) -> Page:
    """Treatments by step of their condition's ladder, top down, with the complications of the condition."""
    level, conditions, move_on = _ladder_steps(view, graph)
    attached: dict[str, list[str]] = {}
    parents: dict[str, list[str]] = {}
    anchors: dict[str, list[str]] = {c: [] for c in conditions}
    side = list(conditions)
    for e in view.edges:
        if e["relation"] == "componentOf" and e["to"] in level and e["from"] not in level:
            attached.setdefault(e["to"], []).append(e["from"])
        elif e["relation"] == LADDER_RELATION and e["from"] in level and e["to"] in level:
            parents.setdefault(e["to"], []).append(e["from"])
        elif e["relation"] == "treats" and e["from"] in level and e["to"] in anchors:
            anchors[e["to"]].append(e["from"])
    for e in view.edges:
        if e["relation"] == "riskOf" and e["from"] in conditions and e["to"] not in side:
            side.append(e["to"])
            anchors[e["to"]] = [e["from"]]
    rows: dict[int, list[str]] = {}
    for cid, number in level.items():
        rows.setdefault(number, []).append(cid)
    positions = layout.ladder(rows, parents, attached, side, anchors)
    captions: list[dict[str, Any]] = []
    for number, members in sorted(rows.items()):
        y = positions[members[0]][1]
        left = min(positions[m][0] for m in members + [a for m in members for a in attached.get(m, [])])
        captions.append({"text": f"Step {number}", "x": left - 45, "y": y, "align": "right"})
        if number + 1 in rows and move_on.get(number):
            captions.append({"text": "when " + "; or ".join(move_on[number]), "x": 0, "y": y + layout.ROW_GAP // 2,
                             "align": "center"})
    shown = set(positions)
    edges = [_labelled(view, e, when=True) for e in view.edges if e["from"] in shown and e["to"] in shown]
    for e in edges:
        if e["relation"] in (LADDER_RELATION, "treats"):
            e["label"] = ""  # many of them: the step captions say when; the legend, what the line means
    title = f"Treatment ladder · {view.title}"
    page = Page("ladder", title, sorted(shown), edges, positions, captions=captions)
    if not level:
        page.warning = "No condition has a treatment ladder here: no treatment of a condition escalates to another."
    return page


def focus_pages(view: View, steps: dict[str, int] | None = None) -> dict[str, Page]:
    """One page per condition: it, at the centre, and every entity one relation away, keyed by file
    stem. Around the centre, entities go by relation, then by ladder ``steps``, then by label."""
    near: dict[str, set[str]] = {n: set() for n in view.nodes}
    touching: dict[str, list[dict[str, Any]]] = {n: [] for n in view.nodes}
    for e in view.edges:
        near[e["from"]].add(e["to"])
        near[e["to"]].add(e["from"])
        touching[e["from"]].append(e)
        touching[e["to"]].append(e)
    pages: dict[str, Page] = {}
    conditions = [n for n, rec in view.nodes.items() if CONDITION_CLASS in view.types[rec["type"]].ancestors]
    for stem, cid in _stems(conditions).items():
        members = sorted(near[cid] | {cid})
        inside = set(members)
        edges = sorted({e["id"]: e for m in members for e in touching[m] if e["from"] in inside and e["to"] in inside}
                       .values(), key=lambda e: int(e["id"][1:]))
        rank: dict[str, tuple[Any, ...]] = {}
        for e in edges:
            other, way = (e["to"], 1) if e["from"] == cid else (e["from"], 0) if e["to"] == cid else ("", 0)
            if other:
                rank[other] = min(rank.get(other, ("~",)), (e["relation"], way, (steps or {}).get(other, 0),
                                                              view.nodes[other]["label"].casefold()))
        positions = layout.radial(members, [(e["from"], e["to"]) for e in edges], centre=cid, rank=rank)
        title = f"{view.nodes[cid]['label']}: what it is linked to"
        pages[stem] = Page("focus", title, members, [_labelled(view, e) for e in edges], positions, depth=1, focus=cid)
    return pages


def _stems(ids: list[str]) -> dict[str, str]:
    """Safe, distinct file stems (letters, digits, ``_`` and ``-``) for node ids."""
    stems: dict[str, str] = {}
    for cid in sorted(ids):
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", local_name(cid).rsplit("/", 1)[-1]).strip("-")[:60] or "entity"
        if base in stems or base in ("index", "medkg-viz") or base != local_name(cid):
            base = f"{base}-{hashlib.sha1(cid.encode()).hexdigest()[:8]}"
        stems[base] = cid
    return stems


def _labelled(view: View, edge: dict[str, Any], *, when: bool = False) -> dict[str, Any]:
    """The edge with its label on the canvas: the relation, and on the ladder when it applies."""
    label = view.relations[edge["relation"]].label
    conditions = sorted({p["when"] for p in edge["prov"] if "when" in p})
    if when and conditions and edge["relation"] != "treats":
        label += "\nwhen " + "; or ".join(conditions)
    return dict(edge, label=label)


# ---------------------------------------------------------------- HTML


def _script_json(data: Any) -> str:
    """JSON that cannot end its script element or open a comment, and is valid JavaScript."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _assets() -> tuple[str, str, str, str]:
    """vis-network's JavaScript and CSS (as pyvis ships them) and ours."""
    import pyvis

    vis = Path(pyvis.__file__).parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        vis_js = (vis / "vis-network.min.js").read_text(encoding="utf-8")
        vis_css = (vis / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot read vis-network {VIS_VERSION} from pyvis ({exc}); install pyvis 0.3.2") from exc
    vis_js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", vis_js)  # no map ships: nothing to fetch
    our_js = (TEMPLATES / "viz.js").read_text(encoding="utf-8")
    our_css = (TEMPLATES / "viz.css").read_text(encoding="utf-8")
    for name, text, closer in (("vis-network.min.js", vis_js, "</script"), ("viz.js", our_js, "</script"),
                               ("vis-network.css", vis_css, "</style"), ("viz.css", our_css, "</style")):
        if closer in text.lower() or "<!--" in text:
            raise ExportError(f"{name} contains {closer} or <!--, so it cannot be inlined safely")
    return vis_js, vis_css, our_js, our_css


def _options(count: int) -> dict[str, Any]:
    big = count > 1000
    font = {"face": "system-ui, sans-serif", "strokeColor": "#ffffff", "strokeWidth": 4}
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": layout.SEED},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "keyboard": {"enabled": True, "bindToWindow": False}},
        "nodes": {"size": 14, "borderWidth": 1.5, "font": dict(font, size=15, color="#1a1a1a")},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "smooth": False, "selectionWidth": 1.5,
                  "font": dict(font, size=11, color="#333333", align="middle")},
    }


def _curves(edges: list[dict[str, Any]]) -> None:
    """Bend edges that share both ends, so each stays visible and clickable."""
    pairs: dict[frozenset[str], list[dict[str, Any]]] = {}
    for e in edges:
        pairs.setdefault(frozenset((e["from"], e["to"])), []).append(e)
    for group in pairs.values():
        if len(group) > 1:
            for i, e in enumerate(group):
                e["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18 * (1 + i // 2)}


def _nav(page: Page) -> list[dict[str, Any]]:
    up = "../" * page.depth
    items = [("graph", "Whole graph", up + "graph.html"), ("ladder", "Treatment ladder", up + "ladder.html"),
             ("focus-index", "Focus on a condition", ("" if page.depth else "focus/") + "index.html")]
    return [{"label": label, "href": href, "current": kind == page.kind} for kind, label, href in items]


def page_data(view: View, page: Page) -> dict[str, Any]:
    """Everything the page script needs, as one JSON-able dict (pyvis's ``Network`` holds nodes and edges)."""
    from pyvis.network import Network

    net = Network(directed=True, heading=page.title, cdn_resources="in_line")
    # Fill pyvis's lists directly: add_node and add_edge scan them on every call (quadratic).
    net.nodes = [dict(view.nodes[n], x=page.positions[n][0], y=page.positions[n][1]) for n in page.nodes]
    net.edges = [dict(e) for e in page.edges]
    _curves(net.edges)
    net.options = _options(len(net.nodes))
    used_types = sorted({n["type"] for n in net.nodes})
    used_relations = sorted({e["relation"] for e in net.edges})
    used_sources = sorted({p["source"] for e in net.edges for p in e["prov"]}
                          | {p["source"] for n in net.nodes for f in n["facts"] for p in f["prov"]})
    return {
        "page": {"kind": page.kind, "title": page.title, "warning": page.warning, "focus": page.focus,
                 "captions": page.captions, "nav": _nav(page)},
        "types": [{"id": t.id, "label": t.label, "definition": t.definition, **t.style}
                  for t in (view.types[k] for k in used_types)],
        "relations": [{"id": r.id, "label": r.label, "definition": r.definition, **r.style}
                      for r in (view.relations[k] for k in used_relations)],
        "sources": {s: view.sources.get(s, {"title": s}) for s in used_sources},
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
    }


@functools.cache
def _environment() -> Any:
    """The Jinja2 environment of our templates, autoescaping, made once (compiling is the slow part)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                       keep_trailing_newline=True)


def render(view: View, page: Page, *, inline: bool = True) -> str:
    """The page as HTML: self-contained, or (``inline=False``) using medkg-viz.js/.css beside it."""
    from markupsafe import Markup

    data = Markup(_script_json(page_data(view, page)))
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    scripts: list[Markup] = []
    styles: list[Markup] = []
    if inline:
        vis_js, vis_css, our_js, our_css = _assets()
        scripts = [Markup(vis_js), Markup(our_js)]
        styles = [Markup(vis_css), Markup(our_css)]
        hashes = " ".join(f"'sha256-{_sha256_b64(s)}'" for s in scripts)
        csp += f"script-src {hashes}"
    else:
        csp = csp.replace("style-src 'unsafe-inline'", "style-src 'self' file: 'unsafe-inline'")
        csp += "script-src 'self' file:"
    return str(_environment().get_template("viz.html").render(
        title=page.title, csp=csp, data=data, scripts=scripts, styles=styles, inline=inline))


def _sha256_b64(text: str) -> str:
    import base64

    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# ---------------------------------------------------------------- writers (medkg.exports.EXPORTS)


def write_graph_page(graph: Graph, path: Path) -> None:
    """graph.html: the whole graph."""
    view = read_view(graph)
    path.write_text(render(view, graph_page(view)), encoding="utf-8")


def write_ladder_page(graph: Graph, path: Path) -> None:
    """ladder.html: the treatment ladder, top down."""
    view = read_view(graph)
    path.write_text(render(view, ladder_page(view, graph)), encoding="utf-8")


def write_focus_pages(graph: Graph, path: Path) -> None:
    """focus/: one page per condition sharing medkg-viz.js and medkg-viz.css, and an index."""
    view = read_view(graph)
    path.mkdir(parents=True, exist_ok=True)
    vis_js, vis_css, our_js, our_css = _assets()
    (path / "medkg-viz.js").write_text(vis_js + "\n;\n" + our_js, encoding="utf-8")
    (path / "medkg-viz.css").write_text(vis_css + "\n" + our_css, encoding="utf-8")
    pages = focus_pages(view, _ladder_steps(view, graph)[0])
    entries = []
    for stem, page in pages.items():
        (path / f"{stem}.html").write_text(render(view, page, inline=False), encoding="utf-8")
        node = view.nodes[page.focus]
        entries.append({"href": f"{stem}.html", "label": node["label"], "type": view.types[node["type"]].label,
                        "count": len(page.nodes) - 1})
    entries.sort(key=lambda e: (e["label"].casefold(), e["href"]))
    index = _environment().get_template("viz_index.html").render(title=f"{view.title}: focus pages", entries=entries)
    (path / "index.html").write_text(index, encoding="utf-8")


def entity_count(graph: Graph) -> int:
    """How many entities the whole-graph page would show."""
    from .analysis import entities

    return len(entities(graph))
