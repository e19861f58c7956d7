"""Namespaces: the vocabularies budgetkg reuses, and its own as a closed namespace (a misspelt
term raises), kept equal to the terms ontology/budgetkg.ttl defines (checked by the tests)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, XSD, ClosedNamespace

ONTOLOGY_IRI = "https://w3id.org/budgetkg/ontology#"
#: Default base of every IRI the graph mints; configurable (BUDGETKG_BASE or --base).
DEFAULT_BASE = "https://w3id.org/budgetkg/id/"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
OBEU_DIMENSION = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
OBEU_MEASURE = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
OBEU_ATTRIBUTE = Namespace("http://data.openbudgets.eu/ontology/dsd/attribute/")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SH = Namespace("http://www.w3.org/ns/shacl#")
CURRENCY_CNY = "http://publications.europa.eu/resource/authority/currency/CNY"
YEAR = "http://reference.data.gov.uk/id/year/"

CLASSES = [
    "BudgetDocument", "Project", "PerformanceGoal", "Indicator", "IndicatorValue", "CitationNote",
    "ProcurementItem", "AssetItem", "ConsistencyCheck", "BudgetFigure", "PerformanceArea",
    "NumberedDocument", "Law", "Regulation", "Charter", "InternalDecision", "IndicatorClass",
    "FunctionalClass", "Wording",
]
PROPERTIES = [
    # document and provenance
    "fiscalYear", "budgetKind", "fileName", "sha256", "sourceFormat", "lineCount", "pageCount",
    "parserVersion", "sourceLine", "sourcePage", "warning", "dataset",
    # unit
    "nature", "rank", "fundingForm", "duty",
    # projects, goals, indicators
    "project", "projectNumber", "goal", "goalNumber", "indicator", "rowNumber", "cost",
    "indicatorClass", "level1", "level2", "value", "rawValue", "operator", "numericValue",
    "valueUnit", "legalBasis", "basisText", "citationNote", "noteAmount", "performanceArea",
    "areaNumber", "overallGoal",
    # legal bases
    "basisKind", "issuerCode", "issueYear", "sequenceNumber", "issuerName", "notice",
    # figures
    "figure", "amount", "amountUnit",
    # procurement and assets
    "procurementItem", "catalogCode", "measureUnit", "quantity", "unitPrice", "projectName",
    "forProject", "fundingSource", "assetItem", "quantityUnit", "partOfAsset", "asOf",
    # checks
    "check", "passed", "expected", "actual",
    # the PDF disclosures: 功能分类 spending, 绩效 summary, project header
    "functionalClass", "spendingKind", "projectCount", "projectTotal",
    # what a document's graph counts of itself
    "parsedProjectCount",
    # reusable wording and corpus statistics (derived by the index sync)
    "wording", "useCount", "projectUseCount", "unitUseCount", "projectCostSum", "useRank",
]
#: Individuals: the budget figures (a SKOS scheme of what each observation measures), the two
#: classification schemes (indicators; national 功能分类 of spending) and the Data Cube structure.
FIGURES = [
    "figures", "IncomeTotal", "FiscalAppropriation", "ExpenditureTotal", "BasicExpenditure",
    "PersonnelExpenditure", "PublicExpenditure", "ProjectExpenditure", "OperatingExpenses",
    "ProcurementTotal", "AssetsTotal", "SangongTotal", "SangongAbroad", "SangongVehicle",
    "SangongVehiclePurchase", "SangongVehicleOperation", "SangongReception", "ChangeTotal",
    "ChangeBasicExpenditure", "ChangeProjectExpenditure", "indicatorClasses", "budgetStructure",
    "functionalClassification", "FunctionalExpenditure", "ProcurementGoods", "ProcurementWorks",
    "ProcurementServices", "PerformanceFunds", "wordings",
]

BKG = ClosedNamespace(ONTOLOGY_IRI, CLASSES + PROPERTIES + FIGURES)

PREFIXES = {
    "bkg": ONTOLOGY_IRI,
    "eli": str(ELI),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "qb": str(QB),
    "obeu-dimension": str(OBEU_DIMENSION),
    "obeu-measure": str(OBEU_MEASURE),
    "obeu-attribute": str(OBEU_ATTRIBUTE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

__all__ = [
    "BKG", "CLASSES", "CURRENCY_CNY", "DCTERMS", "DEFAULT_BASE", "ELI", "FIGURES", "OBEU_ATTRIBUTE",
    "OBEU_DIMENSION", "OBEU_MEASURE", "ONTOLOGY_IRI", "ORG", "OWL", "PREFIXES", "PROPERTIES", "PROV",
    "QB", "RDF", "RDFS", "SDMX_ATTRIBUTE", "SH", "SKOS", "XSD", "YEAR",
]
