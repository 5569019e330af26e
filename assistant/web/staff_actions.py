"""What the staff pages do: draft replies, manage the library, run evaluations, export feedback."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.staff.feedback import FeedbackStore
from assistant.staff.reply_drafting import draft_reply, markdown_to_docx, to_markdown
from assistant.types import IngestReport
from assistant.web.api.keys import ApiKeyStore
from assistant.web.i18n import t
from assistant.web.render import escape, library_rows
from assistant.web.uploads import UploadRejected, arrived_upload, store_upload

log = logging.getLogger(__name__)
META_FIELDS = ("title", "doc_type", "province", "city", "district", "effective", "expires", "repealed")
EVAL_COLUMNS = ["id", "kind", "language", "question", "passed", "answer", "latency_ms"]
# Gradio sees a gr.Progress default and hands the handler a live progress tracker for that call.
TRACKED = gr.Progress()
FEEDBACK_COLUMNS = ["id", "created_at", "rating", "question", "comment", "cited documents"]


class StaffActions:
    def __init__(self, assistant: Any, feedback: FeedbackStore, demo_password: bool, work_dir: Path,
                 files_dir: Path):
        self.assistant, self.feedback, self.demo_password = assistant, feedback, demo_password
        self.settings = assistant.settings
        self.lang = self.settings.language if self.settings.language in ("zh", "en") else "zh"
        self.work_dir = work_dir  # exports, before Gradio copies them into the staff file folder
        # The staff app's file folder (uploads, and Gradio's copies of them): the only place a file handed to a
        # handler may come from (StaffGuard already refuses requests naming other files; this is the second lock).
        self.files_dir = files_dir
        self.keys = ApiKeyStore(self.settings.index_dir)

    def _out(self, name: str) -> Path:
        folder = self.work_dir / dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    # --- reply drafting ------------------------------------------------------------------------
    def draft(self, inquiry: str, salutation: str) -> str:
        if not (inquiry or "").strip():
            return ""
        lib = self.assistant.library
        reply = draft_reply(inquiry, lambda q: self.assistant.ask(q), self.settings.bureau_name, salutation,
                            contacts_for=lambda ids: (lib.contacts(list(ids)) if ids is not None
                                                      else self.assistant.handoff.for_question(inquiry)),
                            write=self.assistant.complete if self.assistant.llm is not None else None)
        return to_markdown(reply)

    def export_docx(self, text: str) -> str | None:
        return str(markdown_to_docx(text, self._out("复函草稿.docx"))) if (text or "").strip() else None

    def export_md(self, text: str) -> str | None:
        if not (text or "").strip():
            return None
        out = self._out("复函草稿.md")
        out.write_text(text, encoding="utf-8")
        return str(out)

    # --- library -------------------------------------------------------------------------------
    def table(self) -> Any:
        return gr.update(value=library_rows(self.assistant.library.docs(), self.lang))

    def doc_choices(self) -> Any:
        return gr.update(choices=[(f"{d.title or d.file_name} ({d.doc_id})", d.doc_id)
                                  for d in self.assistant.library.docs()])

    def upload(self, files: list[str] | None, progress: gr.Progress = TRACKED) -> tuple[str, Any, Any]:
        """Validate, store and index uploads; rejected files are listed, the rest are indexed."""
        arrived, messages = [], []
        for temp in files or []:
            try:
                uploaded = arrived_upload(temp, self.files_dir)
                arrived.append((uploaded, uploaded.name))
            except UploadRejected as exc:
                messages.append(t(self.lang, "rejected", reason=str(exc)))
        tracker = IngestProgress(progress, self.lang)
        report, rejected = ingest_uploads(self.assistant.library, arrived, self.settings, tracker.file, tracker.page)
        messages += [t(self.lang, "rejected", reason=reason) for reason in rejected]
        if report is not None:
            messages.append(t(self.lang, "done", summary=_ingest_summary(report, self.lang)))
            messages += [f"✗ {Path(p).name}: {reason}" for p, reason in report.failed]
        return _status(messages), self.table(), self.doc_choices()

    def reindex(self, progress: gr.Progress = TRACKED) -> tuple[str, Any]:
        tracker = IngestProgress(progress, self.lang)
        report = self.assistant.library.reindex(progress=tracker.file, pages=tracker.page)
        return _status([t(self.lang, "done", summary=_ingest_summary(report, self.lang)),
                        *(f"✗ {Path(p).name}: {reason}" for p, reason in report.failed)]), self.table()

    def load_meta(self, doc_id: str) -> list[Any]:
        rec = next((d for d in self.assistant.library.docs() if d.doc_id == doc_id), None)
        return [getattr(rec, f, "") if rec else "" for f in META_FIELDS]

    def save_meta(self, doc_id: str, *values: str) -> tuple[str, Any]:
        if not doc_id:
            return "", self.table()
        try:
            rec = self.assistant.library.update_meta(doc_id, **dict(zip(META_FIELDS, values, strict=True)))
        except AssistantError as exc:
            return _status([f"✗ {exc}"]), self.table()
        return _status([f"✓ {rec.doc_id}"]), self.table()

    def delete(self, doc_id: str) -> tuple[str, Any, Any]:
        if not doc_id:
            return "", self.table(), self.doc_choices()
        try:
            rec = self.assistant.library.delete(doc_id)
        except AssistantError as exc:
            return _status([f"✗ {exc}"]), self.table(), self.doc_choices()
        return _status([f"✓ {rec.doc_id}"]), self.table(), self.doc_choices()

    # --- API keys (for the REST API's staff operations) ---------------------------------------------
    def key_rows(self) -> Any:
        return gr.update(value=[[k.key_id, k.name, k.created_at, "…" + k.hint] for k in self.keys.keys()])

    def key_choices(self) -> Any:
        return gr.update(choices=[(f"{k.name} ({k.key_id}, …{k.hint})", k.key_id) for k in self.keys.keys()],
                         value=None)

    def create_key(self, name: str) -> tuple[str, Any, Any]:
        key, secret = self.keys.create(name)
        log.warning("API key %s (%s) created in the staff pages", key.key_id, key.name)
        return secret, self.key_rows(), self.key_choices()

    def revoke_key(self, key_id: str | None) -> tuple[str, Any, Any]:
        done = bool(key_id) and self.keys.revoke(key_id)
        if done:
            log.warning("API key %s revoked in the staff pages", key_id)
        return (t(self.lang, "key_revoked", key_id=key_id) if done else ""), self.key_rows(), self.key_choices()

    # --- evaluation and feedback -----------------------------------------------------------------
    def evaluate(self, suite_file: str | None, progress: gr.Progress = TRACKED) -> tuple[str, list, Any, list]:
        from assistant.evaluation.report import write_reports
        from assistant.evaluation.runner import run_suite
        from assistant.evaluation.suite import load_suite

        if not suite_file:
            return "", [], gr.update(value=[]), []
        try:
            suite_file = str(arrived_upload(suite_file, self.files_dir))
            cases = load_suite(suite_file)
        except UploadRejected as exc:
            return _status([t(self.lang, "rejected", reason=str(exc))]), [], gr.update(value=[]), []
        except AssistantError as exc:
            return _status([f"✗ {exc}"]), [], gr.update(value=[]), []
        run = run_suite(cases, lambda q, h: self.assistant.ask(q, h), k=self.settings.top_k,
                        progress=lambda done, total: progress((done, total)), suite=Path(suite_file).name)
        paths = write_reports(run, self._out("report").with_suffix(""))
        summary = run.summary()
        rows = [[r.case.id, r.case.kind, r.language, r.case.question, "✓" if r.passed else "✗",
                 (r.answer.text if r.answer else r.error)[:300], round(r.latency_ms)] for r in run.results]
        plots = [str(p) for k, p in paths.items() if str(p).endswith(".png")]
        return _summary_markdown(summary, self.lang), plots, gr.update(value=rows), [str(p) for p in paths.values()]

    def feedback_rows(self) -> Any:
        rows = [[f.id, f.created_at, "+1" if f.rating > 0 else "-1", f.question, f.comment,
                 ", ".join(sorted(f.doc_versions))] for f in self.feedback.rows(limit=200)]
        return gr.update(value=rows)

    def export_feedback(self, kind: str) -> str:
        out = self._out(f"feedback.{kind}")
        return str(self.feedback.export_csv(out) if kind == "csv" else self.feedback.export_jsonl(out))


class IngestProgress:
    """Ingest progress as the staff page shows it: "文件 1/2 · scan.pdf · 第 3/12 页（OCR）", the bar moving page by
    page (a scanned PDF takes seconds a page; a bar that only counts files sits at 0% meanwhile)."""

    def __init__(self, progress: Any, lang: str):
        self.progress, self.lang = progress, lang
        self.done, self.total = 0, 1

    def file(self, done: int, total: int, name: str) -> None:
        self.done, self.total = done, max(total, 1)
        if name:
            self.progress(done / self.total, desc=t(self.lang, "progress_file", i=done + 1, n=self.total, name=name))

    def page(self, name: str, page: int, pages: int, ocr: bool) -> None:
        where = t(self.lang, "progress_file", i=self.done + 1, n=self.total, name=name)
        step = t(self.lang, "progress_page", page=page, pages=pages) + (t(self.lang, "progress_ocr") if ocr else "")
        self.progress((self.done + page / max(pages, 1)) / self.total, desc=f"{where} · {step}")


def ingest_uploads(library: Any, uploads: list[tuple[Path, str]], settings: Any,
                   progress: Any = None, pages: Any = None) -> tuple[IngestReport | None, list[str]]:
    """Store each (received file, original name) in index_dir/uploads under a safe name and index those accepted:
    the one upload path of the staff pages and the REST API. Returns the report (None when nothing was
    accepted) and the reasons files were refused."""
    accepted, rejected = [], []
    for temp, name in uploads:
        try:
            accepted.append(store_upload(temp, name, settings.index_dir / "uploads", settings.upload_max_mb).path)
        except UploadRejected as exc:
            rejected.append(str(exc))
    return (library.ingest(accepted, progress=progress, pages=pages) if accepted else None), rejected


def _status(lines: list[str]) -> str:
    """Status lines for a Markdown component: file names and ingest errors escaped, so they stay text."""
    return "<br>".join(escape(line) for line in lines)


def _ingest_summary(report: Any, lang: str) -> str:
    """The ingest report's counts in the page's language (the CLI keeps IngestReport.summary_line)."""
    skipped = t(lang, "ingest_skipped", n=len(report.skipped)) if report.skipped else ""
    return t(lang, "ingest_summary", added=len(report.added), updated=len(report.updated),
             unchanged=len(report.unchanged), duplicate=len(report.duplicate), failed=len(report.failed),
             skipped=skipped, chunks=report.chunks_written, seconds=report.seconds)


def _summary_markdown(summary: dict, lang: str) -> str:
    """Headline plus the overall and per-kind metric tables (the evaluation report's own tables)."""
    from assistant.evaluation.report import breakdown_table, markdown_table, overall_table

    head = t(lang, "eval_head", passed=summary["passed"], cases=summary["overall"]["cases"],
             errors=summary["errors"], k=summary["k"], seconds=summary["seconds"])
    return "\n\n".join([head, markdown_table(overall_table(summary)),
                        markdown_table(breakdown_table(summary, "by_kind"))])
