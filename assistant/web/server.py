"""The web server: public chat Blocks at "/", staff Blocks with login at "/staff", on one FastAPI app.

Two separate Blocks on purpose: each mounted Gradio app has its own function registry and API routes, so no
staff handler (upload, delete, draft…) exists in the public app's API at all, and every staff route
(/staff/gradio_api/info, /call/…, /queue/join, /upload, and /cancel, /reset… which Gradio leaves open) sits
behind the login (StaffGuard adds the routes Gradio does not check, and the login back-off). Staff uploads and
exports live in a folder of their own that the public app is forbidden to serve.
"""

from __future__ import annotations

import hmac
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Mount

from assistant.errors import ConfigError
from assistant.settings import Settings
from assistant.staff.feedback import FeedbackStore
from assistant.web import lean_sessions
from assistant.web.api.mount import mount_api
from assistant.web.chat_page import ChatPage
from assistant.web.staff_actions import StaffActions
from assistant.web.staff_guard import LoginThrottle, StaffGuard
from assistant.web.staff_pages import build_staff_pages
from assistant.web.style import CSS, HEAD, theme

log = logging.getLogger(__name__)
DEMO_PASSWORD = "demo"
STAFF_PATH = "/staff"


@dataclass(frozen=True)
class StaffLogin:
    check: Callable[[str, str], bool]
    demo: bool  # True when no password was set and "demo" is in force (a banner says so)


def staff_login(settings: Settings) -> StaffLogin:
    """The staff credential check; in production an empty password is a ConfigError, never a default."""
    password = settings.staff_password.get_secret_value()
    demo = not password
    if demo and settings.production:
        raise ConfigError("ASSISTANT_STAFF_PASSWORD", "empty while ASSISTANT_PRODUCTION=true, staff pages disabled",
                          "set ASSISTANT_STAFF_PASSWORD to a strong password and restart")
    expected_user = settings.staff_user.encode()
    expected_pass = (password or DEMO_PASSWORD).encode()

    def check(user: str, given: str) -> bool:
        # Constant-time comparisons, both always evaluated, so timing does not reveal which part was wrong.
        ok_user = hmac.compare_digest((user or "").encode(), expected_user)
        ok_pass = hmac.compare_digest((given or "").encode(), expected_pass)
        return ok_user and ok_pass

    return StaffLogin(check, demo)


# Anonymous visitors learn that staff pages are off, never why: the reason names settings (it is in the log).
STAFF_DISABLED = "Staff pages are not available. The administrator can find the reason in the server log."


async def _staff_disabled(path: str = "") -> PlainTextResponse:
    return PlainTextResponse(STAFF_DISABLED, status_code=503)


async def _staff_slash(request: Request) -> RedirectResponse:
    """/staff → /staff/ (the mount only matches below the slash; without this the public app answers 404).
    Relative, so it also works behind a proxy that serves the app under a path prefix; the query is kept."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"staff/{query}", status_code=307)


def _mounted(app: FastAPI, path: str) -> Any:
    return next(r.app for r in app.routes if isinstance(r, Mount) and r.path == path)


def _mount_staff(app: FastAPI, assistant: Any, feedback: FeedbackStore, settings: Settings, login: StaffLogin,
                 common: dict) -> Path:
    """Mount the staff Blocks with its own file folder (uploads in, exports out); returns that folder."""
    files = Path(tempfile.mkdtemp(prefix="zhaoshang-staff-files-"))
    uploads, outputs = files / "uploads", files / "outputs"
    uploads.mkdir()
    outputs.mkdir()
    staff = build_staff_pages(StaffActions(assistant, feedback, login.demo, files / "work", files))
    for block in [staff, *staff.blocks.values()]:  # Gradio copies what a handler returns into GRADIO_CACHE
        block.GRADIO_CACHE = str(outputs)
    message = f"{settings.bureau_name} · 工作人员登录 / Staff sign-in"
    gr.mount_gradio_app(app, staff, STAFF_PATH, auth=login.check, auth_message=message, allowed_paths=[str(files)],
                        max_file_size=f"{settings.upload_max_mb}mb", **common)
    _mounted(app, STAFF_PATH).uploaded_file_dir = str(uploads)
    lean_sessions.install(_mounted(app, STAFF_PATH))
    app.add_middleware(StaffGuard, staff_app=lambda: _mounted(app, STAFF_PATH), prefix=STAFF_PATH,
                       throttle=LoginThrottle(), upload_dir=uploads)
    return files


def build_server(assistant: Any, settings: Settings) -> FastAPI:
    """FastAPI app with both pages mounted; staff first, because the public mount at "/" matches everything."""
    feedback = FeedbackStore(settings.feedback_path)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    common = {"theme": theme(), "css": CSS, "head": HEAD, "footer_links": [], "run_history": False,
              "server_name": settings.host, "server_port": settings.port, "ssr_mode": False}
    blocked: list[str] = []
    try:
        login = staff_login(settings)
    except ConfigError as exc:
        log.error("staff pages disabled: %s", exc)
        app.add_api_route(STAFF_PATH, _staff_disabled, methods=["GET", "POST"], include_in_schema=False)
        app.add_api_route(STAFF_PATH + "/{path:path}", _staff_disabled, methods=["GET", "POST"],
                          include_in_schema=False)
    else:
        app.add_api_route(STAFF_PATH, _staff_slash, methods=["GET", "HEAD"], include_in_schema=False)
        blocked.append(str(_mount_staff(app, assistant, feedback, settings, login, common)))
    mount_api(app, assistant, settings)  # /api, /v1, /widget: before "/", which matches every path
    chat = ChatPage(assistant, feedback, settings.language, settings.chat_workers).build()
    # Queue position and ETA go to waiting visitors once a second, not after every event that starts: with 20
    # asking at once those were ~190 extra event-stream messages per burst, each through the middleware stack on
    # the server's one Python thread, which the answers themselves were waiting for.
    chat.queue(status_update_rate=1)
    # The public page has no upload component; a tiny limit stops strangers using /upload as file storage.
    # Staff files are blocked: the public /gradio_api/file= route would otherwise serve them to anyone.
    gr.mount_gradio_app(app, chat, "/", max_file_size="1kb", blocked_paths=blocked, **common)
    lean_sessions.install(_mounted(app, ""))
    return app
