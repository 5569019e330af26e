"""Reply drafting over the real fixture library: cited points, 待人工补充 gaps, letter form, DOCX export."""

from __future__ import annotations

import datetime as dt
import re

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from assistant.staff.reply_drafting import (
    NEEDS_INPUT,
    draft_reply,
    markdown_to_docx,
    split_questions,
    to_markdown,
)

INQUIRY = """尊敬的温江区投资促进局：
您好！我公司是一家光模块制造企业，计划在成都设立生产基地，特来函咨询以下事项：
1. 入驻四川通信产业园标准厂房有什么租金补贴？
2. 年度研发投入超过1000万元的企业能获得多少研发补助？
3. 外籍员工子女入学有什么政策？
盼复为感！此致敬礼。"""
TODAY = dt.date(2026, 3, 5)


def test_questions_are_split_without_greetings():
    assert split_questions(INQUIRY) == [
        "入驻四川通信产业园标准厂房有什么租金补贴？",
        "年度研发投入超过1000万元的企业能获得多少研发补助？",
        "外籍员工子女入学有什么政策？",
    ]
    assert split_questions("介绍一下园区") == ["介绍一下园区"]  # no question mark: the whole text is asked


def _draft(assistant, write=None):
    return draft_reply(INQUIRY, lambda q: assistant.ask(q), "温江区投资促进局", "尊敬的张总",
                       contacts_for=assistant.library.contacts, write=write, today=TODAY)


def test_answered_points_cite_sources_and_gaps_need_staff_input(fixture_assistant):
    draft = _draft(fixture_assistant)
    answered = [p for p in draft.points if p.answered]
    assert len(answered) == 2 and draft.needs_input == ("外籍员工子女入学有什么政策？",)
    assert "50%" in answered[0].text and "10%" in answered[1].text
    numbers = {int(n) for p in answered for n in re.findall(r"\[(\d+)\]", p.text)}
    assert numbers == {s.n for s in draft.sources} and numbers == set(range(1, len(draft.sources) + 1))
    assert all(s.quote in s.chunk_text for s in draft.sources)


def test_letter_has_the_formal_parts_in_order(fixture_assistant):
    text = to_markdown(_draft(fixture_assistant))
    parts = ["# 关于", "尊敬的张总：", "感谢", "一、关于“入驻四川通信产业园", "（依据：《", "第三条",
             "三、关于“外籍员工子女入学", NEEDS_INPUT, "联系单位：成都市温江区投资促进局", "028-82712345",
             "引用文件：", "[1] 《", "此致", "敬礼！", "\n温江区投资促进局\n", "2026年3月5日"]
    positions = [text.find(p) for p in parts]
    assert -1 not in positions, [p for p, i in zip(parts, positions, strict=True) if i < 0]
    assert positions == sorted(positions)


def test_no_contact_known_is_marked_not_invented(fixture_assistant):
    draft = draft_reply("外籍员工子女入学有什么政策？", lambda q: fixture_assistant.ask(q), "某局",
                        contacts_for=lambda ids: [], today=TODAY)
    text = to_markdown(draft)
    assert f"联系方式：{NEEDS_INPUT}" in text and not draft.sources and "引用文件" not in text


def test_llm_body_is_used_only_when_every_marker_is_valid(fixture_assistant):
    good = _draft(fixture_assistant, write=lambda prompt: "一、关于租金：前三年按租金的50%给予补贴[1]。")
    assert good.body_by_llm and "前三年按租金的50%给予补贴[1]" in to_markdown(good)
    bad = _draft(fixture_assistant, write=lambda prompt: "一、关于租金：全部免租[9]。\n二、另有奖励。")
    assert not bad.body_by_llm and bad.warnings and "全部免租" not in to_markdown(bad)
    prompts: list[str] = []
    _draft(fixture_assistant, write=lambda prompt: prompts.append(prompt) or "")
    assert "[1]" in prompts[0] and NEEDS_INPUT in prompts[0] and "外籍员工子女入学" in prompts[0]


def test_docx_export_keeps_staff_edits_and_letter_layout(fixture_assistant, tmp_path):
    text = to_markdown(_draft(fixture_assistant)).replace("尊敬的张总：", "尊敬的张伟总经理：")
    doc = DocxDocument(str(markdown_to_docx(text, tmp_path / "reply.docx")))
    paragraphs = {p.text: p for p in doc.paragraphs}
    assert "尊敬的张伟总经理：" in paragraphs and "尊敬的张总：" not in paragraphs
    assert paragraphs["关于投资咨询事项的复函"].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraphs["温江区投资促进局"].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs["2026年3月5日"].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_llm_body_through_the_real_client_is_checked_like_answers(fixture_assistant):
    """The OpenAI client is real; only the wire is replaced (httpx.MockTransport, recorded-style JSON)."""
    import httpx

    from assistant.answering.llm import LLMAnswerer
    from assistant.settings import Settings
    from tests.test_llm_mock import completion_json

    def writer(status: int, content: str):
        transport = httpx.MockTransport(lambda req: httpx.Response(status, json=completion_json(content)))
        llm = LLMAnswerer(Settings(llm_model="m", openai_base_url="http://127.0.0.1:9/v1"),
                          http_client=httpx.Client(transport=transport))
        return llm.complete

    good = _draft(fixture_assistant, write=writer(200, "一、关于租金：前三年按租金的50%给予补贴[1]。"))
    assert good.body_by_llm and not good.warnings
    invented = _draft(fixture_assistant, write=writer(200, "一、关于租金：前三年按租金的80%给予补贴[1]。"))
    assert not invented.body_by_llm and "80%" not in to_markdown(invented) and invented.warnings
    down = _draft(fixture_assistant, write=writer(500, "server error"))
    assert not down.body_by_llm and "LLM" in down.warnings[0] and "50%" in to_markdown(down)
