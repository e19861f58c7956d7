"""The ontology, published: ``GET /ontology`` answers a browser with a readable page (every term
anchored by its local name, so that ``https://w3id.org/budgetkg/ontology#Project`` can redirect
to ``/ontology#Project``) and an RDF client with the ontology in Turtle, JSON-LD or N-Triples (by
the Accept header or ``?format=``); ``GET /ontology.ttl`` and ``GET /ontology/shapes.ttl`` serve
the two Turtle files as they are.

The page is built from the Turtle files with rdflib, once per version of each file."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from budgetkg.ontology import ONTOLOGY, SHAPES

from .errors import problem_response
from .negotiation import GRAPHS, HTML, NotAcceptable, negotiate, prefers_html

ontology = Blueprint("ontology", __name__)

ONTOLOGY_IRI = "https://w3id.org/budgetkg/ontology"
NS = ONTOLOGY_IRI + "#"
SHAPES_NS = "https://w3id.org/budgetkg/shapes#"
TURTLE = "text/turtle; charset=utf-8"

DCTERMS = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
VANN = "http://purl.org/vocab/vann/"

#: What the prefixes of the Turtle files stand for: (name, where it is specified).
VOCABULARIES: dict[str, tuple[str, str]] = {
    "http://www.w3.org/ns/org#": ("W3C Organization Ontology (ORG)", "https://www.w3.org/TR/vocab-org/"),
    "http://data.europa.eu/eli/ontology#": ("European Legislation Identifier (ELI) ontology",
                                            "https://op.europa.eu/en/web/eu-vocabularies/eli"),
    "http://www.w3.org/2004/02/skos/core#": ("SKOS Simple Knowledge Organization System",
                                             "https://www.w3.org/TR/skos-reference/"),
    "http://www.w3.org/ns/prov#": ("PROV-O: the PROV Ontology", "https://www.w3.org/TR/prov-o/"),
    DCTERMS: ("DCMI Metadata Terms", "https://www.dublincore.org/specifications/dublin-core/dcmi-terms/"),
    QB: ("RDF Data Cube Vocabulary", "https://www.w3.org/TR/vocab-data-cube/"),
    "http://data.openbudgets.eu/ontology/dsd/attribute/": ("OpenBudgets.eu data model: attributes",
                                                           "https://github.com/openbudgets/data-model"),
    "http://data.openbudgets.eu/ontology/dsd/dimension/": ("OpenBudgets.eu data model: dimensions",
                                                           "https://github.com/openbudgets/data-model"),
    "http://data.openbudgets.eu/ontology/dsd/measure/": ("OpenBudgets.eu data model: measures",
                                                         "https://github.com/openbudgets/data-model"),
    "http://purl.org/linked-data/sdmx/2009/attribute#": ("SDMX attributes (Data Cube SDMX-RDF)",
                                                         "https://github.com/UKGovLD/publishing-statistical-data"),
    VANN: ("VANN: vocabulary for annotating vocabulary descriptions", "https://vocab.org/vann/"),
    str(OWL): ("OWL 2 Web Ontology Language", "https://www.w3.org/TR/owl2-overview/"),
    str(RDF): ("RDF 1.1 vocabulary", "https://www.w3.org/TR/rdf11-concepts/"),
    str(RDFS): ("RDF Schema 1.1", "https://www.w3.org/TR/rdf-schema/"),
    str(XSD): ("XML Schema datatypes", "https://www.w3.org/TR/xmlschema11-2/"),
    str(SH): ("SHACL Shapes Constraint Language", "https://www.w3.org/TR/shacl/"),
}

#: The RDF formats /ontology answers with besides the page, by their short names in GRAPHS.
RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


# ---------------------------------------------------------------------------------------------
# Reading the files
# ---------------------------------------------------------------------------------------------

_PREFIX = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", re.MULTILINE)


def _prefixes(text: str) -> list[tuple[str, str]]:
    """The ``@prefix`` lines of a Turtle text, in file order."""
    return [(prefix or "", namespace) for prefix, namespace in _PREFIX.findall(text)]


def _positions(text: str, prefix: str) -> dict[str, int]:
    """Where each subject ``prefix:Local`` written at the start of a line is described first."""
    positions: dict[str, int] = {}
    for match in re.finditer(rf"^{re.escape(prefix)}:(\S+)\s*$", text, re.MULTILINE):
        positions.setdefault(match.group(1), match.start())
    return positions


def _graph(text: str, prefixes: list[tuple[str, str]]) -> Graph:
    graph = Graph(bind_namespaces="none")
    graph.parse(data=text, format="turtle")
    for prefix, namespace in prefixes:
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=4)
def _loaded(path: str, mtime_ns: int, size: int) -> tuple[bytes, Graph, list[tuple[str, str]]]:
    """(the file's bytes, its graph, its prefixes), read again when the file changes."""
    data = Path(path).read_bytes()
    text = data.decode("utf-8")
    prefixes = _prefixes(text)
    return data, _graph(text, prefixes), prefixes


def load(path: Path) -> tuple[bytes, Graph, list[tuple[str, str]]]:
    return _loaded(*_stamp(path))


# ---------------------------------------------------------------------------------------------
# The view of the ontology the template renders
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """A link to a term: ``bkg:Project`` → ``#Project``, ``org:Organization`` → its IRI."""

    text: str
    href: str
    title: str = ""
    local: bool = False


#: What the template renders in a row of text: plain strings (escaped) and links.
Pieces = list  # list[str | Ref]


@dataclass
class Term:
    local: str
    iri: str
    anchor: str
    qname: str
    types: list[Ref] = field(default_factory=list)
    label_zh: str = ""
    label_en: str = ""
    alt_labels: list[str] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (lang, text)
    superclasses: list[Pieces] = field(default_factory=list)
    subclasses: list[Ref] = field(default_factory=list)
    disjoint: list[Ref] = field(default_factory=list)
    domain: list[Pieces] = field(default_factory=list)
    range: list[Pieces] = field(default_factory=list)
    superproperties: list[Ref] = field(default_factory=list)
    domain_of: list[tuple[Ref, bool]] = field(default_factory=list)  # (property, the domain is a union)
    range_of: list[tuple[Ref, bool]] = field(default_factory=list)
    inherited: list[tuple[Ref, list[Ref]]] = field(default_factory=list)  # (superclass, its properties)
    extra_types: list[Ref] = field(default_factory=list)  # types besides the one its section is for
    notation: str = ""
    depth: int = 0
    other: list[tuple[Ref, Pieces]] = field(default_factory=list)  # statements not shown otherwise


@dataclass
class Scheme:
    term: Term
    concepts: list[Term]  # depth-first, broader before narrower
    member_class: Ref | None = None  # the class its concepts are minted as, when none are listed


@dataclass
class Component:
    kind: str  # dimension, measure, attribute
    property: Ref
    order: str
    required: str


@dataclass
class Structure:
    term: Term
    components: list[Component]


@dataclass
class Vocabulary:
    prefix: str
    namespace: str
    name: str
    spec: str
    used: list[Ref]


@dataclass
class PropertyConstraint:
    shape: Ref | None  # a named property shape
    path: Pieces
    min_count: str
    max_count: str
    value_type: Pieces  # datatype / class / node kind
    other: Pieces
    message: str


@dataclass
class Shape:
    local: str
    anchor: str
    iri: str
    kind: str  # NodeShape or PropertyShape
    comment: str
    targets: list[tuple[str, Ref]]
    constraints: list[tuple[Ref, Pieces]]  # node-level constraints
    message: str
    properties: list[PropertyConstraint]
    sparql: list[tuple[str, str]]  # (message, SELECT)


@dataclass
class Page:
    iri: str
    title_zh: str
    title_en: str
    descriptions: list[tuple[str, str]]
    version: str
    license: str
    prefix: str
    namespace: str
    see_also: list[str]
    classes: list[Term]
    object_properties: list[Term]
    datatype_properties: list[Term]
    other_properties: list[Term]
    external_domains: list[tuple[Ref, list[Ref]]]
    schemes: list[Scheme]
    structures: list[Structure]
    others: list[Term]
    vocabularies: list[Vocabulary]
    shapes_iri: str
    shapes_comment: str
    shapes: list[Shape]
    triples: int
    shape_triples: int


def _text(value) -> str:
    """Turtle-like text of a literal, one line."""
    if isinstance(value, Literal):
        if value.datatype in (XSD.integer, XSD.decimal, XSD.boolean, XSD.double):
            return str(value)
        quoted = "\"" + str(value).replace("\n", "\\n") + "\""
        if value.language:
            return f"{quoted}@{value.language}"
        return quoted
    return str(value)


def _flat(text: str) -> str:
    """One paragraph: line breaks of the Turtle source joined."""
    return re.sub(r"\s*\n\s*", " ", str(text)).strip()


class _Builder:
    def __init__(self, graph: Graph, prefixes: list[tuple[str, str]], text: str,
                 shapes: Graph, shape_prefixes: list[tuple[str, str]], shapes_text: str):
        self.g = graph
        self.shapes = shapes
        namespaces = {ns: prefix for prefix, ns in prefixes + shape_prefixes}
        self.namespaces = sorted(namespaces.items(), key=lambda item: -len(item[0]))
        self.prefixes = prefixes
        self.order = _positions(text, "bkg")
        self.shape_order = _positions(shapes_text, "bkgsh")
        self.shapes_text = shapes_text
        # anchors: every ontology term by its local name; shapes by theirs unless taken
        self.anchors: dict[str, str] = {}
        for subject in set(graph.subjects()):
            if isinstance(subject, URIRef) and str(subject).startswith(NS):
                self.anchors[str(subject)] = str(subject)[len(NS):]
        taken = set(self.anchors.values())
        for subject in set(shapes.subjects()):
            if isinstance(subject, URIRef) and str(subject).startswith(SHAPES_NS):
                local = str(subject)[len(SHAPES_NS):]
                self.anchors[str(subject)] = local if local not in taken else f"shape-{local}"

    # ---- names and links ----

    def qname(self, iri: str) -> str:
        for namespace, prefix in self.namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def label(self, node, lang: str) -> str:
        for predicate in (RDFS.label, SKOS.prefLabel):
            for value in self.g.objects(node, predicate):
                if isinstance(value, Literal) and value.language == lang:
                    return str(value)
        return ""

    def ref(self, node) -> Ref:
        iri = str(node)
        anchor = self.anchors.get(iri)
        if anchor is not None:
            labels = " / ".join(x for x in (self.label(node, "zh"), self.label(node, "en")) if x)
            return Ref(self.qname(iri), "#" + anchor, labels, True)
        return Ref(self.qname(iri), iri)

    def pieces(self, graph: Graph, node) -> Pieces:
        """A class expression (a named class or an owl:unionOf) or any other node as links."""
        if isinstance(node, URIRef):
            return [self.ref(node)]
        if isinstance(node, Literal):
            return [_text(node)]
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return self._join([self.pieces(graph, item) for item in Collection(graph, union)], " ∪ ")
        if graph.value(node, RDF.first) is not None or node == RDF.nil:
            return ["( "] + self._join([self.pieces(graph, item) for item in Collection(graph, node)], " ") + [" )"]
        if graph is self.shapes:
            return self.shape_expression(node)
        pairs = [[self.ref(p), " "] + self.pieces(graph, o)
                 for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1])))]
        return ["[ "] + self._join(pairs, " ; ") + [" ]"]

    @staticmethod
    def _join(parts: list[Pieces], separator: str) -> Pieces:
        out: Pieces = []
        for i, part in enumerate(parts):
            if i:
                out.append(separator)
            out.extend(part)
        return out

    def sort_key(self, node) -> tuple:
        iri = str(node)
        local = iri.removeprefix(NS)
        return (self.order.get(local, 1 << 30), local)

    # ---- terms ----

    def term(self, node, shown: set) -> Term:
        g = self.g
        iri = str(node)
        local = iri[len(NS):]
        term = Term(local=local, iri=iri, anchor=self.anchors[iri], qname=self.qname(iri))
        term.types = [self.ref(t) for t in sorted(g.objects(node, RDF.type), key=str)]
        term.extra_types = [self.ref(t) for t in sorted(g.objects(node, RDF.type), key=str)
                            if t not in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)]
        term.label_zh = self.label(node, "zh")
        term.label_en = self.label(node, "en")
        term.alt_labels = sorted(str(v) for v in g.objects(node, SKOS.altLabel))
        comments = list(g.objects(node, RDFS.comment))
        term.comments = sorted(((v.language or "", _flat(v)) for v in comments),
                               key=lambda c: (c[0] != "zh", c[0]))
        term.superclasses = [self.pieces(g, v) for v in sorted(g.objects(node, RDFS.subClassOf), key=self.sort_key)]
        term.subclasses = [self.ref(v) for v in sorted(g.subjects(RDFS.subClassOf, node), key=self.sort_key)]
        term.disjoint = [self.ref(v) for v in sorted(g.objects(node, OWL.disjointWith), key=str)]
        term.domain = [self.pieces(g, v) for v in g.objects(node, RDFS.domain)]
        term.range = [self.pieces(g, v) for v in g.objects(node, RDFS.range)]
        term.superproperties = [self.ref(v) for v in sorted(g.objects(node, RDFS.subPropertyOf), key=str)]
        notation = g.value(node, SKOS.notation)
        term.notation = str(notation) if notation is not None else ""
        for predicate, value in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if predicate in shown:
                continue
            term.other.append((self.ref(predicate), self.pieces(g, value)))
        return term

    def classes_of(self, expression) -> list:
        """The named classes a domain or range is: the class, or the members of its union."""
        if isinstance(expression, URIRef):
            return [expression]
        union = self.g.value(expression, OWL.unionOf)
        if union is not None:
            return [item for item in Collection(self.g, union) if isinstance(item, URIRef)]
        return []

    def _walk(self, node, depth: int, members: set, placed: set, concepts: list[Term], shown: set) -> None:
        """A concept and, below it, the concepts of the same scheme it is skos:broader of."""
        if node in placed:
            return
        placed.add(node)
        term = self.term(node, shown)
        term.depth = depth
        concepts.append(term)
        for child in sorted((c for c in members if (c, SKOS.broader, node) in self.g), key=self.sort_key):
            self._walk(child, depth + 1, members, placed, concepts, shown)

    def build(self) -> Page:
        g = self.g
        ours = lambda node: isinstance(node, URIRef) and str(node).startswith(NS)
        subjects = {s for s in g.subjects() if ours(s)}
        typed = defaultdict(set)
        for s in subjects:
            for t in g.objects(s, RDF.type):
                typed[t].add(s)

        class_shown = {RDF.type, RDFS.label, RDFS.comment, RDFS.subClassOf, OWL.disjointWith}
        property_shown = {RDF.type, RDFS.label, RDFS.comment, RDFS.domain, RDFS.range, RDFS.subPropertyOf}
        concept_shown = {RDF.type, RDFS.label, RDFS.comment, SKOS.prefLabel, SKOS.altLabel, SKOS.notation,
                         SKOS.inScheme, SKOS.broader, SKOS.topConceptOf}
        scheme_shown = {RDF.type, RDFS.label, RDFS.comment, SKOS.hasTopConcept}
        structure_shown = {RDF.type, RDFS.label, RDFS.comment, URIRef(QB + "component")}

        # properties and the classes their domain and range name
        object_nodes = sorted(typed[OWL.ObjectProperty], key=self.sort_key)
        datatype_nodes = sorted(typed[OWL.DatatypeProperty], key=self.sort_key)
        other_property_nodes = sorted(
            (typed[RDF.Property] | typed[OWL.AnnotationProperty]) - set(object_nodes) - set(datatype_nodes),
            key=self.sort_key)
        property_nodes = object_nodes + datatype_nodes + other_property_nodes
        domain_of: dict = defaultdict(list)
        range_of: dict = defaultdict(list)
        for prop in property_nodes:
            for expression in g.objects(prop, RDFS.domain):
                for cls in self.classes_of(expression):
                    domain_of[cls].append((prop, isinstance(expression, BNode)))
            for expression in g.objects(prop, RDFS.range):
                for cls in self.classes_of(expression):
                    range_of[cls].append((prop, isinstance(expression, BNode)))

        class_nodes = sorted(typed[OWL.Class] | typed[RDFS.Class], key=self.sort_key)
        classes = []
        for props in list(domain_of.values()) + list(range_of.values()):
            props.sort(key=lambda item: self.sort_key(item[0]))
        for node in class_nodes:
            term = self.term(node, class_shown)
            term.domain_of = [(self.ref(p), union) for p, union in domain_of.get(node, [])]
            term.range_of = [(self.ref(p), union) for p, union in range_of.get(node, [])]
            for parent in sorted(g.objects(node, RDFS.subClassOf), key=str):
                if not ours(parent) and domain_of.get(parent):
                    term.inherited.append((self.ref(parent), [self.ref(p) for p, _ in domain_of[parent]]))
            classes.append(term)
        external_domains = [
            (self.ref(cls), [self.ref(p) for p, _ in props])
            for cls, props in sorted(domain_of.items(), key=lambda item: self.qname(str(item[0])))
            if not ours(cls)
        ]

        # concept schemes, their concepts as trees; the Data Cube structures
        schemes = []
        concept_nodes = typed[SKOS.Concept]
        placed: set = set()
        for scheme in sorted(typed[SKOS.ConceptScheme], key=self.sort_key):
            members = {c for c in concept_nodes if (c, SKOS.inScheme, scheme) in g}
            tops = [c for c in members if not any(b in members for b in g.objects(c, SKOS.broader))]
            concepts: list[Term] = []
            for top in sorted(tops, key=self.sort_key):
                self._walk(top, 0, members, placed, concepts, concept_shown | {SKOS.broader})
            member_class = None
            if not members:  # the concepts are minted from the data: name their class
                for cls in class_nodes:
                    if any(str(scheme) in str(c) or self.qname(str(scheme)) in str(c)
                           for c in g.objects(cls, RDFS.comment)):
                        member_class = self.ref(cls)
                        break
            schemes.append(Scheme(self.term(scheme, scheme_shown), concepts, member_class))

        structures = []
        for node in sorted(typed[URIRef(QB + "DataStructureDefinition")], key=self.sort_key):
            components = []
            for component in g.objects(node, URIRef(QB + "component")):
                for kind in ("dimension", "measure", "attribute"):
                    prop = g.value(component, URIRef(QB + kind))
                    if prop is not None:
                        order = g.value(component, URIRef(QB + "order"))
                        required = g.value(component, URIRef(QB + "componentRequired"))
                        components.append(Component(kind, self.ref(prop), "" if order is None else str(order),
                                                    "" if required is None else str(required)))
            rank = {"dimension": 0, "measure": 1, "attribute": 2}
            components.sort(key=lambda c: (rank[c.kind], int(c.order) if c.order.isdigit() else 1 << 30,
                                           c.property.text))
            structures.append(Structure(self.term(node, structure_shown), components))

        listed = (set(class_nodes) | set(property_nodes) | placed | typed[SKOS.ConceptScheme]
                  | typed[URIRef(QB + "DataStructureDefinition")])
        others = [self.term(node, class_shown | property_shown)
                  for node in sorted(subjects - listed, key=self.sort_key)]

        # the reused vocabularies and the terms of each the ontology names
        used: dict[str, set[str]] = defaultdict(set)
        for triple in g:
            for node in triple:
                if isinstance(node, URIRef) and not str(node).startswith(NS):
                    for namespace, _ in self.namespaces:
                        if str(node).startswith(namespace) and len(str(node)) > len(namespace):
                            used[namespace].add(str(node))
                            break
        vocabularies = []
        for prefix, namespace in self.prefixes:
            if namespace == NS:
                continue
            name, spec = VOCABULARIES.get(namespace, ("", namespace))
            vocabularies.append(Vocabulary(prefix, namespace, name, spec,
                                           [self.ref(URIRef(iri)) for iri in sorted(used.get(namespace, ()))]))

        onto = URIRef(ONTOLOGY_IRI)
        title = lambda lang: next((str(v) for v in g.objects(onto, URIRef(DCTERMS + "title"))
                                   if v.language == lang), "")
        descriptions = sorted(((v.language or "", _flat(v)) for v in g.objects(onto, URIRef(DCTERMS + "description"))),
                              key=lambda d: (d[0] != "zh", d[0]))
        value = lambda p: g.value(onto, p)
        shapes_onto = next((s for s in self.shapes.subjects(RDF.type, OWL.Ontology)), None)
        return Page(
            iri=ONTOLOGY_IRI,
            title_zh=title("zh"),
            title_en=title("en"),
            descriptions=descriptions,
            version=str(value(OWL.versionInfo) or ""),
            license=str(value(URIRef(DCTERMS + "license")) or ""),
            prefix=str(value(URIRef(VANN + "preferredNamespacePrefix")) or "bkg"),
            namespace=str(value(URIRef(VANN + "preferredNamespaceUri")) or NS),
            see_also=sorted(str(v) for v in g.objects(onto, RDFS.seeAlso)),
            classes=classes,
            object_properties=[self.term(p, property_shown) for p in object_nodes],
            datatype_properties=[self.term(p, property_shown) for p in datatype_nodes],
            other_properties=[self.term(p, property_shown) for p in other_property_nodes],
            external_domains=external_domains,
            schemes=schemes,
            structures=structures,
            others=others,
            vocabularies=vocabularies,
            shapes_iri=str(shapes_onto or ""),
            shapes_comment=_flat(self.shapes.value(shapes_onto, URIRef(DCTERMS + "description")) or "")
            if shapes_onto else "",
            shapes=self.build_shapes(),
            triples=len(g),
            shape_triples=len(self.shapes),
        )

    # ---- SHACL shapes ----

    def path(self, node) -> Pieces:
        s = self.shapes
        if isinstance(node, URIRef):
            return [self.ref(node)]
        inverse = s.value(node, SH.inversePath)
        if inverse is not None:
            return ["^"] + self.path(inverse)
        if s.value(node, RDF.first) is not None:
            return self._join([self.path(item) for item in Collection(s, node)], " / ")
        for keyword, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = s.value(node, keyword)
            if inner is not None:
                return ["("] + self.path(inner) + [")" + mark]
        alternatives = s.value(node, SH.alternativePath)
        if alternatives is not None:
            return ["("] + self._join([self.path(item) for item in Collection(s, alternatives)], " | ") + [")"]
        return [str(node)]

    def _path_text(self, node) -> str:
        return "".join(p.text if isinstance(p, Ref) else p for p in self.path(node))

    def value(self, node) -> Pieces:
        """A constraint's value: a term, a literal, a list, or a nested shape."""
        s = self.shapes
        if isinstance(node, URIRef):
            return [self.ref(node)]
        if isinstance(node, Literal):
            return [_text(node)]
        if s.value(node, RDF.first) is not None or node == RDF.nil:
            return ["( "] + self._join([self.value(item) for item in Collection(s, node)], " ") + [" )"]
        return self.shape_expression(node)

    _SKIP: ClassVar[set] = {RDF.type, SH.path, SH.message, RDFS.comment, SH.name, SH.description}
    #: The order constraints are listed in; any other follows, by name.
    _ORDER: ClassVar[dict] = {p: i for i, p in enumerate([
        SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH.node, SH.hasValue, SH["in"],
        SH.languageIn, SH.uniqueLang, SH.pattern, SH.flags, SH.minInclusive, SH.minExclusive, SH.maxInclusive,
        SH.maxExclusive, SH.minLength, SH.maxLength, SH.equals, SH.disjoint, SH.lessThan, SH.property,
        SH["not"], SH["and"], SH["or"], SH.xone])}

    def _constraint_key(self, pair) -> tuple:
        return (self._ORDER.get(pair[0], len(self._ORDER)), str(pair[0]), str(pair[1]))

    def constraints(self, node, skip=frozenset()) -> Pieces:
        """The constraints of a (nested) shape as ``minCount 1 · class bkg:Project …``."""
        s = self.shapes
        parts = []
        for predicate, obj in sorted(s.predicate_objects(node), key=self._constraint_key):
            if predicate in self._SKIP or predicate in skip:
                continue
            name = self.qname(str(predicate))
            name = name.removeprefix("sh:")
            if predicate in (SH["or"], SH.xone, SH["and"]) and s.value(obj, RDF.first) is not None:
                separator = {SH["or"]: " | ", SH.xone: " ⊕ ", SH["and"]: " & "}[predicate]
                parts.append([f"{name} ( "] + self._join([self.value(i) for i in Collection(s, obj)], separator)
                             + [" )"])
            else:
                parts.append([name + " "] + self.value(obj))
        return self._join(parts, " · ")

    def shape_expression(self, node) -> Pieces:
        s = self.shapes
        path = s.value(node, SH.path)
        inner = self.constraints(node)
        if path is not None:
            return ["{ "] + self.path(path) + ([" : "] + inner if inner else []) + [" }"]
        return ["{ "] + inner + [" }"]

    def property_constraint(self, node) -> PropertyConstraint:
        s = self.shapes
        first = lambda p: s.value(node, p)
        value_type: Pieces = []
        for predicate in (SH.datatype, SH["class"], SH.nodeKind):
            for obj in sorted(s.objects(node, predicate), key=str):
                if value_type:
                    value_type.append(", ")
                value_type.extend(self.value(obj))
        path = first(SH.path)
        message = next((str(m) for m in s.objects(node, SH.message) if m.language in (None, "en")), "")
        return PropertyConstraint(
            shape=self.ref(node) if isinstance(node, URIRef) else None,
            path=self.path(path) if path is not None else ["—"],
            min_count=str(first(SH.minCount)) if first(SH.minCount) is not None else "",
            max_count=str(first(SH.maxCount)) if first(SH.maxCount) is not None else "",
            value_type=value_type,
            other=self.constraints(node, {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind}),
            message=message,
        )

    def _property_position(self, shape_local: str, node) -> tuple:
        """Where a property shape is written inside its node shape, to keep the file's order."""
        start = self.shape_order.get(shape_local, 0)
        end = min((p for p in self.shape_order.values() if p > start), default=len(self.shapes_text))
        block = self.shapes_text[start:end]
        if isinstance(node, URIRef):
            needle = self.qname(str(node))
        else:
            path = self.shapes.value(node, SH.path)
            if path is None:
                return (1 << 30, "")
            inverse = self.shapes.value(path, SH.inversePath) if isinstance(path, BNode) else None
            if inverse is not None:
                needle = "sh:inversePath " + self.qname(str(inverse))
            elif isinstance(path, BNode):
                head = self.shapes.value(path, RDF.first)
                needle = "sh:path ( " + self.qname(str(head))
            else:
                needle = "sh:path " + self.qname(str(path))
        found = [m.start() for m in re.finditer(re.escape(needle) + r"(?![\w:-])", block)]
        return (found[0] if found else 1 << 30, self._path_text(self.shapes.value(node, SH.path) or node))

    def build_shapes(self) -> list[Shape]:
        s = self.shapes
        kinds = {SH.NodeShape: "NodeShape", SH.PropertyShape: "PropertyShape"}
        nodes = []
        for kind, name in kinds.items():
            for node in s.subjects(RDF.type, kind):
                if isinstance(node, URIRef):
                    nodes.append((node, name))
        nodes.sort(key=lambda item: (self.shape_order.get(str(item[0])[len(SHAPES_NS):], 1 << 30), str(item[0])))
        target_kinds = [(SH.targetClass, "class"), (SH.targetNode, "node"),
                        (SH.targetSubjectsOf, "subjects of"), (SH.targetObjectsOf, "objects of")]
        shapes = []
        for node, kind in nodes:
            local = str(node)[len(SHAPES_NS):]
            targets = [(label, self.ref(t)) for predicate, label in target_kinds
                       for t in sorted(s.objects(node, predicate), key=self.sort_key)]
            skip = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property,
                    SH.sparql, RDF.type, RDFS.comment, SH.message, RDFS.seeAlso}
            if kind == "PropertyShape":
                properties = [self.property_constraint(node)]
                properties[0].shape = None
                constraints = []
            else:
                members = sorted(s.objects(node, SH.property), key=lambda p: self._property_position(local, p))
                properties = [self.property_constraint(p) for p in members]
                constraints = []
                for predicate, obj in sorted(s.predicate_objects(node), key=self._constraint_key):
                    if predicate in skip:
                        continue
                    if predicate in (SH["or"], SH.xone, SH["and"]) and s.value(obj, RDF.first) is not None:
                        separator = {SH["or"]: " | ", SH.xone: " ⊕ ", SH["and"]: " & "}[predicate]
                        constraints.append((self.ref(predicate),
                                            self._join([self.value(i) for i in Collection(s, obj)], separator)))
                    else:
                        constraints.append((self.ref(predicate), self.value(obj)))
            sparql = []
            for constraint in s.objects(node, SH.sparql):
                message = next((str(m) for m in s.objects(constraint, SH.message)), "")
                select = str(s.value(constraint, SH.select) or s.value(constraint, SH.ask) or "")
                sparql.append((message, _dedent(select)))
            comment = next((_flat(c) for c in s.objects(node, RDFS.comment)), "")
            message = next((str(m) for m in s.objects(node, SH.message)), "")
            shapes.append(Shape(local, self.anchors[str(node)], str(node), kind, comment, targets, constraints,
                                message if kind == "NodeShape" else "", properties, sparql))
        return shapes


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text.strip("\n")).rstrip()


@functools.lru_cache(maxsize=2)
def _page(ontology_stamp: tuple, shapes_stamp: tuple) -> Page:
    data, graph, prefixes = _loaded(*ontology_stamp)
    shapes_data, shapes, shape_prefixes = _loaded(*shapes_stamp)
    return _Builder(graph, prefixes, data.decode("utf-8"), shapes, shape_prefixes,
                    shapes_data.decode("utf-8")).build()


def page_view() -> Page:
    """The view of ontology/budgetkg.ttl and ontology/shapes.ttl the page renders."""
    return _page(_stamp(ONTOLOGY), _stamp(SHAPES))


# ---------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------

def _file_response(path: Path) -> Response:
    data = load(path)[0]
    response = Response(data, content_type=TURTLE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Content-Disposition"] = f'inline; filename="{path.name}"'
    response.add_etag()
    return response.make_conditional(request)


def _alternates() -> list[dict[str, str]]:
    return [
        {"type": "text/turtle", "href": url_for("ontology.turtle")},
        {"type": "application/ld+json", "href": url_for("ontology.page", format="jsonld")},
        {"type": "application/n-triples", "href": url_for("ontology.page", format="nt")},
    ]


@ontology.route("/ontology")
def page():
    """The ontology: a page for a browser, else RDF as negotiated (Turtle by default)."""
    accept = request.headers.get("Accept")
    format_param = request.args.get("format")
    try:
        if format_param:
            chosen = negotiate(GRAPHS + (HTML,), None, format_param)
        elif prefers_html(accept, GRAPHS):
            chosen = HTML
        else:
            chosen = negotiate(GRAPHS + (HTML,), accept)
    except NotAcceptable as err:
        response = problem_response(406, "Not Acceptable", str(err), "format" if format_param else None)
        response.vary.add("Accept")
        return response

    if chosen is HTML:
        response = Response(render_template("ontology.html", view=page_view(), alternates=_alternates()),
                            mimetype="text/html")
    elif chosen.key == "turtle":  # the file itself, with its comments
        response = _file_response(ONTOLOGY)
    else:
        graph = load(ONTOLOGY)[1]
        if chosen.key == "jsonld":
            context = {prefix: namespace for prefix, namespace in load(ONTOLOGY)[2] if prefix}
            body = graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
        else:
            body = graph.serialize(format=RDFLIB_FORMATS[chosen.key], encoding="utf-8")
        response = Response(body, content_type=f"{chosen.media_type}; charset=utf-8")
        response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response


@ontology.route("/ontology.ttl")
def turtle():
    """ontology/budgetkg.ttl, byte for byte."""
    return _file_response(ONTOLOGY)


@ontology.route("/ontology/shapes.ttl")
def shapes():
    """ontology/shapes.ttl (the SHACL shapes), byte for byte."""
    return _file_response(SHAPES)
