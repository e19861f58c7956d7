"""Records → RDF: one graph per source document, under budgetkg's ontology.

IRIs are readable and stable under one configurable base: units and legal bases by their
canonical names (the same unit or basis cited by two documents is one node), everything else
under its document (named after its file, so a changed file replaces its graph).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Iterable, Mapping

from rdflib import Graph, Literal, URIRef

from .records import Document, Value
from .vocab import (
    BKG, CURRENCY_CNY, DCTERMS, DEFAULT_BASE, ELI, OBEU_ATTRIBUTE, OBEU_DIMENSION, OBEU_MEASURE,
    ORG, PREFIXES, PROV, QB, RDF, RDFS, SDMX_ATTRIBUTE, SKOS, XSD, YEAR,
)

_UNSAFE = re.compile(r"[\s<>\"{}|\\^`/?#%\[\]]+")

BASIS_CLASSES = {
    "document_number": BKG.NumberedDocument,
    "law": BKG.Law,
    "regulation": BKG.Regulation,
    "charter": BKG.Charter,
    "internal_decision": BKG.InternalDecision,
}

SUMMARY_FIGURES = {
    "income_total": BKG.IncomeTotal,
    "fiscal_appropriation": BKG.FiscalAppropriation,
    "expenditure_total": BKG.ExpenditureTotal,
    "basic_expenditure": BKG.BasicExpenditure,
    "personnel_expenditure": BKG.PersonnelExpenditure,
    "public_expenditure": BKG.PublicExpenditure,
    "project_expenditure": BKG.ProjectExpenditure,
    "operating_expenses": BKG.OperatingExpenses,
    "procurement_total": BKG.ProcurementTotal,
}
SANGONG_FIGURES = {
    "total": BKG.SangongTotal,
    "abroad": BKG.SangongAbroad,
    "vehicle": BKG.SangongVehicle,
    "vehicle_purchase": BKG.SangongVehiclePurchase,
    "vehicle_operation": BKG.SangongVehicleOperation,
    "reception": BKG.SangongReception,
}
CHANGE_FIGURES = {
    "total": BKG.ChangeTotal,
    "basic_expenditure": BKG.ChangeBasicExpenditure,
    "project_expenditure": BKG.ChangeProjectExpenditure,
}


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """A readable IRI segment: the text itself, with spaces and IRI delimiters made into '-'.

    >>> slug("冀综治办〔2017〕6号")
    '冀综治办〔2017〕6号'
    >>> slug("a b/c?d")
    'a-b-c-d'
    """
    return _UNSAFE.sub("-", text.strip()).strip("-") or "-"


class IRIs:
    """Mints every IRI under one base."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def __call__(self, *segments: Any) -> URIRef:
        return URIRef(self.base + "/".join(slug(str(s)) for s in segments))

    def document(self, file: str) -> URIRef:
        return self("document", PurePath(file).stem)

    def unit(self, name: str) -> URIRef:
        return self("unit", name)

    def basis(self, key: str) -> URIRef:
        return self("basis", key)

    def indicator_class(self, *levels: str) -> URIRef:
        return self("indicator-class", *levels)


# Terms recur (line and row numbers, boilerplate wording, units of measure): building an rdflib
# Literal is a fifth of a document's RDF time, so the same ones are made once per process.
# ``typed`` keeps 1 and True apart; decimals are not cached (12.5 == 12.50, written differently).
@lru_cache(maxsize=1 << 16)
def _zh(value: str) -> Literal:
    return Literal(value, lang="zh")


@lru_cache(maxsize=1 << 16, typed=True)
def _cached_plain(value: str | int | bool) -> Literal:
    return Literal(value)


def _plain(value: Any) -> Literal:
    """A literal typed by its Python value (str, int, bool: made once; anything else each time)."""
    return _cached_plain(value) if type(value) in (str, int, bool) else Literal(value)


@lru_cache(maxsize=1 << 12)
def _year(year: str) -> Literal:
    return Literal(year, datatype=XSD.gYear)


def _text(value: str | None) -> Literal | None:
    return _zh(value) if value else None


def _decimal(value: Decimal | None) -> Literal | None:
    return None if value is None else Literal(value, datatype=XSD.decimal)


class _Builder:
    def __init__(self, doc: Document, iris: IRIs, ingested_at: datetime | None):
        self.doc, self.iri = doc, iris
        self.triples: dict[tuple, None] = {}  # an ordered set: building a Graph costs 5× more
        self.classes: dict[tuple[str, ...], URIRef] = {}
        self.doc_iri = iris.document(doc.source.file)
        self.unit_iri = iris.unit(doc.unit.name)
        self.ingested_at = ingested_at or datetime.now(timezone.utc)

    def add(self, subject, predicate, obj) -> None:
        if obj is not None:
            self.triples[(subject, predicate, obj)] = None

    def own(self, *segments: Any) -> URIRef:
        """An IRI under this document's own IRI (project, indicator, figure, row …)."""
        return self.iri("document", PurePath(self.doc.source.file).stem, *segments)

    def provenance(self, node, line: int | None, page: int | None) -> None:
        self.add(node, PROV.wasDerivedFrom, self.doc_iri)
        self.add(node, BKG.sourceLine, _plain(line) if line else None)
        self.add(node, BKG.sourcePage, _plain(page) if page else None)

    def build(self) -> list[tuple]:
        self.document()
        self.unit()
        self.figures()
        self.functional_spending()
        bases = self.legal_bases()
        self.projects(bases)
        self.unit_performance()
        self.procurement()
        self.assets()
        self.checks()
        return list(self.triples)

    def document(self) -> None:
        d, s, g = self.doc, self.doc.source, self.doc_iri
        self.add(g, RDF.type, BKG.BudgetDocument)
        self.add(g, RDF.type, PROV.Entity)
        self.add(g, DCTERMS.title, _text(d.title))
        self.add(g, RDFS.label, _text(f"{d.unit.name} {d.year}年{d.kind}"))
        self.add(g, DCTERMS.publisher, self.unit_iri)
        self.add(g, BKG.fiscalYear, _year(str(d.year)))
        self.add(g, BKG.budgetKind, _text(d.kind))
        self.add(g, BKG.fileName, _plain(s.file))
        self.add(g, BKG.sha256, _plain(s.sha256))
        self.add(g, BKG.sourceFormat, _plain(s.format))
        self.add(g, DCTERMS.format, _plain("application/pdf" if s.format == "pdf" else "text/plain"))
        self.add(g, BKG.lineCount, _plain(s.lines) if s.lines else None)
        self.add(g, BKG.pageCount, _plain(s.pages) if s.pages else None)
        self.add(g, BKG.parserVersion, _plain(s.parser_version))
        self.add(g, PROV.generatedAtTime, Literal(self.ingested_at.isoformat(timespec="seconds"), datatype=XSD.dateTime))
        self.add(g, BKG.overallGoal, _text(d.overall_goal))
        for warning in d.warnings:
            self.add(g, BKG.warning, _plain(warning))

    def unit(self) -> None:
        d, u = self.doc, self.unit_iri
        self.add(u, RDF.type, ORG.Organization)
        self.add(u, SKOS.prefLabel, _text(d.unit.name))
        for alias in d.unit.aliases:
            self.add(u, SKOS.altLabel, _text(alias))
        for row in d.organization:  # 机构设置: the unit itself (本级) and the units under it
            entity = self.iri("unit", d.unit.name, "entity", row.name)
            self.add(entity, RDF.type, ORG.Organization)
            self.add(entity, SKOS.prefLabel, _text(row.name))
            self.add(entity, ORG.subOrganizationOf, u)
            self.add(u, ORG.hasSubOrganization, entity)
            self.add(entity, BKG.nature, _text(row.nature))
            self.add(entity, BKG.rank, _text(row.level))
            self.add(entity, BKG.fundingForm, _text(row.funding))
        for duty in d.duties:
            self.add(u, BKG.duty, _text(duty.text))
        if d.sub_offices:
            for name in d.sub_offices.names:
                office = self.iri("unit", d.unit.name, "office", name)
                self.add(office, RDF.type, ORG.OrganizationalUnit)
                self.add(office, SKOS.prefLabel, _text(name))
                self.add(office, ORG.unitOf, u)
                self.add(u, ORG.hasUnit, office)

    def observation(self, key: str, concept, amount: Decimal | None, year: int, line=None, page=None) -> URIRef | None:
        """A budget figure as a Data Cube observation; returns its IRI (None when no amount)."""
        if amount is None:
            return None
        node = self.own("figure", key)
        dataset = self.own("dataset")
        self.add(node, RDF.type, BKG.BudgetFigure)
        self.add(node, RDF.type, QB.Observation)
        self.add(node, QB.dataSet, dataset)
        self.add(node, OBEU_DIMENSION.organization, self.unit_iri)
        self.add(node, OBEU_DIMENSION.fiscalYear, URIRef(f"{YEAR}{year}"))
        self.add(node, BKG.fiscalYear, _year(str(year)))
        self.add(node, BKG.figure, concept)
        self.add(node, OBEU_MEASURE.amount, _decimal(amount))
        self.add(node, BKG.amount, _decimal(amount))
        self.add(node, OBEU_ATTRIBUTE.currency, URIRef(CURRENCY_CNY))
        self.add(node, BKG.amountUnit, _text("万元"))
        self.add(node, SDMX_ATTRIBUTE.unitMult, _plain(4))
        self.provenance(node, line, page)
        return node

    def figures(self) -> None:
        d, s = self.doc, self.doc.summary
        dataset = self.own("dataset")
        self.add(dataset, RDF.type, QB.DataSet)
        self.add(dataset, QB.structure, BKG.budgetStructure)
        self.add(dataset, RDFS.label, _text(f"{d.unit.name} {d.year}年预算数"))
        self.add(self.doc_iri, BKG.dataset, dataset)
        pdf = d.source.format == "pdf"  # summary.lines holds pages for a PDF, lines for text
        for key, concept in SUMMARY_FIGURES.items():
            where = s.lines.get(key)
            self.observation(key, concept, getattr(s, key), d.year, None if pdf else where, where if pdf else None)
        if s.change is not None:
            for key, concept in CHANGE_FIGURES.items():
                self.observation(f"change_{key}", concept, getattr(s.change, key), d.year, s.change.line, s.change.page)
        for prefix, figures in (("sangong", s.sangong), ("sangong_previous", s.sangong.previous_year)):
            if figures is None:
                continue
            year = figures.year or d.year
            for key, concept in SANGONG_FIGURES.items():
                self.observation(f"{prefix}_{key}_{year}", concept, getattr(figures, key), year, figures.line, figures.page)
        if d.assets is not None:
            year = int(d.assets.as_of[:4]) if d.assets.as_of else d.year  # the value at that date
            self.observation("assets_total", BKG.AssetsTotal, d.assets.total, year, d.assets.line, d.assets.page)
        procurement = d.procurement_summary
        if procurement is not None:
            year = procurement.year or d.year
            for key, concept in (("goods", BKG.ProcurementGoods), ("works", BKG.ProcurementWorks),
                                 ("services", BKG.ProcurementServices)):
                self.observation(f"procurement_{key}", concept, getattr(procurement, key), year, None, procurement.page)
        performance = d.performance_summary
        if performance is not None:
            self.observation("performance_funds", BKG.PerformanceFunds, performance.amount,
                             performance.year or d.year, None, performance.page)
            if performance.projects is not None:
                self.add(self.doc_iri, BKG.projectCount, _plain(performance.projects))

    def functional_spending(self) -> None:
        """The 一般公共预算支出功能分类 table: each 科目 as a concept of the national classification
        (类 3 digits / 款 5 / 项 7, SKOS), and the unit's spending on it as budget figures."""
        table = next((t for t in self.doc.tables if "功能分类" in t.title and "一般公共预算" in t.title), None)
        if table is None:
            return
        for row in table.rows:
            if not row.code or not row.code.isdigit() or len(row.code) not in (3, 5, 7):
                continue
            concept = self.iri("classification", "function", row.code)
            self.add(concept, RDF.type, SKOS.Concept)
            self.add(concept, RDF.type, BKG.FunctionalClass)
            self.add(concept, SKOS.notation, _plain(row.code))
            self.add(concept, SKOS.prefLabel, _text(row.name))
            self.add(concept, SKOS.inScheme, BKG.functionalClassification)
            if len(row.code) == 3:
                self.add(concept, SKOS.topConceptOf, BKG.functionalClassification)
            else:
                self.add(concept, SKOS.broader, self.iri("classification", "function", row.code[:-2]))
            for column, kind in (("合计", "total"), ("基本支出", "basic"), ("项目支出", "project")):
                node = self.observation(f"function_{row.code}_{kind}", BKG.FunctionalExpenditure,
                                        row.amounts.get(column), self.doc.year, None, row.page)
                if node is None:
                    continue
                self.add(node, OBEU_DIMENSION.functionalClassification, concept)
                self.add(node, BKG.functionalClass, concept)
                self.add(node, BKG.spendingKind, _plain(kind))

    def legal_bases(self) -> dict[str, URIRef]:
        """Each linked basis once; returns canonical → IRI for the indicators to point at."""
        nodes: dict[str, URIRef] = {}
        for basis in self.doc.legal_bases:
            node = self.iri.basis(basis["key"])
            nodes[basis["canonical"]] = node
            kind = basis["kind"]
            self.add(node, RDF.type, BASIS_CLASSES[kind])
            if kind != "internal_decision":
                self.add(node, RDF.type, ELI.LegalResource)
            self.add(node, SKOS.prefLabel, _text(basis["canonical"]))
            for variant in basis.get("variants", ()):
                if variant != basis["canonical"]:
                    self.add(node, SKOS.altLabel, _text(variant))
            self.add(node, BKG.basisKind, _plain(kind))
            if kind == "document_number":
                self.add(node, ELI.id_local, _plain(basis["canonical"]))
            self.add(node, ELI.title, _text(basis.get("title") or (basis["canonical"] if kind in ("law", "regulation", "charter") else None)))
            self.add(node, BKG.notice, _text(basis.get("notice")))
            self.add(node, BKG.issuerCode, _text(basis.get("issuer_code")))
            self.add(node, BKG.issuerName, _text(basis.get("issuer")))
            if basis.get("year"):
                self.add(node, BKG.issueYear, _year(str(basis["year"])))
            if basis.get("number") is not None:
                self.add(node, BKG.sequenceNumber, _plain(basis["number"]))
        return nodes

    def indicator_class(self, *levels: str | None) -> URIRef | None:
        """The SKOS concept of a 一级/二级/三级 path, with its broader concepts."""
        path = tuple(level for level in levels if level)
        if not path:
            return None
        if path in self.classes:  # described once per document
            return self.classes[path]
        broader = None
        for depth in range(1, len(path) + 1):
            concept = self.iri.indicator_class(*path[:depth])
            self.add(concept, RDF.type, SKOS.Concept)
            self.add(concept, RDF.type, BKG.IndicatorClass)
            self.add(concept, SKOS.prefLabel, _text(path[depth - 1]))
            self.add(concept, SKOS.inScheme, BKG.indicatorClasses)
            if broader is None:
                self.add(concept, SKOS.topConceptOf, BKG.indicatorClasses)
            else:
                self.add(concept, SKOS.broader, broader)
            broader = concept
        self.classes[path] = broader
        return broader

    def value(self, node, value: Value) -> None:
        v = URIRef(f"{node}/value")
        self.add(node, BKG.value, v)
        self.add(v, RDF.type, BKG.IndicatorValue)
        self.add(v, BKG.rawValue, _plain(value.raw))
        self.add(v, BKG.operator, _plain(value.op) if value.op else None)
        self.add(v, BKG.numericValue, _decimal(value.number))
        self.add(v, BKG.valueUnit, _text(value.unit))

    def notes(self, node, notes: Iterable[Mapping[str, Any]]) -> None:
        for number, note in enumerate(notes, start=1):
            n = URIRef(f"{node}/note/{number}")
            self.add(node, BKG.citationNote, n)
            self.add(n, RDF.type, BKG.CitationNote)
            self.add(n, RDFS.comment, _text(note["text"]))
            self.add(n, BKG.noteAmount, _decimal(note.get("amount")))
            self.add(n, BKG.operator, _plain(note["op"]) if note.get("op") else None)

    def projects(self, bases: Mapping[str, URIRef]) -> None:
        """Each project with its goals and indicators; and how many there are, on the document
        (stated even when 0: the ``documents`` query reads it instead of counting)."""
        nodes: set[URIRef] = set()
        for project in self.doc.projects:
            p = self.own("project", project.no)
            nodes.add(p)
            self.add(p, RDF.type, BKG.Project)
            self.add(p, BKG.projectNumber, _plain(project.no))
            self.add(p, RDFS.label, _text(project.name))
            self.add(p, DCTERMS.title, _text(project.title))
            self.add(p, DCTERMS.isPartOf, self.doc_iri)
            self.add(p, DCTERMS.publisher, self.unit_iri)
            self.add(p, BKG.fiscalYear, _year(str(self.doc.year)))
            self.add(p, BKG.cost, _decimal(project.cost))
            if project.header is not None:
                self.add(p, BKG.projectTotal, _decimal(project.header.total))
            self.provenance(p, project.line, project.page)
            for number, text in enumerate(project.goals, start=1):
                goal = self.own("project", project.no, "goal", number)
                self.add(p, BKG.goal, goal)
                self.add(goal, RDF.type, BKG.PerformanceGoal)
                self.add(goal, BKG.goalNumber, _plain(number))
                self.add(goal, RDFS.label, _text(text))
                self.provenance(goal, project.goals_line, project.page)
            cited: set[URIRef] = set()
            for row, indicator in enumerate(project.indicators, start=1):
                i = self.own("project", project.no, "indicator", row)
                self.add(p, BKG.indicator, i)
                self.add(i, RDF.type, BKG.Indicator)
                self.add(i, BKG.project, p)
                self.add(i, BKG.rowNumber, _plain(row))
                self.add(i, RDFS.label, _text(indicator.level3 or indicator.description))
                self.add(i, DCTERMS.description, _text(indicator.description))
                self.add(i, BKG.level1, self.indicator_class(indicator.level1))
                self.add(i, BKG.level2, self.indicator_class(indicator.level1, indicator.level2))
                self.add(i, BKG.indicatorClass, self.indicator_class(indicator.level1, indicator.level2, indicator.level3))
                self.value(i, indicator.value)
                self.add(i, BKG.basisText, _text(indicator.basis.raw))
                for ref in indicator.basis.refs:
                    node = bases.get(ref["canonical"])
                    self.add(i, BKG.legalBasis, node)
                    if node is not None:
                        cited.add(node)
                self.notes(i, indicator.basis.notes)
                self.provenance(i, indicator.line, indicator.page)
            for node in cited:
                self.add(p, BKG.legalBasis, node)
        self.add(self.doc_iri, BKG.parsedProjectCount, _plain(len(nodes)))

    def unit_performance(self) -> None:
        for area in self.doc.performance_areas:
            a = self.own("area", area.no)
            self.add(self.doc_iri, BKG.performanceArea, a)
            self.add(a, RDF.type, BKG.PerformanceArea)
            self.add(a, BKG.areaNumber, _plain(area.no))
            self.add(a, RDFS.label, _text(area.title))
            self.provenance(a, area.line, area.page)
            for goal in area.goals:
                g = self.own("area", area.no, "goal", goal.no)
                self.add(a, BKG.goal, g)
                self.add(g, RDF.type, BKG.PerformanceGoal)
                self.add(g, BKG.goalNumber, _plain(goal.no))
                self.add(g, RDFS.label, _text(goal.text))
                self.provenance(g, goal.line, goal.page)
                for row, indicator in enumerate(goal.indicators, start=1):
                    i = self.own("area", area.no, "goal", goal.no, "indicator", row)
                    self.add(g, BKG.indicator, i)
                    self.add(i, RDF.type, BKG.Indicator)
                    self.add(i, BKG.rowNumber, _plain(row))
                    self.add(i, RDFS.label, _text(indicator.name))
                    self.value(i, indicator.value)
                    self.provenance(i, indicator.line, indicator.page)

    def procurement(self) -> None:
        by_name = {p.name: p for p in self.doc.projects}
        for row, item in enumerate(self.doc.procurement, start=1):
            node = self.own("procurement", row)
            self.add(self.doc_iri, BKG.procurementItem, node)
            self.add(node, RDF.type, BKG.ProcurementItem)
            self.add(node, RDFS.label, _text(item.item))
            self.add(node, BKG.projectName, _text(item.project))
            if item.project in by_name:
                self.add(node, BKG.forProject, self.own("project", by_name[item.project].no))
            self.add(node, BKG.catalogCode, _plain(item.catalog_code) if item.catalog_code else None)
            self.add(node, BKG.measureUnit, _text(item.measure_unit))
            self.add(node, BKG.quantity, _decimal(item.quantity))
            self.add(node, BKG.unitPrice, _decimal(item.unit_price))
            self.add(node, BKG.amount, _decimal(item.amount))
            self.add(node, BKG.amountUnit, _text("万元"))
            for source in item.funding:
                self.add(node, BKG.fundingSource, _plain(source))
            self.provenance(node, item.line, item.page)

    def assets(self) -> None:
        assets = self.doc.assets
        if assets is None:
            return
        names: dict[str, URIRef] = {}
        for row, item in enumerate(assets.items, start=1):
            node = self.own("asset", row)
            names.setdefault(item.name, node)
            self.add(self.doc_iri, BKG.assetItem, node)
            self.add(node, RDF.type, BKG.AssetItem)
            self.add(node, RDFS.label, _text(item.name))
            self.add(node, BKG.quantity, _decimal(item.quantity))
            self.add(node, BKG.quantityUnit, _text(item.quantity_unit))
            self.add(node, BKG.amount, _decimal(item.value))
            self.add(node, BKG.amountUnit, _text("万元") if item.value is not None else None)
            self.add(node, BKG.partOfAsset, names.get(item.parent) if item.parent else None)
            self.add(node, BKG.asOf, Literal(assets.as_of, datatype=XSD.date) if assets.as_of else None)
            self.provenance(node, item.line, item.page)

    def checks(self) -> None:
        for row, check in enumerate(self.doc.checks, start=1):
            node = self.own("check", row)
            self.add(self.doc_iri, BKG.check, node)
            self.add(node, RDF.type, BKG.ConsistencyCheck)
            self.add(node, RDFS.label, _plain(check.name))
            self.add(node, DCTERMS.description, _text(check.detail))
            self.add(node, BKG.passed, _plain(check.ok))
            self.add(node, BKG.expected, _decimal(check.expected))
            self.add(node, BKG.actual, _decimal(check.actual))
            self.provenance(node, check.line, check.page)


def document_triples(doc: Document, base: str = DEFAULT_BASE, ingested_at: datetime | None = None) -> list[tuple]:
    """The triples (rdflib terms) of one parsed document, each once."""
    return _Builder(doc, IRIs(base), ingested_at).build()


def document_graph(doc: Document, base: str = DEFAULT_BASE, ingested_at: datetime | None = None) -> Graph:
    """The RDF of one parsed document: its own facts and what it says of shared nodes."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in document_triples(doc, base, ingested_at):
        graph.add(triple)
    return graph


def document_ntriples(doc: Document, base: str = DEFAULT_BASE, ingested_at: datetime | None = None) -> tuple[str, str]:
    """(the document's own triples, the triples about shared nodes) as N-Triples, written
    directly from the terms (what the store loads; the same graph as ``document_graph``)."""
    own_prefix = IRIs(base).base + "document/"
    own, shared = [], []
    predicates: dict[URIRef, str] = {}  # a few dozen, each written thousands of times
    for s, p, o in document_triples(doc, base, ingested_at):
        predicate = predicates.get(p) or predicates.setdefault(p, nt_term(p))
        line = f"{nt_term(s)} {predicate} {f'<{o}>' if type(o) is URIRef else nt_term(o)} ."
        (own if type(s) is not URIRef or s.startswith(own_prefix) else shared).append(line)
    return "\n".join(own), "\n".join(shared)


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)


def nt_term(term) -> str:
    """One term in N-Triples.

    >>> nt_term(Literal('a "b"', lang="zh"))
    '"a \\\\"b\\\\""@zh'
    >>> nt_term(Literal(Decimal("12.50"), datatype=XSD.decimal))
    '"12.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_NT_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != _XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    return term.n3()  # a blank node


def split_shared(graph: Graph, base: str = DEFAULT_BASE) -> tuple[Graph, Graph]:
    """(the document's own triples, the triples about shared nodes).

    Units, legal bases and classification concepts are shared by every document that mentions
    them; their descriptions go to one shared graph, so that a query over the union of all
    graphs meets each of them once, however many documents cite them.
    """
    own_prefix = IRIs(base).base + "document/"
    own, shared = Graph(), Graph()
    for prefix, namespace in graph.namespaces():
        own.bind(prefix, namespace)
        shared.bind(prefix, namespace)
    for triple in graph:
        subject = triple[0]
        (own if not isinstance(subject, URIRef) or str(subject).startswith(own_prefix) else shared).add(triple)
    return own, shared
