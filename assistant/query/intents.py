"""What kind of answer a question wants (an amount, a list, a date, a place, a contact, when a rule takes effect or
whether it is still valid), and what a sentence that gives it looks like."""

from __future__ import annotations

import re

from assistant.answering.refusal import is_contact_question

_INTENTS = {
    "amount": re.compile(r"多少|金额|补贴|补助|奖励|资助|奖补|how much|amount|subsid|grant|reward", re.I),
    "list": re.compile(r"哪些|哪几|有什么|\bwhich\b|\bwhat are\b|\blist\b", re.I),
    "date": re.compile(r"什么时候|(?<![如任])何时|哪天|哪年|到期|期限|有效期|截止|施行|\bwhen\b|deadline|expir|\buntil\b", re.I),
    "where": re.compile(r"在哪|哪里|位于|地址|\bwhere\b|\blocated\b|\blocation\b", re.I),
    "effective": re.compile(r"施行|生效|实施|effective|take effect|in force", re.I),
    "validity": re.compile(r"还有效|有效吗|有效期|过期|到期|失效|still valid|\bvalid\b|expir", re.I),
}
# What a sentence that satisfies each intent looks like, with how much it is preferred.
EVIDENCE = {
    "amount": (re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|万|%|％)|百分之|[一二三四五六七八九十百千]+万元"), 0.5),
    "list": (re.compile(r"[\u4e00-\u9fff]、[\u4e00-\u9fff].*、|；|一是|二是|（一）|（二）|(?:^|[\s：:])[1-9][\.、]"), 0.35),
    "contact": (re.compile(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|电话|热线|专线|联系人|邮箱|@|(?<![\d.])\d{7,8}(?![\d.])"), 0.5),
    "date": (re.compile(r"\d{4}年\d{1,2}月|\d{4}-\d{1,2}-\d{1,2}|起施行|有效期"), 0.5),
    "where": (re.compile(r"位于|地址|坐落|路\d*号|大道|街道"), 0.4),
    # "本条例自2025年6月1日起施行" answers "when does it take effect", not the header's adoption date.
    "effective": (re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?起?(?:施行|生效|实施)|(?:施行|生效|实施)[^。；]{0,8}\d{4}年"), 1.0),
    "validity": (re.compile(r"有效期(?:至|到|为|截至)[^。；]{0,8}\d{4}年|\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:止|起)?(?:废止|失效|到期)"), 1.0),
}
DATUM = frozenset({"amount", "date", "contact", "where", "effective", "validity"})


def question_intents(question: str) -> frozenset[str]:
    """Which kind of answer the question wants: amount, list, contact, date, where."""
    found = {name for name, pattern in _INTENTS.items() if pattern.search(question)}
    if is_contact_question(question):
        found.add("contact")
    return frozenset(found)
