"""The assistant as an OpenAI-compatible "model" (/v1/models, /v1/chat/completions) for chat front-ends and any
OpenAI client. The text keeps its [n] markers and ends with a Sources block; the citations also travel as JSON
in the extra field `citations` (top level of the completion, and of the last chunk when streaming)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.cli_ask import citation_line
from assistant.types import Answer
from assistant.web.api.answers import PublicAnswers
from assistant.web.api.errors import ApiError, error_body
from assistant.web.i18n import t

MODEL_ID = "zhaoshang-assistant"
# The Sources block this endpoint appends, in either language: cut from assistant turns sent back as history.
_SOURCES = re.compile("\n\n(?:" + "|".join(re.escape(t(lang, "sources")) for lang in ("zh", "en")) + ")[:：]\n")
_PIECE = 24  # characters per streamed chunk: the checked text arrives in pieces, as chat front-ends expect


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict] | None = None


class ChatIn(BaseModel):
    """OpenAI's request; sampling parameters (temperature, max_tokens…) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(MODEL_ID, examples=[MODEL_ID])
    messages: list[Message] = Field(..., min_length=1)
    stream: bool = False


def _text(message: Message) -> str:
    if isinstance(message.content, list):  # [{"type": "text", "text": …}, …]
        return "".join(p.get("text", "") for p in message.content if p.get("type") == "text")
    return message.content or ""


def conversation(messages: list[Message]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The last user message is the question; earlier user/assistant pairs are the history. System prompts are
    ignored: what the assistant may say is fixed by its documents, not by the caller."""
    turns = [m for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user" or not _text(turns[-1]).strip():
        raise ApiError(400, "invalid_request", "The last message must be the user's question.",
                       'end "messages" with {"role": "user", "content": "…"}')
    history, pending = [], None
    for m in turns[:-1]:
        if m.role == "user":
            pending = _text(m)
        elif pending is not None:
            history.append((pending, _SOURCES.split(_text(m), 1)[0]))
            pending = None
    return _text(turns[-1]).strip(), tuple(history[-20:])


def content(answer: Answer) -> str:
    """Answer text with [n] markers, warnings, then the Sources block (one line per citation)."""
    parts = [answer.text, *(f"⚠ {w}" for w in answer.warnings)]
    text = "\n\n".join(p for p in parts if p)
    if answer.citations:
        text += f"\n\n{t(answer.language, 'sources')}:\n" + "\n".join(citation_line(c) for c in answer.citations)
    return text


def _chunk(cid: str, created: int, delta: dict, finish: str | None = None, **extra: Any) -> str:
    body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def openai_router(answers: PublicAnswers, owner: str) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])

    @router.get("/models", summary="The one model this server offers")
    def models() -> JSONResponse:
        return JSONResponse({"object": "list", "data": [
            {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": owner}]})

    @router.post("/chat/completions", summary="Chat completion (stream or not) with cited answers",
                 description="Answer text keeps its [n] markers and ends with a Sources block; the extra top-level "
                             "field `citations` holds them as JSON (in the last chunk when streaming), and "
                             "`grounded` says whether the documents answered.")
    def chat(body: ChatIn):
        if body.model != MODEL_ID:
            raise ApiError(404, "model_not_found", f"No model {body.model!r} here.",
                           f"use model {MODEL_ID!r} (GET /v1/models)")
        question, history = conversation(body.messages)
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        if not body.stream:
            answer = answers.ask(question, history)
            return JSONResponse({
                "id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content(answer)},
                             "finish_reason": "stop"}],
                # Token counts are not measured (the default answer is extractive and uses no tokens).
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "citations": [c.as_dict() for c in answer.citations], "grounded": answer.grounded})
        return StreamingResponse(_stream(answers, question, history, cid, created), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router


def _stream(answers: PublicAnswers, question: str, history, cid: str, created: int) -> Iterator[str]:
    """The role first (the client shows the turn at once), then the checked text: an OpenAI client cannot take
    back text already shown, so the unchecked deltas of an LLM answer are not forwarded."""
    yield _chunk(cid, created, {"role": "assistant", "content": ""})
    try:
        answer = answers.ask(question, history)
    except ApiError as exc:
        yield f"data: {json.dumps(error_body(exc.code, exc.message, exc.fix), ensure_ascii=False)}\n\n"
        return
    text = content(answer)
    for at in range(0, len(text), _PIECE):
        yield _chunk(cid, created, {"content": text[at: at + _PIECE]})
    yield _chunk(cid, created, {}, "stop", citations=[c.as_dict() for c in answer.citations],
                 grounded=answer.grounded)
    yield "data: [DONE]\n\n"
