"""The HTML pages (medkg.viz): what they hold, that they are safe and deterministic, and how they
behave in a real browser (Debian's chromium through Playwright, network off)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal
from rdflib.namespace import DCTERMS, SKOS

from medkg import viz
from medkg.analysis import curie
from medkg.cli import main
from medkg.exports import EXPORTS, write_exports
from medkg.graph import new_graph
from medkg.vocab import DEFINITION, MEDKG, ONTOLOGY_IRI

from . import (
    ARTICLE,
    BACLOFEN,
    BACLOFEN_PUMP,
    BOTOX,
    BRACING,
    CASTING,
    CONTRACTURE,
    DIAZEPAM,
    MK,
    OCCUPATIONAL_THERAPY,
    PHYSICAL_THERAPY,
    PRESSURE_SORE,
    RHIZOTOMY,
    SPASTICITY,
    SPLINTING,
    STRETCHING,
    TENDON_RELEASE,
    TIZANIDINE,
)
from .browser import Opened, chromium, missing, open_offline

PAGES = ["html", "ladder", "focus"]
RELATIONS = ["componentOf", "delivers", "escalatesTo", "manifestationOf", "riskOf", "treats"]
PREFIXES = "PREFIX medkg: <https://w3id.org/medkg/vocab/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ENTITIES_Q = PREFIXES + "SELECT DISTINCT ?e WHERE { ?e a ?c . ?c rdfs:subClassOf+ medkg:MedicalEntity }"
VALUES = " ".join(f"medkg:{r}" for r in RELATIONS)
FACTS_Q = PREFIXES + "SELECT ?s ?p ?o WHERE { VALUES ?p { " + VALUES + " } ?s ?p ?o }"
CONDITIONS_Q = PREFIXES + "SELECT DISTINCT ?e WHERE { ?e a ?c . ?c rdfs:subClassOf* medkg:Condition }"

HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = '"</script><script>alert(2)</script>'
HOSTILE_EVIDENCE = "<img src=x onerror=alert(6)> see href=javascript:alert(6)"
HOSTILE_TITLE = "<script>alert(8)</script> heading"
EVIL = MK.evil
ODD = MK['odd"><img src=x onerror=alert(3)>']


def ids(graph: Graph, rows: Any) -> list[str]:
    return sorted(curie(graph, row[0]) for row in rows)


def facts(graph: Graph) -> list[tuple[str, str, str]]:
    return sorted((curie(graph, s), str(p).rsplit("/", 1)[1], curie(graph, o)) for s, p, o in graph.query(FACTS_Q))


def page_json(path: Path) -> dict[str, Any]:
    html = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="medkg-data">(.*?)</script>', html, re.S)
    assert match, f"no data element in {path}"
    return dict(json.loads(match.group(1)))


@pytest.fixture(scope="module")
def pages(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    write_exports(graph, out, PAGES)
    return out


# ---------------------------------------------------------------- what the pages hold


def test_registered_exports() -> None:
    assert {name: EXPORTS[name].path for name in PAGES} == {"html": "graph.html", "ladder": "ladder.html",
                                                              "focus": "focus"}


def test_graph_page_holds_every_entity_and_fact(graph: Graph, pages: Path) -> None:
    data = page_json(pages / "graph.html")
    assert sorted(n["id"] for n in data["nodes"]) == ids(graph, graph.query(ENTITIES_Q))
    assert sorted((e["from"], e["relation"], e["to"]) for e in data["edges"]) == facts(graph)
    assert len(data["nodes"]) == 19 and len(data["edges"]) == 37  # the article, as curated


def test_tooltips_and_details_have_their_data(graph: Graph, pages: Path) -> None:
    nodes = {n["id"]: n for n in page_json(pages / "graph.html")["nodes"]}
    tendon = nodes[curie(graph, TENDON_RELEASE)]
    assert tendon["synonyms"] == ["tenotomy"]
    assert tendon["definition"] == str(graph.value(TENDON_RELEASE, DEFINITION))
    assert {"label": "may need repeating", "value": "yes"}.items() <= tendon["facts"][0].items()
    assert tendon["facts"][0]["prov"][0]["anchor"] == "may need to be repeated"
    assert nodes[curie(graph, TIZANIDINE)]["brands"] == ["Zanaflex"]
    assert ["exact match", "HP:0001257"] in nodes[curie(graph, SPASTICITY)]["ids"]
    edges = page_json(pages / "graph.html")["edges"]
    step = next(e for e in edges if (e["from"], e["relation"], e["to"]) == ("mk:baclofen", "escalatesTo",
                                                                               "mk:baclofen_pump"))
    assert step["prov"] == [{
        "source": "mksrc:controlling-ms-spasticity", "section": "What Drugs Are Used to Treat Spasticity?",
        "anchor": "If medications taken orally are not effective", "when": "oral medications are not effective",
        "evidence": "When drugs by mouth do not work, the next options are an implanted pump that delivers the drug "
                    "or local injections of botulinum toxin."}]


def test_ladder_page_goes_down_the_steps(graph: Graph, pages: Path) -> None:
    data = page_json(pages / "ladder.html")
    y = {n["id"]: n["y"] for n in data["nodes"]}
    c = {iri: curie(graph, iri) for iri in (PHYSICAL_THERAPY, OCCUPATIONAL_THERAPY, STRETCHING, BACLOFEN, TIZANIDINE,
                                            DIAZEPAM, BACLOFEN_PUMP, BOTOX, RHIZOTOMY, TENDON_RELEASE, SPLINTING,
                                            CASTING, BRACING, SPASTICITY, CONTRACTURE, PRESSURE_SORE)}
    assert sorted(y) == sorted(c.values())
    steps = [[PHYSICAL_THERAPY, OCCUPATIONAL_THERAPY, STRETCHING], [BACLOFEN, TIZANIDINE, DIAZEPAM],
             [BACLOFEN_PUMP, BOTOX], [RHIZOTOMY, TENDON_RELEASE]]
    rows = [{y[c[iri]] for iri in step} for step in steps]
    assert all(len(row) == 1 for row in rows) and [r.pop() for r in rows] == sorted(y[c[s[0]]] for s in steps)
    inside = set(y)
    assert sorted((e["from"], e["relation"], e["to"]) for e in data["edges"]) == [
        f for f in facts(graph) if f[0] in inside and f[2] in inside]
    captions = [cap["text"] for cap in data["page"]["captions"]]
    assert captions == ["Step 1", "when physical and occupational therapy do not adequately control the spasticity",
                        "Step 2", "when oral medications are not effective",
                        "Step 3", "when other treatments fail; usually only in extreme cases", "Step 4"]
    risk = [e["label"] for e in data["edges"] if e["relation"] == "riskOf"]
    assert risk == ["risk of\nwhen spasticity is left untreated"] * 2


def test_one_focus_page_per_condition(graph: Graph, pages: Path) -> None:
    conditions = ids(graph, graph.query(CONDITIONS_Q))
    folder = pages / "focus"
    stems = sorted(p.stem for p in folder.glob("*.html") if p.name != "index.html")
    assert stems == sorted(c.split(":", 1)[1] for c in conditions)
    for condition in conditions:
        data = page_json(folder / f"{condition.split(':', 1)[1]}.html")
        near = {f[0] for f in facts(graph) if f[2] == condition} | {f[2] for f in facts(graph) if f[0] == condition}
        assert sorted(n["id"] for n in data["nodes"]) == sorted(near | {condition})
        assert data["page"]["focus"] == condition
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert index.count('<li><a href="') == len(conditions)
    assert '<a href="spasticity.html">spasticity</a>' in index


def test_pages_are_deterministic(graph: Graph, pages: Path, tmp_path: Path) -> None:
    write_exports(graph, tmp_path, PAGES)
    for path in sorted(p for p in pages.rglob("*") if p.is_file()):
        assert (tmp_path / path.relative_to(pages)).read_bytes() == path.read_bytes(), path


def test_pages_load_nothing_from_elsewhere(pages: Path) -> None:
    for path in [pages / "graph.html", pages / "ladder.html", *sorted((pages / "focus").glob("*.html"))]:
        html = path.read_text(encoding="utf-8")
        tags = re.findall(r"<(?:script|link|img|iframe|object|embed)\b[^>]*>", html, re.I)
        refs = [t for t in tags if re.search(r"\b(src|href)\s*=", t)]
        shared = ['<link rel="stylesheet" href="medkg-viz.css">', '<script src="medkg-viz.js">']
        allowed = [] if path.parent == pages or path.name == "index.html" else shared
        assert refs == allowed, path
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
        assert policy and unescape(policy.group(1)).startswith("default-src 'none';"), path


def test_inline_scripts_are_the_ones_the_policy_allows(pages: Path) -> None:
    html = (pages / "graph.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2 and "@license" in scripts[0] and "vis.js is dual licensed" in scripts[0]
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in unescape(policy.group(1))
    assert "sourceMappingURL" not in scripts[0]


def test_page_script_never_writes_html() -> None:
    script = (Path(viz.__file__).parent / "templates" / "viz.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", script, flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code


def test_script_json_cannot_break_out() -> None:
    text = viz._script_json({"a": '</script><!-- & \u2028\u2029 <img>'})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": '</script><!-- & \u2028\u2029 <img>'}


def test_file_stems_are_safe_and_distinct() -> None:
    stems = viz._stems(["mk:a", "mk:a/b", 'mk:x"><img', "mk:index", "http://example.org/a"])
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", s) for s in stems) and len(stems) == 5
    assert stems["a"] == "mk:a"


def test_cli_writes_the_pages_and_warns_when_big(graph: Graph, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["viz", "--out", str(out), "--page", "html", "--warn-above", "10"]) == 0
    _, err = capsys.readouterr()
    count = len(ids(graph, graph.query(ENTITIES_Q)))
    assert err.splitlines()[1] == (
        f"warning: {count} entities: graph.html shows them all and gets slow to open and to use above 10; open the "
        f"focus pages instead, one per condition: {out / 'focus' / 'index.html'}")
    assert err.endswith(f"medkg: wrote {out / 'graph.html'}\n")
    assert sorted(p.name for p in out.iterdir()) == ["graph.html"]
    assert main(["viz", "--out", str(out), "--page", "ladder"]) == 0
    assert "warning" not in capsys.readouterr()[1]


def test_cli_default_threshold_is_the_library_one() -> None:
    from medkg.commands.viz import DEFAULT_WARN_ABOVE

    assert DEFAULT_WARN_ABOVE == viz.WARN_ABOVE


def test_layouts_are_whole_pixels_and_spread() -> None:
    from medkg import viz_layout as layout

    nodes = [f"n{i}" for i in range(30)]
    edges = [(f"n{i}", f"n{(i * 7) % 30}") for i in range(30)]
    for positions in (layout.spring(nodes, edges), layout.radial(nodes, edges, centre="n3")):
        assert sorted(positions) == sorted(nodes)
        assert all(isinstance(v, int) for p in positions.values() for v in p)
        assert len(set(positions.values())) == len(nodes)
    assert layout.radial(nodes, edges, centre="n3")["n3"] == layout.radial(nodes, edges, centre="n3")["n3"]


# ---------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run: {why}")
        pytest.skip(why)
    with chromium() as b:
        yield b


@pytest.fixture
def opened(browser: Any) -> Iterator[Any]:
    """Opens a page offline (tests/browser.py); closes its context after the test."""
    contexts: list[Any] = []

    def open_page(path: Path) -> Opened:
        page = open_offline(browser, path)
        contexts.append(page.page.context)
        return page

    yield open_page
    for context in contexts:
        context.close()


def settle(page: Opened) -> None:
    """Nothing reached out, nothing failed, nothing ran."""
    page.page.wait_for_timeout(200)
    assert page.outside == []
    assert all(url.startswith("file://") for url in page.requests), page.requests
    assert page.errors == []
    assert page.dialogs == []


def counts(page: Opened) -> list[int]:
    return list(page.page.evaluate("[medkg.nodes.length, medkg.edges.length]"))


@pytest.mark.browser
def test_the_harness_catches_requests_errors_and_dialogs(opened: Any, tmp_path: Path) -> None:
    """The checks below can fail: a page that reaches out, logs an error and opens a dialog is caught."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><img src="https://example.org/x.png"><script>console.error("boom");'
                    'alert("hi"); window.medkg = {ready: true};</script>', encoding="utf-8")
    bad = opened(page)
    bad.page.wait_for_timeout(300)
    assert bad.outside == ["https://example.org/x.png"]
    assert "boom" in bad.errors and bad.dialogs == ["alert: hi"]


@pytest.mark.browser
@pytest.mark.parametrize("name", ["graph.html", "ladder.html", "focus/spasticity.html", "focus/pain.html"])
def test_page_opens_offline_with_all_its_data(opened: Any, graph: Graph, pages: Path, name: str) -> None:
    page = opened(pages / name)
    data = page_json(pages / name)
    assert counts(page) == [len(data["nodes"]), len(data["edges"])]
    if name == "graph.html":  # and those are the graph's, counted by SPARQL
        assert counts(page) == [len(ids(graph, graph.query(ENTITIES_Q))), len(facts(graph))]
    assert page.page.locator("#type-filters input").count() == len(data["types"])
    assert page.page.locator("#relation-filters input").count() == len(data["relations"])
    assert page.page.locator("#sources").inner_text().startswith(
        "Source: Controlling the Muscle Spasms of Multiple Sclerosis; WebMD")
    settle(page)


SEARCHES = [
    ("tenotomy", TENDON_RELEASE, "Found tendon release (synonym “tenotomy”)."),
    ("Zanaflex", TIZANIDINE, "Found tizanidine (brand name “Zanaflex”)."),
    ("  BACLOFEN pump ", BACLOFEN_PUMP, "Found baclofen pump."),
]


@pytest.mark.browser
def test_search_focuses_the_node(opened: Any, graph: Graph, pages: Path) -> None:
    page = opened(pages / "graph.html")
    p = page.page
    for query, entity, found in SEARCHES:
        p.fill("#search", query)
        p.press("#search", "Enter")
        node = curie(graph, entity)
        assert p.evaluate("medkg.selected()") == node, query
        assert p.evaluate("medkg.network.getSelectedNodes()") == [node]
        assert p.inner_text("#search-status") == found
        view = p.evaluate("medkg.network.getViewPosition()")
        where = p.evaluate(f"medkg.network.getPositions([{json.dumps(node)}])[{json.dumps(node)}]")
        assert abs(view["x"] - where["x"]) < 1 and abs(view["y"] - where["y"]) < 1
        assert p.inner_text("#details h2") == str(graph.value(entity, RDFS.label))
    settle(page)


@pytest.mark.browser
def test_search_says_when_nothing_matches(opened: Any, pages: Path) -> None:
    page = opened(pages / "graph.html")
    page.page.fill("#search", "aspirin")
    page.page.press("#search", "Enter")
    assert page.page.inner_text("#search-status") == "Nothing on this page is called “aspirin”."
    assert page.page.evaluate("medkg.selected()") is None
    settle(page)


@pytest.mark.browser
def test_relation_filter_hides_exactly_its_edges(opened: Any, graph: Graph, pages: Path) -> None:
    page = opened(pages / "graph.html")
    p = page.page
    box = p.locator("#relation-filters label", has_text="treats").locator("input")
    box.uncheck()
    hidden = p.evaluate("medkg.edges.get({filter: e => e.hidden === true}).map(e => [e.from, e.to])")
    assert sorted(map(tuple, hidden)) == sorted((s, o) for s, r, o in facts(graph) if r == "treats")
    assert p.evaluate("medkg.nodes.get({filter: n => n.hidden === true}).length") == 0
    box.check()
    assert p.evaluate("medkg.edges.get({filter: e => e.hidden === true}).length") == 0
    settle(page)


@pytest.mark.browser
def test_type_filter_hides_exactly_its_nodes(opened: Any, graph: Graph, pages: Path) -> None:
    page = opened(pages / "graph.html")
    p = page.page
    p.locator("#type-filters label", has_text="oral medication").locator("input").uncheck()
    hidden = p.evaluate("medkg.nodes.get({filter: n => n.hidden === true}).map(n => n.id)")
    assert sorted(hidden) == sorted(curie(graph, s) for s in graph.subjects(RDF.type, MEDKG.OralMedication))
    p.fill("#search", "Valium")  # finding a hidden node shows its type again
    p.press("#search", "Enter")
    assert p.evaluate("medkg.nodes.get({filter: n => n.hidden === true}).length") == 0
    assert p.locator("#type-filters label", has_text="oral medication").locator("input").is_checked()
    settle(page)


@pytest.mark.browser
def test_click_highlights_the_neighbourhood(opened: Any, graph: Graph, pages: Path) -> None:
    page = opened(pages / "graph.html")
    p = page.page
    node = curie(graph, SPASTICITY)
    at = p.evaluate(f"medkg.domPosition({json.dumps(node)})")
    p.mouse.click(at["x"], at["y"])
    near = {s for s, _, o in facts(graph) if o == node} | {o for s, _, o in facts(graph) if s == node} | {node}
    assert p.evaluate("medkg.highlighted()") == sorted(near)
    opacity = "id => medkg.network.body.nodes[id].options.opacity"
    assert p.evaluate(f"({opacity})('mk:bracing')") < 0.5  # not a neighbour: faded
    assert p.evaluate(f"({opacity})({json.dumps(node)})") == 1
    details = p.inner_text("#details")
    assert str(graph.value(SPASTICITY, DEFINITION)) in details
    assert "Spasticity that goes untreated raises the chance of complications" in details  # riskOf evidence
    box = p.locator("#network").bounding_box()
    p.mouse.click(box["x"] + 4, box["y"] + 4)  # the background
    assert p.evaluate("medkg.highlighted()") == []
    assert p.evaluate(f"({opacity})('mk:bracing')") == 1
    settle(page)


@pytest.mark.browser
def test_hover_shows_a_plain_text_tooltip(opened: Any, graph: Graph, pages: Path) -> None:
    page = opened(pages / "graph.html")
    p = page.page
    at = p.evaluate("medkg.domPosition('mk:tizanidine')")
    p.mouse.move(at["x"] - 30, at["y"] - 30)
    p.mouse.move(at["x"], at["y"], steps=5)
    tip = p.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    text = tip.inner_text()
    assert text.startswith("tizanidine (oral medication)\n")
    assert str(graph.value(TIZANIDINE, DEFINITION)) in text and "Brand names: Zanaflex" in text
    assert tip.locator("*").count() == 0 or tip.locator("br").count() == tip.locator("*").count()
    settle(page)


# ---------------------------------------------------------------- hostile text


def hostile_graph(graph: Graph) -> Graph:
    """A copy of the graph with script-like text wherever a source could put text."""
    g = new_graph()
    for triple in graph:
        g.add(triple)
    for iri, label in ((EVIL, HOSTILE_LABEL), (ODD, "odd <i>one</i>")):
        g.add((iri, RDF.type, MEDKG.Complication))
        g.add((iri, RDF.type, OWL.NamedIndividual))
        g.add((iri, RDFS.label, Literal(label, lang="en")))
        g.add((iri, DEFINITION, Literal(HOSTILE_TEXT + " href", lang="en")))
        g.add((iri, SKOS.altLabel, Literal("<b>bold</b> href=javascript:alert(4)", lang="en")))
        g.add((iri, MEDKG.brandName, Literal("<svg onload=alert(5)>", lang="en")))
        g.add((SPASTICITY, MEDKG.riskOf, iri))
        axiom = BNode()
        for p, o in ((RDF.type, OWL.Axiom), (OWL.annotatedSource, SPASTICITY), (OWL.annotatedProperty, MEDKG.riskOf),
                     (OWL.annotatedTarget, iri), (DCTERMS.source, ARTICLE), (MEDKG.section, Literal(HOSTILE_TEXT)),
                     (MEDKG.evidence, Literal(HOSTILE_EVIDENCE)), (MEDKG.anchorText, Literal("<!-- x")),
                     (MEDKG.appliesWhen, Literal("</script><script>alert(7)</script>"))):
            g.add((axiom, p, o))
    g.remove((ONTOLOGY_IRI, DCTERMS.title, None))
    g.add((ONTOLOGY_IRI, DCTERMS.title, Literal(HOSTILE_TITLE)))
    return g


@pytest.fixture(scope="module")
def hostile(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    write_exports(hostile_graph(graph), out, PAGES)
    return out


def test_hostile_text_stays_inside_the_data(hostile: Path) -> None:
    files = sorted(p.name for p in (hostile / "focus").iterdir())
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+\.(html|js|css)", f) for f in files), files
    for path in [hostile / "graph.html", hostile / "ladder.html", hostile / "focus" / "evil.html"]:
        html = path.read_text(encoding="utf-8")
        for text in (HOSTILE_LABEL, "<script>alert", "<svg", "<b>bold", "<!-- x"):
            assert text not in html, (path, text)
        assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "&lt;script&gt;alert(8)&lt;/script&gt; heading" in (hostile / "graph.html").read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.parametrize("name, heading", [
    ("graph.html", HOSTILE_TITLE), ("ladder.html", f"Treatment ladder · {HOSTILE_TITLE}"),
    ("focus/evil.html", f"{HOSTILE_LABEL}: what it is linked to"),
    ("focus/spasticity.html", "spasticity: what it is linked to"),
])
def test_hostile_text_shows_as_text_and_runs_nothing(opened: Any, hostile: Path, name: str, heading: str) -> None:
    page = opened(hostile / name)
    p = page.page
    assert p.evaluate("document.images.length") == 0
    assert p.inner_text("h1") == heading
    assert p.title() == heading
    p.fill("#search", "<svg onload=alert(5)>")
    p.press("#search", "Enter")
    assert p.evaluate("medkg.selected()") == "mk:evil"
    details = p.inner_text("#details")
    for text in (HOSTILE_LABEL, HOSTILE_TEXT, "<b>bold</b> href=javascript:alert(4)", "<svg onload=alert(5)>",
                 HOSTILE_EVIDENCE, "</script><script>alert(7)</script>", "“<!-- x”"):
        assert text in details, text
    at = p.evaluate("medkg.domPosition('mk:evil')")
    p.mouse.move(at["x"] - 20, at["y"] - 20)
    p.mouse.move(at["x"], at["y"], steps=4)
    tip = p.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text().startswith(HOSTILE_LABEL + " (complication)")
    assert p.evaluate("document.images.length") == 0
    p.wait_for_timeout(300)
    settle(page)
