"""The investor chat in a real browser: cited answers with source cards, follow-ups, English, refusals."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ask, last_answer, open_chat, save_screenshot

pytestmark = pytest.mark.browser
POLICY = "wenjiang_optical_policy.txt"


def test_question_gets_cited_answer_with_source_card(page, app):
    open_chat(page, app)
    ask(page, "温江区对入驻四川通信产业园的企业有什么厂房租金补贴？")
    answer = last_answer(page)
    assert "50%" in answer.locator(".zs-text").inner_text()
    card = answer.locator(".zs-card").first
    assert POLICY in card.inner_text() and "第三条" in card.inner_text()
    assert card.locator(".zs-context").is_hidden()  # passage in context only on demand
    answer.locator(".zs-cite").first.click()  # clicking [1] opens card 1 with the quote highlighted
    mark = card.locator(".zs-context mark")
    mark.wait_for()
    assert "50%" in mark.inner_text()
    save_screenshot(page, "chat_fixture")  # the README shows the demo corpus (test_everyday)


def test_follow_up_question_uses_the_conversation(page, app):
    open_chat(page, app)
    ask(page, "四川通信产业园在哪里？")
    assert "温江" in last_answer(page).inner_text()
    ask(page, "那联系方式呢？")
    assert "028-82712345" in last_answer(page).inner_text()
    assert page.locator("#zs-chat .zs-answer").count() == 2


def test_english_switch_translates_the_interface_and_answers_in_english(page, app):
    open_chat(page, app)
    page.get_by_text("English", exact=True).click()
    page.get_by_placeholder("Type your question…").wait_for()
    assert page.get_by_role("button", name="Send").is_visible()
    assert page.get_by_text("Policies in force only").is_visible()
    ask(page, "What is the phone number of the Wenjiang investment promotion bureau?")
    answer = last_answer(page)
    assert "028-82712345" in answer.locator(".zs-text").inner_text()
    assert "Sources" in answer.inner_text() and answer.locator(".zs-card").count() >= 1
    save_screenshot(page, "chat_english_fixture")  # the README shows the demo corpus (test_everyday)


def test_url_parameter_opens_english_directly(page, app):
    open_chat(page, app, "?lang=en")
    page.get_by_placeholder("Type your question…").wait_for()


def test_unanswerable_question_is_refused_with_contact_route(page, app):
    open_chat(page, app)
    ask(page, "今天成都天气怎么样？")
    answer = last_answer(page)
    assert "zs-refusal" in (answer.get_attribute("class") or "")
    assert "没有找到" in answer.inner_text()
    assert answer.locator(".zs-card").count() == 0


def test_valid_only_filter_drops_the_expired_policy(page, app):
    open_chat(page, app)
    question = "鹿城区对新设立外商投资企业实到外资有什么奖励？"
    ask(page, question)
    assert "lucheng_open_economy_2019.txt" in last_answer(page).inner_text()
    assert last_answer(page).locator(".zs-badge-warn").count() >= 1  # expired badge on the card
    page.locator("#zs-valid input").check()
    ask(page, question)
    assert "lucheng_open_economy_2019.txt" not in last_answer(page).inner_text()
