"""Number normalisation on hand-made cases: what the citation checker and the evaluators rely on."""

from __future__ import annotations

import pytest

from assistant.text.numbers import contains_fact, extract_quantities, quantity_supported
from assistant.text.numerals import normalise_digits


def kinds_values(text: str) -> list[tuple[str, str]]:
    return [(q.kind, q.value) for q in extract_quantities(text)]


def test_full_width_digits_and_separators_become_ascii_without_moving_offsets():
    assert normalise_digits("投资５，０００万元，补贴１５％。") == "投资5,000万元，补贴15%。"
    assert normalise_digits("３．５％") == "3.5%"
    assert len(normalise_digits("５，０００")) == len("５，０００")


@pytest.mark.parametrize("text", ["50亿元", "五十亿元", "5,000,000,000元", "5000000000元", "５０亿元",
                                  "人民币50亿元", "RMB 5 billion", "5 billion yuan"])
def test_the_same_amount_in_every_spelling(text):
    assert kinds_values(text) == [("amount", "5000000000")]


@pytest.mark.parametrize("text,value", [
    ("1.5亿元", "150000000"), ("5千万元", "50000000"), ("三千五百万元", "35000000"), ("一亿二千万元", "120000000"),
    ("300万元人民币", "3000000"), ("500万（含）元", "5000000"), ("RMB 50 million", "50000000"), ("2.5万元", "25000"),
])
def test_amount_magnitudes(text, value):
    assert kinds_values(text) == [("amount", value)]


def test_range_left_end_takes_the_right_ends_unit_and_currency():
    qs = extract_quantities("投资额200万-500万（不含）美元的项目")
    assert [(q.kind, q.value, q.unit, q.text) for q in qs] == [
        ("amount", "2000000", "USD", "200万"), ("amount", "5000000", "USD", "500万（不含）美元")]
    assert kinds_values("补贴200-500万元") == [("amount", "2000000"), ("amount", "5000000")]
    assert kinds_values("比例为3-5%") == [("percent", "3%"), ("percent", "5%")]


@pytest.mark.parametrize("text,value", [
    ("3.5%", "3.5%"), ("百分之十", "10%"), ("百分之三点五", "3.5%"), ("１５％", "15%"), ("15 percent", "15%"),
    ("3.50%", "3.5%"),
])
def test_percentages(text, value):
    assert kinds_values(text) == [("percent", value)]


@pytest.mark.parametrize("text,value", [
    ("2024年3月1日", "2024-03-01"), ("二〇二四年三月一日", "2024-03-01"), ("2024-03-01", "2024-03-01"),
    ("2024/3/1", "2024-03-01"), ("2024.3.1", "2024-03-01"), ("March 1, 2024", "2024-03-01"),
    ("1 March 2024", "2024-03-01"), ("2024年3月", "2024-03"), ("2024年", "2024"), ("3月1日", "--03-01"),
    ("2024年12月31日", "2024-12-31"), ("二〇二五年十二月三十一日", "2025-12-31"),
])
def test_dates(text, value):
    assert kinds_values(text) == [("date", value)]


@pytest.mark.parametrize("text,value", [
    ("电话：0577-88030503", "057788030503"), ("(0577)88030503", "057788030503"),
    ("0577—88030503", "057788030503"), ("手机13812345678", "13812345678"), ("400-123-4567", "4001234567"),
    ("联系电话：88030503", "88030503"), ("０５７７－８８０３０５０３", "057788030503"),
])
def test_phones(text, value):
    assert kinds_values(text) == [("phone", value)]


def test_markers_article_numbers_list_numbers_and_plain_words_are_not_claims():
    assert extract_quantities("根据第十二条[1]，详见第3页【2】。") == []
    assert extract_quantities("1. 企业注册\n2、办理手续\n（三）其他") == []
    assert extract_quantities("统一进一步十分重要，千万不要错过，一次性发放，每万元产值") == []


def test_numbers_with_measure_words_keep_their_unit():
    qs = extract_quantities("三年内免征，两家企业，用地100亩，5 years")
    assert [(q.value, q.unit, q.text) for q in qs] == [
        ("3", "年", "三年"), ("2", "家", "两家"), ("100", "亩", "100亩"), ("5", "年", "5 years")]


def test_positions_point_into_the_original_text():
    text = "自２０２４年３月１日起，奖励５０亿元[1]。"
    for q in extract_quantities(text):
        assert text[q.start:q.end] == q.text


PASSAGE = ("对总投资50亿元以上的项目，给予一次性奖励500万元；投资额200万-500万（不含）美元的，补贴3%。"
           "自2024年3月1日起施行。咨询电话：0577-88030503。三年内免征。")


@pytest.mark.parametrize("claim", [
    "五十亿元", "5 billion yuan", "500万元", "5 million yuan", "200万美元", "百分之三", "3 percent", "2024年3月1日",
    "2024年", "March 1, 2024", "88030503", "0577-8803 0503", "3年", "三年", "3月",
])
def test_supported_claims(claim):
    (q,) = extract_quantities(claim)
    assert quantity_supported(q, PASSAGE)


@pytest.mark.parametrize("claim", [
    "600万元", "9亿元", "200万元",  # 200万 is in US dollars in the passage
    "百分之五", "2025年", "2024年4月1日", "0577-88030504", "3个月",
])
def test_unsupported_claims(claim):
    (q,) = extract_quantities(claim)
    assert not quantity_supported(q, PASSAGE)


@pytest.mark.parametrize("answer,fact,expected", [
    ("最高奖励五十亿元[1]。", "50亿元", True),
    ("可获得5,000,000,000元奖励", "五十亿元", True),
    ("咨询电话0577—88030503", "0577-88030503", True),
    ("补贴比例为百分之十五", "15%", True),
    ("自二〇二四年三月一日起施行", "2024年3月1日", True),
    ("奖励400万元", "500万元", False),
    ("奖励500万美元", "500万元", False),
    ("由温州市投资促进局负责解释", "温州市 投资促进局", True),
    ("由温州市商务局负责解释", "温州市投资促进局", False),
    ("最高奖励五百万元", "最高奖励500万元", True),
    ("奖励500万元", "最高奖励500万元", False),  # the words around the number must be there too
    ("对举报人信息严格保密。[1]泄漏举报人信息的，依法追责。[2]", "严格保密。泄漏举报人信息的", True),  # markers are no text
])
def test_contains_fact(answer, fact, expected):
    assert contains_fact(answer, fact) is expected


def test_a_passages_chinese_one_backs_an_arabic_1_but_is_not_a_claim_itself():
    assert extract_quantities("一家企业一次性获得") == []
    (q,) = extract_quantities("1年内完成")
    assert quantity_supported(q, "项目须在一年内竣工投产。")
    assert not quantity_supported(q, "项目须在两年内竣工投产。")
