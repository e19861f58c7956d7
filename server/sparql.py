"""The SPARQL 1.1 Protocol endpoint at /sparql: queries by GET, form POST and direct POST;
results by content negotiation; a service description; the YASGUI query page for browsers.

Read-only and safe in front of the public: SPARQL Update is refused (403); SERVICE and LOAD,
which would make the server fetch URLs, are refused (400); every query runs under a time limit
in a worker process and its results are capped at a row limit (both configurable).
"""

from __future__ import annotations

import re
import threading

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from budgetkg.graph.queries import QUERIES
from budgetkg.graph.vocab import PREFIXES

from .errors import Problem
from .negotiation import GRAPHS, NotAcceptable, negotiate, prefers_html
from .sparql_pool import QueryPool, QueryRequest

sparql = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
MAX_QUERY_CHARS = 100_000

_NOISE = re.compile(
    r"""\#[^\n]*                             # comments
      | '''.*?''' | \"\"\".*?\"\"\"           # long strings
      | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*"  # strings
      | <[^<>"{}|^`\\\s]*>                    # IRIs
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD = re.compile(r"(?<![\w?$:@.-])([A-Za-z]+)(?![\w:-])")
UPDATE_WORDS = {"INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
OUTBOUND_WORDS = {"SERVICE", "LOAD"}


def keywords(text: str) -> set[str]:
    """The bare words of a SPARQL text outside comments, strings and IRIs, upper-cased; prefixed
    names and variables are not words.

    >>> sorted(keywords('SELECT * WHERE { ?s ex:service "LOAD" } # SERVICE'))
    ['SELECT', 'WHERE']
    """
    return {word.upper() for word in _WORD.findall(_NOISE.sub(" ", text))}


def check_operation(text: str) -> None:
    """Refuse what a public read-only endpoint must not do.

    :raise Problem 400: SERVICE or LOAD (the server would fetch a URL).
    :raise Problem 403: SPARQL Update.
    """
    words = keywords(text)
    outbound = sorted(words & OUTBOUND_WORDS)
    if outbound:
        raise Problem(400, f"{' and '.join(outbound)} is not allowed here: this endpoint never fetches "
                           "data from other servers", "query", "Outbound request refused")
    updates = sorted(words & UPDATE_WORDS)
    if updates:
        raise Problem(403, f"this endpoint is read-only: SPARQL Update ({', '.join(updates)}) is not allowed",
                      "update", "Read-only endpoint")


class _Pools:
    """One query pool per app (per store), created on first use."""

    def __init__(self):
        self._lock = threading.Lock()

    def get(self, app) -> QueryPool:
        pool = app.extensions.get("budgetkg.sparql_pool")
        if pool is None:
            with self._lock:
                pool = app.extensions.get("budgetkg.sparql_pool")
                if pool is None:
                    config = app.config
                    pool = QueryPool(str(config["STORE"]), size=config["SPARQL_WORKERS"],
                                     timeout=config["SPARQL_TIMEOUT"])
                    app.extensions["budgetkg.sparql_pool"] = pool
        return pool


_pools = _Pools()


def query_pool(app) -> QueryPool:
    """The app's pool of SPARQL query workers (one per app, made on first use)."""
    return _pools.get(app)


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Expose-Headers"] = "X-SPARQL-Truncated, X-SPARQL-Row-Limit"
    response.vary.add("Accept")
    return response


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise Problem(400, f"the request has {len(values)} {name} parameters; give exactly one", name)
    return values[0] if values else None


def _utf8_only() -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Problem(400, f"the request body is in {charset}; SPARQL requests must be UTF-8", "charset")


def _read_request() -> tuple[str | None, str | None]:
    """(query, update) from a GET or POST, per the SPARQL 1.1 Protocol."""
    if request.method == "GET":
        return _one(request.args.getlist("query"), "query"), _one(request.args.getlist("update"), "update")
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        _utf8_only()
        return _one(request.form.getlist("query"), "query"), _one(request.form.getlist("update"), "update")
    if mimetype in ("application/sparql-query", "application/sparql-update"):
        _utf8_only()
        try:
            body = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            raise Problem(400, "the request body is not valid UTF-8", "body") from None
        if request.args.getlist("query") or request.args.getlist("update"):
            raise Problem(400, "a direct POST carries its operation in the body, not also in the URL", "query")
        return (body, None) if mimetype == "application/sparql-query" else (None, body)
    if not mimetype and not request.get_data(cache=True):
        return None, None
    raise Problem(415, f"a POST must be application/x-www-form-urlencoded, application/sparql-query or "
                       f"application/sparql-update, not {mimetype or 'without a content type'}", "content-type")


def _graph_params() -> tuple[list[str] | None, list[str] | None]:
    source = request.args if request.method == "GET" or request.mimetype != "application/x-www-form-urlencoded" else None
    default = (source or request.values).getlist("default-graph-uri")
    named = (source or request.values).getlist("named-graph-uri")
    for name in default + named:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", name):
            raise Problem(400, f"{name!r} is not an absolute IRI", "default-graph-uri")
    return (default or None), (named or None)


@sparql.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@sparql.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return _cors(Response(status=204))
    query, update = _read_request()
    if update is not None:
        check_operation(update)  # LOAD is refused as outbound (400) before anything else
        raise Problem(403, "this endpoint is read-only: SPARQL Update is not allowed", "update", "Read-only endpoint")
    if query is None:
        if request.method == "POST":
            raise Problem(400, "no query: send it as the query parameter or as an application/sparql-query body",
                          "query")
        if prefers_html(request.headers.get("Accept"), GRAPHS) and not request.args.get("format"):
            return _cors(Response(_ui_page(), mimetype="text/html"))
        return _cors(_service_description())
    if len(query) > MAX_QUERY_CHARS:
        raise Problem(413, f"the query has {len(query)} characters; at most {MAX_QUERY_CHARS} are allowed", "query")
    check_operation(query)
    default_graphs, named_graphs = _graph_params()
    config = current_app.config
    reply = query_pool(current_app).run(QueryRequest(
        query=query,
        accept=request.headers.get("Accept"),
        format=request.values.get("format"),
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        base_iri=request.base_url,
        max_rows=config["SPARQL_MAX_ROWS"],
    ))
    if reply.error:
        raise Problem(reply.status, reply.message or reply.error, "query")
    response = Response(reply.body, status=reply.status, mimetype=reply.media_type)
    if reply.media_type.startswith("text/") or reply.media_type.endswith(("+json", "+xml", "json", "turtle", "triples")):
        response.charset = "utf-8"
    if reply.truncated:
        response.headers["X-SPARQL-Truncated"] = "true"
        response.headers["X-SPARQL-Row-Limit"] = str(config["SPARQL_MAX_ROWS"])
        response.headers["Warning"] = f'199 budgetkg "results truncated to {config["SPARQL_MAX_ROWS"]} rows"'
    return _cors(response)


def _service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, as negotiated (Turtle by default)."""
    try:
        fmt = negotiate(GRAPHS, request.headers.get("Accept"), request.args.get("format"))
    except NotAcceptable as err:
        raise Problem(406, str(err)) from None
    endpoint_iri = URIRef(request.base_url)
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint_iri))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        graph.add((service, SD.resultFormat, FORMATS[name]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    try:
        names = query_pool(current_app).named_graphs()
    except Exception:  # the description still answers without the list
        names = []
    for name in names:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    graph.add((service, URIRef("http://purl.org/dc/terms/title"), Literal("budgetkg SPARQL endpoint (read-only)", lang="en")))
    rdflib_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt.key]
    return Response(graph.serialize(format=rdflib_format, encoding="utf-8"), mimetype=fmt.media_type)


def _ui_page() -> str:
    examples = [
        {"name": q.name, "title": q.title, "query": q.render(**(q.example or {}))}
        for q in QUERIES.values()
    ]
    return render_template("sparql.html", prefixes=PREFIXES, examples=examples)
