"""Score raw answers (from bench_worker.py) for the scope-trap and RGB suites, and render the tables.

Rules, stated once:
- refused = the answer is not grounded (a "资料中没有找到…" text with labelled nearest facts still counts).
- right source = grounded and a cited document is the gold one (metrics.matches_source), or another document of
  the library that holds the gold document's whole sentence stating the gold answer: the NCP corpus republishes
  notices (the same 病死猪 notice under two ids, each the gold of one question), and citing the copy is right.
- right facts = right source and every gold fact is in the answer (assistant.text.numbers.contains_fact: numbers,
  dates and Chinese numerals compared after normalising); a gold answer without such facts (a long NCP span)
  counts when the answer contains it or covers >= 60% of its characters in order (difflib matching blocks).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from assistant.evaluation.metrics import matches_source, percentile
from assistant.text.markers import strip_markers
from assistant.text.numbers import contains_fact

SPAN_RECALL = 0.6
TREES = ("baseline", "current")
SPLITS = ("dev", "test")


def span_recall(gold: str, text: str) -> float:
    """Share of the gold span's characters found in the answer, in order (markers removed)."""
    gold, text = gold.strip(), strip_markers(text)
    if not gold:
        return 0.0
    if gold in text:
        return 1.0
    blocks = difflib.SequenceMatcher(None, gold, text, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(gold)


def cites(answer: dict, gold_doc: str) -> bool:
    return any(matches_source(gold_doc, c["doc_id"], c["source"], c["title"]) for c in answer["cited"])


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_STOP = "。！？；!?;"
_CLAUSE = ",，"
_REACH = 20  # characters of the gold sentence kept on each side of a short answer


def gold_statement(gold_text: str, answer: str) -> str:
    """What a copy of the gold document must hold verbatim (whitespace removed, full/half width folded): the gold
    answer when it is a statement of its own (15+ characters), else it with up to 20 characters of its sentence on
    each side; "" when the answer is not written in the gold document or the statement is too short to tell a
    copy from a coincidence."""
    text, span = _plain(gold_text), _plain(answer)
    at = text.find(span) if span else -1
    if at < 0:
        return ""
    if len(span) >= 15:
        return span
    sentence = max([text.rfind(c, 0, at) + 1 for c in _STOP] + [at - _REACH])
    clause = max([text.rfind(c, 0, at) + 1 for c in _CLAUSE] + [sentence])  # a copy may drop a lead-in clause
    ends = [i for i in (text.find(c, at + len(span)) for c in _STOP) if i >= 0]
    end = min(ends + [at + len(span) + _REACH, len(text)])
    start = clause if end - clause >= 15 else sentence
    return text[start:end] if end - start >= 15 else ""


def doc_key(doc_id: str) -> str:
    """A citation's doc_id as the seeds name documents: the NCP docid after '::', else the file name."""
    return doc_id.rsplit("::", 1)[1] if "::" in doc_id else doc_id.replace("\\", "/").rsplit("/", 1)[-1]


def has_facts(answer: dict, facts: Sequence[str], span: str) -> bool:
    if facts:
        return all(contains_fact(answer["text"], f) for f in facts)
    return span_recall(span, answer["text"]) >= SPAN_RECALL


def cites_copy(answer: dict, statement: str, doc_texts: Mapping[str, str]) -> bool:
    """A cited document other than the gold one holds the gold document's sentence stating the answer."""
    return bool(statement) and any(statement in _plain(doc_texts.get(doc_key(c["doc_id"]), ""))
                                   for c in answer["cited"])


def score_pair(case: dict, control: dict, trap: dict, doc_texts: Mapping[str, str] | None = None) -> dict[str, float]:
    """Per pair: the trap refused; the control answered, from the gold source (or a copy of its statement, when
    doc_texts maps the library's document keys to their text), with the gold facts."""
    answered = control["grounded"]
    source = answered and cites(control, case["doc_id"])
    if answered and not source and doc_texts:
        statement = gold_statement(doc_texts.get(case["doc_id"], ""), case["gold_answer"])
        source = cites_copy(control, statement, doc_texts)
    facts = source and has_facts(control, case["gold_facts"], case["gold_answer"])
    refused = not trap["grounded"]
    return {"trap_refused": refused, "trap_scoped": refused or wider_rules_only(trap),
            "control_answered": answered, "control_right_source": source,
            "control_right_facts": facts, "both_right": refused and facts}


def wider_rules_only(answer: dict) -> bool:
    """Every passage the answer cites matched the asked place as a wider one's rule ("parent": a 江西省 policy for
    吉安市, a national one), and the answer says so ("（江西省政策，适用于吉安市）"). The issue asks for exactly this
    when the library covers a trap's place through a province or the nation: it is not another place's facts.
    Trees older than the citation's scope field never count."""
    cited = answer.get("cited") or []
    return bool(cited) and all((c.get("scope") or {}).get("match") == "parent" for c in cited) and "适用于" in answer["text"]


def mean_rows(rows: Sequence[dict[str, float | None]], latencies: Sequence[float]) -> dict[str, float | int | None]:
    """Mean of each metric over the rows it applies to (None = not applicable), plus latency."""
    out: dict[str, float | int | None] = {"n": len(rows)}
    for key in dict.fromkeys(k for r in rows for k in r):
        values = [float(r[key]) for r in rows if r.get(key) is not None]
        out[key] = sum(values) / len(values) if values else None
    out["p50_ms"] = percentile(latencies, 50)
    out["p95_ms"] = percentile(latencies, 95)
    return out


def grouped(cases: Sequence[dict], score: Callable[[dict], tuple[dict, list[float]]],
            group: Callable[[dict], str]) -> dict[str, dict]:
    """Metrics per (group value) and per split: {group: {split: metrics}}; group 'all' is every case."""
    buckets: dict[tuple[str, str], tuple[list, list]] = {}
    for case in cases:
        row, lat = score(case)
        for g in ("all", group(case)):
            rows, lats = buckets.setdefault((g, case["split"]), ([], []))
            rows.append(row)
            lats.extend(lat)
    out: dict[str, dict] = {}
    for (g, split), (rows, lats) in sorted(buckets.items()):
        out.setdefault(g, {})[split] = mean_rows(rows, lats)
    return out


def scope_metrics(cases: Sequence[dict], answers: dict, doc_texts: Mapping[str, str] | None = None) -> dict[str, dict]:
    """answers: the worker's {question id: answer}; each case was asked as '<id>/control' and '<id>/trap'."""
    def score(case: dict) -> tuple[dict, list[float]]:
        control, trap = answers[case["id"] + "/control"], answers[case["id"] + "/trap"]
        return score_pair(case, control, trap, doc_texts), [control["ms"], trap["ms"]]

    return grouped(cases, score, lambda c: c["kind"])


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value <= 1.0:
        return f"{value:.3f}"
    return f"{value:.0f}"


def table(by_tree: dict[str, dict], group: str, metrics: Sequence[str], label: str = "code",
          splits: Sequence[str] = SPLITS) -> str:
    """Markdown: rows = trees, columns = each metric for dev and test (or `splits`) side by side."""
    head = [label] + [f"{m} ({s})" for m in metrics for s in splits]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for tree, groups in by_tree.items():
        cells = groups.get(group, {})
        lines.append("| " + " | ".join([tree] + [_cell(cells.get(s, {}).get(m)) for m in metrics for s in splits])
                     + " |")
    return "\n".join(lines)
