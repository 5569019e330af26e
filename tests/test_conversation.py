"""Follow-up questions rewritten by rule with the subject of the conversation."""

from __future__ import annotations

import pytest

from assistant.query.conversation import is_followup, rewrite_followup

PARK_TURN = [("四川通信产业园有哪些优惠政策？", "四川通信产业园位于成都市双流区西航港大道中段1888号，规划面积12平方公里。[1]")]
AMOUNT_TURN = [
    ("成都高新区集成电路设计企业落户奖励有多少？",
     "对新落户成都高新区的集成电路设计企业，按其实缴注册资本的10%给予一次性落户奖励，最高不超过1000万元。[1]"),
]
TITLE_TURN = [("《成都高新区关于支持集成电路产业高质量发展的若干措施》支持哪些企业？", "第三条 支持企业落户。[1]")]


def test_pronoun_is_replaced_by_the_park_named_before():
    assert rewrite_followup("它在哪?", PARK_TURN) == "四川通信产业园在哪?"


@pytest.mark.parametrize(
    "question,expected",
    [
        ("那联系方式呢?", "四川通信产业园的联系方式呢?"),
        ("补贴有多少？", "四川通信产业园的补贴有多少？"),
        ("What about subsidies there?", "What about subsidies in 四川通信产业园?"),
        ("该园区有哪些企业入驻", "四川通信产业园有哪些企业入驻"),
        ("Is there a rent subsidy?", "Is there a rent subsidy in 四川通信产业园?"),
    ],
)
def test_followups_get_the_subject_put_in(question, expected):
    assert is_followup(question, PARK_TURN)
    assert rewrite_followup(question, PARK_TURN) == expected


def test_this_policy_becomes_the_title_named_before():
    rewritten = rewrite_followup("这个政策什么时候到期", TITLE_TURN)
    assert rewritten == "《成都高新区关于支持集成电路产业高质量发展的若干措施》什么时候到期"


def test_this_policy_without_a_title_carries_the_earlier_topic():
    rewritten = rewrite_followup("这个政策什么时候到期", AMOUNT_TURN)
    assert rewritten.endswith("什么时候到期")
    assert all(word in rewritten for word in ("成都高新区", "集成电路", "落户奖励", "政策"))


def test_subject_can_come_from_the_last_answer_when_the_user_named_none():
    history = [("有哪些通信产业园区可以推荐？", "四川通信产业园位于成都市双流区西航港大道中段1888号。[1]")]
    assert rewrite_followup("它的租金补贴有多少？", history).startswith("四川通信产业园")


def test_the_newest_subject_wins():
    history = PARK_TURN + [("那天府新区呢？", "…")]
    assert rewrite_followup("它在哪?", history) == "天府新区在哪?"


def test_a_filler_prefix_is_not_part_of_the_subject():
    assert rewrite_followup("它在哪?", [("我想了解一下四川通信产业园的情况", "…")]) == "四川通信产业园在哪?"


@pytest.mark.parametrize(
    "question",
    [
        "四川通信产业园在哪?",
        "成都高新区有哪些人才政策？",
        "今天天气怎么样",
        "Are there subsidies for chip companies in Chengdu?",
    ],
)
def test_self_contained_questions_are_left_alone(question):
    assert not is_followup(question, PARK_TURN)
    assert rewrite_followup(question, PARK_TURN) == question


def test_without_history_nothing_is_a_followup():
    assert not is_followup("它在哪?", [])
    assert rewrite_followup("它在哪?", []) == "它在哪?"
