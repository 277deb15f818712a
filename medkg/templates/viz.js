/* medkg graph page (medkg/viz.py): draws the graph with vis-network and wires search, filters,
 * neighbourhood highlight and the details panel.
 *
 * Safety: the data comes from the JSON element #medkg-data. Every text goes into the page with
 * textContent or as a plain-string tooltip (vis-network shows those with innerText); nothing is
 * ever assigned to innerHTML. Links only take the relative page paths the generator wrote.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("medkg-data").textContent);
  var GLYPHS = { dot: "\u25CF", triangle: "\u25B2", triangleDown: "\u25BC", square: "\u25A0", diamond: "\u25C6",
                 star: "\u2605", hexagon: "\u2B22", box: "\u25AD", ellipse: "\u2B2D" };
  var types = new Map(data.types.map(function (t) { return [t.id, t]; }));
  var relations = new Map(data.relations.map(function (r) { return [r.id, r]; }));
  var records = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
  var edgeRecords = new Map(data.edges.map(function (e) { return [e.id, e]; }));
  var state = { ready: false, readyAt: null, selected: null, highlighted: [], hiddenTypes: new Set(),
                hiddenRelations: new Set() };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function label(id) { var n = records.get(id); return n ? n.label : id; }
  function sourceName(id) { var s = data.sources[id]; return s && s.title ? s.title : id; }

  // ---------------------------------------------------------------- tooltips (plain strings)

  function identifiers(n) {  // [kind, "id, id"] in the order the generator sorted them
    var kinds = [], values = new Map();
    n.ids.forEach(function (pair) {
      if (!values.has(pair[0])) { values.set(pair[0], []); kinds.push(pair[0]); }
      values.get(pair[0]).push(pair[1]);
    });
    return kinds.map(function (k) { return [k, values.get(k).join(", ")]; });
  }

  function nodeTitle(n) {
    var lines = [n.label + " (" + types.get(n.type).label + ")"];
    if (n.definition) lines.push("", n.definition);
    if (n.synonyms.length) lines.push("", "Also called: " + n.synonyms.join(", "));
    if (n.brands.length) lines.push("Brand names: " + n.brands.join(", "));
    identifiers(n).forEach(function (pair) { lines.push(pair[0] + ": " + pair[1]); });
    n.facts.forEach(function (f) { lines.push(f.label + ": " + f.value); });
    lines.push("", "Click for its relations, evidence and sources.");
    return lines.join("\n");
  }

  function provLines(p) {
    var lines = [];
    if (p.when) lines.push("Applies when: " + p.when);
    if (p.evidence) lines.push("Evidence: " + p.evidence);
    lines.push("Source: " + sourceName(p.source) + (p.section ? ", section \u201C" + p.section + "\u201D" : ""));
    if (p.anchor) lines.push("Look for: \u201C" + p.anchor + "\u201D");
    return lines;
  }

  function edgeTitle(e) {
    var lines = [label(e.from) + " \u2014 " + relations.get(e.relation).label + " \u2192 " + label(e.to)];
    e.prov.forEach(function (p) { lines.push(""); lines.push.apply(lines, provLines(p)); });
    if (!e.prov.length) lines.push("", "No source annotation for this fact.");
    return lines.join("\n");
  }

  // ---------------------------------------------------------------- the network

  function nodeColor(n) {
    var t = types.get(n.type);
    return { background: t.color, border: "#333333", highlight: { background: t.color, border: "#000000" },
             hover: { background: t.color, border: "#000000" } };
  }
  function edgeColor(e, opacity) {
    var c = relations.get(e.relation).color, color = { color: c, highlight: c, hover: c };
    if (opacity !== undefined) color.opacity = opacity;
    return color;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var t = types.get(n.type);
    return { id: n.id, label: n.label, type: n.type, x: n.x, y: n.y, shape: t.shape, color: nodeColor(n),
             title: nodeTitle(n), size: n.id === data.page.focus ? 22 : 14 };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var r = relations.get(e.relation);
    var item = { id: e.id, from: e.from, to: e.to, relation: e.relation, label: e.label, title: edgeTitle(e),
                 color: edgeColor(e), dashes: r.dashes, width: r.width };
    if (e.smooth) item.smooth = e.smooth;
    return item;
  }));
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  // Captions of the ladder: step names left of their row (under the graph), and when to move on
  // between two rows (over the edges, on a white box). Canvas text cannot carry markup.
  function drawCaptions(ctx, boxed) {
    data.page.captions.forEach(function (c) {
      if ((c.align === "center") !== boxed) return;
      ctx.save();
      ctx.font = boxed ? "italic 15px system-ui, sans-serif" : "600 17px system-ui, sans-serif";
      ctx.textAlign = c.align;
      ctx.textBaseline = "middle";
      if (boxed) {
        var w = ctx.measureText(c.text).width + 16;
        ctx.fillStyle = "rgba(255, 255, 255, 0.92)";
        ctx.strokeStyle = "#1565C0";
        ctx.fillRect(c.x - w / 2, c.y - 13, w, 26);
        ctx.strokeRect(c.x - w / 2, c.y - 13, w, 26);
      }
      ctx.fillStyle = boxed ? "#0d3c73" : "#4a4a4a";
      ctx.fillText(c.text, c.x, c.y);
      ctx.restore();
    });
  }
  network.on("beforeDrawing", function (ctx) { drawCaptions(ctx, false); });
  network.on("afterDrawing", function (ctx) { drawCaptions(ctx, true); });

  function fitAll() {
    // Fit the nodes and the captions (vis-network's fit() knows only the nodes).
    if (!data.nodes.length) return;
    var xs = [], ys = [];
    data.nodes.forEach(function (n) { xs.push(n.x - 60, n.x + 60); ys.push(n.y - 30, n.y + 40); });
    data.page.captions.forEach(function (c) {
      var w = 8 * c.text.length;
      xs.push(c.align === "center" ? c.x - w / 2 : c.x - w, c.align === "center" ? c.x + w / 2 : c.x);
      ys.push(c.y);
    });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var width = container.clientWidth || 800, height = container.clientHeight || 600;
    var scale = Math.min(width / (maxX - minX), height / (maxY - minY), 1.4) * 0.95;
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: scale, animation: false });
  }

  // ---------------------------------------------------------------- highlight and details

  function visibleEdge(e) {
    return !state.hiddenRelations.has(e.relation) && !state.hiddenTypes.has(records.get(e.from).type) &&
           !state.hiddenTypes.has(records.get(e.to).type);
  }

  // Highlight: everything is faded through the global options (one call), then only the clicked
  // node, its neighbours and the edges between them get their own full opacity. So a click costs
  // the size of the neighbourhood, not of the graph.
  var DIM = 0.15, DIM_FONT = "#c4c4c4", FONT = "#1a1a1a", EDGE_FONT = "#333333";
  var lit = { nodes: new Set(), edges: new Set() };  // items holding their own opacity
  var CHEAP_FONTS = data.nodes.length <= 1000;

  function faded(on) {
    var options = { nodes: { opacity: on ? DIM : 1 }, edges: { color: { opacity: on ? DIM : 1 } } };
    if (CHEAP_FONTS) {  // re-styling every label costs about 0.2 s per 1,000 nodes: only on small pages
      options.nodes.font = { color: on ? DIM_FONT : FONT };
      options.edges.font = { color: on ? DIM_FONT : EDGE_FONT };
    }
    return options;
  }

  function highlight(id) {
    var keep = new Set([id]), keepEdges = new Set();
    data.edges.forEach(function (e) {
      if ((e.from === id || e.to === id) && visibleEdge(e)) { keep.add(e.from); keep.add(e.to); keepEdges.add(e.id); }
    });
    if (!state.highlighted.length) network.setOptions(faded(true));
    var nodeUpdates = [], edgeUpdates = [];
    lit.nodes.forEach(function (n) {
      if (!keep.has(n)) nodeUpdates.push({ id: n, opacity: DIM, font: { color: DIM_FONT } });
    });
    keep.forEach(function (n) { nodeUpdates.push({ id: n, opacity: 1, font: { color: FONT } }); lit.nodes.add(n); });
    lit.edges.forEach(function (e) {
      if (!keepEdges.has(e)) edgeUpdates.push({ id: e, color: edgeColor(edgeRecords.get(e), DIM), font: { color: DIM_FONT } });
    });
    keepEdges.forEach(function (e) {
      edgeUpdates.push({ id: e, color: edgeColor(edgeRecords.get(e), 1), font: { color: EDGE_FONT } });
      lit.edges.add(e);
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    state.highlighted = Array.from(keep).sort();
  }

  function unhighlight() {
    if (!state.highlighted.length) return;
    network.setOptions(faded(false));
    nodes.update(Array.from(lit.nodes).map(function (n) { return { id: n, opacity: 1, font: { color: FONT } }; }));
    edges.update(Array.from(lit.edges).map(function (e) {
      return { id: e, color: edgeColor(edgeRecords.get(e), 1), font: { color: EDGE_FONT } };
    }));
    state.highlighted = [];
  }

  var details = document.getElementById("details");

  function showHint() {
    clear(details);
    details.appendChild(el("h2", "Details"));
    details.appendChild(el("p", "Click an entity or a relation, or find one by name, to read its definition " +
                                "and the evidence and source of each fact.", "hint"));
  }

  function provBlock(p) {
    var box = el("div", null, "prov");
    [["Applies when", p.when], ["Evidence", p.evidence], ["Source", sourceName(p.source)], ["Section", p.section],
     ["Look for", p.anchor ? "\u201C" + p.anchor + "\u201D" : ""]].forEach(function (pair) {
      if (!pair[1]) return;
      var line = el("p");
      line.appendChild(el("strong", pair[0] + ": "));
      line.appendChild(document.createTextNode(pair[1]));
      box.appendChild(line);
    });
    return box;
  }

  function entityButton(id) {
    var b = el("button", label(id), "link");
    b.type = "button";
    b.addEventListener("click", function () { select(id, true); });
    return b;
  }

  function showNode(id) {
    var n = records.get(id);
    clear(details);
    details.appendChild(el("h2", n.label));
    details.appendChild(el("p", types.get(n.type).label, "kind"));
    var dl = el("dl");
    function item(term, value) { if (!value) return; dl.appendChild(el("dt", term)); dl.appendChild(el("dd", value)); }
    item("Definition", n.definition);
    item("Also called", n.synonyms.join(", "));
    item("Brand names", n.brands.join(", "));
    identifiers(n).forEach(function (pair) { item(pair[0], pair[1]); });
    details.appendChild(dl);
    n.facts.forEach(function (f) {
      details.appendChild(el("h3", f.label + ": " + f.value));
      f.prov.forEach(function (p) { details.appendChild(provBlock(p)); });
    });
    var linked = data.edges.filter(function (e) { return e.from === id || e.to === id; });
    if (linked.length) {
      details.appendChild(el("h3", "Relations on this page"));
      var list = el("ul");
      linked.forEach(function (e) {
        var li = el("li");
        var rel = relations.get(e.relation).label;
        if (e.from === id) { li.appendChild(el("span", rel + " ")); li.appendChild(entityButton(e.to)); }
        else { li.appendChild(entityButton(e.from)); li.appendChild(el("span", " " + rel + " this")); }
        e.prov.forEach(function (p) { li.appendChild(provBlock(p)); });
        list.appendChild(li);
      });
      details.appendChild(list);
    }
    details.appendChild(el("p", n.iri, "iri"));
  }

  function showEdge(id) {
    var e = edgeRecords.get(id), r = relations.get(e.relation);
    clear(details);
    var head = el("h2");
    head.appendChild(entityButton(e.from));
    head.appendChild(el("span", " " + r.label + " "));
    head.appendChild(entityButton(e.to));
    details.appendChild(head);
    if (r.definition) details.appendChild(el("p", r.definition, "kind"));
    e.prov.forEach(function (p) { details.appendChild(provBlock(p)); });
    if (!e.prov.length) details.appendChild(el("p", "No source annotation for this fact.", "hint"));
  }

  function select(id, focus) {
    if (!records.has(id)) return;
    if (state.hiddenTypes.has(records.get(id).type)) setTypeVisible(records.get(id).type, true);
    state.selected = id;
    network.selectNodes([id]);
    highlight(id);
    showNode(id);
    if (focus) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: false });
      arrowsForZoom();
    }
  }

  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0], false);
    else if (params.edges.length) { state.selected = null; unhighlight(); showEdge(params.edges[0]); }
    else { state.selected = null; unhighlight(); showHint(); }
  });

  // ---------------------------------------------------------------- search

  function norm(text) { return String(text).trim().replace(/\s+/g, " ").toLocaleLowerCase(); }
  var names = [];
  data.nodes.forEach(function (n) {
    names.push({ key: norm(n.label), id: n.id, how: "label", text: n.label });
    n.synonyms.forEach(function (s) { names.push({ key: norm(s), id: n.id, how: "synonym", text: s }); });
    n.brands.forEach(function (s) { names.push({ key: norm(s), id: n.id, how: "brand name", text: s }); });
  });

  function find(query) {
    var q = norm(query), best = null;
    if (!q) return null;
    names.forEach(function (name) {
      var rank = name.key === q ? 0 : name.key.indexOf(q) === 0 ? 2 : name.key.indexOf(q) > 0 ? 4 : -1;
      if (rank < 0) return;
      if (name.how !== "label") rank += 1;
      var candidate = { rank: rank, name: name, sort: norm(label(name.id)) + "\u0000" + name.id };
      if (!best || rank < best.rank || (rank === best.rank && candidate.sort < best.sort)) best = candidate;
    });
    return best && best.name;
  }

  var status = document.getElementById("search-status");
  function search(query) {
    var hit = find(query);
    if (!hit) { status.textContent = "Nothing on this page is called \u201C" + String(query).trim() + "\u201D."; return null; }
    select(hit.id, true);
    status.textContent = hit.how === "label" ? "Found " + hit.text + "."
      : "Found " + label(hit.id) + " (" + hit.how + " \u201C" + hit.text + "\u201D).";
    return hit.id;
  }
  var datalist = document.getElementById("search-names");
  Array.from(new Set(names.map(function (n) { return n.text; }))).sort().forEach(function (text) {
    var option = document.createElement("option");
    option.value = text;
    datalist.appendChild(option);
  });
  var input = document.getElementById("search");
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
  });

  // ---------------------------------------------------------------- legend and filters

  function setTypeVisible(type, on) {
    if (on) state.hiddenTypes.delete(type); else state.hiddenTypes.add(type);
    nodes.update(data.nodes.filter(function (n) { return n.type === type; })
                           .map(function (n) { return { id: n.id, hidden: !on }; }));
    var box = document.querySelector("#type-filters input[data-index='" + data.types.findIndex(function (t) {
      return t.id === type; }) + "']");
    if (box) box.checked = on;
    if (state.selected) highlight(state.selected);
  }

  function setRelationVisible(relation, on) {
    if (on) state.hiddenRelations.delete(relation); else state.hiddenRelations.add(relation);
    edges.update(data.edges.filter(function (e) { return e.relation === relation; })
                           .map(function (e) { return { id: e.id, hidden: !on }; }));
    if (state.selected) highlight(state.selected);
  }

  function count(list, key, value) { return list.filter(function (x) { return x[key] === value; }).length; }

  function legendItem(kind, index, swatch, howMany, onChange) {
    var li = el("li"), labelEl = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.index = String(index);
    box.addEventListener("change", function () { onChange(box.checked); });
    labelEl.appendChild(box);
    labelEl.appendChild(swatch);
    labelEl.appendChild(el("span", kind.label));
    labelEl.appendChild(el("span", "(" + howMany + ")", "count"));
    if (kind.definition) labelEl.title = kind.definition;
    li.appendChild(labelEl);
    return li;
  }

  var typeList = document.getElementById("type-filters");
  data.types.forEach(function (t, i) {
    var glyph = el("span", GLYPHS[t.shape] || GLYPHS.dot, "glyph");
    glyph.style.color = t.color;
    typeList.appendChild(legendItem(t, i, glyph, count(data.nodes, "type", t.id),
                                    function (on) { setTypeVisible(t.id, on); }));
  });
  var relationList = document.getElementById("relation-filters");
  data.relations.forEach(function (r, i) {
    var line = el("span", null, "line");
    line.style.borderTopColor = r.color;
    line.style.borderTopStyle = r.dashes ? (r.dashes[0] <= 2 ? "dotted" : "dashed") : "solid";
    relationList.appendChild(legendItem(r, i, line, count(data.edges, "relation", r.id),
                                        function (on) { setRelationVisible(r.id, on); }));
  });

  // ---------------------------------------------------------------- header, warning, sources

  var nav = document.getElementById("nav");
  data.page.nav.forEach(function (item) {
    if (!/^[A-Za-z0-9_\-.\/]+$/.test(item.href)) return;  // relative page paths only
    var a = el("a", item.label);
    a.setAttribute("href", item.href);
    if (item.current) a.setAttribute("aria-current", "page");
    nav.appendChild(a);
  });
  if (data.page.warning) {
    var warning = document.getElementById("warning");
    warning.textContent = data.page.warning;
    warning.hidden = false;
  }
  var footer = document.getElementById("sources");
  Object.keys(data.sources).sort().forEach(function (id) {
    var s = data.sources[id], parts = [s.title || id];
    if (s.publisher) parts.push(s.publisher);
    if (s.reviewer) parts.push("reviewed by " + s.reviewer + (s.date ? " on " + s.date : ""));
    footer.appendChild(el("p", "Source: " + parts.join("; ")));
  });
  footer.appendChild(el("p", "A summary of the sources above, for learning and teaching; not medical advice."));
  showHint();

  // Arrowheads cost more to draw than the rest of an edge and cannot be seen when zoomed far out:
  // drop them there, so a big graph pans and zooms smoothly.
  var arrows = true;
  function arrowsForZoom() {
    var on = network.getScale() >= 0.3;
    if (on === arrows) return;
    arrows = on;
    network.setOptions({ edges: { arrows: { to: { enabled: on } } } });
  }
  network.on("zoom", arrowsForZoom);

  network.once("afterDrawing", function () {
    state.ready = true;
    state.readyAt = performance.now();
  });
  fitAll();
  arrowsForZoom();

  // Read-only handle for tests and the console.
  window.medkg = Object.freeze({
    nodes: nodes,
    edges: edges,
    network: network,
    get ready() { return state.ready; },
    get readyAt() { return state.readyAt; },
    selected: function () { return state.selected; },
    highlighted: function () { return state.highlighted.slice(); },
    find: function (query) { var hit = find(query); return hit ? hit.id : null; },
    search: search,
    domPosition: function (id) {
      var p = network.canvasToDOM(network.getPositions([id])[id]), box = container.getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }
  });
})();
