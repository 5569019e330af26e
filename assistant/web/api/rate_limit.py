"""A per-client token bucket in front of every public endpoint: the REST API, the OpenAI-compatible endpoint
(the widget asks through the REST API) and the public chat's Gradio queue. Over the limit: 429, Retry-After,
and a message that says what happened and when to try again."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.web.api.errors import error_body

# Gradio's public event route (every chat question joins the queue there); /staff/… has its own login throttle.
GRADIO_JOIN = "/gradio_api/queue/join"
API_PREFIXES = ("/api/v1/", "/v1/")
_MAX_CLIENTS = 10_000


@dataclass
class TokenBucket:
    """`burst` requests at once, refilled at `per_minute`; per client key, memory bounded."""

    per_minute: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # key -> (tokens, at)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is available."""
        rate = self.per_minute / 60.0
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._forget(now, rate)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate

    def _forget(self, now: float, rate: float) -> None:
        """Drop clients whose bucket has refilled: they are indistinguishable from new ones."""
        if len(self._buckets) > _MAX_CLIENTS:
            self._buckets = {k: (n, at) for k, (n, at) in self._buckets.items()
                             if n + (now - at) * rate < self.burst}


def limited(method: str, path: str) -> bool:
    if method == "OPTIONS":  # CORS preflights are answered before this, and cost nothing
        return False
    return path.startswith(API_PREFIXES) or (method == "POST" and path == GRADIO_JOIN)


class RateLimit:
    """ASGI middleware. The client is its address as the server sees it: behind a reverse proxy, run uvicorn
    with --proxy-headers/--forwarded-allow-ips so that address is the visitor's, not the proxy's."""

    def __init__(self, app: Any, bucket: TokenBucket):
        self.app, self.bucket = app, bucket

    async def __call__(self, scope: dict, receive, send) -> None:
        if scope["type"] != "http" or not limited(scope["method"], scope.get("path", "")):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.bucket.take(client)
        if not wait:
            return await self.app(scope, receive, send)
        seconds = max(1, math.ceil(wait))
        body = error_body("rate_limited", f"Too many requests from your address (limit {self.bucket.burst} at "
                          f"once, {self.bucket.per_minute:g} per minute). 请求过于频繁，请稍后再试。",
                          f"wait {seconds} s and try again (Retry-After)")
        data = json.dumps(body, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(data)).encode()),
            (b"retry-after", str(seconds).encode())]})
        await send({"type": "http.response.body", "body": data})
