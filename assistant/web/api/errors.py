"""Every API error is JSON in one shape, OpenAI's (clients read error.message), with the fix spelled out."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import AssistantError, ConfigError, DocumentNotFound

DOCS = "/api/docs"


class ApiError(Exception):
    """An error a caller can fix: HTTP status, a stable code, what went wrong and what to do."""

    def __init__(self, status: int, code: str, message: str, fix: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fix, self.headers = status, code, message, fix, headers or {}


def error_body(code: str, message: str, fix: str) -> dict:
    # "detail" too: Gradio's page shows a failed request's `detail` (the chat's 429 is read by it).
    text = f"{message} Fix: {fix}" if fix else message
    return {"error": {"type": code, "code": code, "message": text, "fix": fix}, "detail": text}


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(error_body(exc.code, exc.message, exc.fix), status_code=exc.status, headers=exc.headers)


def from_domain(exc: AssistantError) -> ApiError:
    """Domain errors keep their own fix; a missing document is a 404."""
    if isinstance(exc, DocumentNotFound):
        return ApiError(404, "document_not_found", f"No document {exc.doc!r} in the library.",
                        "list the documents with GET /api/v1/documents and use a doc_id from there")
    if isinstance(exc, ConfigError):
        return ApiError(400, "invalid_value", f"{exc.setting}: {exc.problem}.", exc.fix)
    return ApiError(400, "request_failed", str(exc), f"see {DOCS}")


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors()[:5])
    return error_response(ApiError(422, "invalid_request", f"The request does not match the schema ({problems}).",
                                   f"send the fields described at {DOCS}"))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    fixes = {404: f"see the routes at {DOCS}", 405: f"use the method shown at {DOCS}"}
    return error_response(ApiError(exc.status_code, "http_error", str(exc.detail),
                                   fixes.get(exc.status_code, f"see {DOCS}")))


def install_handlers(app) -> None:
    """On the outer app, whose only own routes are the API's (the Gradio apps keep their handlers)."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
