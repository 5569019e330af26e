"""Chunks are exact page slices of whole sentences, keep clauses whole, and carry their article and heading."""

from __future__ import annotations

import random
import re

import pytest

from assistant.types import Chunk, DocInfo, Page
from ingest.chunking import split_document

DOC = DocInfo(doc_id="policies/test.txt", source="policies/test.txt", sha256="0" * 64, title="测试", doc_type="policy")
CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]
PHRASES = [
    "对新引进的先进制造业项目", "按照实际到位资金的百分之二", "给予最高五百万元的一次性奖励", "由区投资促进局会同财政局审核",
    "企业应当在每年三月底前提交申请材料", "符合条件的总部企业", "经认定后享受租金补贴", "补贴期限不超过三年",
    "对研发投入增长百分之十以上的企业", "给予研发费用补助", "园区提供标准厂房和人才公寓", "优先保障项目用地指标",
]
ENDS = "。。。；！"


def _sentence(rng: random.Random, max_phrases: int = 4) -> str:
    parts = [rng.choice(PHRASES) for _ in range(rng.randint(1, max_phrases))]
    return "，".join(parts) + rng.choice(ENDS)


def _law(rng: random.Random) -> list[str]:
    """Lines of a regulation: chapters, 第X条 articles of one to several paragraphs, some items."""
    lines, n = [f"# 某市促进产业发展条例{rng.randint(1, 99)}"], 0
    for ch in range(rng.randint(2, 3)):
        lines.append(f"第{CN_NUM[ch]}章 {rng.choice(['总则', '扶持政策', '服务保障'])}")
        for _ in range(rng.randint(2, 4)):
            lines.append(f"第{CN_NUM[n]}条 " + "".join(_sentence(rng) for _ in range(rng.randint(1, 6))))
            n += 1
            if rng.random() < 0.4:
                lines += [f"（{CN_NUM[i]}）{_sentence(rng, 2)}" for i in range(rng.randint(2, 4))]
            if rng.random() < 0.3:
                lines.append("".join(_sentence(rng) for _ in range(rng.randint(1, 3))))
    return lines


def _paginate(lines: list[str], rng: random.Random) -> list[Page]:
    """Join lines with blank lines and indentation noise, split into 2-3 pages at line boundaries."""
    cuts = sorted(rng.sample(range(1, len(lines)), k=min(2, len(lines) - 1)))
    pages, prev = [], 0
    for number, cut in enumerate([*cuts, len(lines)], start=1):
        body = "".join(("\n\n" if rng.random() < 0.3 else "\n") + ("  " if rng.random() < 0.2 else "") + ln
                       for ln in lines[prev:cut])
        pages.append(Page(number, body + rng.choice(["", "\n", "  \n\n"])))
        prev = cut
    return pages


def _page_of(pages: list[Page], chunk: Chunk) -> Page:
    return next(p for p in pages if p.number == chunk.page)


def _check_invariants(pages: list[Page], chunks: list[Chunk], target: int, ends: str = "。！？；") -> None:
    assert chunks, "a document with text gives chunks"
    for i, c in enumerate(chunks):
        page = _page_of(pages, c)
        assert page.text[c.start : c.end] == c.text  # an exact slice of one page
        assert c.text == c.text.strip() and c.text
        assert (c.chunk_id, c.ordinal, c.doc) == (f"{DOC.doc_id}#{i}", i, DOC)
        after = page.text[c.end :].lstrip(" \t\u3000")
        assert c.text[-1] in ends or after == "" or after.startswith("\n"), f"mid-sentence end: {c.text[-20:]!r}"
        assert len(c.text) <= 2 * target + 40
    covered = {(c.page, k) for c in chunks for k in range(c.start, c.end)}
    for p in pages:  # nothing but whitespace and page-marker comments is left out
        skipped = {k for m in re.finditer(r"<!--.*?-->", p.text) for k in range(m.start(), m.end())}
        assert all(ch.isspace() or k in skipped or (p.number, k) in covered for k, ch in enumerate(p.text))


@pytest.mark.parametrize("seed", range(12))
def test_law_chunks_are_exact_whole_clauses_with_their_article(seed: int) -> None:
    rng = random.Random(seed)
    target = rng.choice([120, 200, 320])
    pages = _paginate(_law(rng), rng)
    chunks = split_document(pages, DOC, target_chars=target)
    _check_invariants(pages, chunks, target)
    for c in chunks:
        markers = re.findall(r"(?m)^\s*(第[一二三四五六七八九十]+条)", c.text)
        assert len(markers) <= 1, "a chunk never straddles two articles"
        if markers:
            assert c.article == markers[0]
        if re.search(r"(?m)^第[一二三四五六七八九十]+章", c.text):
            assert markers or c.text.count("\n") == 0, "a chapter heading joins the article after it"
    # Every article shorter than the target lies whole in one chunk that names it.
    for p in pages:
        for m in re.finditer(r"(?m)^\s*(第[一二三四五六七八九十]+条)[^\n]*(?:\n(?!\s*第|\s*$)[^\n]*)*", p.text):
            whole = m[0].strip()
            if len(whole) <= target:
                assert any(whole in c.text and c.article == m[1] for c in chunks), whole[:20]


def test_continuation_chunks_keep_article_and_heading_across_pages() -> None:
    long_article = "第十二条 " + "".join(f"第{i}句规定了奖励标准和申报流程的具体要求。" for i in range(30))
    pages = [
        Page(1, "第三章 扶持政策\n" + long_article),
        Page(2, "对符合条件的企业继续给予支持。\n第十三条 本条例自2024年1月1日起施行。"),
    ]
    chunks = split_document(pages, DOC, target_chars=120)
    _check_invariants(pages, chunks, 120)
    assert chunks[0].text.startswith("第三章 扶持政策\n第十二条")
    assert {c.article for c in chunks if c.page == 1} == {"第十二条"}
    assert all(c.heading == "第三章 扶持政策" for c in chunks)
    second = [c for c in chunks if c.page == 2]
    assert second[0].article == "第十二条" and second[-1].article == "第十三条"


def test_policy_markers_become_articles_and_headings() -> None:
    text = (
        "鹿城区招商引资若干措施\n"
        "一、招商引资奖励\n"
        "（一）对新引进的企业，给予一次性奖励。对总部企业另行奖励。\n"
        "（二）对增资扩产项目，按投资额的百分之二给予补助。\n"
        "二、人才支持\n"
        "1.对引进的高层次人才给予安家补贴。\n"
        "2．对人才公寓给予租金补贴。\n"
    )
    chunks = split_document([Page(1, text)], DOC, target_chars=320)
    _check_invariants([Page(1, text)], chunks, 320)
    by_article = {c.article: c for c in chunks}
    assert by_article["（一）"].heading == "一、招商引资奖励"
    assert "一、招商引资奖励\n（一）" in by_article["（一）"].text  # heading-only lines join the text after them
    assert by_article["（二）"].text.startswith("（二）对增资扩产项目")
    assert by_article["1."].heading == "二、人才支持" and by_article["2．"].text == "2．对人才公寓给予租金补贴。"


def test_items_inside_an_article_stay_with_it() -> None:
    text = "第九条 有下列情形之一的，不予奖励：\n（一）弄虚作假的；\n（二）发生重大安全事故的；\n第十条 本办法由区政府负责解释。"
    chunks = split_document([Page(1, text)], DOC)
    assert [c.article for c in chunks] == ["第九条", "第十条"]
    assert chunks[0].text.endswith("（二）发生重大安全事故的；")


def test_over_long_sentence_is_cut_only_at_commas() -> None:
    sentence = "，".join(f"第{i}类企业按照标准享受相应补贴" for i in range(60)) + "。"
    page = Page(1, sentence)
    chunks = split_document([page], DOC, target_chars=100)
    _check_invariants([page], chunks, 100, ends="。，")
    assert len(chunks) > 3
    assert all(c.text.endswith("，") for c in chunks[:-1]) and chunks[-1].text.endswith("。")


def test_news_subheads_join_their_paragraph_and_markers_are_skipped() -> None:
    text = (
        "金牛区\n200亿基金入场\n17日上午，大会举行。12个项目签约。\n<!-- page 2 -->\n"
        "温江区\n精准对接大湾区\n温江区依托通信产业园招商。\n\n   \n"
    )
    chunks = split_document([Page(1, text)], DOC)
    _check_invariants([Page(1, text)], chunks, 320)
    assert [c.text.split("\n")[0] for c in chunks] == ["金牛区", "温江区"]
    assert all("<!--" not in c.text for c in chunks)


def test_whitespace_only_pages_give_no_chunks_and_ordinals_run_across_pages() -> None:
    pages = [Page(1, "第一条 甲。"), Page(2, " \n\u3000\n"), Page(3, "第二条 乙。")]
    chunks = split_document(pages, DOC)
    assert [(c.page, c.chunk_id) for c in chunks] == [(1, f"{DOC.doc_id}#0"), (3, f"{DOC.doc_id}#1")]
