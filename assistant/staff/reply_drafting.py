"""Formal reply drafts to investor inquiries: one cited answer per question, gaps marked 待人工补充, DOCX/Markdown out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.answering.citation_check import check_answer
from assistant.prompts import load_prompt
from assistant.text.markers import PLAIN_MARKER
from assistant.types import Answer, Citation, Contact

NEEDS_INPUT = "【待人工补充】"
AskFn = Callable[[str], Answer]
WriteFn = Callable[[str], str]  # prompt -> LLM text (optional)
ContactsFn = Callable[[Sequence[str] | None], Sequence[Contact]]  # doc_ids (None = whole library) -> contacts

_NUMERALS = "一二三四五六七八九十"
_SENTENCE = re.compile(r"[^。？！?!\n；;：:]+[。？！?!；;：:]?")
_LIST_MARK = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）.、．]|[-*•·])\s*")
_ASKING = re.compile(r"[？?]|是否|能否|可否|如何|怎样|怎么|哪些|哪里|多少|什么|有无|请问|咨询|了解一下|想了解|希望了解")
_CONNECTIVE = re.compile(r"^(?:另外|此外|同时|还有|以及|还想问|请问)[，,、：:]?")
_POLITE = re.compile(r"^(尊敬的|您好|你好|此致|敬礼|谢谢|感谢|盼复|期待|顺颂)")
_BUREAU = ("投资促进", "投促", "招商", "管委会", "商务")


@dataclass(frozen=True)
class ReplyPoint:
    """One question from the inquiry and what the library says about it (text uses global [n])."""

    question: str
    text: str  # "" when the library cannot answer
    citation_numbers: tuple[int, ...] = ()

    @property
    def answered(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class ReplyDraft:
    salutation: str
    points: tuple[ReplyPoint, ...]
    sources: tuple[Citation, ...]  # numbered 1..N across the whole reply
    contacts: tuple[Contact, ...]
    bureau_name: str
    date: dt.date
    body_by_llm: str = ""  # when an LLM rewrote the points (checked), its text replaces the template body
    warnings: tuple[str, ...] = field(default=())

    @property
    def needs_input(self) -> tuple[str, ...]:
        return tuple(p.question for p in self.points if not p.answered)


def split_questions(inquiry: str) -> list[str]:
    """The questions an inquiry asks, in order; greetings and sign-offs dropped; whole text if none found."""
    found: list[str] = []
    for line in inquiry.splitlines():
        line = _LIST_MARK.sub("", line.strip())
        for sentence in _SENTENCE.findall(line):
            s = _CONNECTIVE.sub("", sentence.strip(" ，,")).strip(" ，,")
            lead_in = s.endswith(("：", ":"))  # "特来函咨询以下事项：" introduces questions, it is not one
            if len(s) >= 4 and _ASKING.search(s) and not _POLITE.match(s) and not lead_in:
                found.append(s)
    return list(dict.fromkeys(found)) or ([inquiry.strip()] if inquiry.strip() else [])


def _renumber(answer: Answer, sources: list[Citation]) -> tuple[str, tuple[int, ...]]:
    """Rewrite the answer's local [n] to reply-wide numbers, merging repeated passages."""
    local: dict[int, int] = {}
    for c in answer.citations:
        known = next((s.n for s in sources if s.chunk_id == c.chunk_id and s.quote == c.quote), None)
        if known is None:
            known = len(sources) + 1
            sources.append(replace(c, n=known))
        local[c.n] = known
    text = PLAIN_MARKER.sub(lambda m: f"[{local[int(m.group(1))]}]" if int(m.group(1)) in local else "", answer.text)
    return text.strip(), tuple(dict.fromkeys(local.values()))


def draft_reply(inquiry: str, ask: AskFn, bureau_name: str, salutation: str = "",
                contacts_for: ContactsFn | None = None,
                write: WriteFn | None = None, today: dt.date | None = None) -> ReplyDraft:
    """Ask the library each question; answered points carry their citations, the rest need staff input."""
    sources: list[Citation] = []
    points: list[ReplyPoint] = []
    for question in split_questions(inquiry):
        answer = ask(question)
        if not answer.grounded or not answer.citations:
            points.append(ReplyPoint(question, ""))
            continue
        text, numbers = _renumber(answer, sources)
        points.append(ReplyPoint(question, text, numbers))
    contacts = _pick_contacts(contacts_for, [s.doc_id for s in sources])
    draft = ReplyDraft(salutation.strip() or "尊敬的投资方", tuple(points), tuple(sources), contacts,
                       bureau_name, today or dt.date.today())
    if write is not None and any(p.answered for p in points):
        draft = _with_llm_body(draft, write)
    return draft


def _pick_contacts(contacts_for: ContactsFn | None, cited: Sequence[str]) -> tuple[Contact, ...]:
    """Contacts stated in the cited documents, else those the caller gives for the inquiry as a whole
    (contacts_for(None): the asked places' offices or the bureau's own); investment offices first."""
    if contacts_for is None:
        return ()
    found = list(contacts_for(cited) if cited else ()) or list(contacts_for(None))
    found.sort(key=lambda c: (not any(w in c.organisation for w in _BUREAU), not c.phone))
    unique = {c.organisation: c for c in reversed(found)}  # first of each organisation wins
    return tuple(c for c in found if unique.get(c.organisation) is c)[:2]


def _with_llm_body(draft: ReplyDraft, write: WriteFn) -> ReplyDraft:
    """Let an LLM phrase the body; keep it only if every [n] it uses exists and every point is cited."""
    template = load_prompt("reply")
    prompt = template.format(facts=_facts_block(draft), questions=_points_block(draft.points))
    try:
        body = write(prompt).strip()
    except Exception as exc:  # any LLM failure: the template draft is complete on its own
        return replace(draft, warnings=(f"LLM 未能生成正文，已使用模板：{exc}",))
    used = {int(n) for n in PLAIN_MARKER.findall(body)}
    paragraphs = [p for p in body.split("\n") if p.strip()]
    # The same check as LLM answers: every number, amount, date and phone must stand in a cited quote.
    report = check_answer(body, {s.n: s.quote for s in draft.sources})
    if (not used or not used <= {s.n for s in draft.sources} or any(not PLAIN_MARKER.search(p) for p in paragraphs)
            or not report.ok):
        return replace(draft, warnings=("LLM 正文含无依据的语句或引用编号，已使用模板。",))
    return replace(draft, body_by_llm=body)


def _facts_block(draft: ReplyDraft) -> str:
    return "\n".join(f"[{s.n}] 《{s.title or s.source}》{s.article} {s.quote}" for s in draft.sources)


def _points_block(points: Sequence[ReplyPoint]) -> str:
    return "\n".join(f"{i}. {p.question}" + ("" if p.answered else f" {NEEDS_INPUT}")
                     for i, p in enumerate(points, 1))


def _numeral(i: int) -> str:
    return _NUMERALS[i - 1] if i <= len(_NUMERALS) else str(i)


def _source_lines(c: Citation) -> list[str]:
    """[n] 《title》（file，page，article，date） and the quoted passage, so a reader can check the point."""
    where = "，".join(x for x in (c.source, f"第{c.page}页" if c.page else "", c.table, c.article, c.date) if x)
    return [f"[{c.n}] 《{c.title or c.source}》（{where}）", f"    原文：“{c.quote}”"]


_LAPSED = {"expired": "已于{date}到期失效", "repealed": "已废止", "not_yet_effective": "尚未施行"}


def _lapse_notes(draft: ReplyDraft, numbers: Sequence[int]) -> list[str]:
    """（注意：…） for each cited document no longer (or not yet) in force: the point must be checked before sending."""
    out = []
    for s in draft.sources:
        if s.n in numbers and s.validity in _LAPSED:
            state = _LAPSED[s.validity].format(date=_chinese_date(s.expires) if s.expires else "")
            out.append(f"（注意：《{s.title or s.source}》{state}，本条答复须核实现行政策后再发出。）[{s.n}]")
    return list(dict.fromkeys(out))


def _chinese_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def _basis(draft: ReplyDraft, point: ReplyPoint) -> str:
    """（依据：《title》第三条[1]） — the document and article behind a point, for readers of the letter."""
    cited = [s for s in draft.sources if s.n in point.citation_numbers]
    return "；".join(f"《{s.title or s.source}》{s.article}[{s.n}]" for s in cited)


def _body_lines(draft: ReplyDraft) -> list[str]:
    if draft.body_by_llm:
        return [draft.body_by_llm, *_lapse_notes(draft, [s.n for s in draft.sources]), ""]
    lines: list[str] = []
    for i, p in enumerate(draft.points, 1):
        lines.append(f"{_numeral(i)}、关于“{p.question}”")
        if p.answered:
            lines += [p.text, f"（依据：{_basis(draft, p)}）", *_lapse_notes(draft, p.citation_numbers)]
        else:
            lines.append(f"{NEEDS_INPUT}现有政策文件中未找到相关规定，需由工作人员核实后补充答复。")
        lines.append("")
    return lines


def _contact_lines(draft: ReplyDraft) -> list[str]:
    if not draft.contacts:
        return [f"联系方式：{NEEDS_INPUT}"]
    out = []
    for c in draft.contacts:
        route = "，".join(x for x in (f"电话：{c.phone}" if c.phone else "", f"地址：{c.address}" if c.address else "",
                                     f"邮箱：{c.email}" if c.email else "") if x)
        out.append(f"联系单位：{c.organisation}" + (f"（{route}）" if route else ""))
    return out


def to_markdown(draft: ReplyDraft) -> str:
    """The whole letter: 称谓, 感谢来函, points, 待人工补充 list, contacts, sources, 落款 and date."""
    lines = ["# 关于投资咨询事项的复函", "", f"{draft.salutation}：", "",
             "感谢您的来函及对本地投资环境的关注。经研究，现就您咨询的问题答复如下：", ""]
    lines += _body_lines(draft)
    if draft.needs_input:
        lines.append(f"以下事项{NEEDS_INPUT}：")
        lines += [f"- {q}" for q in draft.needs_input]
        lines.append("")
    lines += ["如有其他疑问，欢迎与我们联系。", *_contact_lines(draft), ""]
    if draft.sources:
        lines += ["引用文件：", *(line for s in draft.sources for line in _source_lines(s)), ""]
    lines += ["此致", "敬礼！", "", draft.bureau_name, f"{draft.date.year}年{draft.date.month}月{draft.date.day}日"]
    return "\n".join(lines) + "\n"


def markdown_to_docx(text: str, out: Path) -> Path:
    """Write the (possibly staff-edited) letter text as a 公文-format DOCX (GB/T 9704: see gongwen_docx)."""
    from assistant.staff.gongwen_docx import write_gongwen

    return write_gongwen(text, out)
