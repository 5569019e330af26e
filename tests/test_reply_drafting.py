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


def _east_asian(run) -> str:
    from docx.oxml.ns import qn

    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_follows_gb_t_9704(fixture_assistant, tmp_path):
    """A4, 37/35/28/26 mm margins, 22 lines × 28 characters, 方正小标宋 title, 仿宋_GB2312 3号 body, 黑体 headings,
    署名 and 日期 right-aligned, "— n —" page numbers, the sources on an 附件 page; read back with python-docx."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn

    doc = DocxDocument(str(markdown_to_docx(to_markdown(_draft(fixture_assistant)), tmp_path / "reply.docx")))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)]
    assert margins == [37, 35, 28, 26]
    by_text = {p.text: p for p in doc.paragraphs}
    title = by_text["关于投资咨询事项的复函"].runs[0]
    assert _east_asian(title) == "方正小标宋简体" and title.font.size.pt == 22
    body = next(p for p in doc.paragraphs if "50%" in p.text and p.text.endswith("]"))
    assert _east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32  # 首行空二字
    heading = next(p for p in doc.paragraphs if p.text.startswith("一、关于"))
    assert _east_asian(heading.runs[0]) == "黑体"
    # 22 lines a page: the exact line pitch fits 22 lines, not 23, into the 225 mm 版心; 28 characters a line.
    pitch = body.paragraph_format.line_spacing.pt
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY and int(225 * 72 / 25.4 // pitch) == 22
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    char_pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert int(156 * 72 / 25.4 // char_pitch) == 28
    # Fallbacks for PCs without the 公文 fonts: Word/WPS substitute the font table's altName.
    fonts = doc.part.rels[next(k for k, r in doc.part.rels.items() if r.reltype.endswith("/fontTable"))]
    table = fonts.target_part.blob.decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in table
    assert 'w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in table
    # 署名 右空二字, 成文日期 右空四字; the attachment is announced in the body and starts on its own page.
    sign, date = by_text["温江区投资促进局"], by_text["2026年3月5日"]
    assert sign.alignment == WD_ALIGN_PARAGRAPH.RIGHT and sign.paragraph_format.right_indent.pt == 32
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT and date.paragraph_format.right_indent.pt == 64
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("附件：引用文件及原文摘录") < texts.index("温江区投资促进局") < texts.index("附件")
    assert by_text["附件"].paragraph_format.page_break_before
    assert any(t.startswith("原文：“") for t in texts[texts.index("附件"):])
    # Page numbers: "— PAGE —" in 宋体, odd pages right, even pages left.
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                      WD_ALIGN_PARAGRAPH.LEFT)):
        para = footer.paragraphs[0]
        assert para.alignment == align and para.text == "—  —"  # the number itself is a PAGE field
        assert "PAGE" in para._p.xml and _east_asian(para.runs[0]) == "宋体"


def test_a_point_relying_on_an_expired_policy_says_so(fixture_assistant):
    draft = draft_reply("鹿城区对新设立外商投资企业实到外资有什么奖励？", lambda q: fixture_assistant.ask(q),
                        "鹿城区商务局", contacts_for=fixture_assistant.library.contacts, today=TODAY)
    text = to_markdown(draft)
    assert draft.points[0].answered and "2%" in text
    assert "已于2021年12月31日到期失效，本条答复须核实现行政策后再发出" in text
