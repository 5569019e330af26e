"""Answers for the API, the OpenAI endpoint and the widget: the same Assistant as the chat, as visitors see it
(public_answer), with at most chat_workers questions at once, and a fixed message when answering fails."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

from assistant.errors import AssistantError
from assistant.service import final_answer
from assistant.types import Answer, Filters
from assistant.web.api.errors import ApiError
from assistant.web.chat_page import answer_slots, public_answer

log = logging.getLogger(__name__)
History = tuple[tuple[str, str], ...]


class PublicAnswers:
    def __init__(self, assistant, workers: int):
        self.assistant = assistant
        # The CPU-bound part is bounded by the Assistant's chat_workers slots; more questions may wait on them or
        # on the LLM, as in the chat (a hanging LLM must not keep answers that need none waiting).
        self._slots = threading.BoundedSemaphore(answer_slots(workers))

    def ask(self, question: str, history: History = (), filters: Filters | None = None, k: int | None = None,
            lang: str = "") -> Answer:
        return final_answer(self.stream(question, history, filters, k, lang))

    def stream(self, question: str, history: History = (), filters: Filters | None = None, k: int | None = None,
               lang: str = "") -> Iterator[str | Answer]:
        """Text deltas, then the final Answer (which replaces them: checks may have removed sentences)."""
        with self._slots:
            try:
                for item in self.assistant.ask_stream(question, history, filters, k):
                    yield public_answer(item, lang or item.language) if isinstance(item, Answer) else item
            except AssistantError as exc:  # the reason names servers and settings: for the log, not the caller
                log.error("answering %r failed: %s", question[:80], exc)
                raise ApiError(503, "answering_failed", "The assistant could not answer just now.",
                               "try again in a minute; if it persists, the operator finds the reason in the "
                               "server log") from exc
