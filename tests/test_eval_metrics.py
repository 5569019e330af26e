"""Evaluation metrics, suite validation, importers and the runner, on hand-made cases and real Answers."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation.importers import import_ncp, import_rgb, ncp_facts, rgb_facts
from assistant.evaluation.metrics import (
    MetricError,
    aggregate,
    matches_source,
    missed_bars,
    parse_bars,
    percentile,
    score_case,
)
from assistant.evaluation.runner import run_suite
from assistant.evaluation.suite import EvalCase, SuiteError, load_suite, parse_lines, write_suite
from assistant.types import Answer, Chunk, Citation, DocInfo, Hit


def doc(doc_id: str, title: str = "") -> DocInfo:
    return DocInfo(doc_id=doc_id, source=doc_id, sha256="x", title=title, doc_type="policy")


def hit(doc_id: str, text: str = "正文。", title: str = "") -> Hit:
    d = doc(doc_id, title)
    return Hit(Chunk(f"{doc_id}#0", d, 0, text, 1, 0, len(text)), score=1.0)


def cite(n: int, doc_id: str, quote: str, title: str = "") -> Citation:
    name = doc_id.rsplit("/", 1)[-1]
    return Citation(n, doc_id, f"{doc_id}#0", name, title, 1, "", "", quote)


def answer(text: str, citations=(), hits=(), grounded: bool = True, warnings=(), latency: float = 10.0) -> Answer:
    return Answer("q", text, tuple(citations), grounded, "extractive" if grounded else "refusal",
                  tuple(warnings), hits=tuple(hits), latency_ms=latency)


def case(**kw) -> EvalCase:
    kw.setdefault("id", "c1")
    kw.setdefault("question", "问题？")
    return EvalCase(**kw)


# --- source matching -------------------------------------------------------------------------

@pytest.mark.parametrize(("expected", "doc_id", "file_name", "title", "ok"), [
    ("12345", "corpus/ncp.jsonl::12345", "ncp.jsonl::12345", "", True),  # JSONL record id
    ("12", "corpus/ncp.jsonl::123", "ncp.jsonl::123", "", False),  # no partial record-id match
    ("a.pdf", "docs/a.pdf", "a.pdf", "", True),  # file name
    ("温江区", "docs/x.pdf", "x.pdf", "成都市温江区产业扶持办法", True),  # contained in the title
    ("扶持办法", "docs/wenjiang-扶持办法-2024.pdf", "wenjiang-扶持办法-2024.pdf", "", True),  # in the file name
    ("b.pdf", "docs/a.pdf", "a.pdf", "标题", False),
])
def test_expected_source_matching_rule(expected, doc_id, file_name, title, ok):
    assert matches_source(expected, doc_id, file_name, title) is ok


# --- retrieval -------------------------------------------------------------------------------

def test_retrieval_rank_gives_hit_at_1_hit_at_k_and_mrr():
    c = case(expected_sources=("policy.pdf",))
    hits = [hit("d/other.pdf"), hit("d/policy.pdf"), hit("d/third.pdf")]
    m = score_case(c, answer("答。", hits=hits), k=5).metrics
    assert (m["hit@1"], m["hit@5"], m["mrr"]) == (0.0, 1.0, 0.5)


def test_expected_source_below_k_counts_as_a_miss_with_reason():
    c = case(expected_sources=("policy.pdf",))
    hits = [hit(f"d/o{i}.pdf") for i in range(5)] + [hit("d/policy.pdf")]
    score = score_case(c, answer("答。", hits=hits), k=5)
    assert (score.metrics["hit@5"], score.metrics["mrr"]) == (0.0, 0.0)
    check = next(ch for ch in score.checks if ch.name == "retrieval")
    assert not check.passed and "top 5" in check.why and "d/o0.pdf" in check.why


# --- citations -------------------------------------------------------------------------------

def test_citation_precision_counts_documents_and_recall_counts_expected_sources():
    c = case(expected_sources=("a.pdf", "b.pdf"))
    cites = [cite(1, "d/a.pdf", "甲"), cite(2, "d/a.pdf", "乙"), cite(3, "d/x.pdf", "丙")]
    score = score_case(c, answer("甲[1]乙[2]丙[3]", cites), k=5)
    assert score.metrics["citation_precision"] == 0.5  # a.pdf (twice = once) good, x.pdf not
    assert score.metrics["citation_recall"] == 0.5  # a.pdf cited, b.pdf not
    check = next(ch for ch in score.checks if ch.name == "citations")
    assert not check.passed and "d/x.pdf" in check.why


def test_unanswerable_case_has_no_retrieval_or_citation_metrics():
    m = score_case(case(answerable=False), answer("无。", grounded=False), k=5).metrics
    assert m["hit@1"] is None and m["citation_precision"] is None and m["fact_recall"] is None


# --- facts (numbers normalised) --------------------------------------------------------------

def test_fact_found_after_number_normalisation():
    c = case(expected_sources=("a",), expected_facts=("50亿元", "３０％"))
    m = score_case(c, answer("设立五十亿元产业基金，补贴比例30%。"), k=5).metrics
    assert m["fact_recall"] == 1.0 and m["facts_complete"] == 1.0


def test_missing_fact_lowers_recall_and_names_the_fact():
    c = case(expected_sources=("a",), expected_facts=("50亿元", "200万元"))
    score = score_case(c, answer("设立50亿元产业基金。"), k=5)
    assert score.metrics["fact_recall"] == 0.5 and score.metrics["facts_complete"] == 0.0
    assert "200万元" in next(ch for ch in score.checks if ch.name == "facts").why


def test_any_of_facts_counts_as_one_required_fact():
    c = case(expected_sources=("a",), expected_facts=("12人",), expected_facts_any=("南宁", "广西南宁"))
    assert score_case(c, answer("起点是南宁，12人。"), k=5).metrics["fact_recall"] == 1.0
    m = score_case(c, answer("共12人。"), k=5).metrics
    assert m["fact_recall"] == 0.5 and m["facts_complete"] == 0.0


# --- refusal ---------------------------------------------------------------------------------

def test_refusal_logic_on_answerable_and_unanswerable_cases():
    answerable, unanswerable = case(expected_sources=("a",)), case(answerable=False)
    refused, answered = answer("文件中没有相关信息。", grounded=False), answer("答[1]。", [cite(1, "a", "答")])
    m = score_case(answerable, refused).metrics
    assert (m["answer_rate"], m["rejection_rate"], m["refusal_accuracy"]) == (0.0, None, 0.0)
    m = score_case(unanswerable, refused).metrics
    assert (m["answer_rate"], m["rejection_rate"], m["refusal_accuracy"]) == (None, 1.0, 1.0)
    m = score_case(unanswerable, answered).metrics
    assert (m["rejection_rate"], m["refusal_accuracy"]) == (0.0, 0.0)


def test_refusal_rates_aggregate_separately():
    cases = [case(id="a", expected_sources=("a",)), case(id="b", expected_sources=("a",)),
             case(id="u", answerable=False)]
    answers = {"a": answer("答。"), "b": answer("无", grounded=False), "u": answer("无", grounded=False)}
    rows = [score_case(c, answers[c.id]).metrics for c in cases]
    agg = aggregate(rows, [1.0, 2.0, 3.0])["metrics"]
    assert agg["answer_rate"] == 0.5 and agg["rejection_rate"] == 1.0
    assert agg["refusal_accuracy"] == pytest.approx(2 / 3)


# --- grounding and expired warnings ----------------------------------------------------------

def test_grounding_is_share_of_sentences_whose_quote_supports_the_numbers():
    c = case(expected_sources=("a",))
    text = "企业可获得最高200万元奖励[1]。贷款贴息比例为80%[2]。"
    cites = [cite(1, "a", "给予最高200万元的一次性奖励"), cite(2, "a", "按贷款利息的50%给予贴息")]
    score = score_case(c, answer(text, cites))
    assert score.metrics["grounding"] == 0.5
    assert "80%" in next(ch for ch in score.checks if ch.name == "grounding").why


def test_expired_warning_checked_only_when_expected_is_set():
    warned = answer("答。", warnings=("注意：[1]《办法》已于2023年12月31日到期失效，请以现行政策为准。",))
    silent = answer("答。")
    assert score_case(case(answerable=False), silent).metrics["expired_warning_accuracy"] is None
    c = case(expected_sources=("a",), expect_expired_warning=True)
    assert score_case(c, warned).metrics["expired_warning_accuracy"] == 1.0
    assert score_case(c, silent).metrics["expired_warning_accuracy"] == 0.0
    c = case(expected_sources=("a",), expect_expired_warning=False)
    assert score_case(c, warned).metrics["expired_warning_accuracy"] == 0.0


# --- latency, bars ---------------------------------------------------------------------------

def test_latency_percentiles_use_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95)) == (50.0, 95.0)
    agg = aggregate([{}, {}], [100.0, 300.0])["metrics"]
    assert (agg["latency_p50_ms"], agg["latency_max_ms"]) == (100.0, 300.0)


def test_unknown_metric_in_bar_names_the_valid_ones():
    assert parse_bars(["hit@5=0.8", "fact_recall=0.7"], k=5) == {"hit@5": 0.8, "fact_recall": 0.7}
    with pytest.raises(MetricError, match="hit@10.*fact_recall") as err:
        parse_bars(["fact_recal=0.7"], k=10)
    assert "fact_recal" in str(err.value)
    with pytest.raises(MetricError, match="METRIC=VALUE"):
        parse_bars(["hit@5"], k=5)


def test_missed_bars_say_by_how_much_and_latency_is_an_upper_bound():
    metrics = {"hit@5": 0.6, "fact_recall": 0.9, "latency_p95_ms": 2500.0, "grounding": None}
    missed = missed_bars(metrics, {"hit@5": 0.8, "fact_recall": 0.7, "latency_p95_ms": 2000, "grounding": 0.5})
    assert any(m.startswith("hit@5") and "0.200" in m for m in missed)
    assert any(m.startswith("latency_p95_ms") and "500" in m for m in missed)
    assert any(m.startswith("grounding") and "not measured" in m for m in missed)
    assert not any(m.startswith("fact_recall") for m in missed)


# --- suite format ----------------------------------------------------------------------------

def test_suite_round_trip(tmp_path):
    cases = [case(id="a", expected_sources=("x.pdf",), expected_facts=("50亿元",), kind="基金",
                  history=(("问", "答"),), expect_expired_warning=True), case(id="b", answerable=False)]
    path = tmp_path / "s.jsonl"
    write_suite(cases, path)
    loaded = load_suite(path)
    assert [c.as_dict() for c in loaded] == [c.as_dict() for c in cases]
    assert loaded[1].line == 2 and not loaded[1].answerable


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "a", "question": "q", "expected_fact": ["1"]}', "unknown field 'expected_fact'.*rename it to 'expected_facts'"),
    ('{"id": "a", "question": "q", "expected_sources": "x.pdf"}', 'is a string.*\\["x.pdf"\\]'),
    ('{"id": "a", "question": "q", "answerable": true}', "expected_sources is empty.*set answerable to false"),
    ('{"id": "a", "question": "q", "answerable": false, "expected_facts": ["5"]}', "answerable is false"),
    ('{"id": "a"}', "missing question"),
    ('{"id": "a", "question": "q", "history": ["hi"]}', "history"),
    ('{"id": "a", "question": "q"', "not valid JSON"),
])
def test_invalid_suite_lines_name_line_and_fix(line, message):
    with pytest.raises(SuiteError, match=message) as err:
        parse_lines(['{"id": "ok", "question": "q"}', "", line], "s.jsonl")
    assert str(err.value).startswith("s.jsonl:3:") and "Fix:" in str(err.value)


def test_duplicate_ids_and_empty_suites_are_rejected():
    with pytest.raises(SuiteError, match="duplicate id 'a' \\(first on line 1\\)"):
        parse_lines(['{"id": "a", "question": "q"}', '{"id": "a", "question": "r"}'])
    with pytest.raises(SuiteError, match="no cases"):
        parse_lines(["# only a comment"])


# --- importers -------------------------------------------------------------------------------

def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_ncp_import_uses_gold_docs_numbers_as_facts_and_absent_docs_as_refusals(tmp_path):
    gold = [{"qid": f"q{i}", "question": f"问题{i}？", "answer": f"补助不超过{i + 1}0万元。", "gold_docid": f"d{i}",
             "answer_start": 0} for i in range(8)]
    absent = [{"qid": f"z{i}", "question": f"别处{i}？", "answer": "略", "gold_docid": f"m{i}",
               "gold_doc_text_available": False} for i in range(5)]
    _jsonl(tmp_path / "qa_with_gold_doc.jsonl", gold)
    _jsonl(tmp_path / "qa_all_train.jsonl", absent + [dict(gold[0], gold_doc_text_available=True)])
    _jsonl(tmp_path / "corpus_available.jsonl", [{"docid": f"d{i}", "text": f"文{i}"} for i in range(12)])
    result = import_ncp(tmp_path, limit=5, unanswerable=0.2, with_corpus=True)
    answerable = [c for c in result.cases if c.answerable]
    assert len(result.cases) == 5 and len(answerable) == 4
    assert all(c.expected_facts[0].endswith("0万元") and c.expected_sources[0].startswith("d") for c in answerable)
    corpus_ids = {r["id"] for r in result.corpus}
    assert {c.expected_sources[0] for c in answerable} <= corpus_ids and len(corpus_ids) == 8  # 4 gold + 4 others
    assert import_ncp(tmp_path, limit=5).cases == result.cases  # same seed, same suite


def test_ncp_facts_keep_dates_whole_and_short_answers_verbatim():
    assert ncp_facts("自2020年2月1日起，减免3个月租金，补助50万元") == (("2020年2月1日", "3个月", "50万元"), ())
    assert ncp_facts("北京北铃专用汽车有限公司") == (("北京北铃专用汽车有限公司",), ())


def test_rgb_answer_lists_become_all_and_any_facts():
    assert rgb_facts(["东盟", "中国"]) == (("东盟", "中国"), (), True)
    assert rgb_facts([["4次", "四次"]]) == ((), ("4次", "四次"), True)
    assert rgb_facts([["131万", "1313851"], ["187万", "186.35万"]]) == (("187万",), ("131万", "1313851"), False)
    assert rgb_facts("70") == (("70",), (), True)


def test_rgb_import_dedupes_passages_and_withholds_positives_of_rejection_cases(tmp_path):
    shared = "共享的负面段落。"
    rows = [{"id": i, "query": f"问题{i}", "answer": [f"答{i}"], "positive": [f"正{i}a", f"正{i}b"],
             "negative": [shared, f"负{i}"]} for i in range(5)]
    _jsonl(tmp_path / "zh_refine.jsonl", rows)
    result = import_rgb(tmp_path, "refine", unanswerable=0.4)
    rejected = [c for c in result.cases if not c.answerable]
    assert len(result.cases) == 5 and len(rejected) == 2
    texts = {r["text"] for r in result.corpus}
    for c in rejected:
        n = c.id.rsplit("-", 1)[1]
        assert f"正{n}a" not in texts and f"负{n}" in texts  # positives withheld, noise kept
    assert sum(1 for r in result.corpus if r["text"] == shared) == 1
    ids = {r["id"] for r in result.corpus}
    assert all(set(c.expected_sources) <= ids and c.expected_facts for c in result.cases if c.answerable)


# --- runner ----------------------------------------------------------------------------------

def test_run_suite_scores_every_case_records_errors_and_reports_progress():
    cases = [case(id="ok", expected_sources=("a.pdf",), expected_facts=("200万元",)),
             case(id="boom", question="炸了？", expected_sources=("a.pdf",)),
             case(id="no", question="How do I apply?", answerable=False)]

    def ask(question, history):
        if question == "How do I apply?":
            return answer("Not in the documents.", grounded=False)
        if question == "炸了？":
            raise RuntimeError("index locked")
        return answer("最高200万元[1]。", [cite(1, "d/a.pdf", "最高200万元")], [hit("d/a.pdf")])

    seen = []
    run = run_suite(cases, ask, k=3, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    ok, boom, no = run.results
    assert ok.passed and ok.score.metrics["hit@3"] == 1.0 and ok.score.metrics["grounding"] == 1.0
    assert boom.error.startswith("RuntimeError: index locked") and not boom.passed
    assert boom.score.metrics["hit@3"] == 0.0 and boom.score.metrics["refusal_accuracy"] == 0.0
    assert no.passed and no.language == "en"
    summary = run.summary()
    assert summary["errors"] == 1 and summary["overall"]["metrics"]["hit@3"] == 0.5
    assert set(summary["by_language"]) == {"en", "zh"}
