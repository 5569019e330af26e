"""In front of the staff app: login back-off (per client and overall, failures logged), a session required on
every staff API route — Gradio itself leaves /cancel, /reset, /stream… open to anyone who can reach them — and
file references in staff requests limited to files that arrived through the staff upload route."""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger(__name__)
# Staff API routes an anonymous browser needs to show the login form; every other one needs a session.
_OPEN_API = frozenset({"login_check", "user", "app_id", "theme.css", "startup-events"})
_MAX_LOGIN_BODY = 4096
_MAX_EVENT_BODY = 16 * 1024 * 1024


@dataclass
class _Client:
    failures: int = 0
    blocked_until: float = 0.0


@dataclass
class LoginThrottle:
    """Back-off after failed logins. Per client: `free` failures, then waits doubling from `base` s up to
    `max_wait` s. Overall: `global_limit` failures within `window` s (many clients at once) make every login
    wait `global_wait` s — that also delays staff during an attack, which is the price of stopping it."""

    free: int = 5
    base: float = 1.0
    max_wait: float = 300.0
    window: float = 60.0
    global_limit: int = 50
    global_wait: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _clients: dict[str, _Client] = field(default_factory=dict)
    _recent: deque = field(default_factory=deque)
    _global_until: float = 0.0

    def wait(self, client: str) -> float:
        """Seconds this client must wait before its next attempt (0: go ahead)."""
        now = self.clock()
        mine = self._clients.get(client)
        return max((mine.blocked_until if mine else 0.0) - now, self._global_until - now, 0.0)

    def failed(self, client: str) -> int:
        now = self.clock()
        mine = self._clients.setdefault(client, _Client())
        mine.failures += 1
        if mine.failures > self.free:
            mine.blocked_until = now + min(self.base * 2 ** (mine.failures - self.free - 1), self.max_wait)
        self._recent.append(now)
        while self._recent and self._recent[0] < now - self.window:
            self._recent.popleft()
        if len(self._recent) >= self.global_limit:
            self._global_until = now + self.global_wait
            self._recent.clear()
        if len(self._clients) > 10_000:  # forget clients that are not waiting, so memory stays bounded
            self._clients = {k: v for k, v in self._clients.items() if v.blocked_until > now}
        return mine.failures

    def succeeded(self, client: str) -> None:
        self._clients.pop(client, None)


def _cookies(scope: dict) -> dict[str, str]:
    raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie").decode("latin-1")
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return {}
    return {k: m.value for k, m in jar.items()}


async def _reply(send, status: int, body: dict, headers: list | None = None) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": data})


def _file_paths(value: Any) -> Iterator[str]:
    """Every "path" of a file reference (Gradio FileData) anywhere in a request's JSON."""
    if isinstance(value, dict):
        if isinstance(value.get("path"), str):
            yield value["path"]
        for v in value.values():
            yield from _file_paths(v)
    elif isinstance(value, list):
        for v in value:
            yield from _file_paths(v)


async def _read_body(receive, limit: int) -> bytes | None:
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > limit:
            return None
    return body


def _replaying(body: bytes, receive):
    """A receive() that hands the app the body we already read, then whatever the client does next."""
    replayed = False

    async def replay() -> dict:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class StaffGuard:
    """ASGI middleware on the outer app; `staff_app()` returns the mounted Gradio staff app (its login tokens),
    `upload_dir` is where its /upload route stores files."""

    def __init__(self, app: Any, staff_app: Callable[[], Any], prefix: str, throttle: LoginThrottle,
                 upload_dir: Path):
        self.app, self.staff_app, self.prefix, self.throttle = app, staff_app, prefix, throttle
        self.upload_dir = Path(upload_dir).resolve()

    async def __call__(self, scope: dict, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix + "/"):
            return await self.app(scope, receive, send)
        rest = path[len(self.prefix):]
        if rest.rstrip("/") == "/login" and scope["method"] == "POST":
            return await self._login(scope, receive, send)
        if rest.startswith("/gradio_api/"):
            route = rest[len("/gradio_api/"):].split("/", 1)[0]
            if route not in _OPEN_API and not self._signed_in(scope):
                return await _reply(send, 401, {"detail": {"error": "Not authenticated"}})
            if scope["method"] == "POST" and route != "upload":
                return await self._event(scope, receive, send)
        return await self.app(scope, receive, send)

    def _uploaded(self, path: str) -> bool:
        try:
            return Path(path).resolve().is_relative_to(self.upload_dir)
        except (OSError, RuntimeError, ValueError):
            return False

    async def _event(self, scope: dict, receive, send) -> None:
        """A staff request may name files only from the upload folder: Gradio would otherwise copy any server
        file it names (the README, /etc/…) into its cache and hand it to the handler as if uploaded."""
        body = await _read_body(receive, _MAX_EVENT_BODY)
        if body is None:
            return await _reply(send, 413, {"detail": "request too large"})
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            payload = None  # not JSON: Gradio refuses it itself
        foreign = [p for p in _file_paths(payload) if not self._uploaded(p)]
        if foreign:
            log.warning("staff request named files that were not uploaded: %s", ", ".join(foreign[:5]))
            return await _reply(send, 400, {"detail": "only files uploaded in this session can be used; upload it again"})
        return await self.app(scope, _replaying(body, receive), send)

    def _signed_in(self, scope: dict) -> bool:
        staff = self.staff_app()
        cookies = _cookies(scope)
        names = (f"access-token-{staff.cookie_id}", f"access-token-unsecure-{staff.cookie_id}")
        return any(cookies.get(n) in staff.tokens for n in names if cookies.get(n))

    async def _login(self, scope: dict, receive, send) -> None:
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.throttle.wait(client)
        if wait > 0:
            log.warning("staff login from %s refused: backing off for %.0f s", client, wait)
            return await _reply(send, 429, {"detail": f"Too many failed sign-ins. Try again in {wait:.0f} s."},
                                [(b"retry-after", str(int(wait) + 1).encode())])
        body = await _read_body(receive, _MAX_LOGIN_BODY)
        if body is None:
            return await _reply(send, 413, {"detail": "sign-in form too large"})
        user = (parse_qs(body.decode("utf-8", "replace")).get("username") or [""])[0][:64]
        status = 0

        async def watch(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, _replaying(body, receive), watch)
        if status == 200:
            self.throttle.succeeded(client)
            log.info("staff login of %r from %s", user, client)
        else:
            count = self.throttle.failed(client)
            log.warning("staff login failed for user %r from %s (%d failures in a row)", user, client, count)
