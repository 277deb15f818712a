"""The named queries: their headers, their golden answers on the default graph, bound parameters."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from medkg.queries import KINDS, QUERIES, QueryError, library, parse, parse_assignments, resolve, with_values
from medkg.results import short
from medkg.sparql import OxigraphEngine, RdflibEngine, Result, store_from_graph

from . import DIAZEPAM, NOCTURNAL_SPASMS, TENDON_RELEASE, TREATS

LEFT_UNTREATED = "spasticity is left untreated"
FIRST_STEP = "as the first step of treatment"
DAILY = "done daily, as the first step of treatment"
ORAL_FAILS = "oral medications are not effective"
THERAPY_FAILS = "physical and occupational therapy do not adequately control the spasticity"
OTHERS_FAIL = "other treatments fail; usually only in extreme cases"
AGE = OTHERS_FAIL + "; whether it is done depends on the patient's age"
SEVERE = "severe spasticity that has not responded to other treatment"
ARTICLE_TITLE = "Controlling the Muscle Spasms of Multiple Sclerosis"
DRUGS_SECTION = "What Drugs Are Used to Treat Spasticity?"
ORAL_FAILS_NOTE = ("When drugs by mouth do not work, the next options are an implanted pump that delivers the drug or "
                   "local injections of botulinum toxin.")
PT, OT, SP = "mk:physical_therapy", "mk:occupational_therapy", "mk:spasticity"
BAC, TIZ, DIA = "mk:baclofen", "mk:tizanidine", "mk:diazepam"
PUMP, BOTOX = "mk:baclofen_pump", "mk:botulinum_toxin_injection"
RHIZ, TENDON = "mk:rhizotomy", "mk:tendon_release"

# Every named query with its default parameters: the header, then the rows, IRIs shortened with the
# query's own prefixes and literals as their text. Checked by hand against the article.
GOLDEN: dict[str, tuple[tuple[str, ...], ...]] = {
    "components": (
        ("treatment", "component", "label", "treats"),
        (OT, "mk:bracing", "bracing", ""),
        (OT, "mk:casting", "casting", ""),
        (OT, "mk:splinting", "splinting", ""),
    ),
    "conditions": (
        ("condition", "label", "kind", "manifestationOf", "riskOf", "treatments"),
        ("mk:contracture", "contracture", "complication", "", "", "0"),
        ("mk:multiple_sclerosis", "multiple sclerosis", "condition", "", "", "0"),
        ("mk:pain", "pain", "condition", "", "", "1"),
        ("mk:pressure_sore", "pressure sore", "complication", "", "", "0"),
        ("mk:nocturnal_spasms", "spasms that disturb sleep", "condition", SP, "", "1"),
        (SP, "spasticity", "condition", "mk:multiple_sclerosis", "mk:contracture", "10"),
        (SP, "spasticity", "condition", "mk:multiple_sclerosis", "mk:pressure_sore", "10"),
    ),
    "drugs": (
        ("drug", "label", "brandName", "givenAs", "deliveredBy", "deviceLabel"),
        (BAC, "baclofen", "", "oral medication", PUMP, "baclofen pump"),
        (BOTOX, "botulinum toxin injection", "Botox", "injected or intrathecal therapy", "", ""),
        (DIA, "diazepam", "Valium", "oral medication", "", ""),
        (TIZ, "tizanidine", "Zanaflex", "oral medication", "", ""),
    ),
    "entity": (
        ("entity", "direction", "property", "propertyLabel", "value", "valueLabel"),
        (TENDON, "out", "obo:IAO_0000115", "definition",
         "An operation that cuts a tight tendon free from its muscle so the limb can relax.", ""),
        (TENDON, "out", "rdf:type", "", "owl:NamedIndividual", ""),
        (TENDON, "out", "rdf:type", "", "medkg:SurgicalProcedure", "surgical procedure"),
        (TENDON, "out", "rdfs:label", "", "tendon release", ""),
        (TENDON, "out", "skos:altLabel", "synonym", "tenotomy", ""),
        (TENDON, "out", "medkg:ladderStep", "ladder step", "<https://w3id.org/medkg/ladder/spasticity/4>",
         "spasticity treatment ladder, step 4"),
        (TENDON, "out", "medkg:mayNeedRepeating", "may need repeating", "true", ""),
        (TENDON, "out", "medkg:mentionedIn", "mentioned in", "mksrc:controlling-ms-spasticity", ARTICLE_TITLE),
        (TENDON, "out", "medkg:reservedFor", "reserved for", SEVERE, ""),
        (TENDON, "out", "medkg:treats", "treats", SP, "spasticity"),
        (TENDON, "in", "medkg:escalatesTo", "escalates to", PUMP, "baclofen pump"),
        (TENDON, "in", "medkg:escalatesTo", "escalates to", BOTOX, "botulinum toxin injection"),
    ),
    "evidence": (
        ("subject", "predicate", "object", "source", "title", "reviewedBy", "reviewDate", "section", "evidence",
         "anchor", "appliesWhen"),
        (BAC, "medkg:escalatesTo", PUMP, "mksrc:controlling-ms-spasticity", ARTICLE_TITLE, "Neil Lava, MD",
         "2015-02-22", DRUGS_SECTION, ORAL_FAILS_NOTE, "If medications taken orally are not effective", ORAL_FAILS),
        (BAC, "medkg:escalatesTo", BOTOX, "mksrc:controlling-ms-spasticity", ARTICLE_TITLE, "Neil Lava, MD",
         "2015-02-22", DRUGS_SECTION, ORAL_FAILS_NOTE, "If medications taken orally are not effective", ORAL_FAILS),
        (BAC, "medkg:treats", SP, "mksrc:controlling-ms-spasticity", ARTICLE_TITLE, "Neil Lava, MD", "2015-02-22",
         DRUGS_SECTION, "Baclofen and tizanidine (Zanaflex) are named as the common muscle relaxants given for "
         "spasticity.", "muscle relaxants baclofen and Zanaflex", ""),
    ),
    "find": (
        ("text", "entity", "label", "kind", "matched"),
        ("zanaflex", TIZ, "tizanidine", "oral medication", "Zanaflex"),
    ),
    "first-line": (
        ("condition", "treatment", "label", "kind", "appliesWhen"),
        (SP, OT, "occupational therapy", "occupational therapy intervention", FIRST_STEP),
        (SP, PT, "physical therapy", "physical therapy intervention", FIRST_STEP),
        (SP, "mk:stretching_program", "stretching program", "physical therapy intervention", DAILY),
    ),
    "ladder": (
        ("start", "step", "from", "fromLabel", "to", "toLabel", "appliesWhen"),
        *[(PT, "1", PT, "physical therapy", drug, label, THERAPY_FAILS)
          for drug, label in ((BAC, "baclofen"), (DIA, "diazepam"), (TIZ, "tizanidine"))],
        *[(PT, "2", drug, dlabel, step3, slabel, ORAL_FAILS)
          for drug, dlabel in ((BAC, "baclofen"), (DIA, "diazepam"), (TIZ, "tizanidine"))
          for step3, slabel in ((PUMP, "baclofen pump"), (BOTOX, "botulinum toxin injection"))],
        *[(PT, "3", step3, slabel, surgery, label, OTHERS_FAIL)
          for step3, slabel in ((PUMP, "baclofen pump"), (BOTOX, "botulinum toxin injection"))
          for surgery, label in ((RHIZ, "rhizotomy"), (TENDON, "tendon release"))],
    ),
    "missing-provenance": (
        ("subject", "predicate", "object"),
    ),
    "next-step": (
        ("treatment", "next", "label", "kind", "appliesWhen"),
        (BAC, PUMP, "baclofen pump", "device", ORAL_FAILS),
        (BAC, BOTOX, "botulinum toxin injection", "injected or intrathecal therapy", ORAL_FAILS),
    ),
    "surgery": (
        ("condition", "procedure", "label", "appliesWhen", "reservedFor", "mayNeedRepeating"),
        (SP, RHIZ, "rhizotomy", OTHERS_FAIL, SEVERE, ""),
        (SP, TENDON, "tendon release", AGE, SEVERE, "true"),
    ),
    "treatments": (
        ("condition", "treatment", "label", "kind", "line", "appliesWhen"),
        (SP, OT, "occupational therapy", "occupational therapy intervention", "1", FIRST_STEP),
        (SP, PT, "physical therapy", "physical therapy intervention", "1", FIRST_STEP),
        (SP, "mk:stretching_program", "stretching program", "physical therapy intervention", "1", DAILY),
        (SP, BAC, "baclofen", "oral medication", "2", ""),
        (SP, DIA, "diazepam", "oral medication", "2", ""),
        (SP, TIZ, "tizanidine", "oral medication", "2", ""),
        (SP, PUMP, "baclofen pump", "device", "3", ORAL_FAILS),
        (SP, BOTOX, "botulinum toxin injection", "injected or intrathecal therapy", "3", ORAL_FAILS),
        (SP, RHIZ, "rhizotomy", "surgical procedure", "4", OTHERS_FAIL),
        (SP, TENDON, "tendon release", "surgical procedure", "4", AGE),
    ),
    "untreated": (
        ("condition", "role", "entity", "label", "appliesWhen"),
        (SP, "complication if untreated", "mk:contracture", "contracture", LEFT_UNTREATED),
        (SP, "complication if untreated", "mk:pressure_sore", "pressure sore", LEFT_UNTREATED),
        (SP, "addressed by", BAC, "baclofen", ""),
        (SP, "addressed by", PUMP, "baclofen pump", ORAL_FAILS),
        (SP, "addressed by", BOTOX, "botulinum toxin injection", ORAL_FAILS),
        (SP, "addressed by", DIA, "diazepam", ""),
        (SP, "addressed by", OT, "occupational therapy", FIRST_STEP),
        (SP, "addressed by", PT, "physical therapy", FIRST_STEP),
        (SP, "addressed by", RHIZ, "rhizotomy", OTHERS_FAIL),
        (SP, "addressed by", "mk:stretching_program", "stretching program", DAILY),
        (SP, "addressed by", TENDON, "tendon release", AGE),
        (SP, "addressed by", TIZ, "tizanidine", ""),
    ),
}

# Other parameter values: (query, parameters, expected value of one column, that column)
VARIANTS = [
    ("treatments", {"condition": "pain"}, [RHIZ], "treatment"),
    ("treatments", {"condition": "mk:nocturnal_spasms"}, [DIA], "treatment"),
    ("first-line", {"condition": "nocturnal_spasms"}, [DIA], "treatment"),
    ("next-step", {"treatment": "physical_therapy"}, [BAC, DIA, TIZ], "next"),
    ("next-step", {"treatment": "tendon_release"}, [], "next"),
    ("ladder", {"start": "botulinum_toxin_injection"}, [RHIZ, TENDON], "to"),
    ("evidence", {"subject": "diazepam", "predicate": "treats"}, ["mk:nocturnal_spasms", SP], "object"),
    ("find", {"text": "BOTOX"}, [BOTOX], "entity"),
    ("find", {"text": "spasm"}, ["mk:nocturnal_spasms", "mk:nocturnal_spasms", SP], "entity"),  # labels, synonyms
    ("surgery", {"condition": "pain"}, [RHIZ], "procedure"),
    ("components", {"treatment": "physical_therapy"}, ["mk:stretching_program"], "component"),
]


@pytest.fixture(scope="module")
def engine(graph: Graph) -> OxigraphEngine:
    return OxigraphEngine(store_from_graph(graph))


def table(result: Result, prefixes: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    return (tuple(result.variables), *(tuple(short(t, prefixes) for t in row) for row in result.rows))


def test_library_has_the_queries_the_issue_asks_for() -> None:
    queries = library()
    assert len(queries) >= 10
    assert set(GOLDEN) | {"entity-graph", "treats"} == set(queries), "every named query needs a golden answer"
    for name, query in queries.items():
        assert query.title and query.title != name and query.description, name
        assert all(p.description for p in query.params), name


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_answer(engine: OxigraphEngine, name: str) -> None:
    query = library()[name]
    result = engine.query(query.text, query.bindings(), where=query.where)
    assert table(result, query.prefixes) == GOLDEN[name]


@pytest.mark.parametrize(("name", "values", "expected", "column"), VARIANTS)
def test_parameter_values(engine: OxigraphEngine, name: str, values: dict[str, str], expected: list[str],
                          column: str) -> None:
    query = library()[name]
    result = engine.query(query.text, query.bindings(values), where=query.where)
    index = result.variables.index(column)
    assert [short(row[index], query.prefixes) for row in result.rows] == expected


def test_ask(engine: OxigraphEngine) -> None:
    query = library()["treats"]
    assert engine.query(query.text, query.bindings()).boolean is True
    assert engine.query(query.text, query.bindings({"treatment": "diazepam", "condition": "pain"})).boolean is False
    assert engine.query(query.text, query.bindings({"treatment": "diazepam",
                                                    "condition": "nocturnal_spasms"})).boolean is True


def test_entity_graph_is_the_entity_with_the_provenance_of_its_facts(engine: OxigraphEngine, graph: Graph) -> None:
    query = library()["entity-graph"]
    result = engine.query(query.text, query.bindings())
    got = Graph()
    got.parse(data="".join(f"{t} .\n" for t in result.triples), format="nt")
    expected = Graph()
    for s, p, o in graph.triples((TENDON_RELEASE, None, None)):
        expected.add((s, p, o))
    for s, p, o in graph.triples((None, None, TENDON_RELEASE)):
        if isinstance(s, URIRef):
            expected.add((s, p, o))
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        if TENDON_RELEASE in (graph.value(axiom, OWL.annotatedSource), graph.value(axiom, OWL.annotatedTarget)):
            for triple in graph.triples((axiom, None, None)):
                expected.add(triple)
    assert len(expected) > 30
    assert isomorphic(got, expected)


def test_engines_agree(engine: OxigraphEngine, graph: Graph) -> None:
    """pyoxigraph (the engine) and rdflib give the same answer to every named query."""
    slow = RdflibEngine(graph)
    for name, query in library().items():
        a = engine.query(query.text, query.bindings())
        b = slow.query(query.text, query.bindings())
        assert (a.form, a.variables, a.rows, a.boolean) == (b.form, b.variables, b.rows, b.boolean), name
        assert sorted(map(str, a.triples)) == sorted(map(str, b.triples)) or name == "entity-graph"
    graph_query = library()["entity-graph"]
    a, b = (e.query(graph_query.text, graph_query.bindings()) for e in (engine, slow))
    nt = [Graph().parse(data="".join(f"{t} .\n" for t in r.triples), format="nt") for r in (a, b)]
    assert isomorphic(*nt)


# ---------------------------------------------------------------- QC: facts missing provenance


def _without(graph: Graph, remove: list[tuple]) -> Graph:  # type: ignore[type-arg]
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    for triple in remove:
        copy.remove(triple)
    return copy


def _axiom_of(graph: Graph, s: URIRef, p: URIRef, o: URIRef) -> URIRef:
    axioms = [a for a in graph.subjects(OWL.annotatedSource, s)
              if graph.value(a, OWL.annotatedProperty) == p and graph.value(a, OWL.annotatedTarget) == o]
    assert len(axioms) == 1
    return axioms[0]


def _missing(graph: Graph) -> list[tuple[str, ...]]:
    query = library()["missing-provenance"]
    result = OxigraphEngine(store_from_graph(graph)).query(query.text)
    return [tuple(short(t, query.prefixes) for t in row) for row in result.rows]


def test_missing_provenance_finds_a_fact_whose_axiom_was_removed(graph: Graph) -> None:
    axiom = _axiom_of(graph, DIAZEPAM, TREATS, NOCTURNAL_SPASMS)
    broken = _without(graph, list(graph.triples((axiom, None, None))))
    assert _missing(broken) == [("mk:diazepam", "medkg:treats", "mk:nocturnal_spasms")]


def test_missing_provenance_finds_an_axiom_without_source(graph: Graph) -> None:
    axiom = _axiom_of(graph, DIAZEPAM, TREATS, NOCTURNAL_SPASMS)
    broken = _without(graph, list(graph.triples((axiom, DCTERMS.source, None))))
    assert _missing(broken) == [("mk:diazepam", "medkg:treats", "mk:nocturnal_spasms")]


# ---------------------------------------------------------------- parameters are bound, not pasted

ECHO = """# title: Echo
# description: Gives back its parameter.
# param: ?value string = x -- anything
SELECT ?value WHERE { }
"""
NASTY = ['a" } UNION { ?s ?p ?o } #', "it's", '\\" #}', "line\nbreak", "{ } # } \"\"\" '''", "<>&é\u2028"]


@pytest.mark.parametrize("value", NASTY)
def test_a_string_value_cannot_change_the_query(engine: OxigraphEngine, graph: Graph, value: str) -> None:
    query = parse(ECHO, name="echo", where="echo")
    for backend in (engine, OxigraphEngine(engine.store, bind="substitutions"), RdflibEngine(graph)):
        result = backend.query(query.text, query.bindings({"value": value}))
        assert [row[0].value for row in result.rows if row[0] is not None] == [value]
    # the VALUES text for remote endpoints parses back to exactly the same value
    remote = with_values(query.text, query.bindings({"value": value}))
    rows = list(pyoxigraph.Store().query(remote))
    assert [row["value"].value for row in rows] == [value]


def test_an_injection_finds_nothing(engine: OxigraphEngine) -> None:
    query = library()["find"]
    result = engine.query(query.text, query.bindings({"text": 'zanaflex" ) ) } UNION { ?entity ?p ?matched } #'}))
    assert result.rows == []


@pytest.mark.parametrize(("kind", "value", "error"), [
    ("entity", 'spasticity" } #', "an id has only letters"),
    ("entity", "spasticity> . ?s ?p ?o } #", "an id has only letters"),
    ("entity", "<https://example.org/a>b>", "Invalid IRI code point"),
    ("iri", "https://example.org/x y", "Invalid IRI code point"),
    ("iri", "not-an-iri", "No scheme found"),
    ("property", "treats}", "an id has only letters"),
    ("integer", "1 } #", "expected integer"),
    ("boolean", "maybe", "expected boolean"),
])
def test_bad_values_are_refused(kind: str, value: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        KINDS[kind](value)


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("entity", "baclofen", "<https://w3id.org/medkg/entity/baclofen>"),
    ("entity", "mk:baclofen", "<https://w3id.org/medkg/entity/baclofen>"),
    ("entity", "<https://w3id.org/medkg/entity/baclofen>", "<https://w3id.org/medkg/entity/baclofen>"),
    ("property", "treats", "<https://w3id.org/medkg/vocab/treats>"),
    ("iri", "http://purl.obolibrary.org/obo/HP_0001257", "<http://purl.obolibrary.org/obo/HP_0001257>"),
    ("string", 'say "hi"', '"say \\"hi\\""'),
    ("integer", "+07", '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("boolean", "yes", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
])
def test_values_become_terms(kind: str, value: str, expected: str) -> None:
    assert str(KINDS[kind](value)) == expected


def test_parameter_errors_name_the_query() -> None:
    query = library()["treatments"]
    with pytest.raises(QueryError, match=r"queries/treatments.rq: unknown parameter colour \(this query's "
                                         r"parameters: condition\)"):
        query.bindings({"colour": "red"})
    with pytest.raises(QueryError, match="parameter condition='a b' is not a valid entity"):
        query.bindings({"condition": "a b"})
    with pytest.raises(QueryError, match="must look like name=value"):
        parse_assignments(["condition"])
    assert parse_assignments(["?a=b=c", "x="]) == {"a": "b=c", "x": ""}


# ---------------------------------------------------------------- headers and files

BAD_HEADERS = [
    ("# param: condition entity = pain -- no question mark\nSELECT ?condition WHERE {}",
     "q.rq:1: cannot read parameter"),
    ("# param: ?c colour = red -- an unknown kind\nSELECT ?c WHERE {}",
     "q.rq:1: parameter c has unknown kind 'colour'"),
    ("# param: ?c entity = pain -- never used\nSELECT ?x WHERE {}", "q.rq:1: parameter c is not used in the query"),
    ("# param: ?c entity = pain -- used only in a comment\nSELECT ?x WHERE {} # ?c", "parameter c is not used"),
    ("# param: ?c integer = many -- a bad default\nSELECT ?c WHERE {}", "parameter c='many' is not a valid integer"),
]


@pytest.mark.parametrize(("text", "error"), BAD_HEADERS)
def test_bad_headers(text: str, error: str) -> None:
    with pytest.raises(QueryError, match=error):
        parse(text, name="q", where="q.rq")


def test_header_fields_and_continuations() -> None:
    query = parse("# title: T\n# description: one\n#   two\n# param: ?a string = x y -- first\n#   more\n"
                  "# param: ?b entity -- optional\nSELECT ?a ?b WHERE { }", name="q", where="q.rq")
    assert (query.title, query.description) == ("T", "one two")
    assert [(p.name, p.kind, p.default, p.description) for p in query.params] == [
        ("a", "string", "x y", "first more"), ("b", "entity", None, "optional")]
    assert set(query.bindings()) == {"a"}


def test_resolve_names_files_and_text(tmp_path: Path) -> None:
    assert resolve("treatments").where.endswith("treatments.rq")
    path = tmp_path / "mine.rq"
    path.write_text(ECHO, encoding="utf-8")
    assert resolve(str(path)).title == "Echo"
    assert resolve("ASK { ?s ?p ?o }").where == "query"
    with pytest.raises(QueryError, match=r"no named query or query file 'treatment' \(did you mean treatments"):
        resolve("treatment")


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { VALUES (?x) { (<http://e/a>) } ?x ?p ?o }"),
    ("PREFIX a: <http://e/#x>\n# { comment\nSELECT ?x { ?x ?p '{' }", "SELECT ?x { VALUES (?x) { (<http://e/a>) } ?x"),
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "WHERE { VALUES (?x) { (<http://e/a>) } ?x ?p ?o }"),
    ("ASK { { SELECT ?x { ?x ?p ?o } } }", "ASK { VALUES (?x) { (<http://e/a>) } { SELECT"),
    ('SELECT ?x WHERE { ?x ?p """a } {""" }', "WHERE { VALUES (?x) { (<http://e/a>) } ?x ?p"),
])
def test_values_go_at_the_start_of_the_where_clause(text: str, expected: str) -> None:
    bound = with_values(text, {"x": pyoxigraph.NamedNode("http://e/a")})
    assert expected in bound
    pyoxigraph.Store().query(bound)  # still SPARQL


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT ?x WHERE { ?x ?p ?o OPTIONAL { ?x ?q ?r } }", "OPTIONAL { VALUES (?x) { (<http://e/a>) } ?x ?q ?r }"),
    ("SELECT ?x WHERE { ?x ?p ?o MINUS { ?x ?q ?r } }", "MINUS { VALUES (?x) { (<http://e/a>) } ?x ?q ?r }"),
    ("SELECT ?x WHERE { { ?x ?p ?o } UNION { ?o ?p ?x } }", "UNION { VALUES (?x) { (<http://e/a>) } ?o ?p ?x }"),
    ("SELECT ?x WHERE { ?x ?p ?o OPTIONAL { ?o ?q ?r } }", "OPTIONAL { ?o ?q ?r }"),  # no ?x in it
    ("SELECT ?x WHERE { VALUES ?y { 1 2 } ?x ?p ?y }", "VALUES ?y { 1 2 }"),  # data, not a group
    ("SELECT ?x WHERE { VALUES (?y ?z) { (1 2) } ?x ?p ?y }", "VALUES (?y ?z) { (1 2) }"),
    ("ASK { { SELECT ?x { ?x ?p ?o } } }", "{ SELECT ?x { VALUES (?x) { (<http://e/a>) } ?x ?p ?o } }"),
])
def test_values_go_into_every_group_that_uses_the_parameter(text: str, expected: str) -> None:
    bound = with_values(text, {"x": pyoxigraph.NamedNode("http://e/a")})
    assert expected in bound
    pyoxigraph.Store().query(bound)


@pytest.mark.parametrize(("text", "error"), [
    ("CONSTRUCT WHERE { ?x ?p ?o }", "short form CONSTRUCT WHERE"),
    ("DESCRIBE ?x", "no WHERE clause"),
])
def test_values_need_a_where_clause(text: str, error: str) -> None:
    with pytest.raises(QueryError, match=error):
        with_values(text, {"x": pyoxigraph.NamedNode("http://e/a")})


def test_values_and_substitutions_agree(graph: Graph) -> None:
    """Each named query, its defaults bound as VALUES or with pyoxigraph's substitutions: same answer."""
    store = store_from_graph(graph)
    values, substituted = OxigraphEngine(store), OxigraphEngine(store, bind="substitutions")
    for name, query in library().items():
        bound = substituted.query(query.text, query.bindings())
        pasted = values.query(query.text, query.bindings())
        assert (bound.variables, bound.rows, bound.boolean, len(bound.triples)) == (
            pasted.variables, pasted.rows, pasted.boolean, len(pasted.triples)), name


def test_queries_folder_is_next_to_the_package() -> None:
    assert QUERIES.is_dir() and any(QUERIES.glob("*.rq"))
