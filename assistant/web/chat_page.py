"""The public investor chat: streamed cited answers with source cards, filters, zh/en switch, feedback."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.staff.feedback import FeedbackStore
from assistant.types import DOC_TYPES, Answer, Filters
from assistant.web.finder_page import FinderPage
from assistant.web.i18n import LANGUAGES, doc_type_label, t
from assistant.web.render import answer_html, escape, partial_html, user_html

log = logging.getLogger(__name__)
EXAMPLE_KEYS = ("example_1", "example_2", "example_3")
# The LLM fallback notice carries the raw error (server address, model, exception text): for the log and the
# staff pages, not for anonymous visitors, who get a fixed sentence instead.
_LLM_NOTICE = "LLM unavailable/failed checks"
# Each update of the chat is a round trip through Gradio (postprocess on a worker thread, a diff, an event-stream
# message, a re-render): streamed text is shown at most this often. An extractive answer's lines arrive together
# and go out with the final answer, under any load; an LLM's tokens still appear ten times a second.
STREAM_EVERY = 0.1
# Questions in flight beyond the chat_workers doing CPU work: they wait on the Assistant's own slots (woken the
# moment one frees) or on the LLM, holding a thread but no CPU; Gradio's thread pool has 40. Were Gradio's queue
# the limit, each finished question would free its slot only at the queue's next poll (every 50 ms): with 20
# visitors asking at once on 8 workers that added ~100 ms to the last answers.
WAITING = 24


def answer_slots(workers: int) -> int:
    """Questions Gradio's queue lets in at once; the CPU-bound part is bounded by the Assistant's slots."""
    return max(1, workers) + WAITING


def public_answer(answer: Answer, lang: str) -> Answer:
    """The answer as a visitor may see it: operational notices replaced by a fixed sentence."""
    if not any(w.startswith(_LLM_NOTICE) for w in answer.warnings):
        return answer
    for w in answer.warnings:
        if w.startswith(_LLM_NOTICE):
            log.warning("%s", w)
    kept = [w for w in answer.warnings if not w.startswith(_LLM_NOTICE)]
    return replace(answer, warnings=(*kept, t(lang, "llm_fallback")))


def header_html(lang: str) -> str:
    return (f'<div class="zs-header"><div class="zs-logo">招</div><div><h1>{escape(t(lang, "app_title"))}</h1>'
            f'<p>{escape(t(lang, "app_subtitle"))}</p></div></div>')


def footer_html(lang: str) -> str:
    return (f'<div class="zs-footer">{escape(t(lang, "disclaimer"))} · '
            f'<a href="staff/" class="zs-staff-link">{escape(t(lang, "staff_link"))}</a></div>')


class ChatPage:
    """Builds the public Blocks; handlers are methods so they share the assistant and the feedback store."""

    def __init__(self, assistant: Any, feedback: FeedbackStore, default_lang: str = "zh", workers: int = 8):
        self.assistant, self.feedback, self.workers = assistant, feedback, workers
        self.default_lang = default_lang if default_lang in LANGUAGES else "zh"
        # Only an LLM's answers take seconds: without one the chat sends one update per question (respond_once),
        # as each update is a round trip through Gradio on the server's one Python thread.
        self.slow = getattr(assistant, "llm", None) is not None

    # --- handlers ------------------------------------------------------------------------------
    def respond(self, question: str, messages: list, turns: list[Answer], region: str, doc_type: str,
                valid_only: bool, lang: str) -> Iterator[tuple[str, list, list[Answer]]]:
        """Stream one answer into the chat; the final Answer replaces the streamed text with cards."""
        question = (question or "").strip()
        if not question:
            yield "", messages, turns
            return
        messages = [*messages, {"role": "user", "content": user_html(question)},
                    {"role": "assistant", "content": partial_html(t(lang, "thinking"))}]
        yield "", messages, turns
        history = [(a.question, a.text) for a in turns]
        filters = Filters(region or "", doc_type or "", bool(valid_only))
        streamed, final, shown = "", None, 0.0
        try:
            for item in self.assistant.ask_stream(question, history, filters):
                if isinstance(item, Answer):
                    final = item
                    continue
                streamed += item
                shown = shown or time.monotonic()  # the clock starts at the first text, not at "thinking"
                if time.monotonic() - shown >= STREAM_EVERY:
                    messages[-1] = {"role": "assistant", "content": partial_html(streamed)}
                    yield "", messages, turns
                    shown = time.monotonic()
        except AssistantError as exc:  # the fix is for the operator (log); the visitor gets a fixed sentence
            log.error("answering %r failed: %s", question[:80], exc)
            messages[-1] = {"role": "assistant", "content": partial_html(t(lang, "error_public"))}
            yield "", messages, turns
            return
        if final is None:
            return
        final = public_answer(final, lang)
        turns = [*turns, final]
        messages[-1] = {"role": "assistant", "content": answer_html(final, f"a{len(turns)}", lang)}
        yield "", messages, turns

    def respond_once(self, question: str, messages: list, turns: list[Answer], region: str, doc_type: str,
                     valid_only: bool, lang: str) -> tuple[str, list, list[Answer]]:
        """The handler when no LLM streams: one return instead of a generator, so Gradio sends the answer once
        (a generator's last yield goes out as an update and again as the completed output, diffed between) and
        no "searching…" placeholder, which an answer in ~40 ms would only flicker."""
        updates = list(self.respond(question, messages, turns, region, doc_type, valid_only, lang))
        return updates[-1] if updates else ("", messages, turns)

    def rate(self, rating: int, turns: list[Answer], comment: str, lang: str) -> tuple[int | None, str]:
        """Store a thumbs up/down on the latest answer with the optional comment; returns its id."""
        if not turns:
            return None, t(lang, "feedback_none")
        feedback_id = self.feedback.add(turns[-1], rating, comment or "")
        return feedback_id, t(lang, "feedback_thanks")

    def add_comment(self, feedback_id: int | None, comment: str, lang: str) -> str:
        if feedback_id is None:
            return t(lang, "feedback_none")
        self.feedback.comment(feedback_id, comment or "")
        return t(lang, "feedback_thanks")

    def region_choices(self, lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "region_all"), ""), *((r, r) for r in self.assistant.library.filter_regions())]

    @staticmethod
    def type_choices(lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "doc_type_all"), ""), *((doc_type_label(lang, d), d) for d in DOC_TYPES)]

    def relabel(self, lang: str) -> list[Any]:
        """Updates for every labelled component, in the order of self.labelled (whole-UI language switch)."""
        return [
            header_html(lang), gr.update(label=t(lang, "chat_label")),
            gr.update(placeholder=t(lang, "placeholder")), gr.update(value=t(lang, "send")),
            gr.update(value=t(lang, "clear")), gr.update(label=t(lang, "filters")),
            gr.update(label=t(lang, "region"), choices=self.region_choices(lang)),
            gr.update(label=t(lang, "doc_type"), choices=self.type_choices(lang)),
            gr.update(label=t(lang, "valid_only")), f"**{t(lang, 'examples')}**",
            *(gr.update(value=t(lang, k)) for k in EXAMPLE_KEYS),
            f"**{t(lang, 'feedback_title')}**", gr.update(value=t(lang, "feedback_up")),
            gr.update(value=t(lang, "feedback_down")), gr.update(label=t(lang, "feedback_comment")),
            footer_html(lang),
        ]

    def on_load(self, request: gr.Request) -> list[Any]:
        """?lang=en in the URL opens the English interface directly: the language radio's change relabels the
        page. A page in its built language only refreshes the library's regions and document types (uploads may
        have added some): relabelling every component made Gradio rebuild each one and its API schema for every
        visitor, ~26 ms of the server's CPU per page load."""
        asked = request.query_params.get("lang", "") if request else ""
        lang = asked if asked in LANGUAGES else self.default_lang
        return [lang, gr.update(choices=self.region_choices(self.default_lang)),
                gr.update(choices=self.type_choices(self.default_lang))]

    # --- layout --------------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        lang0 = self.default_lang
        with gr.Blocks(title=t(lang0, "app_title"), analytics_enabled=False) as page:
            turns = gr.State([])
            feedback_id = gr.State(None)
            with gr.Row(elem_classes="zs-topbar"):
                header = gr.HTML(header_html(lang0))
                lang = gr.Radio([("中文", "zh"), ("English", "en")], value=lang0, show_label=False,
                                container=False, elem_id="zs-lang", scale=0, min_width=180)
            with gr.Tabs():
                with gr.Tab(t(lang0, "tab_chat"), id="chat") as chat_tab, gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chat = self._chat_column(lang0)
                    with gr.Column(scale=1, min_width=260):
                        side = self._side_column(lang0)
                FinderPage(self.assistant).build(lang0, lang)
            lang.change(lambda lg: gr.update(label=t(lg, "tab_chat")), lang, chat_tab, api_visibility="private")
            footer = gr.HTML(footer_html(lang0))
            self._wire(page, chat, side, lang, turns, feedback_id, header, footer)
        return page

    def _chat_column(self, lang: str) -> dict[str, Any]:
        c: dict[str, Any] = {}
        c["bot"] = gr.Chatbot(label=t(lang, "chat_label"), height=560, latex_delimiters=[], feedback_options=None,
                              elem_id="zs-chat", buttons=[], placeholder=None)
        with gr.Row():
            c["box"] = gr.Textbox(placeholder=t(lang, "placeholder"), show_label=False, scale=8, lines=1,
                                  max_lines=4, elem_id="zs-question", container=False)
            c["send"] = gr.Button(t(lang, "send"), variant="primary", scale=1, min_width=90, elem_id="zs-send")
            c["clear"] = gr.Button(t(lang, "clear"), variant="secondary", scale=1, min_width=90)
        c["ex_title"] = gr.Markdown(f"**{t(lang, 'examples')}**")
        with gr.Row():
            c["examples"] = [gr.Button(t(lang, k), size="sm", elem_classes="zs-example") for k in EXAMPLE_KEYS]
        return c

    def _side_column(self, lang: str) -> dict[str, Any]:
        s: dict[str, Any] = {}
        with gr.Accordion(t(lang, "filters"), open=True) as s["acc"]:
            s["region"] = gr.Dropdown(self.region_choices(lang), value="", label=t(lang, "region"),
                                      elem_id="zs-region")
            s["type"] = gr.Dropdown(self.type_choices(lang), value="", label=t(lang, "doc_type"), elem_id="zs-type")
            s["valid"] = gr.Checkbox(False, label=t(lang, "valid_only"), elem_id="zs-valid")
        with gr.Group(elem_classes="zs-feedback"):
            s["fb_title"] = gr.Markdown(f"**{t(lang, 'feedback_title')}**")
            with gr.Row():
                s["up"] = gr.Button(t(lang, "feedback_up"), size="sm", elem_id="zs-up")
                s["down"] = gr.Button(t(lang, "feedback_down"), size="sm", elem_id="zs-down")
            s["comment"] = gr.Textbox(label=t(lang, "feedback_comment"), lines=2, elem_id="zs-comment")
            s["status"] = gr.Markdown("", elem_id="zs-feedback-status")
        return s

    def _wire(self, page: gr.Blocks, c: dict, s: dict, lang: gr.Radio, turns: gr.State, feedback_id: gr.State,
              header: gr.HTML, footer: gr.HTML) -> None:
        ask_inputs = [c["box"], c["bot"], turns, s["region"], s["type"], s["valid"], lang]
        ask_outputs = [c["box"], c["bot"], turns]
        # api_visibility private: the chat is for the page, not a public bulk-question API. Questions are
        # answered concurrently (retrieval is read-only) by a bounded pool shared by all three triggers; the
        # CPU-bound part by at most chat_workers (the Assistant's slots), LLM waits beside it (answer_slots).
        slots = answer_slots(self.workers)
        ask = {"api_visibility": "private", "concurrency_limit": slots, "concurrency_id": "ask"}
        answer = self.respond if self.slow else self.respond_once
        c["box"].submit(answer, ask_inputs, ask_outputs, **ask)
        c["send"].click(answer, ask_inputs, ask_outputs, **ask)
        for button in c["examples"]:
            button.click(lambda q: q, button, c["box"], api_visibility="private").then(
                answer, ask_inputs, ask_outputs, **ask)
        c["clear"].click(lambda: ([], [], None, ""), None, [c["bot"], turns, feedback_id, s["status"]],
                         api_visibility="private")
        s["up"].click(lambda *a: self.rate(1, *a), [turns, s["comment"], lang], [feedback_id, s["status"]],
                      api_visibility="private")
        s["down"].click(lambda *a: self.rate(-1, *a), [turns, s["comment"], lang], [feedback_id, s["status"]],
                        api_visibility="private")
        s["comment"].submit(self.add_comment, [feedback_id, s["comment"], lang], s["status"],
                            api_visibility="private")
        labelled = [header, c["bot"], c["box"], c["send"], c["clear"], s["acc"], s["region"], s["type"],
                    s["valid"], c["ex_title"], *c["examples"], s["fb_title"], s["up"], s["down"], s["comment"],
                    footer]
        lang.change(self.relabel, lang, labelled, api_visibility="private")
        page.load(self.on_load, None, [lang, s["region"], s["type"]], api_visibility="private")
