"""ontology/: the OWL ontology agrees with graph/vocab.py and with what graph/rdf.py writes, and the
SHACL shapes accept the real graph of every document in data/ (the Hebei text, the Putuo PDFs) and
reject broken copies of them."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from budgetkg.graph import vocab
from budgetkg.graph.parse import parse_document
from budgetkg.graph.rdf import IRIs, document_graph
from budgetkg.graph.records import Basis, Summary
from budgetkg.graph.vocab import (
    BKG, DCTERMS, ELI, OBEU_MEASURE, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, XSD,
)

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: Every disclosure in data/: the Hebei text and the eight Shanghai Putuo PDFs.
DOCUMENTS = sorted(p.name for p in DATA_DIR.iterdir() if p.suffix in (".txt", ".pdf"))
ONTOLOGY_FILE = ONTOLOGY_DIR / "budgetkg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/budgetkg/ontology")
SH = Namespace("http://www.w3.org/ns/shacl#")
NS = vocab.ONTOLOGY_IRI

#: The classes rdf.py's legal_bases() writes, by the recogniser's kind.
BASIS_KINDS = {
    "document_number": BKG.NumberedDocument,
    "law": BKG.Law,
    "regulation": BKG.Regulation,
    "charter": BKG.Charter,
    "internal_decision": BKG.InternalDecision,
}

INGESTED_AT = datetime(2024, 1, 1, tzinfo=timezone.utc)


# ---- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hebei_graph(hebei) -> Graph:
    """The real graph of the Hebei disclosure, built once (tests mutate copies only)."""
    return document_graph(hebei, ingested_at=INGESTED_AT)


@pytest.fixture(scope="module")
def document_graphs() -> dict[str, Graph]:
    """The graph of every document in data/, each parsed once (a PDF takes about a second)."""
    return {name: document_graph(parse_document(DATA_DIR / name), ingested_at=INGESTED_AT) for name in DOCUMENTS}


@pytest.fixture(scope="module")
def document_reports(document_graphs, shapes) -> dict[str, tuple[bool, Graph, str]]:
    """Each document's graph validated once."""
    return {name: validate(graph, shapes) for name, graph in document_graphs.items()}


@pytest.fixture(scope="module")
def all_graphs(document_graphs) -> Graph:
    """The union of the nine document graphs (what the store's default graph shows)."""
    union = Graph()
    for graph in document_graphs.values():
        union += graph
    return union


@pytest.fixture(scope="module")
def pdf_graph(document_graphs) -> Graph:
    """A small real PDF graph (with 功能分类 figures); tests mutate copies only."""
    return document_graphs["sh_putuo_govoffice_2025_unit.pdf"]


def copy(graph: Graph) -> Graph:
    clone = Graph()
    clone += graph
    return clone


def validate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> tuple[bool, Graph, str]:
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=False
    )
    return conforms, report, text


def results(report: Graph) -> list[dict]:
    """The top-level results of a report (not the sh:detail results nested under them)."""
    return [
        {
            "focus": report.value(r, SH.focusNode),
            "path": report.value(r, SH.resultPath),
            "component": report.value(r, SH.sourceConstraintComponent),
            "messages": list(report.objects(r, SH.resultMessage)),
        }
        for r in report.objects(None, SH.result)
    ]


def assert_english_messages(found: list[dict], text: str) -> None:
    """Every result says what went wrong in English (pyshacl drops the @en of SPARQL messages)."""
    for r in found:
        assert r["messages"], text
        assert all(m.language in ("en", None) for m in r["messages"]), text
        if r["component"] != SH.SPARQLConstraintComponent:
            assert any(m.language == "en" for m in r["messages"]), text


def bkg_terms(graph: Graph) -> set[URIRef]:
    """Every IRI of our namespace a graph mentions, in any position."""
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}


def declared(ontology: Graph) -> set[URIRef]:
    """The bkg: terms the ontology describes (is the subject of triples about)."""
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def members(ontology: Graph, cls) -> set:
    """A named class, or the members of an owl:unionOf class expression."""
    union = ontology.value(cls, OWL.unionOf)
    return set(Collection(ontology, union)) if union is not None else {cls}


def types(data: Graph, ontology: Graph, node) -> set:
    """A node's asserted types (in the data or the ontology) and all their superclasses."""
    found = set(data.objects(node, RDF.type)) | set(ontology.objects(node, RDF.type))
    closure = set(found)
    for t in found:
        closure.update(ontology.transitive_objects(t, RDFS.subClassOf))
    return closure


def literal_type(value: Literal) -> URIRef:
    return RDF.langString if value.language else (value.datatype or XSD.string)


def first(graph: Graph, cls) -> URIRef:
    return sorted(graph.subjects(RDF.type, cls))[0]


# ---- (a) both files parse ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, SHAPES_FILE], ids=lambda p: p.name)
def test_turtle_parses_with_rdflib_and_oxigraph(path):
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 100
    store = ox.Store()  # the store loads the ontology with Oxigraph (store.ensure_ontology)
    store.load(path.read_bytes(), ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    assert len(store) == len(graph)


def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://www.apache.org/licenses/LICENSE-2.0")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.title) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.description) is not None
    assert not list(ontology.triples((None, OWL.imports, None)))


# ---- (b) the declared terms are exactly vocab.py's --------------------------------------------------


def test_declared_terms_equal_vocab(ontology):
    names = {str(t)[len(NS):] for t in declared(ontology)}
    expected = set(vocab.CLASSES + vocab.PROPERTIES + vocab.FIGURES)
    assert sorted(expected - names) == [], "in vocab.py but not declared by the ontology"
    assert sorted(names - expected) == [], "declared by the ontology but not in vocab.py"


def test_vocab_lists_have_no_duplicates():
    terms = vocab.CLASSES + vocab.PROPERTIES + vocab.FIGURES
    assert len(terms) == len(set(terms))


def test_every_bkg_iri_the_ontology_mentions_is_declared(ontology):
    assert sorted(bkg_terms(ontology) - declared(ontology)) == []


def test_each_term_has_the_right_kind(ontology):
    for name in vocab.CLASSES:
        assert (BKG[name], RDF.type, OWL.Class) in ontology, name
    for name in vocab.PROPERTIES:
        kinds = {OWL.ObjectProperty, OWL.DatatypeProperty} & set(ontology.objects(BKG[name], RDF.type))
        assert len(kinds) == 1, f"{name}: {kinds}"
    for name in vocab.FIGURES:  # the individuals: three schemes, the Data Cube structure, the figures
        if name in ("figures", "indicatorClasses", "functionalClassification", "wordings"):
            assert (BKG[name], RDF.type, SKOS.ConceptScheme) in ontology, name
        elif name == "budgetStructure":
            assert (BKG[name], RDF.type, QB.DataStructureDefinition) in ontology, name
            assert (BKG[name], RDF.type, SKOS.Concept) not in ontology, name
        else:
            assert (BKG[name], RDF.type, SKOS.Concept) in ontology, name
            assert (BKG[name], SKOS.inScheme, BKG.figures) in ontology, name
            assert ontology.value(BKG[name], SKOS.notation) is not None, name


def test_reused_superclasses(ontology):
    def sub(cls, sup):
        return sup in set(ontology.transitive_objects(cls, RDFS.subClassOf))

    assert sub(BKG.BudgetDocument, PROV.Entity) and sub(BKG.BudgetDocument, DCTERMS.BibliographicResource)
    assert sub(BKG.BudgetFigure, QB.Observation)
    assert sub(BKG.IndicatorClass, SKOS.Concept)
    for cls in (BKG.NumberedDocument, BKG.Law, BKG.Regulation, BKG.Charter):
        assert sub(cls, ELI.LegalResource), cls
    assert not sub(BKG.InternalDecision, ELI.LegalResource)
    assert (BKG.InternalDecision, OWL.disjointWith, ELI.LegalResource) in ontology


def test_budget_structure(ontology, hebei_graph):
    dsd = BKG.budgetStructure
    assert (dsd, RDF.type, QB.DataStructureDefinition) in ontology
    components = list(ontology.objects(dsd, QB.component))
    by_role = {role: {ontology.value(c, role) for c in components} - {None}
               for role in (QB.dimension, QB.measure, QB.attribute)}
    assert by_role[QB.dimension] == {
        URIRef(vocab.OBEU_DIMENSION.organization), URIRef(vocab.OBEU_DIMENSION.fiscalYear), BKG.figure,
        URIRef(vocab.OBEU_DIMENSION.functionalClassification), BKG.spendingKind,
    }
    assert by_role[QB.measure] == {OBEU_MEASURE.amount}
    assert by_role[QB.attribute] == {URIRef(vocab.OBEU_ATTRIBUTE.currency), URIRef(vocab.SDMX_ATTRIBUTE.unitMult)}
    assert (BKG.figure, RDF.type, QB.DimensionProperty) in ontology
    # every dataset rdf.py writes is of this structure
    (dataset,) = hebei_graph.subjects(RDF.type, QB.DataSet)
    assert list(hebei_graph.objects(dataset, QB.structure)) == [dsd]


# ---- (c) labels and comments ------------------------------------------------------------------------


def test_every_term_has_zh_and_en_labels_and_a_comment(ontology):
    missing = []
    for term in sorted(declared(ontology)):
        labels = list(ontology.objects(term, RDFS.label))
        for lang in ("zh", "en"):
            if sum(1 for label in labels if label.language == lang) != 1:
                missing.append(f"{term}: one rdfs:label@{lang}")
        comments = list(ontology.objects(term, RDFS.comment))
        if not any(c.language == "en" and len(str(c)) > 10 for c in comments):
            missing.append(f"{term}: rdfs:comment@en")
    assert missing == []


# ---- (d) the real graph uses only declared terms, as declared ----------------------------------------


def test_hebei_graph_uses_only_declared_terms(hebei_graph, ontology):
    assert sorted(bkg_terms(hebei_graph) - declared(ontology)) == []


def test_every_document_uses_only_declared_terms(all_graphs, ontology):
    assert sorted(bkg_terms(all_graphs) - declared(ontology)) == []


#: the real Hebei graph; a cut-down one citing every kind of basis; the union of all nine documents
GRAPHS = ["hebei_graph", "small_graph", "all_graphs"]


@pytest.mark.parametrize("name", GRAPHS)
def test_predicates_have_one_kind_of_value(request, ontology, name):
    """A property is used either with literals or with resources, as the ontology says."""
    graph = request.getfixturevalue(name)
    for predicate in sorted(set(graph.predicates())):
        if not str(predicate).startswith(NS):
            continue
        kinds = {isinstance(o, Literal) for o in graph.objects(None, predicate)}
        assert len(kinds) == 1, f"{predicate} is used with literals and resources"
        expected = OWL.DatatypeProperty if kinds == {True} else OWL.ObjectProperty
        assert (predicate, RDF.type, expected) in ontology, predicate


@pytest.mark.parametrize("name", GRAPHS)
def test_domains_and_ranges_hold(request, ontology, name):
    graph = request.getfixturevalue(name)
    problems = []
    for predicate in sorted(set(graph.predicates())):
        if not str(predicate).startswith(NS):
            continue
        domain = ontology.value(predicate, RDFS.domain)
        range_ = ontology.value(predicate, RDFS.range)
        for s, o in graph.subject_objects(predicate):
            if domain is not None and not types(graph, ontology, s) & members(ontology, domain):
                problems.append(f"{predicate}: subject {s} outside the domain")
            if range_ is None:
                continue
            if isinstance(o, Literal):
                if literal_type(o) != range_:
                    problems.append(f"{predicate}: {o!r} is not a {range_}")
            elif not types(graph, ontology, o) & members(ontology, range_):
                problems.append(f"{predicate}: object {o} outside the range")
    assert problems[:20] == []


def test_projects_link_to_their_document_by_is_part_of_only(hebei_graph):
    g = hebei_graph
    (document,) = g.subjects(RDF.type, BKG.BudgetDocument)
    projects = set(g.subjects(RDF.type, BKG.Project))
    assert len(projects) == 25
    assert (document, BKG.project, None) not in g
    assert set(g.subjects(BKG.project, None)) <= set(g.subjects(RDF.type, BKG.Indicator))
    for project in projects:
        assert list(g.objects(project, DCTERMS.isPartOf)) == [document]
        for indicator in g.objects(project, BKG.indicator):
            assert list(g.objects(indicator, BKG.project)) == [project]
    area_indicators = {i for a in g.objects(document, BKG.performanceArea)
                       for goal in g.objects(a, BKG.goal) for i in g.objects(goal, BKG.indicator)}
    assert area_indicators
    assert all(g.value(i, BKG.project) is None for i in area_indicators)


def test_organisation_table_rows_are_organisations_of_their_own(hebei, hebei_graph):
    g = hebei_graph
    unit = IRIs().unit(hebei.unit.name)
    rows = list(g.objects(unit, ORG.hasSubOrganization))
    assert len(rows) == len(hebei.organization) == 1
    for row, record in zip(rows, hebei.organization):
        assert row == IRIs()("unit", hebei.unit.name, "entity", record.name)
        assert (row, RDF.type, ORG.Organization) in g
        assert list(g.objects(row, ORG.subOrganizationOf)) == [unit]
        assert g.value(row, SKOS.prefLabel) == Literal(record.name, lang="zh")
        assert g.value(row, BKG.nature) == Literal("行政", lang="zh")
        assert g.value(row, BKG.rank) == Literal("副处(县)级", lang="zh")
        assert g.value(row, BKG.fundingForm) == Literal("财政拨款", lang="zh")
    for prop in (BKG.nature, BKG.rank, BKG.fundingForm):
        assert g.value(unit, prop) is None, prop


def test_assets_total_is_of_the_assets_table_year(hebei, hebei_graph):
    g = hebei_graph
    (figure,) = g.subjects(BKG.figure, BKG.AssetsTotal)
    assert hebei.assets.as_of.startswith("2020") and hebei.year == 2021
    assert g.value(figure, BKG.fiscalYear) == Literal("2020", datatype=XSD.gYear)
    assert g.value(figure, vocab.OBEU_DIMENSION.fiscalYear) == URIRef(vocab.YEAR + "2020")


def test_hebei_graph_cites_legal_bases(hebei, hebei_graph):
    g = hebei_graph
    for kind, cls in BASIS_KINDS.items():
        nodes = set(g.subjects(RDF.type, cls))
        assert nodes, kind
        for node in nodes:
            assert ((node, RDF.type, ELI.LegalResource) in g) == (kind != "internal_decision")
    bases = {IRIs().basis(b["key"]) for b in hebei.legal_bases}
    cited = set(g.objects(None, BKG.legalBasis))
    assert cited == bases
    assert set(g.subjects(BKG.legalBasis, None)) & set(g.subjects(RDF.type, BKG.Project))
    # a project cites exactly what its indicators cite
    for project in g.subjects(RDF.type, BKG.Project):
        by_indicators = {b for i in g.objects(project, BKG.indicator) for b in g.objects(i, BKG.legalBasis)}
        assert set(g.objects(project, BKG.legalBasis)) == by_indicators, project
    notes = set(g.subjects(RDF.type, BKG.CitationNote))
    assert notes
    for indicator, note in g.subject_objects(BKG.citationNote):
        assert str(note).startswith(f"{indicator}/note/"), note
        assert g.value(note, RDFS.comment).language == "zh"
    assert any(g.value(n, BKG.noteAmount) is not None and g.value(n, BKG.operator) is not None for n in notes)


# ---- (e) the real graph conforms to the shapes -----------------------------------------------------


@pytest.mark.parametrize("with_ontology", [False, True], ids=["data-only", "ontology-mixed-in"])
def test_hebei_graph_conforms(hebei_graph, shapes, ontology, with_ontology):
    conforms, _, text = validate(hebei_graph, shapes, ontology if with_ontology else None)
    assert conforms, text


def test_every_produced_class_has_a_shape(hebei_graph, all_graphs, shapes):
    targeted = set(shapes.objects(None, SH.targetClass))
    produced = set(hebei_graph.objects(None, RDF.type)) | set(all_graphs.objects(None, RDF.type))
    assert set(BASIS_KINDS.values()) | {BKG.CitationNote, ELI.LegalResource} <= produced
    # prov:Entity and qb:Observation are constrained through bkg:BudgetDocument / bkg:BudgetFigure,
    # skos:Concept through bkg:IndicatorClass and bkg:FunctionalClass (rdf.py types those nodes with both), and
    # eli:LegalResource through the four legal basis classes.
    assert sorted(produced - targeted - {PROV.Entity, QB.Observation, SKOS.Concept, ELI.LegalResource}) == []


def test_every_shape_is_documented(shapes):
    shape_types = (SH.NodeShape, SH.PropertyShape)
    named = {s for t in shape_types for s in shapes.subjects(RDF.type, t) if isinstance(s, URIRef)}
    assert len(named) >= 20
    for shape in named:
        assert any(c.language == "en" for c in shapes.objects(shape, RDFS.comment)), shape
    # Every result a shape can report has an English message: the property shapes of the named
    # shapes, the named shapes with node-level constraints, and the SPARQL constraints. (Shapes
    # nested in sh:or / sh:xone report through the shape that holds the list.)
    node_level = (SH["class"], SH["or"], SH.xone, SH["not"])
    reporting = {p for shape in named for p in shapes.objects(shape, SH.property)}
    reporting |= {s for s in named if any(shapes.value(s, c) is not None for c in node_level + (SH.path,))}
    reporting |= set(shapes.objects(None, SH.sparql))
    assert len(reporting) > 100
    for shape in reporting:
        assert any(m.language == "en" for m in shapes.objects(shape, SH.message)), shape


def test_shapes_mention_only_declared_terms(shapes, ontology):
    assert sorted(bkg_terms(shapes) - declared(ontology)) == []


def test_shape_paths_and_targets_are_used(shapes, hebei_graph, small_graph, all_graphs):
    """No constraint is vacuous through a misspelt path or a class nothing has (the PDFs bring
    bkg:sourcePage, bkg:pageCount and the 功能分类 figures)."""
    data = hebei_graph + small_graph + all_graphs
    used = set(data.predicates())
    # the wording clusters and the corpus statistics are minted by the index sync, not by a
    # document's graph: their shapes are checked on the real ones in tests/test_wording.py and
    # tests/test_statistics.py
    derived = {BKG.wording, BKG.useCount, BKG.Wording, BKG.projectUseCount, BKG.unitUseCount, BKG.projectCostSum,
               BKG.useRank}
    for path in set(shapes.objects(None, SH.path)) | set(shapes.objects(None, SH.inversePath)):
        if isinstance(path, URIRef) and path not in derived:
            assert path in used, path
    for cls in set(shapes.objects(None, SH.targetClass)) - derived:
        assert next(data.subjects(RDF.type, cls), None) is not None, cls


def test_figure_values_are_the_figures_scheme(shapes, ontology):
    figure_shape = URIRef("https://w3id.org/budgetkg/shapes#BudgetFigureShape")
    (shape,) = [s for s in shapes.objects(figure_shape, SH.property) if shapes.value(s, SH.path) == BKG.figure]
    allowed = set(Collection(shapes, shapes.value(shape, SH["in"])))
    assert allowed == set(ontology.subjects(SKOS.inScheme, BKG.figures))
    # the figures exempt from the document's year are the 三公经费 (this and last year) and the assets
    year_shape = URIRef("https://w3id.org/budgetkg/shapes#BudgetFigureDocumentYearShape")
    (exempt,) = [set(Collection(shapes, shapes.value(s, SH["in"])))
                 for s in Collection(shapes, shapes.value(year_shape, SH["or"])) if shapes.value(s, SH["in"])]
    sangong = set(ontology.transitive_subjects(SKOS.broader, BKG.SangongTotal))
    assert exempt == sangong | {BKG.AssetsTotal}


# ---- (e2) every document of data/ conforms, and so does the union of their graphs -------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_conforms(document_reports, name):
    conforms, _, text = document_reports[name]
    assert conforms, text


def test_every_pdf_document_has_pages_and_functional_spending(document_graphs):
    pdfs = {name: g for name, g in document_graphs.items() if name.endswith(".pdf")}
    assert len(pdfs) == 8
    for name, g in pdfs.items():
        (document,) = g.subjects(RDF.type, BKG.BudgetDocument)
        assert g.value(document, BKG.sourceFormat) == Literal("pdf"), name
        assert g.value(document, BKG.pageCount) is not None and g.value(document, BKG.lineCount) is None, name
        assert g.value(document, BKG.projectCount) is not None, name
        figures = set(g.subjects(BKG.figure, BKG.FunctionalExpenditure))
        assert figures, name
        for figure in figures:
            (cls,) = g.objects(figure, BKG.functionalClass)
            assert g.value(figure, vocab.OBEU_DIMENSION.functionalClassification) == cls
            assert cls == IRIs()("classification", "function", str(g.value(cls, SKOS.notation)))
        for cls in g.subjects(RDF.type, BKG.FunctionalClass):
            code = str(g.value(cls, SKOS.notation))
            broader = g.value(cls, SKOS.broader)
            assert (broader is None) == (len(code) == 3), cls
            if broader is not None:
                assert g.value(broader, SKOS.notation) == Literal(code[:-2]), cls


def test_union_of_all_documents_keeps_shared_nodes_single(document_graphs, all_graphs, shapes):
    """Units, organisation rows, bases, indicator classes and 功能分类 headings are shared by IRI:
    in the union they still have one name, one broader concept, one nature, … (the shapes' "exactly
    one" / "at most one"). Validated on the shared nodes only, which keeps it fast."""
    seen: dict[URIRef, int] = {}
    for graph in document_graphs.values():
        for node in set(graph.subjects()):
            seen[node] = seen.get(node, 0) + 1
    shared = sorted(node for node, count in seen.items() if count > 1)
    assert any((n, RDF.type, BKG.FunctionalClass) in all_graphs for n in shared)
    assert any((n, RDF.type, BKG.IndicatorClass) in all_graphs for n in shared)
    conforms, report, text = pyshacl.validate(
        all_graphs, shacl_graph=shapes, inference="none", allow_warnings=False, focus_nodes=shared,
    )
    assert conforms, text


def _pdf_four_digit_class(g: Graph):
    node = next(c for c in sorted(g.subjects(RDF.type, BKG.FunctionalClass))
                if len(str(g.value(c, SKOS.notation))) == 7)
    g.set((node, SKOS.notation, Literal(str(g.value(node, SKOS.notation))[:4])))
    return node, SKOS.notation


def _pdf_class_under_the_wrong_heading(g: Graph):
    node = next(c for c in sorted(g.subjects(RDF.type, BKG.FunctionalClass))
                if len(str(g.value(c, SKOS.notation))) == 5)
    code = str(g.value(node, SKOS.notation))
    other = next(c for c in sorted(g.subjects(SKOS.topConceptOf, BKG.functionalClassification))
                 if str(g.value(c, SKOS.notation)) != code[:3])
    g.set((node, SKOS.broader, other))
    return node, None


def _pdf_top_class_with_broader(g: Graph):
    top = next(c for c in sorted(g.subjects(SKOS.topConceptOf, BKG.functionalClassification)))
    child = next(g.subjects(SKOS.broader, top))
    g.add((top, SKOS.broader, child))
    return {top}, None


def _pdf_functional_figure_without_class(g: Graph):
    node = sorted(g.subjects(BKG.figure, BKG.FunctionalExpenditure))[0]
    g.remove((node, BKG.functionalClass, None))
    return node, None


def _pdf_functional_figure_of_unknown_kind(g: Graph):
    node = sorted(g.subjects(BKG.figure, BKG.FunctionalExpenditure))[0]
    g.set((node, BKG.spendingKind, Literal("other")))
    return node, BKG.spendingKind


def _pdf_other_figure_with_kind(g: Graph):
    (node,) = g.subjects(BKG.figure, BKG.PerformanceFunds)
    g.add((node, BKG.spendingKind, Literal("total")))
    return node, None


def _pdf_document_with_line_count(g: Graph):
    node = first(g, BKG.BudgetDocument)
    g.add((node, BKG.lineCount, Literal(1234)))
    return node, None


def _pdf_node_with_line(g: Graph):
    node = sorted(g.subjects(BKG.sourcePage, None))[0]
    g.set((node, BKG.sourceLine, Literal(12)))
    return node, None


PDF_MUTATIONS: dict[str, Callable[[Graph], tuple[URIRef | set[URIRef], URIRef | None]]] = {
    "functional-class-four-digits": _pdf_four_digit_class,
    "functional-class-under-wrong-heading": _pdf_class_under_the_wrong_heading,
    "functional-top-class-with-broader": _pdf_top_class_with_broader,
    "functional-figure-without-class": _pdf_functional_figure_without_class,
    "functional-figure-of-unknown-kind": _pdf_functional_figure_of_unknown_kind,
    "other-figure-with-spending-kind": _pdf_other_figure_with_kind,
    "pdf-document-with-line-count": _pdf_document_with_line_count,
    "pdf-node-with-source-line": _pdf_node_with_line,
}


@pytest.mark.parametrize("mutate", PDF_MUTATIONS.values(), ids=PDF_MUTATIONS.keys())
def test_shapes_reject_a_broken_pdf_copy(pdf_graph, shapes, mutate):
    assert_rejected(pdf_graph, shapes, mutate)


# ---- (f) the shapes reject broken graphs -------------------------------------------------------------


def _drop_indicator_provenance(g: Graph):
    node = first(g, BKG.Indicator)
    g.remove((node, PROV.wasDerivedFrom, None))
    return node, PROV.wasDerivedFrom


def _drop_goal_source_line(g: Graph):
    node = first(g, BKG.PerformanceGoal)
    g.remove((node, BKG.sourceLine, None))
    return node, None


def _cost_as_string(g: Graph):
    node = next(s for s in sorted(g.subjects(RDF.type, BKG.Project)) if g.value(s, BKG.cost) is not None)
    cost = g.value(node, BKG.cost)
    g.set((node, BKG.cost, Literal(str(cost))))
    return node, BKG.cost


def _figure_amount_as_string(g: Graph):
    node = first(g, BKG.BudgetFigure)
    amount = g.value(node, OBEU_MEASURE.amount)
    g.set((node, OBEU_MEASURE.amount, Literal(str(amount))))
    return node, OBEU_MEASURE.amount


def _operator_approx(g: Graph):
    node = next(s for s in sorted(g.subjects(RDF.type, BKG.IndicatorValue)) if g.value(s, BKG.operator))
    g.set((node, BKG.operator, Literal("≈")))
    return node, BKG.operator


def _short_sha256(g: Graph):
    node = first(g, BKG.BudgetDocument)
    g.set((node, BKG.sha256, Literal(str(g.value(node, BKG.sha256))[:40])))
    return node, BKG.sha256


def _english_label(g: Graph):
    node = first(g, BKG.Project)
    g.set((node, RDFS.label, Literal("Comprehensive governance", lang="en")))
    return node, RDFS.label


def _unknown_figure(g: Graph):
    node = first(g, BKG.BudgetFigure)
    g.set((node, BKG.figure, BKG.indicatorClasses))
    return node, BKG.figure


def _fiscal_year_mismatch(g: Graph):
    node = first(g, BKG.BudgetFigure)
    g.set((node, vocab.OBEU_DIMENSION.fiscalYear, URIRef(vocab.YEAR + "1999")))
    return node, None


def _deep_indicator_class(g: Graph):
    leaf = next(c for c in sorted(g.subjects(RDF.type, BKG.IndicatorClass))
                if g.value(g.value(c, SKOS.broader), SKOS.broader) is not None)
    deeper = URIRef(f"{leaf}/too-deep")
    for triple in [(deeper, RDF.type, SKOS.Concept), (deeper, RDF.type, BKG.IndicatorClass),
                   (deeper, SKOS.prefLabel, Literal("四级", lang="zh")),
                   (deeper, SKOS.inScheme, BKG.indicatorClasses), (deeper, SKOS.broader, leaf)]:
        g.add(triple)
    return deeper, None


def _project_indicators(g: Graph) -> list[URIRef]:
    return sorted(i for i in g.subjects(RDF.type, BKG.Indicator) if g.value(i, BKG.project) is not None)


def _area_indicators(g: Graph) -> list[URIRef]:
    return sorted(i for i in g.subjects(RDF.type, BKG.Indicator) if g.value(i, BKG.project) is None)


def _document_lists_a_project(g: Graph):
    document, project = first(g, BKG.BudgetDocument), first(g, BKG.Project)
    g.add((document, BKG.project, project))
    # only an indicator may have a bkg:project; the project's [^bkg:project] no longer equals its bkg:indicator
    return {document, project}, None


def _project_not_part_of_document(g: Graph):
    node = first(g, BKG.Project)
    document = g.value(node, DCTERMS.isPartOf)
    g.remove((node, DCTERMS.isPartOf, None))
    return {node, document}, DCTERMS.isPartOf  # the document's bkg:parsedProjectCount counted it


def _project_count_wrong(g: Graph):
    node = first(g, BKG.BudgetDocument)
    g.set((node, BKG.parsedProjectCount, Literal(int(g.value(node, BKG.parsedProjectCount)) + 1)))
    return node, None


def _project_indicator_without_project(g: Graph):
    node = _project_indicators(g)[0]
    project = g.value(node, BKG.project)
    g.remove((node, BKG.project, None))
    return {node, project}, None


def _indicator_names_another_project(g: Graph):
    node = _project_indicators(g)[0]
    own = g.value(node, BKG.project)
    other = next(p for p in sorted(g.subjects(RDF.type, BKG.Project)) if p != own)
    g.set((node, BKG.project, other))
    # the indicator still has one project; both projects' [^bkg:project] and bkg:indicator differ
    return {own, other}, None


def _area_indicator_with_project(g: Graph):
    node, project = _area_indicators(g)[0], first(g, BKG.Project)
    g.add((node, BKG.project, project))
    return {node, project}, None


def _organisation_row(g: Graph) -> URIRef:
    return sorted(g.subjects(ORG.subOrganizationOf, None))[0]


def _unit_with_nature(g: Graph):
    row = _organisation_row(g)
    unit = g.value(row, ORG.subOrganizationOf)
    g.add((unit, BKG.nature, Literal("行政", lang="zh")))
    return unit, ORG.subOrganizationOf


def _row_with_two_ranks(g: Graph):
    row = _organisation_row(g)
    g.add((row, BKG.rank, Literal("正处(县)级", lang="zh")))
    return row, BKG.rank


def _row_not_a_sub_organisation(g: Graph):
    row = _organisation_row(g)
    unit = g.value(row, ORG.subOrganizationOf)
    g.remove((row, ORG.subOrganizationOf, None))
    return {row, unit}, ORG.subOrganizationOf


def _dataset_without_structure(g: Graph):
    node = first(g, QB.DataSet)
    g.remove((node, QB.structure, None))
    return node, QB.structure


def _dataset_of_another_structure(g: Graph):
    node = first(g, QB.DataSet)
    g.set((node, QB.structure, BKG.figures))
    return node, QB.structure


def _assets_total_in_document_year(g: Graph):
    (node,) = g.subjects(BKG.figure, BKG.AssetsTotal)
    document = first(g, BKG.BudgetDocument)
    year = str(g.value(document, BKG.fiscalYear))
    g.set((node, BKG.fiscalYear, Literal(year, datatype=XSD.gYear)))
    g.set((node, vocab.OBEU_DIMENSION.fiscalYear, URIRef(vocab.YEAR + year)))
    return document, None  # checked once per document (bkgsh:AssetsTotalYearShape)


def _income_in_another_year(g: Graph):
    (node,) = g.subjects(BKG.figure, BKG.IncomeTotal)
    g.set((node, BKG.fiscalYear, Literal("2020", datatype=XSD.gYear)))
    g.set((node, vocab.OBEU_DIMENSION.fiscalYear, URIRef(vocab.YEAR + "2020")))
    return node, None


def _note_operator_without_amount(g: Graph):
    node = next(n for n in sorted(g.subjects(RDF.type, BKG.CitationNote)) if g.value(n, BKG.operator))
    g.remove((node, BKG.noteAmount, None))
    return node, None


def _note_in_english(g: Graph):
    node = first(g, BKG.CitationNote)
    g.set((node, RDFS.comment, Literal("classified", lang="en")))
    return node, RDFS.comment


def _indicator_cites_a_project(g: Graph):
    node = _project_indicators(g)[0]
    g.add((node, BKG.legalBasis, g.value(node, BKG.project)))
    return node, BKG.legalBasis


#: Each mutation returns the focus node(s) the report must name (and nothing else), and a result
#: path the report must include (None: a node-level constraint).
MUTATIONS: dict[str, Callable[[Graph], tuple[URIRef | set[URIRef], URIRef | None]]] = {
    "indicator-without-wasDerivedFrom": _drop_indicator_provenance,
    "goal-without-line-or-page": _drop_goal_source_line,
    "project-cost-as-string": _cost_as_string,
    "figure-amount-as-string": _figure_amount_as_string,
    "operator-approx": _operator_approx,
    "sha256-too-short": _short_sha256,
    "english-label": _english_label,
    "figure-outside-scheme": _unknown_figure,
    "fiscal-year-dimension-mismatch": _fiscal_year_mismatch,
    "indicator-class-four-levels": _deep_indicator_class,
    "document-lists-a-project": _document_lists_a_project,
    "project-not-part-of-document": _project_not_part_of_document,
    "project-count-wrong": _project_count_wrong,
    "project-indicator-without-project": _project_indicator_without_project,
    "indicator-names-another-project": _indicator_names_another_project,
    "area-indicator-with-project": _area_indicator_with_project,
    "unit-with-nature": _unit_with_nature,
    "organisation-row-with-two-ranks": _row_with_two_ranks,
    "organisation-row-not-sub-organisation": _row_not_a_sub_organisation,
    "dataset-without-structure": _dataset_without_structure,
    "dataset-of-another-structure": _dataset_of_another_structure,
    "assets-total-in-document-year": _assets_total_in_document_year,
    "income-total-in-another-year": _income_in_another_year,
    "note-operator-without-amount": _note_operator_without_amount,
    "note-in-english": _note_in_english,
    "indicator-cites-a-project": _indicator_cites_a_project,
}


def assert_rejected(graph, shapes, mutate) -> None:
    """A broken copy of ``graph`` fails validation on exactly the nodes the mutation names."""
    broken = copy(graph)
    focus, path = mutate(broken)
    conforms, report, text = validate(broken, shapes)
    assert not conforms
    found = results(report)
    assert {r["focus"] for r in found} == (focus if isinstance(focus, set) else {focus}), text
    if path is not None:
        assert path in {r["path"] for r in found}, text
    assert_english_messages(found, text)


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_shapes_reject_a_broken_copy(hebei_graph, shapes, mutate):
    assert_rejected(hebei_graph, shapes, mutate)


def test_duplicate_figures_are_rejected(hebei_graph, shapes):
    """Data Cube IC-12: last year's 三公经费 total moved into this year duplicates this year's."""
    broken = copy(hebei_graph)
    previous = next(f for f in sorted(broken.subjects(BKG.figure, BKG.SangongTotal))
                    if broken.value(f, BKG.fiscalYear) == Literal("2020", datatype=XSD.gYear))
    (current,) = {f for f in broken.subjects(BKG.figure, BKG.SangongTotal)} - {previous}
    broken.set((previous, BKG.fiscalYear, Literal("2021", datatype=XSD.gYear)))
    broken.set((previous, vocab.OBEU_DIMENSION.fiscalYear, URIRef(vocab.YEAR + "2021")))
    conforms, report, text = validate(broken, shapes)
    assert not conforms
    found = results(report)
    dataset = broken.value(current, QB.dataSet)
    assert {r["focus"] for r in found} == {dataset}, text
    assert {r["component"] for r in found} == {SH.SPARQLConstraintComponent}, text
    assert {report.value(r, SH.value) for r in report.objects(None, SH.result)} == {previous, current}, text
    assert_english_messages(found, text)


# ---- (g) legal bases, as rdf.py's legal_bases() writes them ------------------------------------------

#: One basis of each kind as the Hebei document cites it, in the form Document.legal_bases holds them
#: (graph/citations.py; rdf.py's legal_bases() reads the keys below, not "notes" or "cited_by").
BASES = (
    {"canonical": "冀综治办〔2017〕6号", "kind": "document_number", "key": "冀综治办-2017-6",
     "variants": ["冀综治办（2017）6号"], "issuer_code": "冀综治办", "year": 2017, "number": 6,
     "title": "关于做好综治重点工作经费纳入本级财政预算的通知", "notice": None, "issuer": None},
    {"canonical": "中华人民共和国禁毒法", "kind": "law", "key": "中华人民共和国禁毒法",
     "variants": ["《禁毒法》"], "issuer_code": None, "year": None, "number": None,
     "title": "中华人民共和国禁毒法", "notice": None, "issuer": None},
    {"canonical": "秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法", "kind": "regulation",
     "key": "秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法",
     "variants": ["关于印发《秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法》的通知"],
     "issuer_code": None, "year": None, "number": None,
     "title": "秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法",
     "notice": "关于印发《秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法》的通知",
     "issuer": "秦皇岛经济技术开发区管理委员会办公室"},
    {"canonical": "中国法学会章程", "kind": "charter", "key": "中国法学会章程",
     "variants": ["中国法学会章程"], "issuer_code": None, "year": None, "number": None,
     "title": "中国法学会章程", "notice": None, "issuer": None},
    {"canonical": "新增管委已批，必保项目", "kind": "internal_decision", "key": "新增管委已批-必保项目",
     "variants": ["新增管委已批, 必保项目", "新增管委已批，必保项目"], "issuer_code": None, "year": None,
     "number": None, "title": None, "notice": None, "issuer": None},
)

#: What rdf.py writes for BASES. A variant equal to the canonical form is not repeated as an
#: altLabel; laws, regulations and charters take their title from the canonical form if none is
#: cited; only a numbered document has an eli:id_local; an internal decision is no eli:LegalResource.
HAND_MADE_BASES = """
@prefix bkg:  <https://w3id.org/budgetkg/ontology#> .
@prefix eli:  <http://data.europa.eu/eli/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix id:   <https://w3id.org/budgetkg/id/basis/> .

id:冀综治办-2017-6 a bkg:NumberedDocument , eli:LegalResource ;
    skos:prefLabel "冀综治办〔2017〕6号"@zh ;
    skos:altLabel "冀综治办（2017）6号"@zh ;
    bkg:basisKind "document_number" ;
    eli:id_local "冀综治办〔2017〕6号" ;
    eli:title "关于做好综治重点工作经费纳入本级财政预算的通知"@zh ;
    bkg:issuerCode "冀综治办"@zh ;
    bkg:issueYear "2017"^^xsd:gYear ;
    bkg:sequenceNumber 6 .

id:中华人民共和国禁毒法 a bkg:Law , eli:LegalResource ;
    skos:prefLabel "中华人民共和国禁毒法"@zh ;
    skos:altLabel "《禁毒法》"@zh ;
    bkg:basisKind "law" ;
    eli:title "中华人民共和国禁毒法"@zh .

id:秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法 a bkg:Regulation , eli:LegalResource ;
    skos:prefLabel "秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法"@zh ;
    skos:altLabel "关于印发《秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法》的通知"@zh ;
    bkg:basisKind "regulation" ;
    eli:title "秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法"@zh ;
    bkg:notice "关于印发《秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法》的通知"@zh ;
    bkg:issuerName "秦皇岛经济技术开发区管理委员会办公室"@zh .

id:中国法学会章程 a bkg:Charter , eli:LegalResource ;
    skos:prefLabel "中国法学会章程"@zh ;
    bkg:basisKind "charter" ;
    eli:title "中国法学会章程"@zh .

id:新增管委已批-必保项目 a bkg:InternalDecision ;
    skos:prefLabel "新增管委已批，必保项目"@zh ;
    skos:altLabel "新增管委已批, 必保项目"@zh ;
    bkg:basisKind "internal_decision" .
"""

#: The keys of a Document.legal_bases entry that rdf.py's legal_bases() reads.
BASIS_FIELDS = ("canonical", "kind", "key", "variants", "issuer_code", "year", "number", "title", "notice", "issuer")


@pytest.fixture(scope="module")
def bases_graph() -> Graph:
    return Graph().parse(data=HAND_MADE_BASES, format="turtle")


@pytest.fixture(scope="module")
def small_document(hebei):
    """The Hebei document cut down to its unit, one project with one indicator citing every basis
    (with a note), and the five bases."""
    project = hebei.projects[0]
    note = {"text": "每年不少于15万元", "amount": Decimal("15"), "op": ">="}
    indicator = dataclasses.replace(project.indicators[0], basis=Basis(  # graph/citations.py's form
        raw="；".join(b["variants"][0] for b in BASES) + "，每年不少于15万元",
        refs=tuple({"canonical": b["canonical"], "kind": b["kind"], "key": b["key"], "variant": b["variants"][0]}
                   for b in BASES),
        notes=(note,),
    ))
    return dataclasses.replace(
        hebei, projects=(dataclasses.replace(project, indicators=(indicator,), goals=project.goals[:1]),),
        performance_areas=(), procurement=(), assets=None, checks=(), summary=Summary(),
        legal_bases=tuple({**b, "notes": [note], "cited_by": [project.no]} for b in BASES),
    )


@pytest.fixture(scope="module")
def small_graph(small_document) -> Graph:
    return document_graph(small_document, ingested_at=INGESTED_AT)


def basis_node(kind: str) -> URIRef:
    return IRIs().basis(next(b["key"] for b in BASES if b["kind"] == kind))


def test_bases_are_as_the_hebei_document_cites_them(hebei):
    parsed = {b["canonical"]: b for b in hebei.legal_bases}
    for basis in BASES:
        assert {k: parsed[basis["canonical"]][k] for k in BASIS_FIELDS} == basis


def test_hand_made_bases_are_what_rdf_py_writes(bases_graph, small_graph):
    prefix = IRIs().base + "basis/"
    written = Graph()
    for triple in small_graph.triples((None, None, None)):
        if str(triple[0]).startswith(prefix):
            written.add(triple)
    assert isomorphic(written, bases_graph), written.serialize(format="turtle")


def test_hand_made_bases_are_in_the_hebei_graph(bases_graph, hebei_graph):
    """The same nodes, with the same statements, in the real graph (cited there by indicators)."""
    for node in set(bases_graph.subjects()):
        written = Graph()
        for triple in hebei_graph.triples((node, None, None)):
            written.add(triple)
        expected = Graph()
        for triple in bases_graph.triples((node, None, None)):
            expected.add(triple)
        assert isomorphic(written, expected), written.serialize(format="turtle")
        assert (None, BKG.legalBasis, node) in hebei_graph, node


def test_hand_made_bases_cover_every_basis_class(bases_graph, ontology):
    for kind, cls in BASIS_KINDS.items():
        (node,) = list(bases_graph.subjects(RDF.type, cls))
        assert bases_graph.value(node, BKG.basisKind) == Literal(kind)
        is_legal = (node, RDF.type, ELI.LegalResource) in bases_graph
        assert is_legal == (kind != "internal_decision")
    assert sorted(bkg_terms(bases_graph) - declared(ontology)) == []


@pytest.mark.parametrize("with_ontology", [False, True], ids=["data-only", "ontology-mixed-in"])
def test_hand_made_bases_conform(bases_graph, shapes, ontology, with_ontology):
    conforms, _, text = validate(bases_graph, shapes, ontology if with_ontology else None)
    assert conforms, text


def test_document_citing_every_basis_conforms(small_graph, shapes):
    indicator = first(small_graph, BKG.Indicator)
    assert len(set(small_graph.objects(indicator, BKG.legalBasis))) == len(BASES)
    assert len(set(small_graph.objects(indicator, BKG.citationNote))) == 1
    conforms, _, text = validate(small_graph, shapes)
    assert conforms, text


@pytest.mark.parametrize("bad", [
    "冀综治办（2017）6号",  # full-width parentheses instead of 〔〕
    "冀综治办[2017]6号",
    "冀综治办〔17〕6号",  # two-digit year
    "冀综治办〔2017〕第6号",  # 第 before the number
    "冀综治办〔2017〕6",  # no 号
    "〔2017〕6号",  # no issuer code
])
def test_document_number_not_in_gbt9704_form_fails(bases_graph, shapes, bad):
    broken = copy(bases_graph)
    node = basis_node("document_number")
    broken.set((node, ELI.id_local, Literal(bad)))
    conforms, report, text = validate(broken, shapes)
    assert not conforms
    found = results(report)
    assert {(r["focus"], r["path"]) for r in found} == {(node, ELI.id_local)}, text


def _internal_decision_as_legal_resource(g: Graph):
    node = basis_node("internal_decision")
    g.add((node, RDF.type, ELI.LegalResource))
    return node


def _law_with_local_id(g: Graph):
    node = basis_node("law")
    g.add((node, ELI.id_local, Literal("中华人民共和国主席令〔2007〕79号")))
    return node


def _charter_without_title(g: Graph):
    node = basis_node("charter")
    g.remove((node, ELI.title, None))
    return node


def _kind_mismatch(g: Graph):
    node = basis_node("regulation")
    g.set((node, BKG.basisKind, Literal("law")))
    return node


def _unknown_kind(g: Graph):
    node = basis_node("law")
    g.set((node, BKG.basisKind, Literal("statute")))
    return node


def _numbered_document_without_year(g: Graph):
    node = basis_node("document_number")
    g.remove((node, BKG.issueYear, None))
    return node


BASIS_MUTATIONS = {
    "internal-decision-as-legal-resource": _internal_decision_as_legal_resource,
    "law-with-local-id": _law_with_local_id,
    "charter-without-title": _charter_without_title,
    "kind-does-not-match-class": _kind_mismatch,
    "unknown-kind": _unknown_kind,
    "numbered-document-without-year": _numbered_document_without_year,
}


@pytest.mark.parametrize("mutate", BASIS_MUTATIONS.values(), ids=BASIS_MUTATIONS.keys())
def test_basis_shapes_reject(bases_graph, shapes, mutate):
    broken = copy(bases_graph)
    node = mutate(broken)
    conforms, report, text = validate(broken, shapes)
    assert not conforms
    found = results(report)
    assert {r["focus"] for r in found} == {node}, text
    assert_english_messages(found, text)


def test_legal_basis_must_point_at_a_basis(small_graph, shapes):
    broken = copy(small_graph)
    indicator = first(broken, BKG.Indicator)
    unit = first(broken, ORG.Organization)
    broken.add((indicator, BKG.legalBasis, unit))
    conforms, report, text = validate(broken, shapes)
    assert not conforms
    assert {(r["focus"], r["path"]) for r in results(report)} == {(indicator, BKG.legalBasis)}, text


def test_document_graph_has_no_blank_nodes(hebei_graph):
    """rdf.py mints an IRI for every node, so shapes can report readable focus nodes."""
    assert not any(isinstance(t, BNode) for triple in hebei_graph for t in triple)
