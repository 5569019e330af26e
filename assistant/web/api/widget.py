"""The website widget: /widget.js (the snippet a bureau pastes) opens /widget/ in an iframe, a small chat that
asks through the REST API. Only the allowed origins may frame it (CSP frame-ancestors, enforced by browsers)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from assistant.web.i18n import LANGUAGES, t

STATIC = Path(__file__).resolve().parent / "static"
LABELS = ("app_title", "placeholder", "send", "sources", "page", "published", "thinking", "disclaimer",
          "error_public", "badge_expired", "badge_repealed", "badge_not_yet_effective", "badge_superseded",
          "badge_scope_other", "badge_scope_parent", "badge_scope_child")


def frame_policy(origins: tuple[str, ...]) -> str:
    """The widget's Content-Security-Policy: its own files only, framed by itself and the allowed origins."""
    ancestors = "*" if "*" in origins else " ".join(("'self'", *origins))
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; form-action 'none'")


def widget_router(origins: tuple[str, ...]) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    policy = frame_policy(origins)
    page = (STATIC / "widget.html").read_text(encoding="utf-8")

    @router.get("/widget.js")
    def loader() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8",
                            headers={"Cache-Control": "public, max-age=300"})

    @router.get("/widget/")
    def frame(request: Request) -> HTMLResponse:
        lang = request.query_params.get("lang", "zh")
        lang = lang if lang in LANGUAGES else "zh"
        labels = {k: t(lang, k) for k in LABELS}
        # A JSON data block is not script: CSP lets it through and the page reads it; "<" escaped so the
        # labels cannot close the element.
        data = json.dumps(labels, ensure_ascii=False).replace("<", "\\u003c")
        html = page.replace("{{lang}}", lang).replace("{{labels}}", data).replace("{{title}}", labels["app_title"])
        return HTMLResponse(html, headers={"Content-Security-Policy": policy, "Cache-Control": "no-cache",
                                           "Referrer-Policy": "no-referrer"})

    @router.get("/widget/{name}")
    def asset(name: str) -> FileResponse:
        types = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
        if name not in types:
            from assistant.web.api.errors import ApiError

            raise ApiError(404, "not_found", f"No widget file {name!r}.", "load /widget.js; it loads the rest")
        return FileResponse(STATIC / name, media_type=types[name], headers={"Cache-Control": "public, max-age=300"})

    return router
