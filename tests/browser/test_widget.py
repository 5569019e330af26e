"""The website widget in a real browser, on a page served from another origin (a second HTTP server on
127.0.0.1): the snippet opens the chat, answers come with [n] markers and source cards, follow-ups work, a site
not in ASSISTANT_ALLOWED_ORIGINS cannot frame it, and over the rate limit the visitor reads why."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.web.server import build_server
from tests.browser.conftest import save_screenshot
from tests.test_web_security import serve

pytestmark = pytest.mark.browser
RENT_Q = "温江区对入驻四川通信产业园的企业有什么厂房租金补贴？"


@contextlib.contextmanager
def bureau_site(folder: Path) -> Iterator[int]:
    """The bureau's own site: static files on a port of their own (another origin); yields the port."""
    folder.mkdir(exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        thread.join(timeout=5)


def paste_snippet(folder: Path, assistant_url: str) -> None:
    """A page of the site with the widget snippet pasted in (and CSS that would restyle every button)."""
    (folder / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>某区投资促进局</title>"
        "<style>button{background:lime!important} *{font-family:serif!important}</style></head>"
        "<body><h1>欢迎投资</h1><p>本局官网。</p>"
        f'<script src="{assistant_url}/widget.js" data-lang="zh" async></script></body></html>', encoding="utf-8")


def _assistant(fixture_assistant, tmp_path, origins: str, **limits):
    settings = fixture_assistant.settings.model_copy(update={
        "feedback_db": tmp_path / "fb.sqlite", "allowed_origins": origins, **limits})
    return serve(build_server(fixture_assistant, settings))


def _ask(frame, question: str):
    before = frame.locator(".zs-answer:not(.zs-streaming)").count()
    frame.locator("#zs-q").fill(question)
    frame.locator("#zs-q").press("Enter")
    answer = frame.locator(".zs-answer:not(.zs-streaming)").nth(before)
    answer.wait_for()
    return answer


def test_widget_on_another_origin_shows_cited_answers(page, fixture_assistant, tmp_path):
    with contextlib.ExitStack() as stack:
        site = stack.enter_context(bureau_site(tmp_path / "site"))
        url = stack.enter_context(_assistant(fixture_assistant, tmp_path, f"http://127.0.0.1:{site}"))
        paste_snippet(tmp_path / "site", url)
        page.goto(f"http://127.0.0.1:{site}/index.html")
        page.locator("#zhaoshang-widget .zs-launch").click()
        frame = page.frame_locator("#zhaoshang-widget iframe")
        answer = _ask(frame, RENT_Q)
        assert "50%" in answer.locator(".zs-text").inner_text()
        card = answer.locator(".zs-card").first
        assert "wenjiang_optical_policy.txt" in card.inner_text() and "第三条" in card.inner_text()
        assert "资料来源" in answer.inner_text()
        answer.locator(".zs-cite").first.click()
        assert "zs-active" in (card.get_attribute("class") or "")
        # The host page's hostile CSS does not reach the widget (shadow DOM and iframe).
        launcher = page.locator("#zhaoshang-widget .zs-launch")
        assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(180, 35, 42)"
        follow = _ask(frame, "四川通信产业园在哪里？")
        assert "温江" in follow.inner_text()
        assert "028-82712345" in _ask(frame, "那联系方式呢？").inner_text()
        save_screenshot(page, "widget")
        # The same page under another origin (localhost is not 127.0.0.1 to a browser) may not frame it.
        page.goto(f"http://localhost:{site}/index.html")
        page.locator("#zhaoshang-widget .zs-launch").click()
        page.wait_for_timeout(1500)
        assert page.frame_locator("#zhaoshang-widget iframe").locator("#zs-q").count() == 0


def test_widget_says_too_many_requests(page, fixture_assistant, tmp_path):
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(_assistant(fixture_assistant, tmp_path, "*", rate_limit_per_minute=1,
                                             rate_limit_burst=1))
        site = stack.enter_context(bureau_site(tmp_path / "site"))
        paste_snippet(tmp_path / "site", url)
        page.goto(f"http://127.0.0.1:{site}/index.html")
        page.locator("#zhaoshang-widget .zs-launch").click()
        frame = page.frame_locator("#zhaoshang-widget iframe")
        assert "50%" in _ask(frame, RENT_Q).inner_text()
        refused = _ask(frame, RENT_Q)
        assert "zs-error" in (refused.get_attribute("class") or "")
        assert "Too many requests" in refused.inner_text() and "请稍后再试" in refused.inner_text()


def test_public_chat_says_too_many_requests(page, fixture_assistant, tmp_path):
    """Gradio's own chat route is limited too, and the visitor sees the reason, not a broken page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.browser.conftest import ask, last_answer

    with _assistant(fixture_assistant, tmp_path, "", rate_limit_per_minute=1, rate_limit_burst=3) as url:
        page.goto(url + "/", wait_until="domcontentloaded")
        page.locator("#zs-question textarea").wait_for()
        ask(page, RENT_Q)
        assert "50%" in last_answer(page).inner_text()  # the chat behaves as before within the limit
        # Keep asking (each question filled anew: a send clears the box) until the burst is spent; at one
        # question per minute that takes at most the burst's worth of questions.
        limited = page.get_by_text("Too many requests").first
        for _ in range(6):
            page.locator("#zs-question textarea").fill(RENT_Q)
            page.locator("#zs-send").click()
            try:
                limited.wait_for(timeout=4000)
                break
            except PlaywrightTimeout:  # not limited yet: ask again
                continue
        limited.wait_for()
