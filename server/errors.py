"""One error shape for every JSON endpoint: RFC 9457 problem details
({type, title, status, detail, param?}) with the media type application/problem+json."""

from __future__ import annotations

from flask import Flask, Response, json
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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(error: Problem):
        from http import HTTPStatus

        return problem_response(error.status, error.title or HTTPStatus(error.status).phrase, error.detail, error.param)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return problem_response(error.code or 500, error.name, error.description or error.name)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # a bug: say so without leaking internals
        app.logger.exception("unexpected error")
        return problem_response(500, "Internal Server Error", "the server failed to answer this request")
