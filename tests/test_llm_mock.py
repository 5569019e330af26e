"""The LLM answer path through the real LangChain/OpenAI client; only the wire is replaced (httpx.MockTransport
with recorded-style chat.completions JSON and SSE streams, or a real socket that never answers)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from assistant.answering.citation_check import check_answer
from assistant.answering.llm import LLMAnswerer
from assistant.errors import ConfigError, GenerationError
from assistant.settings import Settings
from assistant.types import Answer, Chunk, DocInfo, Hit

POLICY_TEXT = (
    "第五条 对新引进的总投资50亿元以上的制造业项目，按实际投资额的3%给予奖励，最高不超过5000万元。"
    "奖励分三年兑现。本措施自2024年3月1日起施行。"
)
PARK_TEXT = "园区总面积120平方公里，重点发展数字经济和智能装备产业。投资咨询电话：0577-88030503，地址：温州市龙湾区。"
GOOD = "总投资50亿元以上的制造业项目可按实际投资额的3%获得奖励，最高5000万元[1]。投资咨询电话是0577-88030503[2]。"
QUESTION = "在温州投资制造业项目有什么奖励？"


def _hit(n: int, title: str, text: str, page: int, article: str = "") -> Hit:
    doc = DocInfo(doc_id=f"doc{n}", source=f"data/doc{n}.pdf", sha256="ab" * 32, title=title, doc_type="policy",
                  city="温州市", published="2024-02-20")
    return Hit(Chunk(f"doc{n}#0", doc, 0, text, page, 0, len(text), article=article), score=1.0 / n)


HITS = [
    _hit(1, "温州市促进外资高质量发展若干措施", POLICY_TEXT, 3, "第五条"),
    _hit(2, "温州经济技术开发区投资指南", PARK_TEXT, 1),
]
FALLBACK = Answer(question=QUESTION, text="按实际投资额的3%给予奖励，最高不超过5000万元[1]。", citations=(),
                  grounded=True, mode="extractive")


def sse_body(deltas: list[str], finish: bool = True, done: bool = True) -> bytes:
    """A llama.cpp-style chat.completions stream: role+content chunks, a finish chunk, then [DONE]."""
    events = []
    for i, text in enumerate(deltas):
        delta = {"role": "assistant", "content": text} if i == 0 else {"content": text}
        events.append({"index": 0, "delta": delta, "logprobs": None, "finish_reason": None})
    if finish:
        events.append({"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"})
    lines = [
        {"id": "chatcmpl-7f3a", "object": "chat.completion.chunk", "created": 1767225600, "model": "gemma3-270m",
         "choices": [choice]} for choice in events
    ]
    body = "".join(f"data: {json.dumps(line, ensure_ascii=False)}\n\n" for line in lines)
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


def completion_json(content: str) -> dict:
    return {"id": "chatcmpl-9c1d", "object": "chat.completion", "created": 1767225600, "model": "gemma3-270m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 210, "completion_tokens": 18, "total_tokens": 228}}


class Wire:
    """An httpx.Client whose transport answers with `respond` and records every request body."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response]):
        self.requests: list[dict] = []

        def handler(request: httpx.Request) -> httpx.Response:
            self.requests.append(json.loads(request.content))
            return respond(request)

        self.client = httpx.Client(transport=httpx.MockTransport(handler))


def streaming(deltas: list[str], **kw) -> Wire:
    return Wire(lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"},
                                         content=sse_body(deltas, **kw)))


def llm_settings(**kw) -> Settings:
    # The model goes in by its env name: Settings' aliases do not accept `llm_model=` (the field name).
    return Settings(OPENAI_BASE_URL="http://llm.test/v1", ASSISTANT_LLM_MODEL="gemma3-270m", **kw)


def run(answerer: LLMAnswerer, hits: list[Hit] = HITS, history=()) -> tuple[list[str], Answer]:
    items = list(answerer.answer(QUESTION, hits, list(history), "zh", fallback=FALLBACK))
    assert isinstance(items[-1], Answer) and all(isinstance(i, str) for i in items[:-1])
    return items[:-1], items[-1]


def test_valid_answer_is_streamed_and_cited_with_exact_quotes():
    wire = streaming(["总投资50亿元以上的制造业项目", "可按实际投资额的3%获得奖励，最高5000万元[1]。",
                      "投资咨询电话是0577-88030503[2]。"])
    deltas, ans = run(LLMAnswerer(llm_settings(llm_max_tokens=321), http_client=wire.client))
    assert "".join(deltas) == GOOD
    assert ans.mode == "llm" and ans.grounded and ans.text == GOOD and not ans.warnings
    assert [c.n for c in ans.citations] == [1, 2]
    policy, park = ans.citations
    assert policy.quote in POLICY_TEXT and "3%" in policy.quote and "5000万元" in policy.quote
    assert park.quote in PARK_TEXT and "0577-88030503" in park.quote
    assert (policy.source, policy.page, policy.article, policy.date) == ("doc1.pdf", 3, "第五条", "2024-02-20")
    assert check_answer(ans.text, {c.n: c.quote for c in ans.citations}).ok  # the quotes alone back the text
    body = wire.requests[0]
    assert body["model"] == "gemma3-270m" and body["stream"] is True and body["max_tokens"] == 321  # M1: the field llama.cpp reads
    assert [m["role"] for m in body["messages"]] == ["user"]  # M3: the rules ride in the user turn
    prompt = body["messages"][0]["content"]
    assert "[1] 《温州市促进外资高质量发展若干措施》" in prompt and "第五条" in prompt and "第3页" in prompt
    assert QUESTION in prompt and PARK_TEXT in prompt and "不要执行" in prompt


def test_quote_widens_to_cover_every_number_the_claim_takes_from_the_passage():
    wire = streaming(["奖励分三年兑现，自2024年3月1日起施行[1]。"])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert [c.quote for c in ans.citations] == ["奖励分三年兑现。本措施自2024年3月1日起施行。"]


def test_chinese_numerals_and_english_units_count_as_the_same_amount():
    wire = streaming(["Manufacturing projects above RMB 5 billion get 3 percent of the investment, "
                      "capped at 50 million yuan [1]. 最高奖励五千万元[1]。"])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "llm" and not ans.warnings, ans.warnings


def test_citation_to_a_passage_not_given_is_dropped_and_named():
    wire = streaming([GOOD, "入驻企业还可享受三年免租[7]。"])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "llm"
    assert "免租" not in ans.text and ans.text == GOOD
    assert any("[7]" in w and "免租" in w for w in ans.warnings), ans.warnings
    assert [c.n for c in ans.citations] == [1, 2]


def test_invented_amount_is_dropped_even_with_a_valid_marker():
    wire = streaming(["对总投资50亿元以上的项目最高奖励8000万元[1]。", "投资咨询电话是0577-88030503[2]。"])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "llm" and "8000万元" not in ans.text and "0577-88030503[2]" in ans.text
    assert any("8000万元" in w for w in ans.warnings), ans.warnings
    assert [c.n for c in ans.citations] == [2]  # [1] is no longer used by any sentence


def test_amount_from_the_wrong_passage_is_unsupported():
    wire = streaming(["投资咨询电话是0577-88030503，奖励最高5000万元[2]。"])  # 5000万元 is in [1], not [2]
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "extractive" and ans.text == FALLBACK.text
    assert any("no valid citation left" in w and "5000万元" in w for w in ans.warnings), ans.warnings


@pytest.mark.parametrize("reply", ["", "提供的资料中没有相关内容。", "<think>让我想想</think>"])
def test_answer_without_any_valid_citation_falls_back(reply):
    wire = streaming([reply] if reply else [])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "extractive" and ans.text == FALLBACK.text
    assert ans.warnings[-1].startswith("LLM unavailable/failed checks: ")
    assert ans.warnings[-1].endswith(", showing extractive answer")


def test_echoed_passage_headers_are_not_an_answer():
    echo = "[1] 《温州经济技术开发区投资指南》 | 发布日期：2024-02-20 | 第3页 | 第五条 | 文件：doc1.pdf\n"
    _, ans = run(LLMAnswerer(llm_settings(), http_client=streaming([echo]).client))
    assert ans.mode == "extractive" and "echoed the prompt" in ans.warnings[-1]
    _, ans = run(LLMAnswerer(llm_settings(), http_client=streaming([echo, GOOD]).client))
    assert ans.mode == "llm" and ans.text == GOOD


def test_reasoning_block_is_not_shown():
    wire = streaming(["<think>用户问奖励，资料[1]有答案。</think>", GOOD])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "llm" and ans.text == GOOD


def test_http_500_falls_back_with_a_notice():
    wire = Wire(lambda r: httpx.Response(500, json={"error": {"message": "model crashed"}}))
    deltas, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert deltas == [] and ans.text == FALLBACK.text and ans.mode == "extractive"
    assert "HTTP 500" in ans.warnings[-1] and "showing extractive answer" in ans.warnings[-1]
    assert len(wire.requests) == 1  # no retries: the extractive answer is the retry


def test_read_timeout_falls_back_quickly():
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    t0 = time.perf_counter()
    _, ans = run(LLMAnswerer(llm_settings(llm_timeout=2), http_client=Wire(slow).client))
    assert time.perf_counter() - t0 < 2
    assert ans.mode == "extractive" and "timed out" in ans.warnings[-1]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A real TCP server that accepts the request and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    for conn in accepted:
        conn.close()
    listener.close()


def test_server_that_never_answers_hits_the_client_timeout(silent_server):
    settings = Settings(OPENAI_BASE_URL=silent_server, ASSISTANT_LLM_MODEL="m", llm_timeout=0.5)
    t0 = time.perf_counter()
    _, ans = run(LLMAnswerer(settings, http_client=httpx.Client(trust_env=False)))
    assert time.perf_counter() - t0 < 3
    assert ans.mode == "extractive" and "timed out after 0.5s" in ans.warnings[-1]


def test_slow_trickle_is_abandoned_at_the_deadline():
    def trickle(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            for _ in range(40):
                time.sleep(0.1)
                yield sse_body(["奖励"], finish=False, done=False)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())

    t0 = time.perf_counter()
    deltas, ans = run(LLMAnswerer(llm_settings(llm_timeout=0.5), http_client=Wire(trickle).client))
    assert time.perf_counter() - t0 < 1.5 and 2 <= len(deltas) < 40
    assert ans.mode == "extractive" and "longer than 0.5s" in ans.warnings[-1]


def test_stream_cut_by_the_peer_falls_back():
    def cut(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            yield sse_body(["总投资50亿元以上的制造业项目"], finish=False, done=False)
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())

    deltas, ans = run(LLMAnswerer(llm_settings(), http_client=Wire(cut).client))
    assert deltas == ["总投资50亿元以上的制造业项目"]
    assert ans.mode == "extractive" and "connection failed" in ans.warnings[-1]


def test_stream_ending_without_finish_falls_back_even_if_text_looks_fine():
    wire = streaming([GOOD], finish=False, done=False)
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "extractive" and "cut before the answer finished" in ans.warnings[-1]


def test_stream_raw_yields_deltas_and_raises_generation_error():
    answerer = LLMAnswerer(llm_settings(), http_client=streaming(["甲", "乙"]).client)
    assert list(answerer.stream_raw(QUESTION, HITS, [], "zh")) == ["甲", "乙"]
    broken = LLMAnswerer(llm_settings(), http_client=Wire(lambda r: httpx.Response(503)).client)
    with pytest.raises(GenerationError, match="HTTP 503"):
        list(broken.stream_raw(QUESTION, HITS, [], "zh"))


def test_no_passages_means_no_llm_call():
    wire = streaming([GOOD])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client), hits=[])
    assert ans is FALLBACK and wire.requests == []


def test_english_question_gets_the_english_rule_and_history_is_context_not_passages():
    wire = streaming([GOOD])
    history = [("温州有哪些园区？", "温州经济技术开发区[1]。")]
    list(LLMAnswerer(llm_settings(), http_client=wire.client).answer(
        "What is the award?", HITS, history, "en", fallback=FALLBACK))
    prompt = wire.requests[0]["messages"][0]["content"]
    assert "answer in English" in prompt and "温州有哪些园区？" in prompt and "不是资料" in prompt
    assert "温州经济技术开发区[1]" not in prompt  # old markers pointed at old passages


HISTORY = [("温州经济技术开发区重点发展什么产业？", "数字经济和智能装备产业[1]。")]


def test_followup_is_rewritten_by_the_llm():
    wire = Wire(lambda r: httpx.Response(200, json=completion_json("改写后的问题：温州经济技术开发区的投资咨询电话是多少？")))
    rewritten = LLMAnswerer(llm_settings(), http_client=wire.client).rewrite_followup("那里的电话是多少？", HISTORY)
    assert rewritten == "温州经济技术开发区的投资咨询电话是多少？"
    body = wire.requests[0]
    assert body["max_tokens"] == 128 and "那里的电话是多少？" in body["messages"][0]["content"]


@pytest.mark.parametrize("respond", [
    lambda r: httpx.Response(500, json={"error": {"message": "down"}}),
    lambda r: httpx.Response(200, json=completion_json("【回答】\n【回答】\n【回答】")),  # base-model noise
    lambda r: httpx.Response(200, json=completion_json("苏州工业园区对生物医药企业的最新补贴政策有哪些规定")),
])
def test_followup_rewrite_failure_or_nonsense_keeps_the_question(respond):
    answerer = LLMAnswerer(llm_settings(), http_client=Wire(respond).client)
    assert answerer.rewrite_followup("那里的电话是多少？", HISTORY) == "那里的电话是多少？"


def test_followup_without_history_is_not_sent():
    wire = Wire(lambda r: httpx.Response(500))
    assert LLMAnswerer(llm_settings(), http_client=wire.client).rewrite_followup("电话是多少？", []) == "电话是多少？"
    assert wire.requests == []


def test_missing_model_name_is_a_config_error_naming_the_setting():
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_MODEL"):
        LLMAnswerer(Settings(OPENAI_BASE_URL="http://llm.test/v1"))


def test_a_made_up_sentence_with_a_valid_marker_but_no_basis_is_removed():
    """#12.14: no number to check, a real [n] — yet the passage says nothing of the kind."""
    wire = streaming(["可按实际投资额的3%获得奖励，最高5000万元[1]。", "该区是全国营商环境最好的地区，外资企业纷纷点赞[1]。"])
    _, ans = run(LLMAnswerer(llm_settings(), http_client=wire.client))
    assert ans.mode == "llm" and "3%" in ans.text
    assert "营商环境最好" not in ans.text and any("removed" in w for w in ans.warnings)
