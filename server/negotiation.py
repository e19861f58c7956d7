"""Content negotiation in one place: which media type answers a request, by the ``format``
parameter first, then the Accept header (through werkzeug's parser)."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    key: str  # our short name, also the value of ?format=
    media_type: str
    aliases: tuple[str, ...] = ()  # other media types and names it answers to


#: SPARQL results (SELECT and ASK).
RESULTS = (
    Format("json", "application/sparql-results+json", ("application/json", "srj")),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml", "srx")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values", ("text/tsv",)),
)
#: RDF graphs (CONSTRUCT, DESCRIBE, the service description, resource descriptions).
GRAPHS = (
    Format("turtle", "text/turtle", ("application/x-turtle", "ttl")),
    Format("nt", "application/n-triples", ("text/plain", "ntriples", "n-triples")),
    Format("jsonld", "application/ld+json", ("json-ld", "json", "application/json")),
    Format("rdfxml", "application/rdf+xml", ("rdf", "xml", "application/xml", "text/xml")),
)
HTML = Format("html", "text/html", ("application/xhtml+xml",))


class NotAcceptable(Exception):
    """No offered format satisfies the request."""

    def __init__(self, offered: tuple[Format, ...]):
        self.offered = offered
        super().__init__("none of the requested formats can be produced; available: "
                         + ", ".join(f"{f.media_type} (format={f.key})" for f in offered))


def negotiate(offered: tuple[Format, ...], accept: str | None, format_param: str | None = None) -> Format:
    """The format to answer with. ``format_param`` (a short name or a media type) wins over the
    Accept header; no Accept header (or ``*/*``) gives the first offered format.

    >>> negotiate(RESULTS, "text/csv, application/sparql-results+json;q=0.5").key
    'csv'
    >>> negotiate(GRAPHS, None, "nt").media_type
    'application/n-triples'
    """
    if format_param:
        wanted = format_param.strip().lower()
        for candidate in offered:
            if wanted == candidate.key or wanted == candidate.media_type or wanted in candidate.aliases:
                return candidate
        raise NotAcceptable(offered)
    if not accept:
        return offered[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    types = []
    for candidate in offered:
        types.append(candidate.media_type)
        types.extend(alias for alias in candidate.aliases if "/" in alias)
    best = parsed.best_match(types)
    if best is None:
        raise NotAcceptable(offered)
    return next(c for c in offered if best == c.media_type or best in c.aliases)


def prefers_html(accept: str | None, others: tuple[Format, ...]) -> bool:
    """A browser asking for a page: text/html ranks above every other offered format."""
    if not accept:
        return False
    parsed = parse_accept_header(accept, MIMEAccept)
    html = parsed["text/html"]
    return html > 0 and all(html > parsed[f.media_type] for f in others)
