"""The staff "政策匹配" tab: a finder result for an inquiry's company profile as an editable text exported as DOCX,
and the review of extracted clauses (a correction is kept by clause id and survives re-ingest)."""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.incentives.benefit import yuan
from assistant.incentives.clauses import clause_from_dict
from assistant.incentives.match import NO_CLAUSES, MatchResult, match
from assistant.incentives.profile import profile_from_dict
from assistant.incentives.store import ClauseStore
from assistant.staff.reply_drafting import markdown_to_docx
from assistant.web.i18n import t

PRIVATE = {"api_visibility": "undocumented"}
_STATUS = {"eligible": "符合", "needs_info": "需补充信息", "ineligible": "不符合"}
_EDITABLE = ("kind", "policy", "article", "expires", "effective", "conditions", "unmodelled", "exclusions",
             "stacking", "benefit")


def result_markdown(result: MatchResult) -> str:
    """The finder result as a letter body staff can edit: one numbered point per clause, its quote as the source."""
    if not result.clause_count:
        return NO_CLAUSES
    lines = ["# 政策匹配结果", ""]
    for n, it in enumerate(result.items, 1):
        c = it.clause
        amount = f"，金额：{yuan(it.amount_cny_max)}" if it.amount_cny_max is not None else ""
        lines.append(f"{n}. 【{_STATUS[it.status]}】《{c.policy}》{c.article}：{it.benefit}{amount}")
        if it.missing:
            lines.append(f"   需补充：{', '.join(it.missing)}")
        lines += [f"   注意：{w}" for w in it.warnings]
        lines.append(f"   依据原文：“{c.quote}”（{c.source}，第{c.page}页）")
    lines += [f"叠加规则：{x}" for x in result.notes]
    return "\n".join(lines)


class StaffFinder:
    def __init__(self, actions: Any):
        lib = actions.assistant.library
        self.actions = actions
        self.store = ClauseStore(lib.settings.index_dir, lib.catalog)

    def run(self, profile_json: str) -> str:
        try:
            profile = profile_from_dict(json.loads(profile_json or "{}"))
        except json.JSONDecodeError as exc:
            return f"profile: not valid JSON ({exc.msg})"
        except AssistantError as exc:
            return str(exc)
        return result_markdown(match(self.store.clauses(), profile))

    def export_docx(self, text: str) -> str | None:
        return str(markdown_to_docx(text, self.actions._out("政策匹配结果.docx"))) if (text or "").strip() else None

    def clause_choices(self) -> Any:
        return gr.update(choices=[(f"{c.policy[:20]} {c.article} · {c.quote[:24]}", c.clause_id)
                                  for c in self.store.clauses()])

    def load(self, clause_id: str) -> str:
        c = next((c for c in self.store.clauses() if c.clause_id == clause_id), None)
        return "" if c is None else json.dumps(c.as_dict(), ensure_ascii=False, indent=1)

    def save(self, clause_id: str, record: str) -> str:
        """Keep the edited fields (kind, conditions, benefit…) as the clause's correction; quote and ids stay."""
        try:
            data = json.loads(record)
            clause_from_dict({**data, "clause_id": clause_id})  # the corrected record must still be a clause
        except (json.JSONDecodeError, TypeError, KeyError) as exc:
            return f"not saved: {exc}"
        self.store.correct(clause_id, {k: data[k] for k in _EDITABLE if k in data})
        return f"saved: {clause_id}"


def finder_tab(actions: Any, lang: str) -> None:
    staff = StaffFinder(actions)
    with gr.Row():
        with gr.Column(scale=2):
            profile = gr.Code('{"region": "", "ownership": "foreign", "foreign_capital_usd": 0}', language="json",
                              label=t(lang, "s_profile"), elem_id="zs-s-profile")
            go = gr.Button(t(lang, "f_run"), variant="primary", elem_id="zs-s-match")
        with gr.Column(scale=3):
            text = gr.Textbox(label=t(lang, "draft_text"), lines=20, max_lines=60, interactive=True,
                              elem_id="zs-s-result")
            docx = gr.Button(t(lang, "export_docx"), elem_id="zs-s-docx")
            out = gr.File(label=t(lang, "export_docx"), interactive=False, height=90)
    go.click(staff.run, profile, text, **PRIVATE)
    docx.click(staff.export_docx, text, out, **PRIVATE)
    with gr.Accordion(t(lang, "s_clauses"), open=False):
        with gr.Row():
            pick = gr.Dropdown([], label=t(lang, "s_clause"), elem_id="zs-s-clause", scale=4)
            refresh = gr.Button(t(lang, "refresh"), scale=1)
        record = gr.Code("", language="json", label=t(lang, "s_record"))
        save = gr.Button(t(lang, "s_save"))
        status = gr.Markdown("")
    refresh.click(staff.clause_choices, None, pick, **PRIVATE)
    pick.change(staff.load, pick, record, **PRIVATE)
    save.click(staff.save, [pick, record], status, **PRIVATE)
