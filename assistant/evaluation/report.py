"""Write a run to disk: results.jsonl, summary.json, report.md, PNG plots and a self-contained report.html."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path

from assistant.evaluation.metrics import percentile
from assistant.evaluation.runner import EvalRun

# Metrics shown in tables and the bar plot, in reading order (hit@K is inserted per run).
SHOWN = ("hit@1", "hit@K", "mrr", "citation_precision", "citation_recall", "fact_recall", "facts_complete",
         "answer_rate", "rejection_rate", "refusal_accuracy", "grounding", "expired_warning_accuracy")
PLOTTED = ("hit@1", "hit@K", "mrr", "citation_recall", "fact_recall", "refusal_accuracy", "grounding")
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Source Han Sans",
              "SimHei", "Microsoft YaHei", "PingFang SC", "Droid Sans Fallback")

Table = tuple[list[str], list[list[str]]]


def _names(names: Sequence[str], k: int) -> list[str]:
    return [n.replace("@K", f"@{k}") for n in names]


def _fmt(value: float | None, name: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if name.endswith("_ms") else f"{value:.3f}"


def overall_table(summary: dict) -> Table:
    group = summary["overall"]
    names = _names(SHOWN, summary["k"]) + ["latency_p50_ms", "latency_p95_ms", "latency_max_ms"]
    rows = [[n, _fmt(group["metrics"].get(n), n), str(group["counts"].get(n, group["cases"]))] for n in names]
    return ["metric", "value", "cases"], rows


def breakdown_table(summary: dict, key: str) -> Table:
    names = _names(SHOWN, summary["k"])
    rows = []
    for label, group in summary[key].items():
        rows.append([label, str(group["cases"])] + [_fmt(group["metrics"].get(n)) for n in names]
                    + [_fmt(group["metrics"].get("latency_p95_ms"), "_ms")])
    return [key.removeprefix("by_"), "cases", *names, "p95 ms"], rows


def failures_table(run: EvalRun) -> Table:
    rows = []
    for r in run.results:
        failed = [f"{c.name}: {c.why}" for c in r.score.checks if not c.passed]
        if failed:
            answer = r.answer.text if r.answer else ""
            rows.append([r.case.id, r.case.question, answer[:200], "; ".join(failed)])
    return ["id", "question", "answer (start)", "failed checks"], rows


def _md_cell(text: str) -> str:
    # Markdown viewers render inline HTML: escape it, as in the HTML report.
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> str:
    head, rows = table
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def html_table(table: Table) -> str:
    head, rows = table
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    return "\n".join(out) + "</tbody></table>"


def _headline(summary: dict) -> str:
    return (f"suite {summary['suite'] or '-'} · {summary['overall']['cases']} cases · {summary['passed']} passed"
            f" every check · {summary['errors']} errors · k={summary['k']} · {summary['seconds']:.1f}s"
            f" · started {summary['started']}")


def _sections(run: EvalRun, summary: dict) -> list[tuple[str, Table]]:
    return [("Overall", overall_table(summary)), ("By kind", breakdown_table(summary, "by_kind")),
            ("By question language", breakdown_table(summary, "by_language")),
            ("Failed checks", failures_table(run))]


def render_markdown(run: EvalRun, summary: dict, plots: dict[str, Path]) -> str:
    parts = ["# Evaluation report", "", _headline(summary), ""]
    for title, table in _sections(run, summary):
        parts += [f"## {title}", "", markdown_table(table) if table[1] else "(none)", ""]
    parts += ["## Plots", ""] + [f"![{name}]({path.name})" for name, path in plots.items()]
    return "\n".join(parts) + "\n"


_CSS = ("body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px;vertical-align:top}th{background:#eee}"
        "img{max-width:100%}")


def render_html(run: EvalRun, summary: dict, plots: dict[str, Path]) -> str:
    """One file that opens offline: inline CSS, images as data: URIs, every string escaped."""
    body = [f"<h1>Evaluation report</h1><p>{html.escape(_headline(summary))}</p>"]
    for title, table in _sections(run, summary):
        body.append(f"<h2>{html.escape(title)}</h2>" + (html_table(table) if table[1] else "<p>(none)</p>"))
    body.append("<h2>Plots</h2>")
    for name, path in plots.items():
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        body.append(f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">')
    return ('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>Evaluation report</title>'
            f"<style>{_CSS}</style></head><body>" + "\n".join(body) + "</body></html>\n")


def cjk_font() -> str | None:
    """A font matplotlib can draw Chinese with, if one is installed."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def _labels(labels: Sequence[str], font: str | None) -> list[str]:
    # Without a CJK font Chinese kind names would draw as boxes: number them (tables keep the order).
    return [lab if font or lab.isascii() else f"group {i}" for i, lab in enumerate(labels, 1)]


def plot_metrics_by_kind(summary: dict, path: Path, font: str | None) -> Path:
    from matplotlib.figure import Figure

    names = _names(PLOTTED, summary["k"])
    groups = [("overall", summary["overall"])] + list(summary["by_kind"].items())
    fig = Figure(figsize=(max(7, 1.1 * len(names) + 0.4 * len(groups)), 4.2))
    ax = fig.add_subplot()
    width = 0.8 / len(groups)
    labels = _labels([g[0] for g in groups], font)
    for i, (label, (_, group)) in enumerate(zip(labels, groups, strict=True)):
        xs = [x + i * width for x in range(len(names))]
        values = [group["metrics"].get(n) for n in names]
        ax.bar(xs, [v or 0.0 for v in values], width, label=label)
        for x, v in zip(xs, values, strict=True):
            if v is None:  # tell "not measured" apart from a real 0
                ax.text(x, 0.02, "n/a", rotation=90, ha="center", va="bottom", fontsize=7, color="gray")
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(names))], names, rotation=20, ha="right")
    ax.set_ylim(0, 1.25)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("score (0-1)")
    ax.set_title("Metrics overall and by kind")
    ax.legend(loc="upper center", fontsize=8, ncols=min(6, len(groups)), prop={"family": font} if font else None)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def plot_latency(run: EvalRun, path: Path) -> Path:
    from matplotlib.figure import Figure

    latencies = [r.latency_ms for r in run.results]
    fig = Figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    ax.hist(latencies, bins=min(30, max(5, len(latencies) // 2)), color="#4477aa")
    for q, style in ((50, "--"), (95, ":")):
        value = percentile(latencies, q)
        if value is not None:
            ax.axvline(value, color="black", linestyle=style, label=f"p{q} = {value:.0f} ms")
    ax.yaxis.get_major_locator().set_params(integer=True)
    if latencies:
        ax.legend(fontsize=8)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title(f"Answer latency, {len(latencies)} questions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def write_reports(run: EvalRun, out_dir: str | Path) -> dict[str, Path]:
    """Write every report file into out_dir (created if needed); returns name -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = run.summary()
    paths = {"results": out / "results.jsonl", "summary": out / "summary.json"}
    with paths["results"].open("w", encoding="utf-8") as f:
        for r in run.results:
            f.write(json.dumps(r.as_dict(), ensure_ascii=False) + "\n")
    paths["summary"].write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    font = cjk_font()
    plots = {"metrics_by_kind": plot_metrics_by_kind(summary, out / "metrics_by_kind.png", font),
             "latency": plot_latency(run, out / "latency.png")}
    paths.update(plots)
    paths["report_md"] = out / "report.md"
    paths["report_md"].write_text(render_markdown(run, summary, plots), encoding="utf-8")
    paths["report_html"] = out / "report.html"
    paths["report_html"].write_text(render_html(run, summary, plots), encoding="utf-8")
    return paths
