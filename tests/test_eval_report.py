"""Evaluation reports on disk, the self-contained HTML, --fail-under exit codes and run comparison."""

from __future__ import annotations

import argparse
import base64
import json
import re

import pytest

from assistant.evaluation import command
from assistant.evaluation.compare import compare_runs, format_comparison
from assistant.evaluation.report import write_reports
from assistant.evaluation.runner import run_suite
from assistant.evaluation.suite import EvalCase, write_suite
from assistant.types import Answer, Chunk, Citation, DocInfo, Hit

XSS = '<script>alert("x")</script>补贴？'
CASES = [
    EvalCase("fund", "产业基金规模多大？", expected_sources=("fund.pdf",), expected_facts=("50亿元",), kind="基金"),
    EvalCase("xss", XSS, expected_sources=("rent.pdf",), expected_facts=("3个月",), kind="rent"),
    EvalCase("mars", "火星上的园区有什么政策？", answerable=False, kind="refusal"),
]


def _hit(name: str, text: str) -> Hit:
    d = DocInfo(doc_id=f"docs/{name}", source=f"docs/{name}", sha256="s", title=name, doc_type="policy")
    return Hit(Chunk(f"docs/{name}#0", d, 0, text, 1, 0, len(text)), 1.0)


def _answer(question: str, name: str, quote: str, latency: float) -> Answer:
    h = _hit(name, quote)
    c = Citation(1, h.chunk.doc.doc_id, h.chunk.chunk_id, name, name, 1, "", "", quote)
    return Answer(question, f"{quote}[1]。<b>bold</b>", (c,), True, "extractive", hits=(h,), latency_ms=latency)


def good_ask(question, history):
    if question.startswith("产业基金"):
        return _answer(question, "fund.pdf", "设立五十亿元产业基金", 120.0)
    if question == XSS:
        return _answer(question, "other.pdf", "减免租金", 340.0)  # wrong document, fact missing
    return Answer(question, "文件中没有找到相关内容。", (), False, "refusal", latency_ms=15.0)


def changed_ask(question, history):
    if question.startswith("产业基金"):
        return Answer(question, "没有相关内容。", (), False, "refusal", latency_ms=20.0)  # regression
    if question == XSS:
        return _answer(question, "rent.pdf", "减免3个月租金", 200.0)  # fixed
    return good_ask(question, history)


@pytest.fixture
def suite_file(tmp_path):
    path = tmp_path / "suite.jsonl"
    write_suite(CASES, path)
    return path


def test_reports_are_written_with_every_case_and_check(tmp_path):
    paths = write_reports(run_suite(CASES, good_ask, k=5, suite="s.jsonl"), tmp_path / "run")
    assert {"results", "summary", "report_md", "report_html", "metrics_by_kind", "latency"} <= set(paths)
    rows = [json.loads(line) for line in paths["results"].read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["fund", "xss", "mars"]
    xss = rows[1]
    assert xss["question"] == XSS and xss["citations"][0]["source"] == "other.pdf" and not xss["passed"]
    failed = {c["name"]: c["why"] for c in xss["checks"] if not c["passed"]}
    assert "3个月" in failed["facts"] and "docs/other.pdf" in failed["citations"]
    summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    assert summary["overall"]["metrics"]["hit@5"] == 0.5 and summary["overall"]["metrics"]["rejection_rate"] == 1.0
    assert set(summary["by_kind"]) == {"基金", "rent", "refusal"}
    md = paths["report_md"].read_text(encoding="utf-8")
    assert "| hit@5 | 0.500 | 2 |" in md and "![latency](latency.png)" in md
    for name in ("metrics_by_kind", "latency"):
        assert paths[name].read_bytes().startswith(b"\x89PNG")


def test_html_report_is_self_contained_and_escaped(tmp_path):
    paths = write_reports(run_suite(CASES, good_ask, k=5), tmp_path / "run")
    page = paths["report_html"].read_text(encoding="utf-8")
    assert "<script" not in page and "<b>bold" not in page  # user text never becomes markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;补贴？" in page and "&lt;b&gt;bold" in page
    assert not re.search(r'(src|href)="(?!data:)', page) and "@import" not in page and "url(" not in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)


def test_fail_under_exit_codes_name_the_missed_bar(suite_file, tmp_path, capsys):
    assert command.evaluate_suite(suite_file, good_ask, tmp_path / "a", 5, ["hit@5=0.5", "rejection_rate=1"]) == 0
    capsys.readouterr()
    code = command.evaluate_suite(suite_file, good_ask, tmp_path / "b", 5, ["hit@5=0.8", "latency_p95_ms=100"])
    err = capsys.readouterr().err
    assert code == 1
    assert "hit@5 = 0.500 is below 0.8 by 0.300" in err and "latency_p95_ms = 340 is above 100 by 240" in err


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)


def test_unknown_metric_is_a_usage_error_listing_valid_names(suite_file, capsys):
    assert command.run(_parse(str(suite_file), "--fail-under", "recall=0.5")) == 2
    err = capsys.readouterr().err
    assert "unknown metric 'recall'" in err and "citation_recall" in err and "hit@5" in err


def test_help_documents_metric_names():
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    text = parser.format_help()
    assert all(name in text for name in ("hit@K", "fact_recall", "refusal_accuracy", "latency_p95_ms"))


def test_compare_shows_what_got_better_and_worse(tmp_path, capsys):
    write_reports(run_suite(CASES, good_ask, k=5), tmp_path / "a")
    write_reports(run_suite(CASES, changed_ask, k=5), tmp_path / "b")
    comp = compare_runs(tmp_path / "a", tmp_path / "b")
    assert [c.id for c in comp.regressed] == ["fund"] and [c.id for c in comp.improved] == ["xss"]
    assert comp.unchanged == 1
    assert command.run(_parse("--compare", str(tmp_path / "a"), str(tmp_path / "b"))) == 0
    out = capsys.readouterr().out
    worse, better = out.index("Worse:"), out.index("Better:")
    assert worse < out.index("fund  产业基金规模多大？") < better < out.index("xss")
    assert "refusal: now fails (expected to answer, refused)" in out
    assert re.search(r"hit@5\s+0\.500\s+0\.500\s+=", out)
    assert re.search(r"answer_rate\s+1\.000\s+0\.500\s+-0\.500 worse", out)
    assert "1 better · 1 worse · 1 unchanged" in format_comparison(comp)


def test_compare_rejects_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert command.run(_parse("--compare", str(tmp_path), str(tmp_path))) == 2
    assert "not an evaluation run" in capsys.readouterr().err


def test_cli_eval_runs_the_real_assistant_over_a_real_index(fixture_assistant, tmp_path, capsys):
    """`python -m assistant eval` end to end: real index, real retrieval, real extractive answers."""
    from assistant.cli import main

    suite = tmp_path / "real.jsonl"
    write_suite([
        EvalCase("fund", "青岛西海岸新区的海洋产业引导基金规模是多少？", expected_sources=("qingdao_news.txt",),
                 expected_facts=("三十亿元",), kind="news"),
        EvalCase("award", "温江区光通信项目的落户奖励比例是多少？", expected_sources=("wenjiang_optical_policy.txt",),
                 kind="policy"),
        EvalCase("mars", "火星基地的企业所得税优惠是什么？", answerable=False, kind="unanswerable"),
    ], suite)
    index = str(fixture_assistant.settings.index_dir)
    out = tmp_path / "run"
    code = main(["eval", str(suite), "--index", index, "--out", str(out),
                 "--fail-under", "hit@5=0.6", "fact_recall=1", "latency_p95_ms=0.001"])
    err = capsys.readouterr().err
    assert code == 1 and "FAILED bar: latency_p95_ms" in err  # only the impossible latency bar is missed
    assert "FAILED bar: hit@5" not in err and "FAILED bar: fact_recall" not in err
    rows = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines())}
    assert any(c["source"] == "qingdao_news.txt" for c in rows["fund"]["citations"])
    assert (out / "report.html").is_file()


def test_plot_without_cjk_font_labels_chinese_kinds_in_english(tmp_path):
    import warnings

    from assistant.evaluation.report import plot_metrics_by_kind

    summary = run_suite(CASES, good_ask, k=5).summary()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = plot_metrics_by_kind(summary, tmp_path / "bars.png", font=None)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert not [w for w in caught if "missing from" in str(w.message)]  # no tofu boxes for 基金


def test_missing_index_folder_is_a_one_line_error(suite_file, tmp_path, capsys):
    assert command.run(_parse(str(suite_file), "--index", str(tmp_path / "nope"))) == 2
    assert "no such folder" in capsys.readouterr().err and not (tmp_path / "nope").exists()
