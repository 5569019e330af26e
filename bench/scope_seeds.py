"""Answerable seed questions for the scope-trap benchmark, read by path from the three public corpora.

A seed is a real question whose answer is in the library: NCP policy questions as written by people, and
template questions over the 74 regulations (施行 date, a figure in one article) and the Lucheng clauses
(an amount). bench/scope_cases.py turns seeds into (control, trap) pairs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

NCP, REGS, LUCHENG = "ncp_policy_qa", "cn_regulations_investment_subset", "lucheng_investment_policy_flipbook"


@dataclass(frozen=True)
class Doc:
    """One library document: doc_id is what a citation must match (NCP docid or file name)."""

    doc_id: str
    text: str
    title: str = ""


@dataclass(frozen=True)
class Seed:
    """An answerable question, its gold document and gold answer (facts to find, or a span)."""

    question: str
    doc_id: str
    source: str  # ncp | regulations | lucheng
    answer: str
    facts: tuple[str, ...] = ()  # numbers/dates/short answers that must appear; empty = use the span
    title: str = ""  # the law's title when the question names it in 《》


def library_paths(data: Path) -> list[Path]:
    """What to ingest: the NCP corpus JSONL, the regulations' md folder, the Lucheng policy text."""
    return [data / NCP / "corpus_available.jsonl", data / REGS / "md", data / LUCHENG / "flipbook_text.md"]


def library_docs(data: Path) -> list[Doc]:
    """The same documents as library_paths, as text, for the absence checks."""
    docs = [Doc(r["docid"], r["text"]) for r in _jsonl(data / NCP / "corpus_available.jsonl")]
    for r in _jsonl(data / REGS / "index.jsonl"):
        path = data / REGS / r["file"]
        docs.append(Doc(path.name, path.read_text(encoding="utf-8"), r["title"]))
    flip = data / LUCHENG / "flipbook_text.md"
    docs.append(Doc(flip.name, flip.read_text(encoding="utf-8"), "鹿城区招商政策"))
    return docs


def _jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise SystemExit(f"{path} not found. Fix: pass --data pointing at the shared data folder")
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def ncp_seeds(data: Path) -> list[Seed]:
    from assistant.evaluation.importers import ncp_facts

    seeds = {}
    for r in _jsonl(data / NCP / "qa_with_gold_doc.jsonl"):
        facts, _ = ncp_facts(r["answer"])
        seeds[r["question"]] = Seed(r["question"], r["gold_docid"], "ncp", r["answer"], facts)
    return list(seeds.values())  # a few questions repeat


# "本条例自2021年1月1日起施行" — the clause a 施行 question is answered by.
_IN_FORCE = re.compile(r"本(?:条例|法|规定|办法|细则|决定)自(\d{4}年\d{1,2}月\d{1,2}日)起(?:施行|实施)")
_ARTICLE = re.compile(r"^第([一二三四五六七八九十百零]+)条\s*(.+?)(?=^第[一二三四五六七八九十百零]+条|^#|\Z)",
                      re.M | re.S)
# One duration/amount/share in an article; 年 is left out because it collides with dates.
_FIGURE = re.compile(r"(?<![0-9一二三四五六七八九十百零年月])((?:[一二三四五六七八九十百]+|\d{1,3})(?:个工作日|个月|日)"
                     r"|\d+(?:\.\d+)?(?:万元|亿元|%))")
_WHAT = {"日": "期限", "月": "期限", "元": "金额", "%": "比例"}


def regulation_seeds(data: Path) -> list[Seed]:
    """Per law (newest version only: the library prefers it): its 施行 date, and figure questions."""
    newest: dict[str, dict] = {}
    for r in sorted(_jsonl(data / REGS / "index.jsonl"), key=lambda r: r.get("version_date") or ""):
        newest[r["title"]] = r
    seeds = []
    for title, r in sorted(newest.items()):
        path = data / REGS / r["file"]
        text = path.read_text(encoding="utf-8")
        m = _IN_FORCE.search(text)
        if m:
            seeds.append(Seed(f"《{title}》自什么时候起施行？", path.name, "regulations", m.group(0), (m.group(1),),
                              title))
        for number, body in _ARTICLE.findall(text):
            figures = _FIGURE.findall(body)
            if len(figures) == 1 and len(body) < 400:
                what = _WHAT[figures[0][-1]]
                seeds.append(Seed(f"《{title}》第{number}条规定的{what}是多少？", path.name, "regulations",
                                  body.strip(), (figures[0],), title))
    return seeds


# "通过省重点技术创新专项验收的，给予补助10万元": a sentence with one amount and a reward verb; the question
# asks for the amount under the condition stated before the last comma.
_AMOUNT = re.compile(r"\d+(?:\.\d+)?万元")
_REWARD = re.compile(r"给予|奖励|补助|补贴|资助")
_LEAD = re.compile(r"^(?:第[一二三四五六七八九十]+条|[（(]\d+[）)]|\d+[.．、])?\s*(?:对于|对)?")


def lucheng_seeds(data: Path) -> list[Seed]:
    """Questions about one clause's amount, naming 温州市鹿城区 (the district the policies are for)."""
    text = (data / LUCHENG / "flipbook_text.md").read_text(encoding="utf-8")
    seeds: dict[str, Seed] = {}
    for sentence in re.split(r"[。；\n]", text):
        amounts = list(_AMOUNT.finditer(sentence))
        if len(amounts) != 1 or "分别" in sentence or not _REWARD.search(sentence) or "鹿城" in sentence:
            continue
        head = sentence[: amounts[0].start()]
        if "，" not in head:
            continue
        cond, verb_part = head.rsplit("，", 1)
        if not _REWARD.search(verb_part + sentence[amounts[0].end():][:4]):
            continue  # the amount is a threshold (投资额在5000万元以上), not what is granted
        while len(cond) > 45 and "，" in cond:
            cond = cond.split("，", 1)[1]
        cond = _LEAD.sub("", cond.strip())
        if not 8 <= len(cond) <= 45 or cond.count("（") != cond.count("）") or not "\u4e00" <= cond[0] <= "\u9fff":
            continue
        q = f"温州市鹿城区对“{cond}”给予多少奖补？"
        seeds.setdefault(q, Seed(q, "flipbook_text.md", "lucheng", sentence.strip(), (amounts[0].group(0),)))
    return list(seeds.values())
