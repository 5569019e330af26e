"""The public "政策匹配 / Incentive finder" tab: a company-profile form, and the finder's result as cited cards."""

from __future__ import annotations

from html import escape
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.incentives.compare import KINDS, NOT_STATED, CompareTable, compare, summary
from assistant.incentives.match import NO_CLAUSES, NO_CLAUSES_EN, MatchResult, match
from assistant.incentives.profile import profile_from_dict
from assistant.incentives.store import ClauseStore
from assistant.web.i18n import t

_STATUS = {"zh": {"eligible": "符合", "needs_info": "需补充信息", "ineligible": "不符合"},
           "en": {"eligible": "Eligible", "needs_info": "Needs information", "ineligible": "Not eligible"}}
_NUMBER_FIELDS = ("first_year_foreign_capital_usd", "foreign_capital_usd", "export_usd", "rent_area_m2",
                  "annual_tax_cny", "usd_cny_rate")
_LABEL_KEYS = ("f_region", "f_ownership", "f_industry", "f_fortune", "f_size", *(f"f_{n}" for n in _NUMBER_FIELDS),
               "f_rent_use", "f_talent", "f_as_of")


def _money(x: float | None) -> str:
    from assistant.incentives.benefit import yuan

    return "—" if x is None else yuan(x)


def result_html(result: MatchResult, lang: str) -> str:
    if not result.clause_count:
        return f'<div class="zs-finder-empty">{escape(NO_CLAUSES if lang == "zh" else NO_CLAUSES_EN)}</div>'
    rows = []
    for it in result.items:
        c = it.clause
        amount = _money(it.amount_cny_max) if it.amount_cny_min == it.amount_cny_max else (
            f"{_money(it.amount_cny_min)}–{_money(it.amount_cny_max)}")
        extra = "".join(f"<li>{escape(w)}</li>" for w in it.warnings)
        missing = f'<div class="zs-missing">{escape(t(lang, "f_missing"))}{escape(", ".join(it.missing))}</div>' \
            if it.missing else ""
        rows.append(
            f'<div class="zs-finder-item zs-{it.status}"><div><b>[{escape(_STATUS[lang][it.status])}]</b> '
            f'《{escape(c.policy)}》{escape(c.article)} · <b>{escape(amount)}</b></div>'
            f'<div>{escape(it.benefit)}</div>{missing}<ul>{extra}</ul>'
            f'<blockquote class="zs-quote">“{escape(c.quote)}”<br><small>{escape(c.source)} · '
            f'{escape(t(lang, "page", page=c.page))}</small></blockquote></div>')
    notes = "".join(f"<li>{escape(n)}</li>" for n in result.notes)
    tail = f'<p>{escape(t(lang, "f_unmatched", n=result.unmatched))}</p>' if result.unmatched else ""
    return f'<div class="zs-finder">{"".join(rows)}<ul class="zs-notes">{notes}</ul>{tail}</div>'


def compare_html(table: CompareTable) -> str:
    """One column per place (or policy), each cell cited; 资料未载明 where a place states none."""
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    cells = []
    for clauses in table.cells:
        if not clauses:
            cells.append(f"<td>{NOT_STATED}</td>")
            continue
        parts = [f'<div><b>{escape(c.article)}</b> {escape(summary(c))}<blockquote class="zs-quote">“'
                 f'{escape(c.quote)}”<br><small>{escape(c.source)}</small></blockquote></div>' for c in clauses]
        cells.append(f"<td>{''.join(parts)}</td>")
    return f'<table class="zs-compare"><tr>{head}</tr><tr>{"".join(cells)}</tr></table>'


class FinderPage:
    def __init__(self, assistant: Any):
        lib = assistant.library
        self.store = ClauseStore(lib.settings.index_dir, lib.catalog)

    def run(self, lang: str, *values: Any) -> str:
        names = ("region", "ownership", "industry", "fortune_global_500", "above_designated_size",
                 *_NUMBER_FIELDS, "rent_use", "talent", "as_of")
        data: dict[str, Any] = {}
        for name, v in zip(names, values, strict=True):
            if v in (None, "", False) and name not in ("fortune_global_500", "above_designated_size"):
                continue
            if name == "talent":
                v = {v: 1}
            data[name] = float(v) if name in _NUMBER_FIELDS else v
        for flag in ("fortune_global_500", "above_designated_size"):
            if data.get(flag) == "":
                data.pop(flag)
            elif flag in data:
                data[flag] = data[flag] == "yes"
        try:
            return result_html(match(self.store.clauses(), profile_from_dict(data)), lang)
        except AssistantError as exc:
            return f'<div class="zs-finder-error">{escape(str(exc))}</div>'

    def compare(self, kind: str, places: str) -> str:
        names = tuple(p.strip() for p in (places or "").replace("，", ",").split(",") if p.strip())
        return compare_html(compare(self.store.clauses(), kind, names))

    def build(self, lang0: str, lang: gr.Radio) -> gr.Tab:
        """The tab, inside the caller's gr.Tabs; relabelled when the page language changes."""
        yes_no = [("—", ""), ("是 / yes", "yes"), ("否 / no", "no")]
        with gr.Tab(t(lang0, "tab_finder"), id="finder", elem_id="zs-finder-tab") as tab:
            with gr.Row():
                region = gr.Textbox(label=t(lang0, "f_region"), elem_id="zs-f-region")
                owner = gr.Dropdown([("—", ""), ("domestic", "domestic"), ("foreign", "foreign"),
                                     ("hk_macao_taiwan", "hk_macao_taiwan")], value="",
                                    label=t(lang0, "f_ownership"), elem_id="zs-f-ownership")
                industry = gr.Textbox(label=t(lang0, "f_industry"), elem_id="zs-f-industry")
                fortune = gr.Dropdown(yes_no, value="", label=t(lang0, "f_fortune"))
                size = gr.Dropdown(yes_no, value="", label=t(lang0, "f_size"))
            with gr.Row():
                numbers = [gr.Number(None, label=t(lang0, f"f_{n}"), elem_id=f"zs-f-{n}") for n in _NUMBER_FIELDS]
            with gr.Row():
                rent_use = gr.Dropdown([("—", ""), ("office", "office"), ("factory", "factory")], value="",
                                       label=t(lang0, "f_rent_use"))
                talent = gr.Dropdown([("—", "")] + [(f"{c}", c) for c in "ABCDE"], value="",
                                     label=t(lang0, "f_talent"))
                as_of = gr.Textbox(label=t(lang0, "f_as_of"), placeholder="2021-06-30")
            go = gr.Button(t(lang0, "f_run"), variant="primary", elem_id="zs-f-run")
            out = gr.HTML("", elem_id="zs-f-result")
            with gr.Accordion(t(lang0, "c_title"), open=False) as acc, gr.Row():
                kind = gr.Dropdown(list(KINDS), value="foreign_investment", label=t(lang0, "c_kind"), scale=2)
                places = gr.Textbox(label=t(lang0, "c_places"), elem_id="zs-c-places", scale=3)
                compare_go = gr.Button(t(lang0, "c_run"), elem_id="zs-c-run", scale=1)
            table = gr.HTML("", elem_id="zs-c-result")
        fields = [region, owner, industry, fortune, size, *numbers, rent_use, talent, as_of]
        go.click(self.run, [lang, *fields], out, api_visibility="private")
        compare_go.click(self.compare, [kind, places], table, api_visibility="private")
        labelled = [region, owner, industry, fortune, size, *numbers, rent_use, talent, as_of, acc, kind, places,
                    compare_go]

        def relabel(lg: str) -> list[Any]:
            return [gr.update(label=t(lg, "tab_finder")), gr.update(value=t(lg, "f_run")),
                    *(gr.update(label=t(lg, k)) for k in _LABEL_KEYS), gr.update(label=t(lg, "c_title")),
                    gr.update(label=t(lg, "c_kind")), gr.update(label=t(lg, "c_places")),
                    gr.update(value=t(lg, "c_run"))]

        lang.change(relabel, lang, [tab, go, *labelled], api_visibility="private")
        return tab
