"""What the pages and the JSON API show of the graph: one function per kind of entity, each a
few selective SPARQL queries over the store, returning plain dicts (IRIs as strings, amounts as
Decimal, years as int). The server adds its links; nothing here knows about URLs.

Lists take ``offset`` and ``limit`` and return ``(items, total)``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from .queries import basis_spellings

BASIS_KINDS = ("document_number", "law", "regulation", "charter", "internal_decision")
#: The budget figures a unit page charts, in the order shown.
FIGURE_KEYS = {
    "IncomeTotal": "income_total", "FiscalAppropriation": "fiscal_appropriation",
    "ExpenditureTotal": "expenditure_total", "BasicExpenditure": "basic_expenditure",
    "PersonnelExpenditure": "personnel_expenditure", "PublicExpenditure": "public_expenditure",
    "ProjectExpenditure": "project_expenditure", "OperatingExpenses": "operating_expenses",
    "ProcurementTotal": "procurement_total", "SangongTotal": "sangong_total",
    "SangongAbroad": "sangong_abroad", "SangongVehicle": "sangong_vehicle",
    "SangongVehiclePurchase": "sangong_vehicle_purchase", "SangongVehicleOperation": "sangong_vehicle_operation",
    "SangongReception": "sangong_reception", "AssetsTotal": "assets_total",
}
BKG_NS = "https://w3id.org/budgetkg/ontology#"


class ViewError(ValueError):
    """A request the views cannot answer as asked (a bad filter value); says which parameter."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.message, self.param = message, param


# ---- helpers ---------------------------------------------------------------------------------
def lit(text: str) -> str:
    """A SPARQL string literal (JSON escaping is valid SPARQL escaping).

    >>> lit('a "b"')
    '"a \\\\"b\\\\""'
    """
    return json.dumps(text, ensure_ascii=False)


def iri_term(iri: str) -> str:
    """``<iri>`` for a query, refusing anything that is not a valid IRI (no injection)."""
    return str(ox.NamedNode(iri))


def _value(term) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if datatype.endswith("#decimal") or datatype.endswith("#double"):
            return Decimal(term.value)
        if datatype.endswith("#gYear"):
            return int(term.value[:4])
        if datatype.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


def rows(store, sparql: str) -> list[dict[str, Any]]:
    result = store.query(sparql)
    names = [v.value for v in result.variables]
    return [{name: _value(row[name]) for name in names} for row in result]


def count(store, sparql_where: str, variable: str = "?x") -> int:
    found = rows(store, f"SELECT (COUNT(DISTINCT {variable}) AS ?n) WHERE {{ {sparql_where} }}")
    return int(found[0]["n"]) if found else 0


def _page(offset: int, limit: int) -> str:
    return f" LIMIT {int(limit)} OFFSET {int(offset)}"


def ref(iri: str | None, label: str | None) -> dict[str, Any] | None:
    return None if iri is None else {"iri": iri, "label": label or iri.rsplit("/", 1)[-1]}


def types(store, iri: str) -> set[str]:
    return {row["t"] for row in rows(store, f"SELECT DISTINCT ?t WHERE {{ {iri_term(iri)} a ?t }}")}


def exists(store, iri: str) -> bool:
    term = iri_term(iri)
    return bool(store.query(f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}"))


def label(store, iri: str) -> str | None:
    found = rows(store, f"""SELECT ?l WHERE {{ VALUES ?p {{ skos:prefLabel rdfs:label dcterms:title }}
        {iri_term(iri)} ?p ?l }} LIMIT 1""")
    return found[0]["l"] if found else None


# ---- documents --------------------------------------------------------------------------------
def documents(store, offset: int = 0, limit: int = 50, unit: str | None = None) -> tuple[list[dict], int]:
    where = "?x a bkg:BudgetDocument ; dcterms:publisher ?unit ."
    if unit:
        where += f" FILTER(?unit = {iri_term(unit)})"
    total = count(store, where)
    found = rows(store, f"""SELECT ?x ?label ?file ?unit ?unitName ?year ?kind ?format
        (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
          {where} ?x rdfs:label ?label ; bkg:fileName ?file ; bkg:fiscalYear ?year ; bkg:budgetKind ?kind ;
             bkg:sourceFormat ?format . ?unit skos:prefLabel ?unitName .
          OPTIONAL {{ ?project dcterms:isPartOf ?x ; a bkg:Project }}
        }} GROUP BY ?x ?label ?file ?unit ?unitName ?year ?kind ?format
        ORDER BY ?unitName DESC(?year) ?file""" + _page(offset, limit))
    return [{
        **ref(r["x"], r["label"]), "file": r["file"], "unit": ref(r["unit"], r["unitName"]), "year": r["year"],
        "kind": r["kind"], "format": r["format"], "projects": r["projects"],
    } for r in found], total


def document(store, iri: str) -> dict[str, Any] | None:
    term = iri_term(iri)
    found = rows(store, f"""SELECT ?label ?title ?file ?sha ?unit ?unitName ?year ?kind ?format ?lines ?pages ?goal WHERE {{
        {term} a bkg:BudgetDocument ; rdfs:label ?label ; bkg:fileName ?file ; bkg:sha256 ?sha ;
            bkg:fiscalYear ?year ; bkg:budgetKind ?kind ; bkg:sourceFormat ?format ; dcterms:publisher ?unit .
        ?unit skos:prefLabel ?unitName .
        OPTIONAL {{ {term} dcterms:title ?title }} OPTIONAL {{ {term} bkg:lineCount ?lines }}
        OPTIONAL {{ {term} bkg:pageCount ?pages }} OPTIONAL {{ {term} bkg:overallGoal ?goal }} }} LIMIT 1""")
    if not found:
        return None
    r = found[0]
    projects = rows(store, f"""SELECT ?p ?label ?no ?cost WHERE {{ ?p dcterms:isPartOf {term} ; a bkg:Project ;
        rdfs:label ?label ; bkg:projectNumber ?no . OPTIONAL {{ ?p bkg:cost ?cost }} }}""")
    projects.sort(key=lambda p: _natural(p["no"]))
    checks = rows(store, f"""SELECT ?name ?detail ?passed ?expected ?actual ?line ?page WHERE {{
        {term} bkg:check ?c . ?c rdfs:label ?name ; bkg:passed ?passed .
        OPTIONAL {{ ?c dcterms:description ?detail }} OPTIONAL {{ ?c bkg:expected ?expected }}
        OPTIONAL {{ ?c bkg:actual ?actual }} OPTIONAL {{ ?c bkg:sourceLine ?line }} OPTIONAL {{ ?c bkg:sourcePage ?page }} }}""")
    warnings = [w["w"] for w in rows(store, f"SELECT ?w WHERE {{ {term} bkg:warning ?w }} ORDER BY ?w")]
    return {
        **ref(iri, r["label"]), "title": r["title"], "file": r["file"], "sha256": r["sha"],
        "unit": ref(r["unit"], r["unitName"]), "year": r["year"], "kind": r["kind"], "format": r["format"],
        "lines": r["lines"], "pages": r["pages"], "overall_goal": r["goal"],
        "projects": [{**ref(p["p"], p["label"]), "number": str(p["no"]), "cost": p["cost"]} for p in projects],
        "checks": {
            "passed": sum(1 for c in checks if c["passed"]),
            "failed": sorted(({k: c[k] for k in ("name", "detail", "expected", "actual", "line", "page")}
                              for c in checks if not c["passed"]), key=lambda c: (c["line"] or 0, c["page"] or 0, c["name"])),
        },
        "warnings": warnings,
    }


def _natural(text: str) -> tuple:
    import re

    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(text)))


# ---- units --------------------------------------------------------------------------------------
def units(store, q: str | None = None, offset: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    where = "?d a bkg:BudgetDocument ; dcterms:publisher ?x . ?x skos:prefLabel ?name ."
    if q:
        where += f" FILTER(CONTAINS(STR(?name), {lit(q.strip())}))"
    total = count(store, where)
    found = rows(store, f"""SELECT ?x ?name (COUNT(DISTINCT ?d) AS ?documents) (GROUP_CONCAT(DISTINCT STR(?year)) AS ?years)
        (COUNT(DISTINCT ?p) AS ?projects) WHERE {{ {where} ?d bkg:fiscalYear ?year .
        OPTIONAL {{ ?p dcterms:isPartOf ?d ; a bkg:Project }} }} GROUP BY ?x ?name ORDER BY ?name""" + _page(offset, limit))
    return [{
        **ref(r["x"], r["name"]), "documents": r["documents"], "projects": r["projects"],
        "years": sorted({int(y[:4]) for y in r["years"].split()}, reverse=True),
    } for r in found], total


def unit(store, iri: str) -> dict[str, Any] | None:
    term = iri_term(iri)
    names = rows(store, f"SELECT ?name WHERE {{ {term} skos:prefLabel ?name }} LIMIT 1")
    if not names or not store.query(f"ASK {{ ?d a bkg:BudgetDocument ; dcterms:publisher {term} }}"):
        return None
    aliases = [r["a"] for r in rows(store, f"SELECT DISTINCT ?a WHERE {{ {term} skos:altLabel ?a }} ORDER BY ?a")]
    docs, _ = documents(store, 0, 10_000, unit=iri)
    figures = rows(store, f"""SELECT DISTINCT ?year ?figure ?label ?amount ?document ?line ?page WHERE {{
        ?o a bkg:BudgetFigure ; obeu-dimension:organization {term} ; bkg:fiscalYear ?year ; bkg:figure ?figure ;
           bkg:amount ?amount ; prov:wasDerivedFrom ?document .
        FILTER NOT EXISTS {{ ?o bkg:functionalClass ?c }}
        OPTIONAL {{ ?o bkg:sourceLine ?line }} OPTIONAL {{ ?o bkg:sourcePage ?page }}
        OPTIONAL {{ ?figure rdfs:label ?label FILTER(LANG(?label) = "zh") }} }} ORDER BY DESC(?year) ?figure""")
    for f in figures:
        f["figure"] = f["figure"].removeprefix(BKG_NS)
    functional = rows(store, f"""SELECT ?year ?code ?name ?kind ?amount ?document WHERE {{
        ?o obeu-dimension:organization {term} ; bkg:functionalClass ?c ; bkg:spendingKind ?kind ; bkg:amount ?amount ;
           bkg:fiscalYear ?year ; prov:wasDerivedFrom ?document .
        ?c skos:notation ?code ; skos:prefLabel ?name }} ORDER BY DESC(?year) ?code""")
    by_row: dict[tuple, dict[str, Any]] = {}
    for f in functional:
        row = by_row.setdefault((f["year"], f["document"], f["code"]), {
            "year": f["year"], "code": f["code"], "name": f["name"], "document": f["document"],
            "total": None, "basic": None, "project": None})
        row[f["kind"]] = f["amount"]
    return {
        **ref(iri, names[0]["name"]), "aliases": aliases, "documents": docs, "figures": figures,
        "functional": list(by_row.values()),
    }


# ---- projects -----------------------------------------------------------------------------------
def _unit_term(store, unit_name_or_iri: str) -> str:
    text = unit_name_or_iri.strip()
    if "://" in text:
        return iri_term(text)
    found = rows(store, f"""SELECT ?u WHERE {{ {{ ?u skos:prefLabel {lit(text)}@zh }} UNION {{ ?u skos:altLabel {lit(text)}@zh }}
        ?d a bkg:BudgetDocument ; dcterms:publisher ?u }} LIMIT 1""")
    if not found:
        raise ViewError(f"no stored document is published by a unit named {text!r}", "unit")
    return iri_term(found[0]["u"])


def resolve_basis(store, text: str) -> tuple[str | None, str | None]:
    """(the IRI of the stored basis any spelling of ``text`` names, the canonical form recognised)."""
    text = text.strip()
    if "://" in text:
        return (text if exists(store, text) else None), None
    spellings = basis_spellings(text)
    values = " ".join(f"{lit(s)}@zh" for s in spellings)
    found = rows(store, f"""SELECT ?b WHERE {{ VALUES ?l {{ {values} }}
        {{ ?b skos:prefLabel ?l }} UNION {{ ?b skos:altLabel ?l }} UNION {{ ?b eli:title ?l }}
        ?b bkg:basisKind ?kind }} LIMIT 1""")
    canonical = spellings[1] if len(spellings) > 1 else None
    return (found[0]["b"] if found else None), canonical


def projects(store, unit: str | None = None, year: int | None = None, basis: str | None = None,
             q: str | None = None, offset: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    where = "?x a bkg:Project ; rdfs:label ?label ; bkg:fiscalYear ?year ; dcterms:publisher ?unit ; dcterms:isPartOf ?doc ."
    if unit:
        where += f" FILTER(?unit = {_unit_term(store, unit)})"
    if year is not None:
        where += f' FILTER(?year = "{int(year)}"^^xsd:gYear)'
    if basis:
        iri, canonical = resolve_basis(store, basis)
        if iri is None:
            raise ViewError(f"no stored project cites a legal basis {basis!r}"
                            + (f" (recognised as {canonical})" if canonical else ""), "basis")
        where += f" ?x bkg:legalBasis {iri_term(iri)} ."
    if q:
        where += f" FILTER(CONTAINS(STR(?label), {lit(q.strip())}))"
    total = count(store, where)
    found = rows(store, f"""SELECT ?x ?label ?no ?year ?cost ?unit ?unitName ?doc ?docLabel WHERE {{ {where}
        ?x bkg:projectNumber ?no . ?unit skos:prefLabel ?unitName . ?doc rdfs:label ?docLabel .
        OPTIONAL {{ ?x bkg:cost ?cost }} }} ORDER BY ?unitName DESC(?year) ?doc ?x""" + _page(offset, limit))
    return [{
        **ref(r["x"], r["label"]), "number": str(r["no"]), "year": r["year"], "cost": r["cost"],
        "unit": ref(r["unit"], r["unitName"]), "document": ref(r["doc"], r["docLabel"]),
    } for r in found], total


def _source(store, iri: str) -> dict[str, Any]:
    found = rows(store, f"""SELECT ?file ?line ?page WHERE {{ {iri_term(iri)} prov:wasDerivedFrom ?d . ?d bkg:fileName ?file .
        OPTIONAL {{ {iri_term(iri)} bkg:sourceLine ?line }} OPTIONAL {{ {iri_term(iri)} bkg:sourcePage ?page }} }} LIMIT 1""")
    return found[0] if found else {"file": None, "line": None, "page": None}


def _indicators(store, where: str) -> list[dict[str, Any]]:
    """Indicator rows matching ``where`` (binding ?i), with values, bases and notes."""
    found = rows(store, f"""SELECT ?i ?label ?row ?l1 ?l2 ?description ?raw ?op ?number ?vunit ?basisText ?line ?page WHERE {{
        {where} ?i a bkg:Indicator ; bkg:rowNumber ?row ; bkg:value ?v . ?v bkg:rawValue ?raw .
        OPTIONAL {{ ?i rdfs:label ?label }} OPTIONAL {{ ?i dcterms:description ?description }}
        OPTIONAL {{ ?i bkg:level1/skos:prefLabel ?l1 }} OPTIONAL {{ ?i bkg:level2/skos:prefLabel ?l2 }}
        OPTIONAL {{ ?v bkg:operator ?op }} OPTIONAL {{ ?v bkg:numericValue ?number }} OPTIONAL {{ ?v bkg:valueUnit ?vunit }}
        OPTIONAL {{ ?i bkg:basisText ?basisText }}
        OPTIONAL {{ ?i bkg:sourceLine ?line }} OPTIONAL {{ ?i bkg:sourcePage ?page }} }} ORDER BY ?row""")
    if not found:
        return []
    values = " ".join(iri_term(r["i"]) for r in found)
    bases: dict[str, list[dict]] = {}
    for r in rows(store, f"""SELECT ?i ?b ?name ?kind WHERE {{ VALUES ?i {{ {values} }} ?i bkg:legalBasis ?b .
            ?b skos:prefLabel ?name ; bkg:basisKind ?kind }} ORDER BY ?name"""):
        bases.setdefault(r["i"], []).append({**ref(r["b"], r["name"]), "kind": r["kind"]})
    notes: dict[str, list[dict]] = {}
    for r in rows(store, f"""SELECT ?i ?n ?text ?amount ?op WHERE {{ VALUES ?i {{ {values} }} ?i bkg:citationNote ?n .
            ?n rdfs:comment ?text . OPTIONAL {{ ?n bkg:noteAmount ?amount }} OPTIONAL {{ ?n bkg:operator ?op }} }} ORDER BY ?n"""):
        notes.setdefault(r["i"], []).append({"text": r["text"], "amount": r["amount"], "op": r["op"]})
    level3 = lambda r: r["label"] if r["description"] is None or r["label"] != r["description"] else None  # noqa: E731
    return [{
        **ref(r["i"], r["label"]), "row": r["row"], "level1": r["l1"], "level2": r["l2"], "level3": level3(r),
        "description": r["description"],
        "value": {"raw": r["raw"], "op": r["op"], "number": r["number"], "unit": r["vunit"]},
        "basis_text": r["basisText"], "bases": bases.get(r["i"], []), "notes": notes.get(r["i"], []),
        "source": {"line": r["line"], "page": r["page"]},
    } for r in found]


def project(store, iri: str) -> dict[str, Any] | None:
    term = iri_term(iri)
    found = rows(store, f"""SELECT ?label ?title ?no ?year ?cost ?total ?unit ?unitName ?doc ?docLabel WHERE {{
        {term} a bkg:Project ; rdfs:label ?label ; bkg:projectNumber ?no ; bkg:fiscalYear ?year ;
            dcterms:publisher ?unit ; dcterms:isPartOf ?doc . ?unit skos:prefLabel ?unitName . ?doc rdfs:label ?docLabel .
        OPTIONAL {{ {term} dcterms:title ?title }} OPTIONAL {{ {term} bkg:cost ?cost }}
        OPTIONAL {{ {term} bkg:projectTotal ?total }} }} LIMIT 1""")
    if not found:
        return None
    r = found[0]
    goals = rows(store, f"SELECT ?number ?text WHERE {{ {term} bkg:goal ?g . ?g bkg:goalNumber ?number ; rdfs:label ?text }} ORDER BY ?number")
    indicators = _indicators(store, f"{term} bkg:indicator ?i .")
    cited: dict[str, dict[str, Any]] = {}
    for indicator in indicators:
        for basis in indicator["bases"]:
            cited.setdefault(basis["iri"], {**basis, "indicators": 0})["indicators"] += 1
    return {
        **ref(iri, r["label"]), "title": r["title"], "number": str(r["no"]), "year": r["year"], "cost": r["cost"],
        "total": r["total"], "unit": ref(r["unit"], r["unitName"]), "document": ref(r["doc"], r["docLabel"]),
        "source": _source(store, iri), "goals": goals, "indicators": indicators,
        "bases": sorted(cited.values(), key=lambda b: (-b["indicators"], b["label"])),
    }


def indicator(store, iri: str) -> dict[str, Any] | None:
    term = iri_term(iri)
    found = _indicators(store, f"VALUES ?i {{ {term} }}")
    if not found:
        return None
    item = found[0]
    context = rows(store, f"""SELECT ?p ?pLabel ?g ?gLabel ?a ?aLabel ?unit ?unitName ?year ?doc ?docLabel WHERE {{
        {term} prov:wasDerivedFrom ?doc . ?doc rdfs:label ?docLabel ; dcterms:publisher ?unit ; bkg:fiscalYear ?year .
        ?unit skos:prefLabel ?unitName .
        OPTIONAL {{ {term} bkg:project ?p . ?p rdfs:label ?pLabel }}
        OPTIONAL {{ ?g a bkg:PerformanceGoal ; bkg:indicator {term} ; rdfs:label ?gLabel . OPTIONAL {{ ?a bkg:goal ?g ; rdfs:label ?aLabel }} }}
    }} LIMIT 1""")
    c = context[0] if context else {k: None for k in ("p", "pLabel", "g", "gLabel", "a", "aLabel", "unit", "unitName", "year", "doc", "docLabel")}
    siblings = []
    if c["p"]:
        siblings = _indicators(store, f"{iri_term(c['p'])} bkg:indicator ?i .")
    elif c["g"]:
        siblings = _indicators(store, f"{iri_term(c['g'])} bkg:indicator ?i .")
    return {
        **item, "source": {**_source(store, iri), **item["source"]}, "project": ref(c["p"], c["pLabel"]),
        "goal": ref(c["g"], c["gLabel"]), "area": ref(c["a"], c["aLabel"]),
        "unit": ref(c["unit"], c["unitName"]), "year": c["year"], "document": ref(c["doc"], c["docLabel"]),
        "siblings": siblings,
    }


# ---- legal bases --------------------------------------------------------------------------------
def bases(store, kind: str | None = None, issuer: str | None = None, q: str | None = None,
          offset: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    where = "?x bkg:basisKind ?kind ; skos:prefLabel ?name . FILTER EXISTS { ?i bkg:legalBasis ?x }"
    if kind:
        if kind not in BASIS_KINDS:
            raise ViewError(f"kind must be one of {', '.join(BASIS_KINDS)}, not {kind!r}", "kind")
        where += f" FILTER(?kind = {lit(kind)})"
    if issuer:
        issuer = lit(issuer.strip())
        where += (f" OPTIONAL {{ ?x bkg:issuerCode ?ic }} OPTIONAL {{ ?x bkg:issuerName ?in }}"
                  f" FILTER(STR(?ic) = {issuer} || CONTAINS(STR(?in), {issuer}) || STRSTARTS(STR(?name), {issuer}))")
    if q:
        q_lit = lit(q.strip())
        where += (f" FILTER(CONTAINS(STR(?name), {q_lit}) || EXISTS {{ ?x skos:altLabel ?alt FILTER(CONTAINS(STR(?alt), {q_lit})) }}"
                  f" || EXISTS {{ ?x eli:title ?t FILTER(CONTAINS(STR(?t), {q_lit})) }})")
    total = count(store, where)
    page = rows(store, f"SELECT DISTINCT ?x ?name ?kind WHERE {{ {where} }} ORDER BY ?kind ?name" + _page(offset, limit))
    if not page:
        return [], total
    values = " ".join(iri_term(r["x"]) for r in page)
    details = {r["x"]: r for r in rows(store, f"""SELECT ?x ?code ?issuer ?year WHERE {{ VALUES ?x {{ {values} }}
        OPTIONAL {{ ?x bkg:issuerCode ?code }} OPTIONAL {{ ?x bkg:issuerName ?issuer }} OPTIONAL {{ ?x bkg:issueYear ?year }} }}""")}
    usage = {r["x"]: r for r in rows(store, f"""SELECT ?x (COUNT(DISTINCT ?p) AS ?projects) (COUNT(DISTINCT ?u) AS ?units)
        (SUM(?cost) AS ?amount) WHERE {{ VALUES ?x {{ {values} }}
        {{ SELECT DISTINCT ?x ?p ?u ?cost WHERE {{ VALUES ?x {{ {values} }} ?p a bkg:Project ; bkg:legalBasis ?x ;
           dcterms:publisher ?u . OPTIONAL {{ ?p bkg:cost ?cost }} }} }} }} GROUP BY ?x""")}
    items = []
    for r in page:
        d, u = details.get(r["x"], {}), usage.get(r["x"], {})
        items.append({**ref(r["x"], r["name"]), "kind": r["kind"], "issuer_code": d.get("code"), "issuer": d.get("issuer"),
                      "year": d.get("year"), "projects": u.get("projects", 0), "units": u.get("units", 0),
                      "amount": u.get("amount")})
    return items, total


def issuers(store) -> list[dict[str, Any]]:
    """The issuers of cited bases (code and name), for the filter of the list of bases."""
    return rows(store, """SELECT ?code (SAMPLE(?name) AS ?issuer) (COUNT(DISTINCT ?x) AS ?bases) WHERE {
        ?x bkg:issuerCode ?code . OPTIONAL { ?x bkg:issuerName ?name } FILTER EXISTS { ?i bkg:legalBasis ?x } }
        GROUP BY ?code ORDER BY ?code""")


def basis(store, iri: str) -> dict[str, Any] | None:
    term = iri_term(iri)
    found = rows(store, f"""SELECT ?name ?kind ?code ?issuer ?year ?number ?title ?notice WHERE {{
        {term} skos:prefLabel ?name ; bkg:basisKind ?kind .
        OPTIONAL {{ {term} bkg:issuerCode ?code }} OPTIONAL {{ {term} bkg:issuerName ?issuer }}
        OPTIONAL {{ {term} bkg:issueYear ?year }} OPTIONAL {{ {term} bkg:sequenceNumber ?number }}
        OPTIONAL {{ {term} eli:title ?title }} OPTIONAL {{ {term} bkg:notice ?notice }} }} LIMIT 1""")
    if not found:
        return None
    r = found[0]
    variants = [v["v"] for v in rows(store, f"SELECT DISTINCT ?v WHERE {{ {term} skos:altLabel ?v }} ORDER BY ?v")]
    return {
        **ref(iri, r["name"]), "canonical": r["name"], "kind": r["kind"], "issuer_code": r["code"],
        "issuer": r["issuer"], "year": r["year"], "number": r["number"], "title": r["title"], "notice": r["notice"],
        "variants": variants,
    }


def basis_citing(store, iri: str, offset: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    """Every project citing the basis, by unit and year, with its amount and how many indicators cite it."""
    term = iri_term(iri)
    where = f"?x a bkg:Project ; bkg:legalBasis {term} ."
    total = count(store, where)
    found = rows(store, f"""SELECT ?x ?label ?year ?cost ?unit ?unitName ?doc ?docLabel (COUNT(DISTINCT ?i) AS ?indicators) WHERE {{
        {where} ?x rdfs:label ?label ; bkg:fiscalYear ?year ; dcterms:publisher ?unit ; dcterms:isPartOf ?doc .
        ?unit skos:prefLabel ?unitName . ?doc rdfs:label ?docLabel .
        OPTIONAL {{ ?x bkg:cost ?cost }} OPTIONAL {{ ?x bkg:indicator ?i . ?i bkg:legalBasis {term} }}
    }} GROUP BY ?x ?label ?year ?cost ?unit ?unitName ?doc ?docLabel ORDER BY ?unitName DESC(?year) ?x""" + _page(offset, limit))
    return [{
        "project": ref(r["x"], r["label"]), "unit": ref(r["unit"], r["unitName"]), "year": r["year"], "cost": r["cost"],
        "indicators": r["indicators"], "document": ref(r["doc"], r["docLabel"]),
    } for r in found], total


# ---- any resource -------------------------------------------------------------------------------
def describe(store, iri: str, limit: int = 2000) -> ox.QueryTriples:
    """The resource's own triples, the triples pointing at it (at most ``limit``) and the labels
    of every neighbour: what a Linked Data client needs to show it."""
    term = iri_term(iri)
    return store.query(f"""CONSTRUCT {{ {term} ?p ?o . ?s ?q {term} . ?n ?lp ?nl . }} WHERE {{
        {{ {term} ?p ?o }}
        UNION {{ SELECT ?s ?q WHERE {{ ?s ?q {term} }} LIMIT {int(limit)} }}
        UNION {{ {{ {term} ?p2 ?n }} UNION {{ SELECT ?n WHERE {{ ?n ?q2 {term} }} LIMIT {int(limit)} }}
                 VALUES ?lp {{ rdfs:label skos:prefLabel }} ?n ?lp ?nl }}
    }}""")


def statements(store, iri: str, limit: int = 500) -> tuple[list[dict], list[dict]]:
    """(outgoing, incoming) statements of a resource: predicate, value (``iri`` or ``literal``
    with its language or datatype) and the label of what an IRI points at."""
    term = iri_term(iri)

    def described(result, node: str) -> list[dict[str, Any]]:
        found = []
        for row in result:
            value = row[node]
            found.append({
                "predicate": row["p"].value,
                "iri": value.value if isinstance(value, ox.NamedNode) else None,
                "literal": value.value if isinstance(value, ox.Literal) else None,
                "language": value.language if isinstance(value, ox.Literal) else None,
                "datatype": value.datatype.value if isinstance(value, ox.Literal) and not value.language else None,
                "blank": isinstance(value, ox.BlankNode),
                "label": row["label"].value if row["label"] is not None else None,
            })
        return found

    label = "OPTIONAL { VALUES ?lp { skos:prefLabel rdfs:label } %s ?lp ?label }"
    out = store.query(f"SELECT DISTINCT ?p ?o ?label WHERE {{ {term} ?p ?o . {label % '?o'} }} ORDER BY ?p ?o LIMIT {int(limit)}")
    outgoing = described(out, "o")
    into = store.query(f"SELECT DISTINCT ?p ?s ?label WHERE {{ ?s ?p {term} . {label % '?s'} }} ORDER BY ?p ?s LIMIT {int(limit)}")
    return outgoing, described(into, "s")
