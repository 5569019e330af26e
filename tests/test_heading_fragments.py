"""Headings ("第二条　厂房租金补贴。", "一、园区概况") name a clause; an answer quotes the clause, not its title."""

from __future__ import annotations

from assistant.text.sentences import is_heading, sentence_spans

PASSAGE = """## 二、入驻优惠政策

第二条　厂房租金补贴。租用园区标准厂房的制造业企业，每年最高补贴100万元。
第三条 国家鼓励外商投资。
第四十二条 本法自2020年1月1日起施行。
三、办事流程
1. 项目洽谈
（二）人才补贴申报
"""


def _headings(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text) if is_heading(text, s, e)]


def test_titles_of_articles_and_sections_are_headings_and_statements_are_not():
    assert _headings(PASSAGE) == ["## 二、入驻优惠政策", "第二条　厂房租金补贴。", "三、办事流程"]


def test_an_answer_quotes_the_article_without_its_title(demo_assistant):
    for question, figure in (("厂房租金补贴是多少？", "100万元"), ("研发奖励多少钱？", "30万元")):
        ans = demo_assistant.ask(question)
        assert figure in ans.text
        assert "第二条" not in ans.text and "第三条" not in ans.text, ans.text
        assert all(not c.quote.startswith("第") for c in ans.citations)
