"""The published ontology: /ontology as a page (every term anchored by its local name, labels
and links right, everything escaped) and as RDF by content negotiation; /ontology.ttl and
/ontology/shapes.ttl as the files themselves."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from budgetkg.ontology import ONTOLOGY, SHAPES
from budgetkg.server.app import create_app

NS = "https://w3id.org/budgetkg/ontology#"
SHAPES_NS = "https://w3id.org/budgetkg/shapes#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """The ids of a page with the text inside each element that has one, and every link."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}
        self.id_counts: dict[str, int] = {}
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.text: list[str] = []
        self._stack: list[tuple[str, str | None, int]] = []  # (tag, id, where its text starts)
        self._link: tuple[str, int] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self._link = (attrs["href"], len(self.text))
        if tag in VOID:
            return
        element_id = attrs.get("id")
        if element_id is not None:
            self.id_counts[element_id] = self.id_counts.get(element_id, 0) + 1
        self._stack.append((tag, element_id, len(self.text)))

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            href, start = self._link
            self.links.append((href, "".join(self.text[start:])))
            self._link = None
        if tag in VOID:
            return
        while self._stack:  # close up to the matching tag (tolerates omitted end tags)
            open_tag, element_id, start = self._stack.pop()
            if element_id is not None:
                self.ids[element_id] = "".join(self.text[start:])
            if open_tag == tag:
                break

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def client():
    return create_app({"STORE": None}).test_client()


@pytest.fixture(scope="module")
def html(client) -> str:
    response = client.get("/ontology", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers.get("Vary", "")
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def page(html) -> Page:
    return Page(html)


def _ours(graph: Graph, *types) -> list[URIRef]:
    return sorted({s for t in types for s in graph.subjects(RDF.type, t)
                   if isinstance(s, URIRef) and str(s).startswith(NS)})


def _zh(graph: Graph, term) -> str:
    return next(str(v) for v in graph.objects(term, RDFS.label) if v.language == "zh")


# ---- the page -------------------------------------------------------------------------------------

def test_every_class_and_property_has_an_anchor_with_its_zh_label(ontology, page):
    terms = _ours(ontology, OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                  OWL.AnnotationProperty, RDF.Property)
    assert len(terms) > 60
    for term in terms:
        local = str(term)[len(NS):]
        assert local in page.ids, f"no element with id={local!r}"
        assert _zh(ontology, term) in page.ids[local], f"the zh label of {local} is not in its section"


def test_every_term_of_the_ontology_is_anchored(ontology, page):
    """Concept schemes, concepts and the Data Cube structure too: every bkg: IRI the file describes."""
    for subject in {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}:
        local = str(subject)[len(NS):]
        assert local in page.ids, f"no element with id={local!r}"
        labels = [str(v) for v in ontology.objects(subject, RDFS.label) if v.language == "zh"]
        assert all(label in page.ids[local] for label in labels), local


def test_ids_are_unique(page):
    assert {i: n for i, n in page.id_counts.items() if n > 1} == {}


def test_table_of_contents_links_resolve(page):
    fragments = [href[1:] for href, _ in page.links if href.startswith("#")]
    assert fragments
    missing = sorted({f for f in fragments if f not in page.ids})
    assert missing == []


def test_class_section_lists_its_properties_and_superclasses(page):
    project = page.ids["Project"]
    assert "项目" in project and "budget project" in project
    for prop in ("bkg:projectNumber", "bkg:cost", "bkg:goal", "bkg:fiscalYear", "bkg:projectTotal"):
        assert prop in project
    assert "prov:Entity" in project
    document = page.ids["BudgetDocument"]
    assert "dcterms:BibliographicResource" in document and "bkg:fileName" in document
    decision = page.ids["InternalDecision"]
    assert "eli:LegalResource" in decision  # owl:disjointWith


def test_property_section_shows_domain_range_and_superproperty(page):
    basis = page.ids["legalBasis"]
    assert "指标值确定依据" in basis
    for name in ("bkg:Indicator", "bkg:Project", "eli:LegalResource", "bkg:InternalDecision", "dcterms:references"):
        assert name in basis
    assert "xsd:gYear" in page.ids["fiscalYear"]


def test_external_terms_are_compact_names_linking_to_their_iris(page):
    links = {text: href for href, text in page.links}
    assert links["org:Organization"] == "http://www.w3.org/ns/org#Organization"
    assert links["skos:Concept"] == "http://www.w3.org/2004/02/skos/core#Concept"
    assert links["eli:LegalResource"] == "http://data.europa.eu/eli/ontology#LegalResource"
    assert links["bkg:Project"] == "#Project"


def test_header_and_vocabularies(page, html):
    text = page.all_text
    assert "预算公开知识图谱本体" in text and "budgetkg ontology" in text
    assert "0.1.0" in text
    assert "https://w3id.org/budgetkg/ontology" in text
    for prefix, namespace in (("org", "http://www.w3.org/ns/org#"), ("eli", "http://data.europa.eu/eli/ontology#"),
                              ("skos", str(SKOS)), ("prov", "http://www.w3.org/ns/prov#"),
                              ("qb", "http://purl.org/linked-data/cube#"),
                              ("obeu-dimension", "http://data.openbudgets.eu/ontology/dsd/dimension/")):
        assert f"{prefix}:" in text and namespace in text
    assert 'rel="alternate" type="text/turtle"' in html


def test_concept_schemes_and_data_cube_structure(page):
    figures = page.ids["figures"]
    assert "收入预算总额" in figures and "summary.income_total" in figures
    assert "三公经费" in page.ids["SangongTotal"]
    structure = page.ids["budgetStructure"]
    for name in ("obeu-dimension:organization", "obeu-measure:amount", "sdmx-attribute:unitMult", "bkg:figure"):
        assert name in structure


def test_text_is_escaped(html):
    # bkg:functionalClassification's comment says "classification/function/<code>"
    assert "classification/function/&lt;code&gt;" in html
    assert "function/<code>" not in html


def test_shapes_section(shapes, page):
    node_shapes = sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))
    assert len(node_shapes) > 20
    for shape in node_shapes:
        local = str(shape)[len(SHAPES_NS):]
        anchor = local if local in page.ids else f"shape-{local}"
        assert anchor in page.ids, local
        section = page.ids[anchor]
        for target in shapes.objects(shape, SH.targetClass):
            assert str(target).rsplit("#", 1)[-1] in section
    project = page.ids["ProjectShape"]
    assert "bkg:projectNumber" in project and "xsd:integer" in project
    assert "^bkg:project" in project  # an inverse path
    document = page.ids["BudgetDocumentShape"]
    assert "^[0-9a-f]{64}$" in document  # a pattern, unescaped


# ---- the files and content negotiation --------------------------------------------------------------

def test_turtle_file_byte_for_byte(client, ontology):
    response = client.get("/ontology.ttl")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.data == ONTOLOGY.read_bytes()
    assert isomorphic(Graph().parse(data=response.data, format="turtle"), ontology)
    again = client.get("/ontology.ttl", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_shapes_file_byte_for_byte(client, shapes):
    response = client.get("/ontology/shapes.ttl")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.data == SHAPES.read_bytes()
    assert len(Graph().parse(data=response.data, format="turtle")) == len(shapes)


@pytest.mark.parametrize("headers, query", [
    ({"Accept": "text/turtle"}, ""),
    ({}, ""),
    ({"Accept": "*/*"}, ""),
    ({"Accept": BROWSER}, "?format=turtle"),
])
def test_turtle_by_negotiation(client, headers, query):
    response = client.get("/ontology" + query, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert response.data == ONTOLOGY.read_bytes()
    assert "Accept" in response.headers["Vary"]


def test_json_ld(client, ontology):
    response = client.get("/ontology", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert "Accept" in response.headers["Vary"]
    assert isomorphic(Graph().parse(data=response.data, format="json-ld"), ontology)


def test_n_triples(client, ontology):
    for response in (client.get("/ontology", headers={"Accept": "application/n-triples"}),
                     client.get("/ontology?format=nt")):
        assert response.status_code == 200
        assert response.mimetype == "application/n-triples"
        assert "Accept" in response.headers["Vary"]
        assert isomorphic(Graph().parse(data=response.data, format="nt"), ontology)


def test_format_parameter_wins_over_accept(client):
    response = client.get("/ontology?format=html", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/html"
    response = client.get("/ontology?format=jsonld", headers={"Accept": BROWSER})
    assert response.mimetype == "application/ld+json"


def test_not_acceptable(client):
    response = client.get("/ontology", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    assert "Accept" in response.headers["Vary"]
    assert "text/turtle" in response.get_json()["detail"]
    assert client.get("/ontology?format=png").status_code == 406
