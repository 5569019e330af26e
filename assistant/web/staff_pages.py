"""The staff Blocks layout: reply drafting, library, evaluation and feedback tabs, wired to StaffActions."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.types import DOC_TYPES
from assistant.web.i18n import doc_type_label, t
from assistant.web.render import LIBRARY_COLUMNS, banner, escape
from assistant.web.staff_actions import EVAL_COLUMNS, FEEDBACK_COLUMNS, META_FIELDS, StaffActions
from assistant.web.staff_finder import finder_tab
from assistant.web.uploads import ALLOWED_SUFFIXES

PRIVATE = {"api_visibility": "undocumented"}  # callable by the staff page itself, not listed in API docs


def build_staff_pages(actions: StaffActions) -> gr.Blocks:
    lang = actions.lang
    with gr.Blocks(title=t(lang, "staff_title"), analytics_enabled=False) as page:
        gr.HTML(f'<div class="zs-header zs-staff"><div class="zs-logo">招</div><div><h1>{escape(t(lang, "staff_title"))}'
                f'</h1><p>{escape(actions.settings.bureau_name)}</p></div></div>')
        if actions.demo_password:
            gr.HTML(banner(t(lang, "demo_banner")), elem_id="zs-demo-banner")
        with gr.Tabs():
            with gr.Tab(t(lang, "tab_reply"), id="reply"):
                _reply_tab(actions, lang)
            with gr.Tab(t(lang, "tab_library"), id="library"):
                _library_tab(actions, lang, page)
            with gr.Tab(t(lang, "tab_eval"), id="eval"):
                _eval_tab(actions, lang)
            with gr.Tab(t(lang, "tab_feedback"), id="feedback"):
                _feedback_tab(actions, lang, page)
            with gr.Tab(t(lang, "tab_finder"), id="finder"):
                finder_tab(actions, lang)
            with gr.Tab(t(lang, "tab_api_keys"), id="api_keys"):
                _api_keys_tab(actions, lang, page)
    return page


def _reply_tab(actions: StaffActions, lang: str) -> None:
    with gr.Row():
        with gr.Column(scale=2):
            inquiry = gr.Textbox(label=t(lang, "inquiry"), placeholder=t(lang, "inquiry_ph"), lines=10,
                                 elem_id="zs-inquiry")
            salutation = gr.Textbox(label=t(lang, "salutation"), elem_id="zs-salutation")
            go = gr.Button(t(lang, "draft"), variant="primary", elem_id="zs-draft")
        with gr.Column(scale=3):
            text = gr.Textbox(label=t(lang, "draft_text"), lines=26, max_lines=60, interactive=True,
                              elem_id="zs-draft-text", buttons=["copy"])
            with gr.Row():
                docx = gr.Button(t(lang, "export_docx"), elem_id="zs-export-docx")
                md = gr.Button(t(lang, "export_md"), elem_id="zs-export-md")
            out = gr.File(label=t(lang, "export_docx"), interactive=False, elem_id="zs-draft-file", height=90)
    go.click(actions.draft, [inquiry, salutation], text, api_name="draft_reply")
    docx.click(actions.export_docx, text, out, **PRIVATE)
    md.click(actions.export_md, text, out, **PRIVATE)


def _library_tab(actions: StaffActions, lang: str, page: gr.Blocks) -> None:
    with gr.Row():
        files = gr.File(label=t(lang, "upload"), file_count="multiple", file_types=list(ALLOWED_SUFFIXES),
                        elem_id="zs-upload", scale=3)
        with gr.Column(scale=1):
            ingest = gr.Button(t(lang, "ingest"), variant="primary", elem_id="zs-ingest")
            reindex = gr.Button(t(lang, "reindex"), elem_id="zs-reindex")
            refresh = gr.Button(t(lang, "refresh"))
    status = gr.Markdown(elem_id="zs-library-status")
    table = gr.Dataframe(headers=[t(lang, "col_" + c) for c in LIBRARY_COLUMNS], interactive=False, wrap=True, elem_id="zs-library",
                         max_height=420)
    with gr.Accordion(t(lang, "save_meta"), open=False):
        doc = gr.Dropdown([], label=t(lang, "doc_select"), elem_id="zs-doc-select")
        with gr.Row():
            fields = [gr.Textbox(label=t(lang, "title"), scale=3),
                      gr.Dropdown([(doc_type_label(lang, d), d) for d in DOC_TYPES], label=t(lang, "doc_type")),
                      *(gr.Textbox(label=t(lang, f)) for f in META_FIELDS[2:5])]
        with gr.Row():
            fields += [gr.Textbox(label=t(lang, f), placeholder="YYYY-MM-DD") for f in META_FIELDS[5:]]
        with gr.Row():
            save = gr.Button(t(lang, "save_meta"), variant="primary")
            delete = gr.Button(t(lang, "delete"), variant="stop", elem_id="zs-delete")
    # Progress over the status line only: the library table stays readable while a long PDF is indexed.
    ingest.click(actions.upload, files, [status, table, doc], show_progress_on=[status], **PRIVATE).then(
        lambda: None, None, files, **PRIVATE)
    reindex.click(actions.reindex, None, [status, table], show_progress_on=[status], **PRIVATE)
    refresh.click(lambda: (actions.table(), actions.doc_choices()), None, [table, doc], **PRIVATE)
    doc.change(actions.load_meta, doc, fields, **PRIVATE)
    save.click(actions.save_meta, [doc, *fields], [status, table], **PRIVATE)
    delete.click(actions.delete, doc, [status, table, doc], **PRIVATE)
    page.load(lambda: (actions.table(), actions.doc_choices()), None, [table, doc], **PRIVATE)


def _eval_tab(actions: StaffActions, lang: str) -> None:
    with gr.Row():
        suite = gr.File(label=t(lang, "suite_file"), file_types=[".jsonl"], elem_id="zs-suite", scale=3)
        run = gr.Button(t(lang, "run_eval"), variant="primary", elem_id="zs-run-eval", scale=1)
    summary = gr.Markdown(elem_id="zs-eval-summary")
    plots = gr.Gallery(columns=2, height=420, object_fit="contain", show_label=False, elem_id="zs-eval-plots")
    rows = gr.Dataframe(headers=EVAL_COLUMNS, interactive=False, wrap=True, max_height=420)
    report = gr.File(label=t(lang, "eval_report"), file_count="multiple", interactive=False,
                     elem_id="zs-eval-report")
    run.click(actions.evaluate, suite, [summary, plots, rows, report], **PRIVATE)


def _feedback_tab(actions: StaffActions, lang: str, page: gr.Blocks) -> None:
    with gr.Row():
        refresh = gr.Button(t(lang, "refresh"))
        csv = gr.Button(t(lang, "export_csv"), elem_id="zs-export-csv")
        jsonl = gr.Button(t(lang, "export_jsonl"), elem_id="zs-export-jsonl")
    out = gr.File(interactive=False, elem_id="zs-feedback-file", show_label=False)
    table: Any = gr.Dataframe(headers=FEEDBACK_COLUMNS, interactive=False, wrap=True, max_height=480)
    refresh.click(actions.feedback_rows, None, table, **PRIVATE)
    csv.click(lambda: actions.export_feedback("csv"), None, out, **PRIVATE)
    jsonl.click(lambda: actions.export_feedback("jsonl"), None, out, **PRIVATE)
    page.load(actions.feedback_rows, None, table, **PRIVATE)


def _api_keys_tab(actions: StaffActions, lang: str, page: gr.Blocks) -> None:
    gr.Markdown(t(lang, "api_keys_help"))
    with gr.Row():
        name = gr.Textbox(label=t(lang, "key_name"), elem_id="zs-key-name", scale=3)
        create = gr.Button(t(lang, "key_create"), variant="primary", elem_id="zs-key-create", scale=1)
    secret = gr.Textbox(label=t(lang, "key_new"), interactive=False, buttons=["copy"], elem_id="zs-key-secret")
    table: Any = gr.Dataframe(headers=["id", "name", "created", "key"], interactive=False, elem_id="zs-keys")
    with gr.Row():
        chosen = gr.Dropdown([], label=t(lang, "key_select"), elem_id="zs-key-select", scale=3)
        revoke = gr.Button(t(lang, "key_revoke"), variant="stop", elem_id="zs-key-revoke", scale=1)
    status = gr.Markdown(elem_id="zs-key-status")
    create.click(actions.create_key, name, [secret, table, chosen], **PRIVATE)
    revoke.click(actions.revoke_key, chosen, [status, table, chosen], **PRIVATE)
    page.load(lambda: (actions.key_rows(), actions.key_choices()), None, [table, chosen], **PRIVATE)
