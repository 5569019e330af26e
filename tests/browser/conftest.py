"""One real app process (python app.py) and one headless Chromium per session; screenshots kept on failure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_CACHE
from tests.corpus_fixture import make_corpus

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
# README screenshots are refreshed only on request (ASSISTANT_SCREENSHOTS=1), so a test run leaves the
# work tree clean; otherwise they go with the other artifacts.
SCREENSHOTS = ROOT / ("docs/screenshots" if os.environ.get("ASSISTANT_SCREENSHOTS") else "tests/artifacts/screens")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
STAFF_USER, STAFF_PASSWORD = "staff", "browser-test-secret"
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class RunningApp:
    url: str  # ends with "/"
    index_dir: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"app.py did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """`python app.py --index TMP --port FREE` over the small fixture corpus (indexed on first start)."""
    work = tmp_path_factory.mktemp("browser-app")
    yield from _run_app(work, make_corpus(work / "corpus"))


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The app as a newcomer starts it: over the bundled demo corpus (data/sample)."""
    yield from _run_app(tmp_path_factory.mktemp("browser-demo"), ROOT / "data" / "sample")


def _run_app(work: Path, corpus: Path) -> Iterator[RunningApp]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
    env.update(ASSISTANT_SAMPLE_DIR=str(corpus), ASSISTANT_CACHE_DIR=str(TEST_CACHE),
               ASSISTANT_STAFF_USER=STAFF_USER, ASSISTANT_STAFF_PASSWORD=STAFF_PASSWORD,
               ASSISTANT_BUREAU_NAME="温江区投资促进局", GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1")
    log = work / "app.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--index", str(work / "index"),
                                 "--port", str(port)], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_up(url, proc, log)
        yield RunningApp(url, work / "index", log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_FAILED] = report.failed


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh browser context per test (own cookies); a full-page screenshot is kept when the test fails."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def open_chat(page, app: RunningApp, query: str = "") -> None:
    page.goto(app.url + query, wait_until="domcontentloaded")  # never networkidle: Gradio keeps a stream open
    page.locator("#zs-question textarea").wait_for()


def ask(page, question: str) -> None:
    """Type a question, send it, wait until the final answer (with its cards, or a refusal) is shown."""
    before = page.locator("#zs-chat .zs-answer:not(.zs-streaming)").count()
    page.locator("#zs-question textarea").fill(question)
    page.locator("#zs-send").click()
    page.locator("#zs-chat .zs-answer:not(.zs-streaming)").nth(before).wait_for()


def last_answer(page):
    return page.locator("#zs-chat .zs-answer:not(.zs-streaming)").last


def staff_login(page, app: RunningApp, tab: str = "") -> None:
    page.goto(app.url + "staff/", wait_until="domcontentloaded")
    # Gradio's login form follows the browser locale (用户名/username): select by field type instead.
    page.locator("input[data-testid=textbox]").fill(STAFF_USER)
    page.locator("input[type=password]").fill(STAFF_PASSWORD)
    page.locator("button.primary").click()
    page.locator("#zs-inquiry").wait_for()
    if tab:
        page.get_by_role("tab", name=tab).click()


def save_screenshot(page, name: str) -> None:
    """Desktop-width screenshots (docs/screenshots/<name>.png with ASSISTANT_SCREENSHOTS=1)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
