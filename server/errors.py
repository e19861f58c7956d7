"""One error shape for every JSON endpoint: RFC 9457 problem details
({type, title, status, detail, param?}) with the media type application/problem+json. A browser
asking for a page (not under /api) gets the same message as an HTML error page."""

from __future__ import annotations

from flask import Flask, Response, json, render_template, request
from werkzeug.exceptions import HTTPException


class Problem(Exception):
    """An error the API reports to the client as it is."""

    def __init__(self, status: int, detail: str, param: str | None = None, title: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.param, self.title = status, detail, param, title


def problem_response(status: int, title: str, detail: str, param: str | None = None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if param:
        body["param"] = param
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")


def _wants_page() -> bool:
    from .negotiation import GRAPHS, RESULTS, prefers_html

    if request.path.startswith("/api/") or request.path == "/openapi.json":
        return False
    return prefers_html(request.headers.get("Accept"), GRAPHS + RESULTS)


def error_response(status: int, title: str, detail: str, param: str | None = None) -> Response:
    if _wants_page():
        try:
            body = render_template("error.html", status=status, title=title, detail=detail, alternates=None)
            response = Response(body, status=status, mimetype="text/html")
            response.vary.add("Accept")
            return response
        except Exception:  # the error page itself failed: fall back to the JSON shape
            pass
    return problem_response(status, title, detail, param)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(error: Problem):
        from http import HTTPStatus

        return error_response(error.status, error.title or HTTPStatus(error.status).phrase, error.detail, error.param)

    from .negotiation import NotAcceptable

    @app.errorhandler(NotAcceptable)
    def _not_acceptable(error: NotAcceptable):
        return problem_response(406, "Not Acceptable", str(error))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return error_response(error.code or 500, error.name, error.description or error.name)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # a bug: say so without leaking internals
        app.logger.exception("unexpected error")
        return error_response(500, "Internal Server Error", "the server failed to answer this request")
