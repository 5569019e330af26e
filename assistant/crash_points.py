"""Named points between index writes where a test can kill the process, to prove every change is recoverable.

`ZHAOSHANG_CRASH_AT=<name>` makes the process die there with os._exit (no cleanup, no exception handlers,
like a power cut or `kill -9`). Unset in normal use; reading one environment variable costs nothing.
"""

from __future__ import annotations

import os

ENV = "ZHAOSHANG_CRASH_AT"
EXIT_CODE = 70
POINTS = (
    "ingest:journaled", "ingest:chroma-upserted", "ingest:chroma-stale-deleted",
    "delete:catalog-deleted", "delete:chroma-deleted",
    "edit:catalog-written", "edit:chroma-updated",
    "rebuild:catalog-cleared",
)


def crash_point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os._exit(EXIT_CODE)
