"""The Q&A suite format: one JSON case per line, loaded and validated with errors naming line and fix."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

FIELDS = (
    "id",
    "question",
    "history",
    "expected_sources",
    "expected_facts",
    "expected_facts_any",
    "answerable",
    "kind",
    "expect_expired_warning",
    "reference_answer",
)


class SuiteError(AssistantError):
    """A suite file (or one line of it) is not a valid suite."""

    def __init__(self, path: str, line: int, problem: str, fix: str):
        self.path, self.line, self.problem, self.fix = str(path), line, problem, fix
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}. Fix: {fix}")


@dataclass(frozen=True)
class EvalCase:
    """One question with what a correct answer must show."""

    id: str
    question: str
    history: tuple[tuple[str, str], ...] = ()
    expected_sources: tuple[str, ...] = ()  # empty = not answerable from the library
    expected_facts: tuple[str, ...] = ()  # all must appear in the answer
    expected_facts_any: tuple[str, ...] = ()  # at least one must appear
    answerable: bool = True
    kind: str = ""  # free label for breakdowns
    expect_expired_warning: bool | None = None  # None = not checked
    reference_answer: str = ""  # shown in reports, never scored
    line: int = 0  # where the case came from, for messages

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "question": self.question}
        if self.history:
            out["history"] = [list(turn) for turn in self.history]
        out["expected_sources"] = list(self.expected_sources)
        out["expected_facts"] = list(self.expected_facts)
        if self.expected_facts_any:
            out["expected_facts_any"] = list(self.expected_facts_any)
        out["answerable"] = self.answerable
        if self.kind:
            out["kind"] = self.kind
        if self.expect_expired_warning is not None:
            out["expect_expired_warning"] = self.expect_expired_warning
        if self.reference_answer:
            out["reference_answer"] = self.reference_answer
        return out


def _strings(obj: dict, key: str, path: str, line: int) -> tuple[str, ...]:
    value = obj.get(key, [])
    if isinstance(value, str):
        raise SuiteError(path, line, f"{key} is a string, not a list", f'write "{key}": [{json.dumps(value)}]')
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SuiteError(path, line, f"{key} must be a list of non-empty strings", f'e.g. "{key}": ["…"]')
    return tuple(v.strip() for v in value)


def _history(obj: dict, path: str, line: int) -> tuple[tuple[str, str], ...]:
    value = obj.get("history", [])
    ok = isinstance(value, list) and all(
        isinstance(t, list | tuple) and len(t) == 2 and all(isinstance(s, str) for s in t) for t in value
    )
    if not ok:
        raise SuiteError(path, line, "history must be a list of [user, assistant] pairs", 'e.g. [["问…", "答…"]]')
    return tuple((u, a) for u, a in value)


def _check_keys(obj: dict, path: str, line: int) -> None:
    for key in obj:
        if key not in FIELDS:
            near = difflib.get_close_matches(key, FIELDS, n=1)
            fix = f"rename it to {near[0]!r}" if near else f"remove it; valid fields: {', '.join(FIELDS)}"
            raise SuiteError(path, line, f"unknown field {key!r}", fix)
    for key in ("id", "question"):
        if not isinstance(obj.get(key), str | int) or not str(obj.get(key)).strip():
            raise SuiteError(path, line, f"missing {key}", f'add "{key}": "…" (a non-empty string)')


def _flag(obj: dict, key: str, path: str, line: int) -> bool | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, bool):
        raise SuiteError(path, line, f"{key} must be true or false, got {value!r}", f'write "{key}": true or false')
    return value


def parse_case(obj: Any, path: str = "<suite>", line: int = 0) -> EvalCase:
    """Validate one decoded JSON line and turn it into an EvalCase."""
    if not isinstance(obj, dict):
        raise SuiteError(path, line, "a case must be a JSON object", 'write {"id": …, "question": …}')
    _check_keys(obj, path, line)
    sources = _strings(obj, "expected_sources", path, line)
    facts, facts_any = _strings(obj, "expected_facts", path, line), _strings(obj, "expected_facts_any", path, line)
    answerable = _flag(obj, "answerable", path, line)
    if answerable is None:
        answerable = bool(sources)
    if answerable and not sources:
        raise SuiteError(path, line, "answerable is true but expected_sources is empty",
                         "list the document(s) that answer it, or set answerable to false")
    if not answerable and (sources or facts or facts_any):
        raise SuiteError(path, line, "answerable is false but the case expects sources or facts",
                         "empty expected_sources/expected_facts, or set answerable to true")
    kind = obj.get("kind", "")
    if not isinstance(kind, str):
        raise SuiteError(path, line, f"kind must be a string, got {kind!r}", 'e.g. "kind": "incentives"')
    return EvalCase(
        id=str(obj["id"]).strip(), question=str(obj["question"]).strip(), history=_history(obj, path, line),
        expected_sources=sources, expected_facts=facts, expected_facts_any=facts_any, answerable=answerable,
        kind=kind.strip(), expect_expired_warning=_flag(obj, "expect_expired_warning", path, line),
        reference_answer=str(obj.get("reference_answer", "")), line=line,
    )


def parse_lines(lines: Iterable[str], path: str = "<suite>") -> list[EvalCase]:
    """Parse JSONL text; blank lines and lines starting with # or // are skipped."""
    cases: list[EvalCase] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith(("#", "//")):
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SuiteError(path, number, f"not valid JSON ({exc.msg} at column {exc.colno})",
                             "write one JSON object per line (JSON Lines)") from None
        case = parse_case(obj, path, number)
        if case.id in seen:
            raise SuiteError(path, number, f"duplicate id {case.id!r} (first on line {seen[case.id]})",
                             "give every case a unique id")
        seen[case.id] = number
        cases.append(case)
    if not cases:
        raise SuiteError(path, 0, "no cases found", "add one JSON object per line")
    return cases


def load_suite(path: str | Path) -> list[EvalCase]:
    """Read and validate a suite file (UTF-8 JSON Lines)."""
    p = Path(path)
    if not p.is_file():
        raise SuiteError(str(p), 0, "file not found", "pass the path of a .jsonl suite")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SuiteError(str(p), 0, "not UTF-8 text", "save the suite as UTF-8") from None
    return parse_lines(text.splitlines(), str(p))


def write_suite(cases: Iterable[EvalCase], path: str | Path) -> int:
    """Write cases as JSON Lines (UTF-8, Chinese kept readable); returns how many."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for case in cases:
            out.write(json.dumps(case.as_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count
