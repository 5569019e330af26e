"""Follow-up questions made self-contained by rule: the subject of the last turns put into the question."""

from __future__ import annotations

import re
from collections.abc import Sequence

import rjieba

from assistant.query.english_places import english_places
from assistant.text.language import detect_language
from assistant.text.markers import strip_markers

History = Sequence[tuple[str, str]]

_POLICY_NOUNS = "政策|文件|措施|办法|规定|条例|通知|意见"
_PLACE_NOUNS = "园区|产业园|开发区|高新区|地方|单位|机构|部门|公司|企业|项目|管委会"
# "这个政策" / "该园区" / "它" / "那里": words that point back at something said before.
_ANAPHOR_NOUN = re.compile(rf"(?:这个|那个|这项|该项|该|此|这家|那家|这些|那些|这)({_POLICY_NOUNS}|{_PLACE_NOUNS})")
_ANAPHOR_WORD = re.compile(r"它们|它|这里|那里|那边|这边|该地|当地|那儿|这儿")
_CONTINUATION = re.compile(r"^\s*(?:那么|那|还有|另外|此外|再问一下|再问|请问|然后)[，,、\s]*")
# Not the existential "is there / there are", and "this/that" only with a noun ("this policy").
_EN_ANAPHOR = re.compile(
    r"\b((?<!is )(?<!are )there(?! (?:is|are|was|were|be)\b)|here|it|its|they|them|their|"
    r"(?:this|that) (?:park|policy|zone|place|area|document|programme|program|bureau|scheme))\b",
    re.I,
)
_EN_CONTINUATION = re.compile(r"^\s*(what about|how about|and|also)\b", re.I)
# A short question with one of these words and no subject of its own continues the conversation.
_DOMAIN = re.compile(
    r"补贴|补助|奖励|资助|政策|优惠|联系|电话|地址|在哪|位置|租金|税|人才|条件|申请|申报|流程|面积|产业|"
    r"有效期|到期|期限|多少|哪些|subsid|incentive|contact|phone|address|rent|tax|talent|apply|deadline",
    re.I,
)
_VALIDITY = re.compile(r"有效期|到期|施行|废止|截止|失效")
_VERB_START = frozenset("在 是 有 能 可以 怎么 如何 需要 要 的 位于 属于 归".split())
_ORG = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{2,24}?(?:产业园区|产业园|工业园|科技园|开发区|高新区|新区|自贸区|保税区|示范区|"
    r"园区|基地|孵化器|管委会|投资促进局|投促局|商务局|服务中心|委员会|办公室)"
)
_TITLE = re.compile(
    r"《[^》]{2,60}》|[\u4e00-\u9fff]{2,40}?(?:若干措施|若干政策|若干规定|实施办法|管理办法|实施细则|实施意见|条例|细则|"
    # laws named without 《》 ("外商投资法"): the investment-related families, so 方法/办法 never count
    r"投资法|促进法|保护法|企业法|公司法|合同法)"
)
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:省|市|区|县)")
_EN_ORG = re.compile(r"(?:[A-Z][\w&'-]*\s+){1,6}(?:Park|Zone|District|Area|Bureau|Committee|Center|Centre)\b")
# Leading words a regex match drags along ("我想了解四川通信产业园") that are not part of the name.
_LEAD = frozenset(
    "我 我们 想 想要 了解 一下 请问 请 介绍 关于 对于 有关 在 去 到 那 那么 的 问 问问 说说 看看 查询 咨询 "
    "知道 告诉 你 您 是 有 和 与 还有 另外 及".split()
)
_WHICH = frozenset("哪些 哪个 哪家 什么 哪几个 几个 多少 哪".split())
_QUESTION_WORDS = frozenset(
    "什么 怎么 怎么样 怎样 如何 哪 哪些 哪里 哪个 多少 几 谁 吗 呢 吧 是否 能否 可以 有没有 是 有 的 了 请问 想 "
    "我 我们 了解 一下 知道".split()
)


def _clean(name: str) -> str:
    """Drop leading filler words a regex match swallowed; "" for a category asked about (哪些园区)."""
    tokens = rjieba.cut(name)
    while len(tokens) > 1 and tokens[0] in _LEAD:
        tokens = tokens[1:]
    if any(t in _WHICH for t in tokens):
        return ""
    return "".join(tokens).strip()


def _entities(text: str) -> dict[str, list[str]]:
    """Named subjects in a text by kind: org (parks, bureaus), title (policies), place."""
    text = strip_markers(text)
    orgs = [_clean(m.group()) for m in _ORG.finditer(text)] + [m.group().strip() for m in _EN_ORG.finditer(text)]
    titles = [m.group() if m.group().startswith("《") else _clean(m.group()) for m in _TITLE.finditer(text)]
    places = [_clean(m.group()) for m in _PLACE.finditer(text)]
    return {"org": [o for o in orgs if len(o) >= 3], "title": [t for t in titles if t], "place": [p for p in places if p]}


def _first_sentence(answer: str) -> str:
    lines = [ln for ln in answer.splitlines() if ln.strip() and not ln.startswith("According to")]
    return re.split(r"(?<=[。！？!?])", lines[0])[0] if lines else ""


def _topic(question: str) -> str:
    """The content of an earlier question without its question words: 成都高新区集成电路企业落户奖励."""
    words = [w for w in rjieba.cut(strip_markers(question)) if w.strip() and w not in _QUESTION_WORDS]
    return "".join(w for w in words if any(c.isalnum() for c in w))


def _subject(history: History, kinds: Sequence[str]) -> str:
    """The most recent subject of one of `kinds`: user turns first (newest first), then the last answer."""
    sources = [user for user, _ in reversed(history[-3:])]
    if history:
        sources.append(_first_sentence(history[-1][1]))
    for kind in kinds:
        for text in sources:
            found = _entities(text)[kind]
            if found:
                return found[-1]  # the last one named is what the user moved on to
    return ""


def _has_subject(question: str) -> bool:
    return any(_entities(question).values()) or bool(english_places(question))


# "那温江区呢？" / "2024年的呢" / "What about Wenjiang?": only a scope element and particles — the same question
# as before, about something else.
_ELLIPSIS_PARTICLES = re.compile(r"^(?:那么?|还有|另外|那如果是|如果是|换成|what about|how about|and)?[\s，,]*|"
                                 r"[\s，,]*(?:的情况|的呢|呢|怎么样|如何|又如何|又怎样|情况如何)?[\s？?。.!！]*$", re.I)


def swap_scope(question: str, history: Sequence[tuple[str, str]]) -> str:
    """An elliptical follow-up that only names a new place, body, law or year: the previous question with that
    element replaced (金牛区的母基金规模有多大？ + 那温江区呢？ → 温江区的母基金规模有多大？); "" when it is not one."""
    from assistant.query.scope import question_scope

    if not history:
        return ""
    rest = _ELLIPSIS_PARTICLES.sub("", question).strip()
    new = question_scope(rest)
    if not rest or len(new.items) != 1 or new.items[0].text.strip("《》") != rest.strip("《》"):
        return ""
    item, previous = new.items[0], history[-1][0]
    old = [i for i in question_scope(previous).items if i.kind == item.kind]
    if old:
        return previous.replace(old[0].text, item.text, 1)
    return f"{item.text}{previous}" if item.kind != "law" else f"{previous.rstrip('？?')}（{item.text}）？"


def is_followup(question: str, history: Sequence[tuple[str, str]]) -> bool:
    """True when the question leans on the conversation: it points back, or names no subject of its own."""
    if not history:
        return False
    if swap_scope(question, history):
        return True
    if _ANAPHOR_NOUN.search(question) or _ANAPHOR_WORD.search(question):
        return True
    if _has_subject(question):
        return False  # English "they/it" next to a named subject refers to that subject
    if _EN_ANAPHOR.search(question):
        return True
    if _CONTINUATION.match(question) or _EN_CONTINUATION.match(question):
        return True
    short = len(question.split()) <= 8 if question.isascii() else len(question) <= 16
    return short and bool(_DOMAIN.search(question))


def _rewrite_en(question: str, subject: str) -> str:
    def swap(m: re.Match) -> str:
        word = m.group(1).lower()
        if word in ("there", "here"):
            return f"in {subject}"
        return f"{subject}'s" if word in ("its", "their") else subject  # "this policy" → the policy itself

    rewritten, n = _EN_ANAPHOR.subn(swap, question, count=1)
    if n:
        return rewritten
    body = question.rstrip(" ?？")
    return f"{body} in {subject}?"


def _prefixed(subject: str, question: str) -> str:
    """Subject + question: "补贴有多少" → "X的补贴有多少", "在哪" → "X在哪"."""
    rest = _CONTINUATION.sub("", question, count=1)
    first = rjieba.cut(rest)[0] if rest else ""
    joint = "" if first in _VERB_START else "的"
    return f"{subject}{joint}{rest}"


def _rewrite_policy(question: str, history: History, noun: re.Match | None) -> str:
    """"这个政策什么时候到期": the policy title named before, else the earlier question's topic."""
    title = _subject(history, ("title",))
    topic = _topic(history[-1][0]) if history else ""
    if noun:
        # No title was named: the earlier question's topic finds the same document again.
        subject = title or (f"{topic}{noun.group(1)}" if topic else "")
        return question.replace(noun.group(), subject, 1) if subject else question
    subject = title or (f"{topic}政策" if topic else "")
    return _prefixed(subject, question) if subject else question


def _rewrite_zh(question: str, history: History) -> str:
    noun = _ANAPHOR_NOUN.search(question)
    about_policy = noun and re.fullmatch(_POLICY_NOUNS, noun.group(1))
    if about_policy or (not noun and not _ANAPHOR_WORD.search(question) and _VALIDITY.search(question)):
        return _rewrite_policy(question, history, noun)
    subject = _subject(history, ("org", "title", "place"))
    if not subject:
        return question
    if noun:
        return question.replace(noun.group(), subject, 1)
    word = _ANAPHOR_WORD.search(question)
    if word:
        return question.replace(word.group(), subject, 1)
    return _prefixed(subject, question)


def rewrite_followup(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The follow-up with its subject put in ("它在哪?" → "四川通信产业园在哪?"); others unchanged."""
    if not is_followup(question, history):
        return question
    swapped = swap_scope(question, history)
    if swapped:
        return swapped
    if detect_language(question) == "en":
        subject = _subject(history, ("org", "title", "place"))
        return _rewrite_en(question, subject) if subject else question
    return _rewrite_zh(question, history)
