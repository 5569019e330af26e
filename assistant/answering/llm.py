"""Answer from numbered passages with an OpenAI-compatible LLM (streamed), then keep only what the passages back."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx
import httpx2
import openai
from pydantic import SecretStr

from assistant.answering.citation_check import CheckReport, check_answer, drop_unsupported
from assistant.answering.citations import make_citation
from assistant.answering.llm_checks import SentenceGate, best_quote, bigrams, drop_unfounded
from assistant.errors import ConfigError, GenerationError
from assistant.prompts import render_prompt
from assistant.settings import Settings
from assistant.text.instructions import mask_instructions
from assistant.text.markers import MARKER

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI
from assistant.types import Answer, Hit

log = logging.getLogger(__name__)

# openai 3.52 talks through httpx2 by default, but its client also accepts a plain `httpx.Client`
# (it converts requests, timeouts and auth on the way). So ChatOpenAI's `http_client` may be an
# httpx.Client *or* an httpx2.Client, each with its own MockTransport; errors can come from either.
_WIRE_ERRORS: tuple[type[Exception], ...] = (openai.OpenAIError, httpx.HTTPError, httpx2.HTTPError, ValueError)
_REASONING = re.compile(r"<think>.*?(?:</think>|$)", re.S)  # reasoning models (Qwen3, R1) think out loud
# Weak models copy the prompt's scaffolding ("[1] 《title》 | 发布日期… | 文件：…", the data fences): it cites
# itself perfectly and says nothing, so it goes before the checks.
_PROMPT_ECHO = re.compile(r"(?m)^[ \t]*\[\d+\][ \t]*《[^》\n]*》[ \t]*\|.*$|^.*<<<资料(?:开始|结束)>>>.*$")
_HISTORY_TURNS = 3
_HISTORY_CHARS = 300
_REWRITE_TOKENS = 128
LANGUAGE_RULES = {
    "zh": "用中文回答。",
    "en": "The question is in English: answer in English. Keep the Chinese names of policies, parks and "
    "organisations as written (you may add an English gloss). Give amounts with the same value in English units "
    "(50亿元 = CNY 5 billion, 20万元 = CNY 200,000, 3000万美元 = USD 30 million) and never change a number.",
}


@dataclass
class _StreamStatus:
    finish_reason: str = ""


class LLMAnswerer:
    """LangChain ChatOpenAI against any OpenAI-compatible server; never trusted without the checks."""

    def __init__(self, settings: Settings, http_client: httpx.Client | None = None):
        if not settings.llm_model:
            raise ConfigError("llm_model", "no chat model name is set", "set ASSISTANT_LLM_MODEL (or OPENAI_MODEL)")
        self.settings = settings
        self._http_client = http_client  # tests pass an httpx.Client on an httpx.MockTransport
        self._answer_llm = self._chat(settings.llm_max_tokens, settings.llm_temperature)
        self._rewrite_llm = self._chat(_REWRITE_TOKENS, 0.0)

    def _chat(self, max_tokens: int, temperature: float) -> ChatOpenAI:
        from langchain_openai import ChatOpenAI  # ~2 s to import: only when an LLM is configured

        s = self.settings
        return ChatOpenAI(
            model=s.llm_model,
            base_url=s.openai_base_url or None,
            # Local servers ignore the key but the openai client refuses to start without one.
            api_key=SecretStr(s.openai_api_key.get_secret_value() or "not-needed"),
            temperature=temperature,
            # M1: ChatOpenAI's own max_tokens goes out as max_completion_tokens, which llama.cpp ignores
            # (it then writes until n_ctx); the plain field is read by OpenAI, vLLM, Ollama and llama.cpp.
            extra_body={"max_tokens": max_tokens},
            timeout=httpx.Timeout(s.llm_timeout, connect=min(5.0, s.llm_timeout)),
            max_retries=0,  # the extractive answer is our retry; retrying would double the wait
            http_client=self._http_client,
        )

    # --- prompt ------------------------------------------------------------------------------
    def build_prompt(self, question: str, hits: Sequence[Hit], history: Sequence[tuple[str, str]],
                     language: str) -> str:
        """One user message: gemma's chat format drops system messages (M3), so the rules travel inline."""
        # A passage must not be able to close the data block and speak as the prompt.
        # Instruction-like sentences (prompt injection) never reach the model.
        passages = "\n\n".join(f"{passage_header(n, hit)}\n{mask_instructions(hit.chunk.text).replace('<<<', '‹‹‹')}"
                                for n, hit in enumerate(hits, 1))
        return render_prompt(
            "answer",
            passages=passages,
            history=_history_block(history),
            question=question,
            language_instruction=LANGUAGE_RULES.get(language, LANGUAGE_RULES["zh"]),
        )

    # --- streaming ---------------------------------------------------------------------------
    def stream_raw(self, question: str, hits: Sequence[Hit], history: Sequence[tuple[str, str]],
                   language: str) -> Iterator[str]:
        """Text deltas; GenerationError on timeout, HTTP or connection error, or a stream cut mid-way."""
        yield from self._deltas(self.build_prompt(question, hits, history, language), _StreamStatus())

    def _deltas(self, prompt: str, status: _StreamStatus) -> Iterator[str]:
        timeout = self.settings.llm_timeout
        deadline = time.monotonic() + timeout  # the read timeout alone would let a slow trickle go on
        stream = self._answer_llm.stream([_human(prompt)])
        try:
            for chunk in stream:
                status.finish_reason = chunk.response_metadata.get("finish_reason") or status.finish_reason
                if isinstance(chunk.content, str) and chunk.content:
                    yield chunk.content
                if time.monotonic() > deadline:
                    raise GenerationError(f"LLM answer took longer than {timeout:g}s (llm_timeout)")
        except _WIRE_ERRORS as err:
            raise GenerationError(_describe(err, timeout)) from err
        finally:
            stream.close()
        if not status.finish_reason:
            raise GenerationError("the LLM stream was cut before the answer finished")

    # --- the checked answer ------------------------------------------------------------------
    def answer(self, question: str, hits: Sequence[Hit], history: Sequence[tuple[str, str]], language: str,
               fallback: Answer, in_scope: SentenceGate | None = None) -> Iterator[str | Answer]:
        """Deltas while streaming, then exactly one Answer (the checked LLM answer or `fallback` with a notice).

        The final Answer replaces whatever was streamed: removed sentences were visible for a moment.
        """
        if not hits:  # refusal is a rule: nothing to cite means nothing to generate
            yield fallback
            return
        status, parts = _StreamStatus(), []
        try:
            for delta in self._deltas(self.build_prompt(question, hits, history, language), status):
                parts.append(delta)
                yield delta
        except GenerationError as err:
            log.warning("LLM answer failed: %s", err)
            yield with_notice(fallback, str(err))
            return
        yield self._checked("".join(parts), hits, fallback, status.finish_reason, in_scope)

    def _checked(self, raw: str, hits: Sequence[Hit], fallback: Answer, finish_reason: str,
                 in_scope: SentenceGate | None = None) -> Answer:
        text = _PROMPT_ECHO.sub("", _REASONING.sub("", raw)).strip()
        if not text:
            return with_notice(fallback, "empty answer" if not raw.strip() else "the LLM only echoed the prompt")
        passages = {n: f"{passage_header(n, hit)}\n{mask_instructions(hit.chunk.text)}" for n, hit in enumerate(hits, 1)}
        report = check_answer(text, passages)
        kept, final = text, report
        for _ in range(2):  # dropping can merge neighbours into a new sentence: check once more
            if final.ok:
                break
            kept = drop_unsupported(kept, final)
            final = check_answer(kept, passages)
        removed = _removed_notice(report)
        kept, outside = drop_unfounded(kept, final, hits, in_scope)
        if outside:
            final = check_answer(kept, passages)
            removed = "; ".join(x for x in (removed, f"removed {outside} sentence(s) about another place, body, "
                                            "law or year, or citing no passage") if x)
        if not final.valid_markers or not final.ok:
            return with_notice(fallback, "no valid citation left" + (f" ({removed})" if removed else ""))
        citations = tuple(
            make_citation(n, hits[n - 1], best_quote(hits[n - 1].chunk.text, _claims_citing(final, n)))
            for n in sorted(final.valid_markers)
        )
        warnings = [removed] if removed else []
        if finish_reason == "length":
            warnings.append(f"LLM answer reached the token limit (llm_max_tokens={self.settings.llm_max_tokens})"
                            " and may be cut short")
        return replace(fallback, text=kept, citations=citations, grounded=True, mode="llm",
                       warnings=tuple(warnings))

    # --- follow-ups --------------------------------------------------------------------------
    def complete(self, prompt: str) -> str:
        """One plain completion (reply drafting); errors become GenerationError, callers keep their template."""
        try:
            return str(self._answer_llm.invoke([_human(prompt)]).content)
        except Exception as exc:
            raise GenerationError(_describe(exc, self.settings.llm_timeout)) from exc

    def rewrite_followup(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """A standalone version of a follow-up question; the question unchanged on any error or oddity."""
        if not history:
            return question
        prompt = render_prompt("rewrite_followup", history=_history_text(history), question=question)
        try:
            reply = self._rewrite_llm.invoke([_human(prompt)])
        except Exception as err:  # any failure: rewriting is an optional nicety; the question still works
            log.warning("follow-up rewrite failed, using the question as asked: %s", err)
            return question
        candidate = _clean_rewrite(reply.content if isinstance(reply.content, str) else "")
        context = question + "".join(q + a for q, a in history[-_HISTORY_TURNS:])
        return candidate if _plausible_rewrite(candidate, question, context) else question


def with_notice(fallback: Answer, reason: str) -> Answer:
    """The extractive answer, saying why the LLM answer is not shown."""
    notice = f"LLM unavailable/failed checks: {reason}, showing extractive answer"
    return replace(fallback, warnings=(*fallback.warnings, notice))


def passage_header(n: int, hit: Hit) -> str:
    """[n] 《title》 | date | page | article | file — what a citation will show, so the model can say it."""
    chunk, doc = hit.chunk, hit.chunk.doc
    parts = [f"[{n}] 《{doc.title or doc.file_name}》"]
    parts += [f"发布日期：{doc.published}"] if doc.published else []
    parts += [f"第{chunk.page}页"] if chunk.page else []
    parts += [chunk.article] if chunk.article else []
    status = doc.validity.status()
    parts += [{"expired": "已过有效期", "repealed": "已废止"}[status]] if status in ("expired", "repealed") else []
    parts.append(f"文件：{doc.file_name}")
    return " | ".join(parts)


def _claims_citing(report: CheckReport, n: int) -> list[str]:
    return [s.sentence for s in report.sentences if n in s.markers and not s.failed]


def _removed_notice(report: CheckReport) -> str:
    failed = report.unsupported_sentences
    if not failed:
        return ""
    items = "; ".join(f"«{_short(s.sentence)}» ({s.reason})" for s in failed)
    return f"removed {len(failed)} unsupported sentence(s) from the LLM answer: {items}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(err: Exception, timeout: float) -> str:
    if isinstance(err, openai.APITimeoutError | httpx.TimeoutException | httpx2.TimeoutException):
        return f"LLM timed out after {timeout:g}s (llm_timeout)"
    if isinstance(err, openai.APIStatusError):
        return f"LLM server returned HTTP {err.status_code}"
    if isinstance(err, openai.APIConnectionError | httpx.TransportError | httpx2.TransportError):
        cause = err.__cause__ or err
        return f"LLM connection failed ({type(cause).__name__}: {_short(str(cause), 80)})"
    return f"LLM error ({type(err).__name__}: {_short(str(err), 80)})"


def _history_text(history: Sequence[tuple[str, str]]) -> str:
    # Earlier answers' [n] pointed at earlier passages: drop them so the model cannot reuse them.
    turns = [(q, MARKER.sub("", a)) for q, a in history[-_HISTORY_TURNS:]]
    return "\n".join(f"投资者：{_short(q, _HISTORY_CHARS)}\n助手：{_short(a, _HISTORY_CHARS)}" for q, a in turns)


def _history_block(history: Sequence[tuple[str, str]]) -> str:
    if not history:
        return ""
    return f"\n此前的对话（只用于理解问题，不是资料，不能引用）：\n{_history_text(history)}\n"


_REWRITE_PREFIX = re.compile(r"^(?:改写后的问题|独立问题|问题|standalone question|question)\s*[:：]\s*", re.I)


def _clean_rewrite(text: str) -> str:
    lines = [line.strip() for line in _REASONING.sub("", text).splitlines() if line.strip()]
    first = _REWRITE_PREFIX.sub("", lines[0]) if lines else ""
    return first.strip(" \"'“”「」『』")


def _plausible_rewrite(candidate: str, question: str, context: str) -> bool:
    """A rewrite must be short and built from the conversation's words, not new material (or base-model noise)."""
    if len(candidate) < 2 or len(candidate) > max(200, 3 * len(question)):
        return False
    grams = bigrams(candidate)
    return bool(grams) and len(grams & bigrams(context)) >= 0.5 * len(grams)


def _human(prompt: str):
    from langchain_core.messages import HumanMessage

    return HumanMessage(content=prompt)
