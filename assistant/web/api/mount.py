"""Puts the API, the OpenAI-compatible endpoint, the widget, their docs page, CORS and the rate limit on the
web server's FastAPI app; called before the public Gradio app is mounted at "/" (which matches every path)."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from assistant.settings import Settings
from assistant.web.api.answers import PublicAnswers
from assistant.web.api.errors import ApiError, install_handlers
from assistant.web.api.keys import ApiKeyStore
from assistant.web.api.openai_compat import openai_router
from assistant.web.api.rate_limit import API_PREFIXES, RateLimit, TokenBucket
from assistant.web.api.rest import rest_router
from assistant.web.api.widget import widget_router

DESCRIPTION = """Cited answers over the bureau's policy documents.

* `POST /api/v1/ask` — the answer as JSON (the fields of `zhaoshang ask --json`); `/api/v1/ask/stream` as SSE.
* `GET /api/v1/health` — up, and where questions are answered (`process` | `starting` | `in-process`).
* `GET /api/v1/documents` — the library. Upload, edit, delete and re-index need a staff API key
  (`Authorization: Bearer zs_…`), created in the staff pages.
* `/v1/chat/completions`, `/v1/models` — the assistant as an OpenAI-compatible model.

Errors are JSON: `{"error": {"code", "message", "fix"}}`; 429 means too many requests (see `Retry-After`)."""


class ApiCORS:
    """CORS for the API paths only: the Gradio pages stay same-origin."""

    def __init__(self, app, origins: tuple[str, ...]):
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=list(origins), allow_credentials=False,
                                   allow_methods=["GET", "POST", "PATCH", "DELETE"],
                                   allow_headers=["Authorization", "Content-Type", "X-API-Key"],
                                   expose_headers=["Retry-After"], max_age=600)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(API_PREFIXES):
            return await self.cors(scope, receive, send)
        return await self.app(scope, receive, send)


def mount_api(app: FastAPI, assistant, settings: Settings) -> None:
    answers = PublicAnswers(assistant, settings.chat_workers)
    routers = [rest_router(assistant, answers, ApiKeyStore(settings.index_dir)),
               openai_router(answers, settings.bureau_name)]
    for router in [*routers, widget_router(settings.origins)]:
        app.include_router(router)
    schema = get_openapi(title="招商政策助手 API", version="1", description=DESCRIPTION,
                         routes=[r for router in routers for r in router.routes])
    # Swagger UI from the fastapi-offline wheel: the docs page makes no call to a CDN.
    assets = resources.files("fastapi_offline") / "static"
    app.mount("/api/docs-assets", StaticFiles(directory=str(assets)), name="api-docs-assets")

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(schema)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="招商政策助手 API",
                                   swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/api/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/api/docs-assets/favicon.png")

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PATCH", "DELETE", "PUT"], include_in_schema=False)
    def unknown(rest: str) -> None:
        raise ApiError(404, "not_found", f"No API route /api/{rest}.", "see the routes at /api/docs")

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PATCH", "DELETE", "PUT"], include_in_schema=False)
    def unknown_v1(rest: str) -> None:
        raise ApiError(404, "not_found", f"No route /v1/{rest}.", "use /v1/models or /v1/chat/completions")

    install_handlers(app)
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(RateLimit, bucket=TokenBucket(settings.rate_limit_per_minute,
                                                         max(1, settings.rate_limit_burst)))
    app.add_middleware(ApiCORS, origins=settings.origins)
