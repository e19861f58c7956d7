"""From the graph's IRIs to the app's URLs: every IRI minted under the base is served at
``/id/<path>`` (its page, or its RDF by content negotiation) and, for the kinds the JSON API
knows, at ``/api/<kind>/<id>``. ``decorate`` adds ``page`` and ``api`` to every entity dict."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote as _quote, urlencode


@lru_cache(maxsize=65536)
def quote(path: str, safe: str = "/") -> str:
    """urllib's quote, remembered: a search answer links the same units, projects and bases
    hundreds of times, and quoting Chinese paths was a fifth of its time (cProfile)."""
    return _quote(path, safe=safe)

_API_KINDS = (
    (re.compile(r"^unit/([^/]+)$"), "units"),
    (re.compile(r"^basis/([^/]+)$"), "bases"),
    (re.compile(r"^document/([^/]+)$"), "documents"),
    (re.compile(r"^wording/([^/]+)$"), "wording"),
    (re.compile(r"^(document/[^/]+/project/[^/]+)$"), "projects"),
    (re.compile(r"^(document/[^/]+/(?:project/[^/]+|area/[^/]+/goal/[^/]+)/indicator/[^/]+)$"), "indicators"),
)
#: The path prefix under the base of each kind the API looks up by id.
KIND_PREFIX = {"units": "unit/", "bases": "basis/", "documents": "document/", "projects": "", "indicators": "",
               "wording": "wording/"}


class Links:
    def __init__(self, base: str):
        self.base = base

    def local(self, iri: str) -> str | None:
        """The IRI's path under the base, or None for an IRI minted elsewhere."""
        return iri[len(self.base):] if iri.startswith(self.base) else None

    def page(self, iri: str) -> str:
        """The app's URL for an IRI: /id/<path> for ours, the IRI itself for everyone else's."""
        local = self.local(iri)
        return iri if local is None else "/id/" + quote(local, safe="/")

    def api(self, iri: str) -> str | None:
        local = self.local(iri)
        if local is None:
            return None
        for pattern, kind in _API_KINDS:
            match = pattern.match(local)
            if match:
                return f"/api/{kind}/" + quote(match[1], safe="/")
        return None

    def iri(self, kind: str, ident: str) -> str:
        """The IRI an API id stands for: the full IRI, its path under the base, or (for units,
        bases and documents) the bare name."""
        ident = ident.strip()
        if "://" in ident:
            return ident
        ident = ident.lstrip("/")
        prefix = KIND_PREFIX[kind]
        if prefix and not ident.startswith(prefix):
            ident = prefix + ident
        return self.base + ident

    def decorate(self, value: Any) -> Any:
        """A copy of a view's result ready for JSON and templates: every dict with an ``iri`` gets
        its ``page`` and ``api`` URLs."""
        if isinstance(value, dict):
            out = {key: self.decorate(item) for key, item in value.items()}
            if isinstance(value.get("iri"), str):
                out.setdefault("page", self.page(value["iri"]))
                out.setdefault("api", self.api(value["iri"]))
            return out
        if isinstance(value, (list, tuple)):
            return [self.decorate(item) for item in value]
        return value


def source_url(file: str | None) -> str | None:
    return None if not file else "/files/" + quote(file)


def with_query(path: str, params: dict[str, Any]) -> str:
    clean = {key: value for key, value in params.items() if value not in (None, "")}
    return path + ("?" + urlencode(clean) if clean else "")

