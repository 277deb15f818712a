"""The HTML page ``medkg serve`` shows at ``/``: type or pick a query, run it, read the answer.

Works offline: no CDN, no external font or script. The script builds every result cell with
``textContent``, never ``innerHTML``, and IRIs are shown as text, not links, so nothing in the graph
or in an answer can inject markup or script. The named queries travel as JSON inside a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

CSS = """\
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 75rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.3rem; margin: 0 0 .2rem; }
p.about { margin: 0 0 1rem; color: #555; }
label { font-weight: 600; margin-right: .4rem; }
select, button { font: inherit; padding: .25rem .5rem; }
textarea { width: 100%; box-sizing: border-box; height: 18rem; font: 13px/1.4 ui-monospace, monospace;
           margin: .5rem 0; padding: .5rem; }
#status { margin: .5rem 0; color: #333; white-space: pre-wrap; }
#status.error { color: #a00; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f1f1f1; }
pre { background: #f7f7f7; padding: .75rem; overflow: auto; font-size: 13px; }
"""

SCRIPT = """\
"use strict";
const data = JSON.parse(document.getElementById("medkg-data").textContent);
const form = document.getElementById("run-form");
const text = document.getElementById("query");
const picker = document.getElementById("named");
const status = document.getElementById("status");
const output = document.getElementById("output");

for (const q of data.queries) {
  const option = document.createElement("option");
  option.value = q.name;
  option.textContent = q.name + " \\u2014 " + q.title;
  picker.appendChild(option);
}
picker.addEventListener("change", () => {
  const q = data.queries.find((item) => item.name === picker.value);
  if (q) { text.value = q.text; }
});
if (data.queries.length && !text.value) { picker.value = data.queries[0].name; text.value = data.queries[0].text; }

function short(term) {
  if (term.type === "uri") {
    for (const [prefix, ns] of Object.entries(data.prefixes)) {
      const local = term.value.slice(ns.length);
      if (term.value.startsWith(ns) && /^[\\w.-]+$/.test(local)) { return prefix + ":" + local; }
    }
    return "<" + term.value + ">";
  }
  if (term.type === "bnode") { return "_:" + term.value; }
  return term.value;
}

function cell(row, tag, value) {
  const element = document.createElement(tag);
  element.textContent = value;
  row.appendChild(element);
}

function showTable(results) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of results.head.vars) { cell(head, "th", name); }
  const body = table.createTBody();
  for (const binding of results.results.bindings) {
    const row = body.insertRow();
    for (const name of results.head.vars) { cell(row, "td", binding[name] ? short(binding[name]) : ""); }
  }
  output.replaceChildren(table);
  const n = results.results.bindings.length;
  return n + (n === 1 ? " row" : " rows");
}

async function run(event) {
  event.preventDefault();
  status.className = "";
  status.textContent = "running\\u2026";
  output.replaceChildren();
  const started = performance.now();
  let response;
  try {
    response = await fetch(data.endpoint, {
      method: "POST",
      headers: {"Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: text.value,
    });
  } catch (error) {
    status.className = "error";
    status.textContent = "cannot reach the endpoint: " + error;
    return;
  }
  const took = Math.round(performance.now() - started) + " ms";
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    status.className = "error";
    status.textContent = "HTTP " + response.status + ": " + await response.text();
    return;
  }
  if (type.startsWith("application/sparql-results+json")) {
    const results = await response.json();
    if ("boolean" in results) {
      status.textContent = "ASK: " + results.boolean + " (" + took + ")";
      return;
    }
    const count = showTable(results);
    const capped = response.headers.get("X-SPARQL-MaxRows");
    status.textContent = count + (capped ? " (cut at the row limit of " + capped + ")" : "") + " in " + took;
  } else {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    output.replaceChildren(pre);
    status.textContent = "graph (" + type.split(";")[0] + ") in " + took;
  }
}
form.addEventListener("submit", run);
text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { form.requestSubmit(); }
});
"""


def _json_for_html(value: object) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>``, no ``<!--``, no ``&`` entities."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(*, endpoint: str, queries: list[dict[str, str]], prefixes: Mapping[str, str], triples: int,
         timeout: float, max_rows: int) -> bytes:
    """The page, with the named queries (their defaults bound) to pick from."""
    data = _json_for_html({"endpoint": endpoint, "queries": queries, "prefixes": dict(prefixes)})
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>medkg SPARQL endpoint</title>
<link rel="stylesheet" href="/medkg-sparql.css">
</head>
<body>
<h1>medkg SPARQL endpoint</h1>
<p class="about">{triples} triples, read-only. SPARQL 1.1 Protocol at <code>{html.escape(endpoint)}</code>;
each query may run {timeout:g} s and return {max_rows} rows.</p>
<form id="run-form">
<label for="named">Named query</label><select id="named"></select>
<textarea id="query" spellcheck="false" aria-label="SPARQL query"></textarea>
<button type="submit">Run (Ctrl+Enter)</button>
</form>
<div id="status" role="status"></div>
<div id="output"></div>
<script type="application/json" id="medkg-data">{data}</script>
<script src="/medkg-sparql.js"></script>
</body>
</html>
""".encode()
