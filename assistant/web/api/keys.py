"""API keys for staff operations: created and revoked in the staff pages, stored hashed in the index folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

PREFIX = "zs_"  # recognisable in a config file or a leak scanner


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    sha256: str  # of the whole secret; the secret itself is shown once and never stored
    created_at: str
    hint: str  # last 4 characters, so staff can tell keys apart


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyStore:
    """One JSON file (index_dir/api_keys.json), re-read on every check, so a key revoked in the staff pages (or
    by another process on the same index) stops working at once. Keys are 256-bit random, so a plain SHA-256
    is enough: there is nothing to brute-force the way a password would be."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / "api_keys.json"
        self._lock = threading.Lock()

    def keys(self) -> list[ApiKey]:
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        return [ApiKey(**r) for r in rows]

    def _write(self, keys: list[ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        # Hashes only, but still nobody else's business: owner read/write.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump([asdict(k) for k in keys], f, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)

    def create(self, name: str) -> tuple[ApiKey, str]:
        """A new key; returns its record and the secret (shown to staff once)."""
        secret = PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(key_id=secrets.token_hex(4), name=(name or "").strip()[:80] or "unnamed",
                     sha256=_digest(secret), created_at=dt.datetime.now().isoformat(timespec="seconds"),
                     hint=secret[-4:])
        with self._lock:
            self._write([*self.keys(), key])
        return key, secret

    def revoke(self, key_id: str) -> bool:
        with self._lock:
            keys = self.keys()
            kept = [k for k in keys if k.key_id != key_id]
            if len(kept) == len(keys):
                return False
            self._write(kept)
        return True

    def check(self, secret: str) -> ApiKey | None:
        """The key this secret belongs to, or None; every stored hash is compared in constant time."""
        if not secret:
            return None
        given, found = _digest(secret), None
        for key in self.keys():
            if hmac.compare_digest(given, key.sha256):
                found = key
        return found
