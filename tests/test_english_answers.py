"""English answers without an LLM: an English line per quoted passage (what, where, figures in English units),
the Chinese sentence as the quote, and a note that the sources are Chinese."""

from __future__ import annotations

import re

import pytest

from assistant.answering.english_answer import SOURCES_NOTE
from assistant.text.english_figures import english_figures
from assistant.text.numbers import extract_quantities, quantity_supported


@pytest.mark.parametrize(("chinese", "english"), [
    ("母基金总规模50亿元", ["CNY 5 billion"]),
    ("一次性奖励20万元", ["CNY 200,000"]),
    ("实际到资3000万美元以上", ["USD 30 million"]),
    ("建筑面积5000平方米", ["5,000 m²"]),
    ("按8‰计提", ["8‰"]),
    ("前三年按实际租金的50%给予补贴，每年最高100万元", ["3 years", "50%", "CNY 1 million"]),
    ("自2020年1月1日起施行", ["1 January 2020"]),
    ("5个工作日内办结", ["5 working days"]),
    ("带动12个产业化项目签约", []),  # a bare count: its noun is Chinese, so no figure is guessed
])
def test_figures_and_units_are_rendered_in_english(chinese, english):
    assert english_figures(chinese) == english


def test_per_mille_is_one_rate_however_it_is_written():
    (rate,) = extract_quantities("税率8‰")
    assert rate.kind == "percent" and rate.value == "0.8%"
    assert quantity_supported(rate, "按千分之八征收")
    assert not quantity_supported(rate, "按8%征收")


def _lines(text: str) -> list[str]:
    return text.splitlines()


def test_an_english_question_gets_an_english_lead_in_and_the_chinese_quote(demo_assistant):
    ans = demo_assistant.ask("What subsidies are there for factory rent?")
    assert ans.grounded and ans.language == "en"
    lead, quote = _lines(ans.text)[:2]
    assert lead.startswith("From the investment guide “锦川经济开发区投资指南（演示资料）”")
    assert "Article 2" in lead and "10 January 2023" in lead
    assert "3 years; 50%; CNY 1 million" in lead
    assert "100万元" in quote and quote.endswith("[1]")  # the source sentence itself, cited
    assert _lines(ans.text)[-1] == SOURCES_NOTE
    assert "According to the documents" not in ans.text


def test_places_in_the_title_are_named_in_english_and_the_fund_in_english_units(demo_assistant):
    ans = demo_assistant.ask("How large is the mother fund of Jinniu District?")
    assert ans.grounded
    leads = [ln for ln in _lines(ans.text) if ln.startswith("From ")]
    assert "Jinniu District (金牛区)" in leads[0] and "Wenjiang District (温江区)" in leads[0]
    assert any("CNY 5 billion" in ln for ln in leads)
    assert any("50亿元母基金" in ln for ln in _lines(ans.text))
    # Every English line is English: no Chinese outside the quoted title and the place names' glosses.
    for ln in leads:
        bare = re.sub(r"“[^”]*”|\([^)]*\)", "", ln)
        assert not re.search(r"[\u4e00-\u9fff]", bare), ln


def test_a_chinese_question_is_answered_as_before(demo_assistant):
    ans = demo_assistant.ask("厂房租金有什么补贴？")
    assert ans.grounded and not any(ln.startswith("From ") for ln in _lines(ans.text))
    assert SOURCES_NOTE not in ans.text


def test_an_llm_writing_the_amount_in_english_units_is_backed_by_the_chinese_passage():
    for english, passage in (("CNY 5 billion", "以50亿元母基金放大"), ("USD 30 million", "3000万美元以上")):
        (amount,) = extract_quantities(f"The fund is {english}.")
        assert quantity_supported(amount, passage)


def test_with_an_llm_the_prompt_asks_for_english_with_amounts_in_english_units():
    from assistant.answering.llm import LLMAnswerer
    from tests.test_llm_mock import HITS, llm_settings

    prompt = LLMAnswerer(llm_settings()).build_prompt("How large is the reward?", HITS, [], "en")
    assert "answer in English" in prompt and "50亿元 = CNY 5 billion" in prompt
    assert "answer in English" not in LLMAnswerer(llm_settings()).build_prompt("奖励多少？", HITS, [], "zh")
