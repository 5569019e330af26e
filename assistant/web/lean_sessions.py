"""Per-visitor session state without Gradio's deep-link copy of the page.

For every new session Gradio's SessionState builds the config of every block on the page (`config_values`), and
on every event copies each input's value into it. That copy exists for one feature, gr.DeepLinkButton (a link
that restores a visitor's page), which this app does not offer. Measured on the public chat (~120 blocks):
building it was ~5-9 ms of the server's one Python thread per page load, and of the ~140-250 KB of Python heap
Gradio keeps per visitor until 10,000 visitors later it is most (lean: ~30-40 KB). The growing heap also made the
cyclic collector's full passes, which hold the GIL while every visitor waits, longer and more frequent with
traffic: 50 → 170 ms every ~3 s after 500 visitors, against 40-65 ms every ~8 s lean.

Everything else a session holds (its copy of the blocks and event table, gr.State values, components replaced by
an update, their configs) is kept as Gradio keeps it. `install` changes the class of an app's existing
StateHolder, so every reference Gradio already holds to it (app, blocks, queue) sees the change.
"""

from __future__ import annotations

import logging
import os
from copy import copy
from typing import Any

from gradio.state_holder import SessionState, StateHolder

log = logging.getLogger(__name__)


class LeanSessionState(SessionState):
    def __init__(self, blocks: Any) -> None:  # SessionState.__init__ minus the config of every block
        self.blocks_config = copy(blocks.default_config)
        self.config_values: dict[int, Any] = {}  # filled only for blocks set or replaced in this session
        self.state_data: dict[int, Any] = {}
        self._state_ttl: dict[int, Any] = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600

    def _update_value_in_config(self, key: int, value: Any) -> None:
        if key in self.config_values:  # Gradio would first build the block's config only to store the value
            super()._update_value_in_config(key, value)


class LeanStateHolder(StateHolder):
    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LeanSessionState(self.blocks)
        return super().__getitem__(session_id)


def install(gradio_app: Any) -> bool:
    """Make a mounted Gradio app's sessions lean; False (Gradio's own sessions, one log line) if its
    StateHolder is not the class this was written against."""
    holder = getattr(gradio_app, "state_holder", None)
    if type(holder) is not StateHolder:
        log.warning("Gradio's session store has changed (%s); sessions keep Gradio's full page copy",
                    type(holder).__name__)
        return False
    holder.__class__ = LeanStateHolder
    return True
