"""Turn two public QA datasets (NCP policy QA, RGB zh) into suites, and RGB passages into a corpus."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation.suite import EvalCase, SuiteError, write_suite

RGB_SUBSETS = ("refine", "int", "fact")
# Amounts, shares, durations and dates in an NCP answer: the parts an investor acts on.
_D = "[0-9０-９]"
_NUMERIC_FACT = re.compile(
    rf"{_D}{{4}}年(?:{_D}{{1,2}}月(?:{_D}{{1,2}}日)?)?|{_D}{{1,2}}月{_D}{{1,2}}日"  # dates stay whole
    rf"|{_D}[0-9０-９.,，%％]*(?:万亿元|亿元|万元|元|亿|万|%|％|个百分点|个工作日|个月|天|倍|小时|家|人|户)?"
)
_SHORT_ANSWER = 40  # NCP answers up to this length are kept whole as the fact to find


@dataclass
class Imported:
    """What an importer produced: the suite and, when asked for, corpus records {id, text}."""

    cases: list[EvalCase]
    corpus: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise SuiteError(str(path), 0, "dataset file not found", f"pass the dataset directory that contains {path.name}")
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def ncp_facts(answer: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Expected facts of an NCP answer: its numbers, or the whole answer when short and number-free."""
    numbers = [m.group(0).rstrip(".,，") for m in _NUMERIC_FACT.finditer(answer)]
    # A bare one-digit number ("1." of a list, 第3条) says nothing on its own.
    numbers = [n for n in dict.fromkeys(numbers) if len(n) > 1 or not n.isdigit()]
    if numbers:
        return tuple(numbers), ()
    short = answer.strip().strip("“”\"'「」《》。，；;,. ")
    return ((short,), ()) if short and len(short) <= _SHORT_ANSWER else ((), ())


def _split_counts(limit: int | None, available: int, unanswerable: float) -> tuple[int, int]:
    total = available if limit is None else min(limit, available)
    n_unanswerable = round(total * unanswerable)
    return total - n_unanswerable, n_unanswerable


def import_ncp(data_dir: str | Path, limit: int | None = None, unanswerable: float = 0.2, seed: int = 0,
               with_corpus: bool = False, distractors: int | None = None) -> Imported:
    """NCP policy QA: answerable cases from qa_with_gold_doc, "should refuse" ones whose document is absent."""
    d = Path(data_dir)
    rng = random.Random(seed)
    gold = list(_read_jsonl(d / "qa_with_gold_doc.jsonl"))
    absent = [r for r in _read_jsonl(d / "qa_all_train.jsonl") if not r.get("gold_doc_text_available")]
    n_ans, n_un = _split_counts(limit, len(gold), unanswerable)
    picked, refused = rng.sample(gold, n_ans), rng.sample(absent, min(n_un, len(absent)))
    cases = []
    for r in picked:
        facts, facts_any = ncp_facts(r["answer"])
        cases.append(EvalCase(id=f"ncp-{r['qid']}", question=r["question"], expected_sources=(r["gold_docid"],),
                              expected_facts=facts, expected_facts_any=facts_any, kind="ncp",
                              reference_answer=r["answer"]))
    cases += [EvalCase(id=f"ncp-{r['qid']}", question=r["question"], answerable=False, kind="ncp-absent-doc",
                       reference_answer=r.get("answer", "")) for r in refused]
    rng.shuffle(cases)
    cases = list({c.id: c for c in cases}.values())  # the source has a few repeated qids
    notes = ["ncp-absent-doc cases ask about documents missing from corpus_available.jsonl; a similar "
             "policy of another region may exist, so expect some noise in rejection_rate"]
    corpus = _ncp_corpus(d, {r["gold_docid"] for r in picked}, rng, distractors) if with_corpus else []
    return Imported(cases, corpus, notes)


def _ncp_corpus(d: Path, gold_ids: set[str], rng: random.Random, distractors: int | None) -> list[dict[str, str]]:
    docs = list(_read_jsonl(d / "corpus_available.jsonl"))
    others = [doc for doc in docs if doc["docid"] not in gold_ids]
    n_other = len(gold_ids) if distractors is None else distractors
    chosen = [doc for doc in docs if doc["docid"] in gold_ids] + rng.sample(others, min(n_other, len(others)))
    return [{"id": doc["docid"], "text": doc["text"]} for doc in chosen]


def rgb_facts(answer: Any) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """RGB answers: every item required, a nested list = alternatives. Returns (all, any, lossless)."""
    items = answer if isinstance(answer, list) else [answer]
    required = [str(i) for i in items if not isinstance(i, list)]
    groups = [[str(a) for a in i] for i in items if isinstance(i, list)]
    if not groups:
        return tuple(required), (), True
    # The suite format has one "any" group; extra groups keep their first alternative (stricter).
    required += [g[0] for g in groups[1:]]
    return tuple(required), tuple(groups[0]), len(groups) == 1


def _flatten(passages: list) -> list[str]:
    out: list[str] = []
    for p in passages:
        out.extend(_flatten(p) if isinstance(p, list) else [str(p)])
    return [p for p in out if p.strip()]


class _PassageIds:
    """Gives each distinct passage text one record id (ingest would drop content duplicates anyway)."""

    def __init__(self) -> None:
        self.by_text: dict[str, str] = {}

    def id_for(self, text: str, proposed: str) -> str:
        return self.by_text.setdefault(text.strip(), proposed)


def import_rgb(data_dir: str | Path, subset: str = "refine", limit: int | None = None, unanswerable: float = 0.2,
               seed: int = 0) -> Imported:
    """RGB zh: each query with its positive and negative passages; for a share of queries the positives are
    left out of the corpus, so the right answer is to refuse (RGB's negative rejection)."""
    if subset not in RGB_SUBSETS:
        raise SuiteError(subset, 0, "unknown RGB subset", f"use one of {', '.join(RGB_SUBSETS)}")
    records = list(_read_jsonl(Path(data_dir) / f"zh_{subset}.jsonl"))
    records = random.Random(seed).sample(records, len(records) if limit is None else min(limit, len(records)))
    n_un = round(len(records) * unanswerable)
    reject = {r["id"] for r in records[:n_un]}
    ids, removed = _PassageIds(), set()
    for r in records:  # positives of rejection queries go first so no other record re-adds them
        if r["id"] in reject:
            removed.update(p.strip() for p in _flatten(r["positive"]))
    cases, lossy = [], 0
    for r in records:
        case, was_lossy = _rgb_case(r, subset, r["id"] in reject, ids, removed)
        lossy += was_lossy
        if case:
            cases.append(case)
    corpus = [{"id": pid, "text": text} for text, pid in ids.by_text.items()]
    notes = [f"{len(cases)} cases ({n_un} with positives withheld → should refuse), {len(corpus)} distinct passages"]
    if lossy:
        notes.append(f"{lossy} cases had several alternative groups; only the first stays 'any', others must match")
    if len(cases) < len(records):
        notes.append(f"{len(records) - len(cases)} cases dropped: all their positives were withheld for others")
    return Imported(cases, corpus, notes)


def _rgb_case(r: dict, subset: str, reject: bool, ids: _PassageIds, removed: set[str]) -> tuple[EvalCase | None, bool]:
    base = f"rgb-{subset}-{r['id']}"
    sources = []
    for i, text in enumerate(_flatten(r["positive"])):
        if text.strip() not in removed:
            sources.append(ids.id_for(text, f"{base}-p{i}"))
    for i, text in enumerate(_flatten(r["negative"])):
        if text.strip() not in removed:
            ids.id_for(text, f"{base}-n{i}")
    if reject:
        return EvalCase(id=base, question=r["query"], answerable=False, kind=f"rgb-{subset}-reject"), False
    if not sources:
        return None, False
    facts, facts_any, lossless = rgb_facts(r["answer"])
    return EvalCase(id=base, question=r["query"], expected_sources=tuple(dict.fromkeys(sources)),
                    expected_facts=facts, expected_facts_any=facts_any, kind=f"rgb-{subset}"), not lossless


def write_corpus(records: list[dict[str, str]], path: str | Path) -> int:
    """Corpus JSONL for `python -m assistant ingest`: one {id, text} record per line."""
    with open(path, "w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(records)


def write_imported(result: Imported, suite_path: str | Path, corpus_path: str | Path | None = None) -> None:
    write_suite(result.cases, suite_path)
    if corpus_path is not None:
        write_corpus(result.corpus, corpus_path)
