"""The issue's scope traps as an investor and a staff member meet them: the real app over the demo corpus in
headless Chromium. Another district's fund, another place's phone, another city's subsidy are never the answer."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ask, last_answer, open_chat, staff_login

pytestmark = pytest.mark.browser


def _offered(text: str) -> str:
    return re.split(r"以下是.*?仅供参考|For reference only", text)[0]


def test_scope_traps_are_refused_and_their_controls_answered(page, demo_app):
    open_chat(page, demo_app)
    ask(page, "温江区的母基金规模有多大？")
    answer = last_answer(page)
    text = answer.locator(".zs-text").inner_text()
    assert "zs-refusal" in (answer.get_attribute("class") or "")
    assert text.startswith("资料中没有找到温江区") and "50亿" not in _offered(text)
    if answer.locator(".zs-card").count():  # nearest facts: each card says whose they are
        assert answer.locator(".zs-badge-scope").first.inner_text().endswith("金牛区")

    ask(page, "温江区投资咨询电话是多少？")
    assert "0835-6218890" not in last_answer(page).inner_text()

    ask(page, "深圳前海对博士人才有什么补贴？")
    answer = last_answer(page)
    assert "zs-refusal" in (answer.get_attribute("class") or "") and "20万" not in _offered(answer.inner_text())

    ask(page, "昇兴在内江的包装生产基地项目从拿地到投产用了多长时间？")
    assert "8个月" in last_answer(page).locator(".zs-text").inner_text()

    ask(page, "金牛区的母基金规模有多大？")
    answer = last_answer(page)
    assert "zs-refusal" not in (answer.get_attribute("class") or "") and "50亿" in answer.inner_text()


def test_reply_draft_leaves_the_out_of_scope_point_to_staff(page, demo_app):
    staff_login(page, demo_app)
    page.locator("#zs-inquiry textarea").fill("您好！请问深圳前海对博士人才有什么补贴？")
    page.locator("#zs-draft").click()
    draft = page.locator("#zs-draft-text textarea")
    page.wait_for_function("() => document.querySelector('#zs-draft-text textarea')?.value.includes('复函')")
    text = draft.input_value()
    assert "待人工补充" in text and "20万" not in text and "0835-6218890" not in text
