"""The fixed, polite "not in the documents" answer, and spotting questions that ask for a contact."""

from __future__ import annotations

import re

from assistant.text.sentences import is_running_text
from assistant.types import Contact

_REFUSAL = {
    "zh": "抱歉，现有资料中没有找到能够回答这个问题的内容，为避免误导，暂不作答。",
    "en": "Sorry, the documents in the library do not answer this question, so I will not guess.",
}

# Words that mean "how do I reach someone", in both languages. Kept narrow on purpose: 咨询 alone
# ("咨询一下补贴政策") is a way of asking anything, so it counts only next to a phone/place word.
_CONTACT = re.compile(
    r"联系方式|联系电话|联系人|联络|电话|手机|热线|地址|邮箱|邮件|找谁|联系谁|向谁|哪个部门|去哪里?办|到哪里?办|在哪里?办理|"
    r"咨询(电话|热线|窗口|地址|部门|哪)|对接(人|部门)|窗口|怎么联系|如何联系|"
    r"\bcontact|\bphone|\btelephone|\bhotline|\bemail|\baddress|who (do|should|can) i (call|contact|ask|talk)|"
    r"where (do|should|can) i go|who is in charge|reach (you|them|someone)",
    re.IGNORECASE,
)


def is_contact_question(question: str) -> bool:
    """True when the question asks for a phone, address, person or office to contact."""
    return bool(_CONTACT.search(question))


def _contact_route_zh(contact: Contact) -> str:
    parts = [f"电话 {contact.phone}" if contact.phone else "", f"地址：{contact.address}" if contact.address else ""]
    parts.append(f"邮箱 {contact.email}" if contact.email else "")
    route = "；".join(p for p in parts if p)
    return f"{contact.organisation}（{route}）" if route else contact.organisation


def _contact_route_en(contact: Contact) -> str:
    parts = [f"phone {contact.phone}" if contact.phone else "", f"address: {contact.address}" if contact.address else ""]
    parts.append(f"email {contact.email}" if contact.email else "")
    route = "; ".join(p for p in parts if p)
    return f"{contact.organisation} ({route})" if route else contact.organisation


def _source_label(contact: Contact, language: str) -> str:
    if not contact.source:
        return ""
    if language == "en":
        return f"source: {contact.source}" + (f", {contact.date}" if contact.date else "")
    return f"资料来源：{contact.source}" + (f"（{contact.date}）" if contact.date else "")


def refusal_text(language: str, contact: Contact | None = None) -> str:
    """The fixed refusal sentence in zh or en; with a known contact, point the user to it."""
    lang = "en" if language == "en" else "zh"
    return _with_contact(_REFUSAL[lang], lang, contact)


def _with_contact(text: str, lang: str, contact: Contact | None) -> str:
    """The refusal, then where to ask instead when a contact is known."""
    if contact is None or not contact.organisation:
        return text
    source = _source_label(contact, lang)
    if lang == "en":
        return f"{text} You can contact {_contact_route_en(contact)}" + (f", {source}." if source else ".")
    return f"{text}您可以联系{_contact_route_zh(contact)}" + (f"，{source}。" if source else "。")


def scope_refusal_text(language: str, missing: str, topic: str, contact: Contact | None = None) -> str:
    """The fixed form for a question about a place, body, law or year the library does not cover:
    资料中没有找到温江区的母基金规模信息。 — then, with a known contact, where to ask instead."""
    lang = "en" if language == "en" else "zh"
    if lang == "en":
        text = f"The documents in the library hold no information on this for {missing}" + (
            f" (asked about: {topic})." if topic else ".")
    else:
        text = f"资料中没有找到{missing}的{topic}信息。" if topic else f"资料中没有找到关于{missing}的相关信息。"
    return _with_contact(text, lang, contact)


def nearest_lead_in(language: str, other: str, missing: str) -> str:
    """The label over nearest facts shown after a scope refusal: they are about something else (named when the
    name is a name, not a passage's first sentence taken as its title)."""
    if is_running_text(other):
        other = "other documents" if language == "en" else "其他资料"
    if language == "en":
        return f"For reference only — the nearest facts in the library are about {other}, not {missing}:"
    return f"以下是{other}的相关信息，仅供参考，并非{missing}的信息："
