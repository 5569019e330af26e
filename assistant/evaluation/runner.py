"""Run a suite through any ask(question, history) callable and collect scored results."""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.evaluation.metrics import CaseScore, aggregate, score_case, score_failure
from assistant.evaluation.suite import EvalCase
from assistant.text.language import detect_language
from assistant.types import Answer

AskFn = Callable[[str, Sequence[tuple[str, str]]], Answer]
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class CaseResult:
    """One case, what the assistant said, and how it scored."""

    case: EvalCase
    answer: Answer | None  # None when ask() raised
    score: CaseScore
    latency_ms: float
    language: str
    error: str = ""

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.score.checks)

    def as_dict(self) -> dict:
        out = {
            "id": self.case.id,
            "kind": self.case.kind,
            "language": self.language,
            "question": self.case.question,
            "history": [list(t) for t in self.case.history],
            "expected": self.case.as_dict(),
            "passed": self.passed,
            "checks": [{"name": c.name, "passed": c.passed, "why": c.why} for c in self.score.checks],
            "metrics": self.score.metrics,
            "latency_ms": round(self.latency_ms, 1),
            "error": self.error,
        }
        out.update({"answer": "", "citations": [], "grounded": None, "mode": "error", "warnings": []})
        if self.answer is not None:
            a = self.answer.as_dict()
            out.update({key: a[key] for key in ("answer", "citations", "grounded", "mode", "warnings")})
            out["retrieved_docs"] = a["retrieved_docs"]
        return out


@dataclass
class EvalRun:
    """A finished run: results in suite order plus when/how it was run."""

    results: list[CaseResult]
    k: int
    started: str
    seconds: float
    suite: str = ""
    meta: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Metrics overall, per kind and per question language."""
        return {
            "suite": self.suite,
            "started": self.started,
            "seconds": round(self.seconds, 2),
            "k": self.k,
            "errors": sum(1 for r in self.results if r.error),
            "passed": sum(1 for r in self.results if r.passed),
            "hits_max": max((len(r.answer.hits) for r in self.results if r.answer), default=0),
            "overall": _group(self.results),
            "by_kind": {kind: _group(rs) for kind, rs in _split(self.results, lambda r: r.case.kind or "-")},
            "by_language": {lang: _group(rs) for lang, rs in _split(self.results, lambda r: r.language)},
            **self.meta,
        }


def _group(results: Sequence[CaseResult]) -> dict:
    return aggregate([r.score.metrics for r in results], [r.latency_ms for r in results])


def _split(results: Sequence[CaseResult], key: Callable[[CaseResult], str]) -> list[tuple[str, list]]:
    groups: dict[str, list[CaseResult]] = {}
    for r in results:
        groups.setdefault(key(r), []).append(r)
    return sorted(groups.items())


def run_case(case: EvalCase, ask: AskFn, k: int = 5) -> CaseResult:
    """Ask one question; an exception is recorded on the case (scored as a failure), not raised."""
    language = detect_language(case.question)
    start = time.perf_counter()
    try:
        answer = ask(case.question, list(case.history))
    except Exception as exc:  # one broken case must not lose a long run; the traceback is kept
        elapsed = (time.perf_counter() - start) * 1000
        error = f"{type(exc).__name__}: {exc}"
        score = score_failure(case, f"ask() raised {error}", k)
        return CaseResult(case, None, score, elapsed, language, error + "\n" + traceback.format_exc())
    elapsed = (time.perf_counter() - start) * 1000
    # Prefer the assistant's own timing (excludes our bookkeeping) when it reports one.
    latency = answer.latency_ms if answer.latency_ms > 0 else elapsed
    return CaseResult(case, answer, score_case(case, answer, k), latency, language)


def run_suite(
    cases: Sequence[EvalCase], ask: AskFn, k: int = 5, progress: ProgressFn | None = None, suite: str = ""
) -> EvalRun:
    """Run every case in order; progress(done, total) is called after each one."""
    started = dt.datetime.now().isoformat(timespec="seconds")
    start = time.perf_counter()
    results: list[CaseResult] = []
    for i, case in enumerate(cases, start=1):
        results.append(run_case(case, ask, k))
        if progress:
            progress(i, len(cases))
    return EvalRun(results, k, started, time.perf_counter() - start, suite)
