"""Tell what kind of document a text is: regulation, policy, park brochure, news or other."""

from __future__ import annotations

import re

from assistant.types import DocType

_ARTICLE_LINE = re.compile(r"^\s*(?:#+\s*)?第[一二三四五六七八九十百零〇\d]+条", re.M)
_REGULATION_TITLE = re.compile(r"(?:条例|(?<!办)法|规定|实施细则|规则)(?:（[^）]*）|\([^)]*\))?\s*$")
_POLICY_TITLE = re.compile(
    r"若干措施|若干政策|若干意见|措施|办法|意见|通知|奖补|奖励|扶持|补贴|补助|政策|方案|细则|决定|规划|指引|指南|公告"
)
_POLICY_SELF = re.compile(r"本(?:办法|措施|政策|意见|通知|细则|方案|规定|若干措施)")
_NEWS_STRONG = re.compile(
    r"记者|本报讯|通讯员|新华社|中新网|日电|【编辑|责任编辑|编辑[:：]|来源[:：]\s*\S{0,12}(?:报|网|新闻|电视台|日报|晚报|社|客户端)"
)
_PARK_WORDS = re.compile(r"园区|开发区|产业园|高新区|经开区|工业园|科技园|孵化器|产业基地|保税区")
_BROCHURE = re.compile(r"占地|规划面积|平方公里|入驻企业|区位|交通|配套|招商热线|产业定位|重点产业|主导产业|亩")


def classify(title: str, text: str) -> DocType:
    """policy / regulation / park / news / other, from the title's wording and the text's structure."""
    head = text[:1500]
    articles = len(_ARTICLE_LINE.findall(text))
    if _REGULATION_TITLE.search(title) and articles >= 3:
        return "regulation"
    news = len(_NEWS_STRONG.findall(head)) + len(_NEWS_STRONG.findall(text[-800:]))
    # Only the title's own words count: 某市出台《若干措施》 is news about a policy, 实施《…法》办法 is a policy.
    policy_title = bool(_POLICY_TITLE.search(re.sub(r"《[^》]*》", "", title)))
    if policy_title and (_POLICY_SELF.search(text) or not news):
        return "policy"
    if news:
        return "news"
    if articles >= 5 and _POLICY_SELF.search(text):
        return "policy"
    if _PARK_WORDS.search(title) or (len(_PARK_WORDS.findall(head)) >= 2 and len(_BROCHURE.findall(head)) >= 2):
        return "park"
    if _POLICY_SELF.search(text) and re.search(r"万元|奖励|补贴|补助", text):
        return "policy"
    return "other"
