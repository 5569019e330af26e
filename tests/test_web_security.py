"""Web security: staff routes need a login (over real HTTP), public API has no staff handlers, document text
is inert when rendered, uploads are limited and their names sanitised."""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markdown_it import MarkdownIt
from pydantic import SecretStr

from assistant.errors import ConfigError
from assistant.types import Answer, Citation
from assistant.web.render import answer_html, escape, library_rows
from assistant.web.server import build_server, staff_login
from assistant.web.uploads import UploadRejected, check_upload, safe_file_name, store_upload

PROJECT_README = Path(__file__).resolve().parent.parent / "README.md"
HOSTILE = ('<script>window.x=1</script><img src=x onerror="alert(1)"> ![x](http://evil.example/x.png) '
           '[点我](javascript:alert(2)) $$\\int$$ **粗体**\n\n<b>第二段</b>')


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """The FastAPI app on a real socket (uvicorn in a thread); yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(fixture_assistant, tmp_path_factory) -> Iterator[str]:
    settings = fixture_assistant.settings.model_copy(update={
        "staff_password": SecretStr("s3cret-for-tests"), "feedback_db": tmp_path_factory.mktemp("fb") / "fb.sqlite"})
    with serve(build_server(fixture_assistant, settings)) as url:
        yield url


@pytest.mark.parametrize("method,path", [
    ("GET", "/staff/config"), ("GET", "/staff/gradio_api/info"), ("POST", "/staff/gradio_api/call/draft_reply"),
    ("POST", "/staff/gradio_api/queue/join"), ("POST", "/staff/gradio_api/upload"),
])
def test_staff_routes_refuse_without_a_session(base_url, method, path):
    r = httpx.request(method, base_url + path, json={"data": ["租金补贴？", ""]}, timeout=10)
    assert r.status_code == 401


def test_staff_page_without_session_shows_the_login(base_url):
    r = httpx.get(base_url + "/staff/", timeout=10)
    assert r.status_code == 200 and "s3cret" not in r.text
    assert httpx.get(base_url + "/staff/config", timeout=10).json()["detail"]["error"] == "Not authenticated"


def test_staff_without_the_slash_leads_to_the_login(base_url):
    r = httpx.get(base_url + "/staff?lang=en", timeout=10)
    assert r.status_code == 307 and r.headers["location"] == "staff/?lang=en"
    followed = httpx.get(base_url + "/staff", timeout=10, follow_redirects=True)
    assert followed.status_code == 200 and str(followed.url).endswith("/staff/")


def test_public_api_knows_no_staff_handler(base_url):
    info = httpx.get(base_url + "/gradio_api/info", timeout=10)
    assert info.status_code == 200
    assert "draft_reply" not in info.text and "upload" not in info.text.lower()
    r = httpx.post(base_url + "/gradio_api/call/draft_reply", json={"data": ["租金补贴？", ""]}, timeout=10)
    # Gradio answers an unknown endpoint with an error status (500 in 6.31), never with a job id.
    assert r.status_code >= 400 and "event_id" not in r.text


def test_wrong_password_is_rejected(base_url):
    r = httpx.post(base_url + "/staff/login", data={"username": "staff", "password": "demo"}, timeout=10)
    assert r.status_code == 400


def test_staff_api_works_after_login(base_url):
    with httpx.Client(base_url=base_url, timeout=60) as client:
        assert client.post("/staff/login", data={"username": "staff", "password": "s3cret-for-tests"}).status_code == 200
        info = client.get("/staff/gradio_api/info")
        assert info.status_code == 200 and "draft_reply" in info.text
        job = client.post("/staff/gradio_api/call/draft_reply",
                          json={"data": ["请问入驻四川通信产业园标准厂房有什么租金补贴？", "尊敬的李总"]})
        assert job.status_code == 200
        stream = client.get(f"/staff/gradio_api/call/draft_reply/{job.json()['event_id']}").text
    assert "event: complete" in stream
    letter = json.loads(stream.split("event: complete\ndata: ", 1)[1].splitlines()[0])[0]
    assert "尊敬的李总" in letter and "50%" in letter and "[1]" in letter


def test_production_without_password_refuses_staff_pages(fixture_assistant, tmp_path):
    settings = fixture_assistant.settings.model_copy(update={"production": True, "feedback_db": tmp_path / "f.db"})
    with pytest.raises(ConfigError, match="ASSISTANT_STAFF_PASSWORD"):
        staff_login(settings)
    with serve(build_server(fixture_assistant, settings)) as url:
        r = httpx.get(url + "/staff/", timeout=10)
        # anonymous visitors learn that staff pages are off, not which setting is missing (that is logged)
        assert r.status_code == 503 and "not available" in r.text and "ASSISTANT_" not in r.text
        assert httpx.get(url + "/staff/gradio_api/info", timeout=10).status_code == 503
        assert httpx.get(url + "/", timeout=10).status_code == 200  # the public chat still runs


def test_demo_mode_uses_password_demo(fixture_assistant):
    login = staff_login(fixture_assistant.settings.model_copy(update={"staff_password": SecretStr("")}))
    assert login.demo and login.check("staff", "demo")
    assert not login.check("staff", "") and not login.check("admin", "demo")


def _hostile_answer() -> Answer:
    cite = Citation(n=1, doc_id="d", chunk_id="d#0", source="<b>evil</b>.txt", title=HOSTILE, page=1,
                    article="第一条", date="2025-01-01", quote="![x](http://evil.example/x.png)",
                    chunk_text="前文" + HOSTILE + "后文", validity="expired", superseded_by="d2")
    return Answer("q", HOSTILE + "[1][7]", (cite,), True, "extractive", warnings=(HOSTILE,))


def test_document_text_stays_inert_through_markdown_rendering():
    html = answer_html(_hostile_answer(), "a1", "zh")
    assert "\n" not in html  # one raw-HTML block: Markdown never parses inside it
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(html)
    assert not re.search(r"<(script|img|a|b|strong)\b", rendered)
    assert "javascript:" not in rendered and "http://evil" not in rendered and "$$" not in rendered
    visible = html_lib.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert "<script>window.x=1</script>" in visible  # the text is still there, visibly, as text


def test_escaping_round_trips_to_the_original_text():
    text = "authority's \"rules\" & <b>第1条</b> ![x](y) #1 a-b=c: {d} $5"
    assert html_lib.unescape(escape(text)) == text


def test_markers_link_only_to_existing_cards():
    html = answer_html(_hostile_answer(), "a1", "zh")
    assert html.count('class="zs-cite') == 1 and "zs-card-a1-1" in html and "&#91;7&#93;" in html
    assert "已过期" in html and "有新版本" in html


def test_library_rows_are_plain_strings():
    from assistant.types import DocRecord

    rows = library_rows([DocRecord(doc_id="x", source="x.txt", title=HOSTILE)], "zh")
    assert rows[0][1] == HOSTILE  # the Dataframe shows cells as text; nothing is pre-rendered as HTML


@pytest.mark.parametrize("given,expected", [
    ("../../etc/passwd.txt", "passwd.txt"), ("..\\..\\windows\\win.ini.md", "win.ini.md"),
    (".bashrc.txt", "bashrc.txt"), ("...", "upload"), ("a\x00b\u202e.pdf", "ab.pdf"),
    ("<script>.html", "script.html"), ("苏州 政策（2024）.PDF", "苏州_政策（2024）.pdf"),
])
def test_file_names_are_sanitised(given, expected):
    assert safe_file_name(given) == expected


def test_upload_type_and_size_limits(tmp_path):
    with pytest.raises(UploadRejected, match="not accepted"):
        check_upload("run.sh", 10, 25)
    with pytest.raises(UploadRejected, match="exceeds the 1 MB"):
        check_upload("big.pdf", 2 * 1024 * 1024, 1)
    temp = tmp_path / "in" / "x.txt"
    temp.parent.mkdir()
    temp.write_text("政策", encoding="utf-8")
    uploads = tmp_path / "uploads"
    first = store_upload(temp, "../../政策.txt", uploads, 1)
    assert first.path == uploads / "政策.txt" and first.path.read_text(encoding="utf-8") == "政策"
    temp.write_text("另一份政策", encoding="utf-8")
    second = store_upload(temp, "政策.txt", uploads, 1)
    assert second.path != first.path and first.path.read_text(encoding="utf-8") == "政策"  # never overwritten


# --- hardening (issue 12): login back-off, staff files, uploads, anonymous cancel, raw errors ---------------

def _login(client: httpx.Client, password: str = "s3cret-for-tests") -> int:
    return client.post("/staff/login", data={"username": "staff", "password": password}).status_code


def _call(client: httpx.Client, api: str, data: list) -> list:
    """Run a staff handler through Gradio's HTTP API and return its outputs."""
    job = client.post(f"/staff/gradio_api/call/{api}", json={"data": data})
    assert job.status_code == 200, job.text
    stream = client.get(f"/staff/gradio_api/call/{api}/{job.json()['event_id']}").text
    assert "event: complete" in stream, stream[-500:]
    return json.loads(stream.split("event: complete\ndata: ", 1)[1].splitlines()[0])


def test_login_backs_off_per_client_and_logs_failures(fixture_assistant, tmp_path, caplog):
    settings = fixture_assistant.settings.model_copy(update={
        "staff_password": SecretStr("s3cret-for-tests"), "feedback_db": tmp_path / "fb.sqlite"})
    with serve(build_server(fixture_assistant, settings)) as url, httpx.Client(base_url=url, timeout=10) as client:
        started = time.perf_counter()
        codes = [_login(client, f"guess-{i}") for i in range(30)]
        assert codes[:5] == [400] * 5 and codes.count(429) >= 20  # was 3,000 guesses in 2.3 s
        refused = client.post("/staff/login", data={"username": "staff", "password": "s3cret-for-tests"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1  # even the right one
        assert time.perf_counter() - started < 10  # refusals are immediate, not slow
    failures = [r for r in caplog.records if "staff login failed" in r.getMessage()]
    assert failures and "127.0.0.1" in failures[0].getMessage() and "guess" not in failures[0].getMessage()


def test_login_throttle_backs_off_globally_and_forgives_success():
    from assistant.web.staff_guard import LoginThrottle

    now = [1000.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for i in range(49):  # many clients, a few guesses each: no single client is over its allowance
        throttle.failed(f"10.0.{i}.1")
    assert throttle.wait("10.9.9.9") == 0
    throttle.failed("10.0.50.1")
    assert throttle.wait("10.9.9.9") == pytest.approx(30)  # everybody waits now
    now[0] += 31
    assert throttle.wait("10.9.9.9") == 0
    for _ in range(7):
        throttle.failed("10.1.1.1")
    assert throttle.wait("10.1.1.1") == pytest.approx(2)  # 6th failure: 1 s, 7th: 2 s
    throttle.succeeded("10.1.1.1")
    assert throttle.wait("10.1.1.1") == 0


def test_staff_exports_are_served_only_with_a_staff_session(base_url):
    with httpx.Client(base_url=base_url, timeout=60) as client:
        assert _login(client) == 200
        [out] = _call(client, "export_md", ["尊敬的李总：\n\n内部草稿，勿外传。"])
        path = out["path"]
        assert client.get(f"/staff/gradio_api/file={path}").status_code == 200
    public = httpx.get(f"{base_url}/gradio_api/file={path}", timeout=10)
    assert public.status_code == 403 and "内部草稿" not in public.text  # was served to anyone with the URL
    assert httpx.get(f"{base_url}/staff/gradio_api/file={path}", timeout=10).status_code == 401


def test_staff_upload_accepts_only_files_that_were_uploaded(base_url, fixture_assistant, tmp_path):
    secret = tmp_path / "server_notes.md"
    secret.write_text("# 服务器内部说明\n数据库口令存放位置：机密。\n", encoding="utf-8")
    suite_on_server = tmp_path / "private_suite.jsonl"
    suite_on_server.write_text(json.dumps({"id": "x", "question": "机密问题？"}, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    before = {d.doc_id for d in fixture_assistant.library.docs()}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        assert _login(client) == 200
        for api, path in (("upload", secret), ("evaluate", suite_on_server)):
            value = {"path": str(path), "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}
            r = client.post(f"/staff/gradio_api/call/{api}", json={"data": [[value] if api == "upload" else value]})
            assert r.status_code == 400 and "only files uploaded" in r.text
        # a file that really was uploaded goes through
        up = client.post("/staff/gradio_api/upload", files={"files": ("青羊文创扶持办法.txt", "青羊区文创扶持办法\n第一条 对文创企业给予房租补贴。".encode())})
        [uploaded] = up.json()
        status, _table, _docs = _call(client, "upload", [[{"path": uploaded, "orig_name": "青羊文创扶持办法.txt",
                                                           "meta": {"_type": "gradio.FileData"}}]])
    assert "新增 1" in status  # the staff page speaks the UI language (zh)
    added = {d.doc_id for d in fixture_assistant.library.docs()} - before
    assert len(added) == 1 and "青羊" in added.pop()  # nothing of the server's own files was indexed
    fixture_assistant.library.delete("青羊文创扶持办法.txt")  # the shared fixture index stays as it was


def test_handlers_refuse_paths_outside_the_staff_files(tmp_path):
    from assistant.web.uploads import arrived_upload

    inside = tmp_path / "staff" / "uploads" / "a.txt"
    inside.parent.mkdir(parents=True)
    inside.write_text("x", encoding="utf-8")
    assert arrived_upload(str(inside), tmp_path / "staff") == inside
    (tmp_path / "staff" / "link.txt").symlink_to(PROJECT_README)
    for given in (PROJECT_README, tmp_path / "staff" / "link.txt", tmp_path / "staff" / "../staff/../x.txt"):
        with pytest.raises(UploadRejected, match="not a file uploaded"):
            arrived_upload(str(given), tmp_path / "staff")


@pytest.mark.parametrize("route", ["cancel", "reset", "stream/abc/close", "vibe-code"])
def test_anonymous_requests_cannot_reach_staff_job_routes(base_url, route):
    body = {"session_hash": "x", "fn_index": 3, "event_id": "abc"}
    r = httpx.post(f"{base_url}/staff/gradio_api/{route}", json=body, timeout=10)
    assert r.status_code == 401  # /cancel answered 200 and cancelled a running staff job


def test_failed_llm_shows_visitors_a_fixed_notice_not_the_error(fixture_assistant, tmp_path, caplog):
    from assistant.factory import build_assistant
    from assistant.staff.feedback import FeedbackStore
    from assistant.web.chat_page import ChatPage

    settings = fixture_assistant.settings.model_copy(update={
        "openai_base_url": "http://127.0.0.1:9/v1", "openai_api_key": SecretStr("sk-secret-key-0000"),
        "llm_model": "internal-model-7b", "llm_timeout": 2.0})
    llm_assistant = build_assistant(settings, library=fixture_assistant.library)
    page = ChatPage(llm_assistant, FeedbackStore(tmp_path / "fb.sqlite"))
    *_, (_, messages, turns) = page.respond("四川通信产业园标准厂房租金补贴是多少？", [], [], "", "", False, "zh")
    shown = messages[-1]["content"]
    assert turns and "智能生成暂不可用" in shown
    for secret in ("127.0.0.1:9", "sk-secret", "internal-model", "LLM unavailable", "Connection"):
        assert secret not in shown
    assert any("LLM unavailable" in r.getMessage() for r in caplog.records)  # the operator still sees why
