"""Everyday chat chores on the demo corpus, in a real browser: copy as text, new answers in view, the region filter."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ask, last_answer, open_chat, save_screenshot

pytestmark = pytest.mark.browser


def test_copy_button_copies_the_answer_as_text_with_its_sources(browser, demo_app):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        open_chat(page, demo_app)
        ask(page, "厂房租金补贴是多少？")
        last_answer(page).locator(".zs-copy").click()
        page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "<" not in copied and "&#" not in copied, copied  # no HTML, no entities
        assert "100万元。[1]" in copied
        assert "资料来源：" in copied and "[1] 锦川经济开发区投资指南（演示资料）" in copied
        assert "demo_park_brochure.md · 第1页 · 第二条" in copied
    finally:
        context.close()


def _in_view(page) -> bool:
    """The start of the latest answer is inside the chat's visible area."""
    return page.evaluate("""() => {
      const answers = document.querySelectorAll('#zs-chat .zs-answer:not(.zs-streaming)');
      const a = answers[answers.length - 1].querySelector('.zs-text');
      let box = a.parentElement;
      while (box && !(/(auto|scroll)/.test(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight))
        box = box.parentElement;
      const r = a.getBoundingClientRect(), b = box.getBoundingClientRect();
      return r.top >= b.top - 1 && r.top < b.bottom - 20;
    }""")


def test_new_answers_scroll_into_view_after_a_citation_was_opened(page, demo_app):
    open_chat(page, demo_app)
    ask(page, "北京经济技术开发区条例的适用范围是什么？")
    ask(page, "中小企业款项支付有什么规定？")
    # Opening a source card of the first answer scrolls the chat up, away from the bottom.
    page.locator("#zs-chat .zs-answer").first.locator(".zs-cite").first.click()
    page.wait_for_timeout(600)
    for question in ("厂房租金补贴是多少？", "研发奖励多少钱？"):
        ask(page, question)
        page.wait_for_timeout(400)  # the scroll follows the render by a frame
        assert _in_view(page), question


def test_region_filter_offers_and_applies_districts_a_city_article_covers(page, demo_app):
    open_chat(page, demo_app)
    page.locator("#zs-region input").click()
    options = page.locator("#zs-region [role=option]")
    options.first.wait_for()
    names = [o.get_attribute("aria-label") for o in options.all()]
    assert {"温江区", "邛崃市", "金牛区"} <= set(names), names
    page.locator('#zs-region [role=option][aria-label="温江区"]').click()
    ask(page, "光通信精准对接活动在哪里举行？")
    answer = last_answer(page)
    assert "深圳" in answer.locator(".zs-text").inner_text()
    assert "chengdu_quxian_zhaoshang.txt" in answer.locator(".zs-card").first.inner_text()


ENGLISH_CONVERSATION = [
    ("What subsidies are there for factory rent?", "3 years; 50%; CNY 1 million", "100万元"),
    ("How much is the housing subsidy for new PhD employees?", "CNY 200,000", "20万元安家补贴"),
    ("When did the Foreign Investment Law take effect?", "1 January 2020", "2020年1月1日"),
    ("What is the phone number of the investment promotion bureau of Jinchuan Economic Development Zone?",
     "phone 0835-6218890", "投资促进局"),
    ("How large is the mother fund of Jinniu District?", "CNY 5 billion", "50亿元母基金"),
]


def test_an_english_conversation_on_the_demo_corpus_is_readable_without_chinese(page, demo_app):
    """Five questions a foreign investor asks: English lead-ins with figures in English units, quotes in Chinese."""
    open_chat(page, demo_app, "?lang=en")
    page.get_by_placeholder("Type your question…").wait_for()
    for question, english, chinese in ENGLISH_CONVERSATION:
        ask(page, question)
        text = last_answer(page).locator(".zs-text").inner_text()
        assert english in text and chinese in text, (question, text)
        assert text.startswith(("From the ", "According to the documents")), text
    # The whole conversation in one picture for the README (the chat box scrolls; the picture does not).
    page.add_style_tag(content="#zs-chat { height: auto !important; max-height: none !important; }"
                               " #zs-chat .bubble-wrap { max-height: none !important; overflow: visible !important; }")
    save_screenshot(page, "chat_english")


def test_a_newcomers_chat_on_the_demo_corpus(page, demo_app):
    """What `python app.py` shows a newcomer: a cited answer, its card opened on the quote (README screenshot)."""
    open_chat(page, demo_app)
    ask(page, "厂房租金补贴是多少？")
    answer = last_answer(page)
    assert "100万元" in answer.locator(".zs-text").inner_text()
    answer.locator(".zs-cite").first.click()
    answer.locator(".zs-card .zs-context mark").first.wait_for()
    assert "已过期" in answer.locator(".zs-badge-warn").first.inner_text()  # the demo brochure expired in 2024
    save_screenshot(page, "chat")
