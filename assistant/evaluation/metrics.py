"""Score one answer against one case (checks with reasons) and aggregate scores into metrics."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.answering.citation_check import check_answer
from assistant.errors import AssistantError
from assistant.evaluation.suite import EvalCase
from assistant.text.numbers import contains_fact
from assistant.types import Answer

# Names accepted by --fail-under; hit@K follows the run's k. Latency bars are upper bounds.
METRIC_HELP: dict[str, str] = {
    "hit@1": "an expected source is the first retrieved passage (answerable cases)",
    "hit@K": "an expected source is among the top K retrieved passages",
    "mrr": "mean reciprocal rank of the first expected source within the top K",
    "citation_precision": "share of cited documents that are expected sources",
    "citation_recall": "share of expected sources that are cited",
    "fact_recall": "share of expected facts found in the answer (numbers normalised)",
    "facts_complete": "share of cases whose answer contains every expected fact",
    "answer_rate": "answerable cases that were answered, not refused",
    "rejection_rate": "unanswerable cases that were refused",
    "refusal_accuracy": "cases whose answer/refuse decision was right",
    "grounding": "share of answer sentences whose cited quote supports them",
    "expired_warning_accuracy": "cases where an expired-policy warning appears exactly when expected",
    "latency_p50_ms": "median answer latency (upper bound)",
    "latency_p95_ms": "95th percentile latency (upper bound)",
    "latency_max_ms": "slowest answer (upper bound)",
}
LOWER_IS_BETTER = frozenset({"latency_p50_ms", "latency_p95_ms", "latency_max_ms"})
# How the answerer words validity notices (zh and en); a warning matching this counts as "expired".
_EXPIRED = re.compile(r"expired|repealed|no longer (?:in force|valid)|过期|失效|废止|有效期已", re.I)


class MetricError(AssistantError):
    """A --fail-under bar is malformed or names an unknown metric."""


@dataclass(frozen=True)
class Check:
    """One pass/fail judgement on an answer, with the reason a reader needs."""

    name: str
    passed: bool
    why: str


@dataclass(frozen=True)
class CaseScore:
    metrics: dict[str, float | None]  # None = not applicable to this case
    checks: tuple[Check, ...]


def metric_names(k: int) -> list[str]:
    return [name.replace("@K", f"@{k}") for name in METRIC_HELP]


def matches_source(expected: str, doc_id: str, file_name: str, title: str) -> bool:
    """The one rule for 'this document is the expected source'."""
    if expected in (doc_id, file_name) or doc_id.endswith("::" + expected):
        return True
    if title and expected in title:
        return True
    # A JSONL record's file name is "corpus.jsonl::id": containment only applies to the file part,
    # otherwise an expected id "12" would match record "…::123".
    return expected in file_name.split("::", 1)[0]


def _expected_in(case: EvalCase, doc_id: str, file_name: str, title: str) -> list[str]:
    return [e for e in case.expected_sources if matches_source(e, doc_id, file_name, title)]


def score_retrieval(case: EvalCase, answer: Answer, k: int) -> tuple[dict[str, float | None], Check | None]:
    if not case.answerable:
        return {"hit@1": None, f"hit@{k}": None, "mrr": None}, None
    rank = next((i for i, h in enumerate(answer.hits[:k], 1)
                 if _expected_in(case, h.chunk.doc.doc_id, h.chunk.doc.file_name, h.chunk.doc.title)), None)
    metrics = {"hit@1": float(rank == 1), f"hit@{k}": float(rank is not None), "mrr": 1 / rank if rank else 0.0}
    if rank:
        return metrics, Check("retrieval", True, f"expected source at rank {rank}")
    got = ", ".join(dict.fromkeys(h.chunk.doc.doc_id for h in answer.hits[:k])) or "nothing"
    return metrics, Check("retrieval", False, f"no expected source in top {k} (retrieved: {got})")


def score_citations(case: EvalCase, answer: Answer) -> tuple[dict[str, float | None], Check | None]:
    if not case.answerable:
        return {"citation_precision": None, "citation_recall": None}, None
    cited = {c.doc_id: c for c in answer.citations}  # several quotes from one document count once
    good = [d for d, c in cited.items() if _expected_in(case, c.doc_id, c.source, c.title)]
    found = [e for e in case.expected_sources
             if any(matches_source(e, c.doc_id, c.source, c.title) for c in answer.citations)]
    precision = len(good) / len(cited) if cited else None
    recall = len(found) / len(case.expected_sources)
    wrong = [d for d in cited if d not in good]
    if not cited:
        why = "no citations"
    elif wrong:
        why = f"cites unexpected {', '.join(wrong)}"
    else:
        why = f"cites {', '.join(found)}" if found else "cites no expected source"
    passed = bool(found) and not wrong
    return {"citation_precision": precision, "citation_recall": recall}, Check("citations", passed, why)


def score_facts(case: EvalCase, answer: Answer) -> tuple[dict[str, float | None], Check | None]:
    if not (case.expected_facts or case.expected_facts_any):
        return {"fact_recall": None, "facts_complete": None}, None
    missing = [f for f in case.expected_facts if not contains_fact(answer.text, f)]
    found = len(case.expected_facts) - len(missing)
    total = len(case.expected_facts)
    any_ok = True
    if case.expected_facts_any:
        any_ok = any(contains_fact(answer.text, f) for f in case.expected_facts_any)
        found, total = found + any_ok, total + 1
    why_parts = [f"missing {', '.join(missing)}"] if missing else []
    if not any_ok:
        why_parts.append(f"none of {' / '.join(case.expected_facts_any)}")
    why = "; ".join(why_parts) or f"all {total} present"
    complete = not missing and any_ok
    return {"fact_recall": found / total, "facts_complete": float(complete)}, Check("facts", complete, why)


def score_refusal(case: EvalCase, answer: Answer) -> tuple[dict[str, float | None], Check]:
    refused = not answer.grounded
    right = refused != case.answerable
    metrics = {
        "answer_rate": None if not case.answerable else float(not refused),
        "rejection_rate": None if case.answerable else float(refused),
        "refusal_accuracy": float(right),
    }
    expected = "answer" if case.answerable else "refuse"
    return metrics, Check("refusal", right, f"expected to {expected}, {'refused' if refused else 'answered'}")


def score_grounding(answer: Answer) -> tuple[dict[str, float | None], Check | None]:
    if not answer.grounded:
        return {"grounding": None}, None
    sentences = check_answer(answer.text, {c.n: c.quote for c in answer.citations}).sentences
    if not sentences:
        return {"grounding": None}, None
    bad = [s for s in sentences if not s.supported]
    share = 1 - len(bad) / len(sentences)
    why = f"{len(sentences) - len(bad)}/{len(sentences)} sentences supported"
    if bad:
        why += f"; first unsupported: {bad[0].sentence[:80]!r}"
    return {"grounding": share}, Check("grounding", not bad, why)


def score_expired(case: EvalCase, answer: Answer) -> tuple[dict[str, float | None], Check | None]:
    if case.expect_expired_warning is None:
        return {"expired_warning_accuracy": None}, None
    warned = any(_EXPIRED.search(w) for w in answer.warnings)
    right = warned == case.expect_expired_warning
    why = f"expected {'a' if case.expect_expired_warning else 'no'} expired warning, got {'one' if warned else 'none'}"
    return {"expired_warning_accuracy": float(right)}, Check("expired_warning", right, why)


def score_case(case: EvalCase, answer: Answer, k: int = 5) -> CaseScore:
    """Every check that applies to this case, and the per-case metric values behind them."""
    metrics: dict[str, float | None] = {}
    checks: list[Check] = []
    parts = [score_retrieval(case, answer, k), score_citations(case, answer), score_facts(case, answer),
             score_refusal(case, answer), score_grounding(answer), score_expired(case, answer)]
    for values, check in parts:
        metrics.update(values)
        if check:
            checks.append(check)
    return CaseScore(metrics, tuple(checks))


def score_failure(case: EvalCase, error: str, k: int = 5) -> CaseScore:
    """ask() raised: every metric that applies to the case scores 0, so errors never look good."""
    refusal = Answer(question=case.question, text="", citations=(), grounded=True, mode="error")
    metrics = score_case(case, refusal, k).metrics
    zeroed = {name: (None if value is None else 0.0) for name, value in metrics.items()}
    return CaseScore(zeroed, (Check("error", False, error),))


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0-100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def aggregate(rows: Sequence[Mapping[str, float | None]], latencies: Sequence[float]) -> dict:
    """Mean of each metric over the cases it applies to, with how many that was, plus latency."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    metrics: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for name in names:
        values = [row[name] for row in rows if row.get(name) is not None]
        counts[name] = len(values)
        metrics[name] = sum(values) / len(values) if values else None
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    metrics["latency_max_ms"] = max(latencies) if latencies else None
    return {"cases": len(rows), "metrics": metrics, "counts": counts}


def parse_bars(specs: Sequence[str], k: int) -> dict[str, float]:
    """Parse --fail-under METRIC=VALUE items; unknown names raise an error listing the valid ones."""
    valid = metric_names(k)
    bars: dict[str, float] = {}
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip()
        if not sep:
            raise MetricError(f"--fail-under {spec!r}: expected METRIC=VALUE. Fix: e.g. hit@{k}=0.8")
        if name not in valid:
            raise MetricError(f"--fail-under: unknown metric {name!r}. Fix: use one of {', '.join(valid)}")
        try:
            bars[name] = float(raw)
        except ValueError:
            raise MetricError(f"--fail-under {spec!r}: {raw!r} is not a number. Fix: e.g. {name}=0.8") from None
    return bars


def missed_bars(metrics: Mapping[str, float | None], bars: Mapping[str, float]) -> list[str]:
    """One line per bar the run missed, saying by how much."""
    missed = []
    for name, bar in bars.items():
        value = metrics.get(name)
        if value is None:
            missed.append(f"{name}: not measured by any case (bar {bar:g})")
        elif name in LOWER_IS_BETTER and value > bar:
            missed.append(f"{name} = {value:.0f} is above {bar:g} by {value - bar:.0f}")
        elif name not in LOWER_IS_BETTER and value < bar:
            missed.append(f"{name} = {value:.3f} is below {bar:g} by {bar - value:.3f}")
    return missed
