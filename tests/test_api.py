"""The REST API, the OpenAI-compatible endpoint (driven by the real `openai` client), API keys and the rate
limit, over real HTTP against the real server (uvicorn on 127.0.0.1) and the fixture index."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from openai import OpenAI
from pydantic import SecretStr

from assistant.web.api.keys import ApiKeyStore
from assistant.web.api.rate_limit import TokenBucket
from assistant.web.server import build_server
from tests.test_web_security import serve

RENT_Q = "温江区对入驻四川通信产业园的企业有什么厂房租金补贴？"


@pytest.fixture(scope="module")
def api_url(fixture_assistant, tmp_path_factory):
    settings = fixture_assistant.settings.model_copy(update={
        "staff_password": SecretStr("s3cret-api"), "feedback_db": tmp_path_factory.mktemp("fb") / "fb.sqlite",
        "rate_limit_per_minute": 0, "allowed_origins": "https://www.bureau.example"})
    with serve(build_server(fixture_assistant, settings)) as url:
        yield url


def test_ask_returns_the_cli_json_with_citations(api_url, fixture_assistant):
    r = httpx.post(api_url + "/api/v1/ask", json={"question": RENT_Q}, timeout=60)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == set(fixture_assistant.ask(RENT_Q).as_dict())  # the fields of `ask --json`
    assert body["grounded"] and "50%" in body["answer"] and "[1]" in body["answer"]
    cite = body["citations"][0]
    assert cite["source"] == "wenjiang_optical_policy.txt" and cite["article"] == "第三条" and cite["quote"]


def test_ask_with_history_and_filters(api_url):
    r = httpx.post(api_url + "/api/v1/ask", timeout=60, json={
        "question": "那联系方式呢？", "history": [["四川通信产业园在哪里？", "位于成都市温江区[1]"]]})
    assert r.status_code == 200 and "028-82712345" in r.json()["answer"]
    assert r.json()["rewritten_question"]
    question = {"question": "鹿城区对新设立外商投资企业实到外资有什么奖励？"}
    cited = [c["source"] for c in httpx.post(api_url + "/api/v1/ask", json=question, timeout=60).json()["citations"]]
    assert "lucheng_open_economy_2019.txt" in cited  # expired, but the best match without the filter
    valid = httpx.post(api_url + "/api/v1/ask", json={**question, "filters": {"valid_only": True}}, timeout=60)
    assert "lucheng_open_economy_2019.txt" not in [c["source"] for c in valid.json()["citations"]]


def test_ask_stream_sends_deltas_then_the_answer(api_url):
    with httpx.stream("POST", api_url + "/api/v1/ask/stream", json={"question": RENT_Q}, timeout=60) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [block for block in r.read().decode().split("\n\n") if block.strip()]
    names = [e.split("\n")[0].removeprefix("event: ") for e in events]
    assert names[0] == "delta" and names[-1] == "answer"
    answer = json.loads(events[-1].split("data: ", 1)[1])
    assert "50%" in answer["answer"] and answer["citations"][0]["article"] == "第三条"


def test_errors_are_json_and_name_the_fix(api_url):
    r = httpx.post(api_url + "/api/v1/ask", json={"questoin": RENT_Q}, timeout=10)
    assert r.status_code == 422 and "/api/docs" in r.json()["error"]["fix"]
    r = httpx.get(api_url + "/api/v1/nothing", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["fix"]
    r = httpx.delete(api_url + "/api/v1/documents/wenjiang_optical_policy.txt", timeout=10)
    assert r.status_code == 401 and "staff pages" in r.json()["error"]["message"] + r.json()["error"]["fix"]
    r = httpx.delete(api_url + "/api/v1/documents/x", headers={"Authorization": "Bearer zs_wrong"}, timeout=10)
    assert r.status_code == 401


def test_documents_list_is_public_without_server_paths(api_url):
    docs = httpx.get(api_url + "/api/v1/documents", timeout=10).json()["documents"]
    names = {d["file_name"] for d in docs}
    assert "wenjiang_optical_policy.txt" in names and len(docs) == 4
    assert all("source" not in d and "error" not in d for d in docs)
    wrong = httpx.get(api_url + "/api/v1/documents", headers={"Authorization": "Bearer zs_wrong"}, timeout=10)
    assert wrong.status_code == 401  # a wrong key is refused, not silently served the public list


def test_health_says_where_questions_are_answered(api_url):
    """An Assistant in the web process (no answering process here): up, answering in-process, 4 documents."""
    assert httpx.get(api_url + "/api/v1/health", timeout=10).json() == {
        "status": "ok", "answering": "in-process", "documents": 4}


def test_openapi_schema_and_offline_docs_page(api_url):
    schema = httpx.get(api_url + "/api/openapi.json", timeout=10).json()
    assert {"/api/v1/ask", "/api/v1/ask/stream", "/api/v1/documents", "/v1/chat/completions"} <= set(schema["paths"])
    page = httpx.get(api_url + "/api/docs", timeout=10).text
    assert "/api/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert httpx.get(api_url + "/api/docs-assets/swagger-ui-bundle.js", timeout=10).status_code == 200


def test_cors_only_for_allowed_origins(api_url):
    ok = httpx.options(api_url + "/api/v1/ask", timeout=10, headers={
        "Origin": "https://www.bureau.example", "Access-Control-Request-Method": "POST"})
    assert ok.headers.get("access-control-allow-origin") == "https://www.bureau.example"
    other = httpx.options(api_url + "/api/v1/ask", timeout=10, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers
    frame = httpx.get(api_url + "/widget/", timeout=10)
    assert "frame-ancestors 'self' https://www.bureau.example" in frame.headers["content-security-policy"]


# --- the OpenAI-compatible endpoint, through the real openai client --------------------------------------
def _client(api_url: str) -> OpenAI:
    return OpenAI(base_url=api_url + "/v1", api_key="anything", max_retries=0, timeout=60)


def test_openai_client_lists_the_model_and_gets_a_cited_answer(api_url):
    client = _client(api_url)
    assert [m.id for m in client.models.list()] == ["zhaoshang-assistant"]
    done = client.chat.completions.create(model="zhaoshang-assistant", messages=[
        {"role": "system", "content": "You are helpful."}, {"role": "user", "content": RENT_Q}])
    text = done.choices[0].message.content
    assert "50%" in text and "[1]" in text and "\n\n资料来源:\n[1]" in text and "wenjiang_optical_policy.txt" in text
    assert done.model_extra["citations"][0]["article"] == "第三条" and done.model_extra["grounded"] is True


def test_openai_stream_and_history_from_messages(api_url):
    client = _client(api_url)
    first = client.chat.completions.create(model="zhaoshang-assistant",
                                           messages=[{"role": "user", "content": "四川通信产业园在哪里？"}])
    history = [{"role": "user", "content": "四川通信产业园在哪里？"},
               {"role": "assistant", "content": first.choices[0].message.content},  # Sources block and all
               {"role": "user", "content": "那联系方式呢？"}]
    chunks = list(client.chat.completions.create(model="zhaoshang-assistant", messages=history, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "028-82712345" in text and len(chunks) > 3
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].model_extra["citations"]


def test_openai_errors_reach_the_client_with_the_fix(api_url):
    import openai

    with pytest.raises(openai.NotFoundError, match="/v1/models"):
        _client(api_url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.BadRequestError, match="last message"):
        _client(api_url).chat.completions.create(model="zhaoshang-assistant",
                                                 messages=[{"role": "assistant", "content": "hi"}])


# --- staff operations with API keys ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    """A writable library of its own (staff operations change it), with one small policy file."""
    from assistant.factory import build_assistant
    from assistant.settings import Settings
    from tests.conftest import TEST_CACHE

    work = tmp_path_factory.mktemp("api-staff")
    (work / "corpus").mkdir()
    (work / "corpus" / "wenjiang_optical_policy.txt").write_text(
        (Path(__file__).parent / "fixtures" / "corpus" / "wenjiang_optical_policy.txt").read_text(encoding="utf-8"),
        encoding="utf-8")
    settings = Settings(index_dir=work / "index", cache_dir=TEST_CACHE, staff_password=SecretStr("s3cret-api"),
                        rate_limit_per_minute=0)
    assistant = build_assistant(settings)
    assistant.library.ingest([work / "corpus"])
    with serve(build_server(assistant, settings)) as url:
        yield url, settings


def test_staff_key_created_in_the_staff_pages_drives_upload_edit_delete_reindex(staff_server):
    url, settings = staff_server
    with httpx.Client(base_url=url, timeout=120) as staff:  # the staff pages' own "create key" handler
        assert staff.post("/staff/login", data={"username": "staff", "password": "s3cret-api"}).status_code == 200
        job = staff.post("/staff/gradio_api/call/create_key", json={"data": ["CMS import"]})
        assert job.status_code == 200, job.text
        stream = staff.get(f"/staff/gradio_api/call/create_key/{job.json()['event_id']}").text
    secret = json.loads(stream.split("event: complete\ndata: ", 1)[1].splitlines()[0])[0]
    assert secret.startswith("zs_") and secret not in (settings.index_dir / "api_keys.json").read_text()
    auth = {"Authorization": f"Bearer {secret}"}
    note = "温江区人才公寓政策：对新引进的硕士研究生给予每月1500元租房补贴。".encode()
    r = httpx.post(url + "/api/v1/documents", headers=auth, timeout=120,
                   files=[("files", ("rencai.txt", note, "text/plain")), ("files", ("x.exe", b"MZ", "x/y"))])
    assert r.status_code == 200, r.text
    assert r.json()["report"]["added"] and "x.exe" in r.json()["rejected"][0]
    ask = httpx.post(url + "/api/v1/ask", json={"question": "硕士研究生租房补贴每月多少？"}, timeout=60).json()
    assert "1500元" in ask["answer"] and ask["citations"][0]["source"] == "rencai.txt"
    edit = httpx.patch(url + "/api/v1/documents/rencai.txt", headers=auth, json={"expires": "2030-13-01"}, timeout=30)
    assert edit.status_code == 400 and "YYYY-MM-DD" in edit.json()["error"]["fix"]
    edit = httpx.patch(url + "/api/v1/documents/rencai.txt", headers=auth, json={"title": "人才公寓政策"}, timeout=30)
    assert edit.status_code == 200 and edit.json()["document"]["title"] == "人才公寓政策"
    assert httpx.post(url + "/api/v1/reindex", headers=auth, timeout=120).json()["report"]["updated"]
    assert httpx.delete(url + "/api/v1/documents/rencai.txt", headers=auth, timeout=30).status_code == 200
    assert httpx.delete(url + "/api/v1/documents/rencai.txt", headers=auth, timeout=30).status_code == 404
    key_id = ApiKeyStore(settings.index_dir).keys()[0].key_id
    assert ApiKeyStore(settings.index_dir).revoke(key_id)  # what the staff page's revoke button calls
    assert httpx.post(url + "/api/v1/reindex", headers=auth, timeout=30).status_code == 401


# --- rate limit ------------------------------------------------------------------------------------------
def test_token_bucket_refills_at_the_set_rate():
    now = [0.0]
    bucket = TokenBucket(per_minute=60, burst=3, clock=lambda: now[0])
    assert [bucket.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("a") == pytest.approx(1.0) and bucket.take("b") == 0.0  # per client
    now[0] += 1.0
    assert bucket.take("a") == 0.0 and bucket.take("a") > 0


def test_burst_over_the_limit_gets_429_on_every_public_endpoint(fixture_assistant, tmp_path):
    settings = fixture_assistant.settings.model_copy(update={
        "feedback_db": tmp_path / "fb.sqlite", "rate_limit_per_minute": 60, "rate_limit_burst": 5})
    with serve(build_server(fixture_assistant, settings)) as url, httpx.Client(timeout=30) as client:
        with ThreadPoolExecutor(8) as pool:  # a bounded burst: 16 requests from 8 threads on loopback
            codes = list(pool.map(lambda _: client.get(url + "/v1/models").status_code, range(16)))
        assert 5 <= codes.count(200) <= 6 and codes.count(429) == 16 - codes.count(200)
        refused = client.post(url + "/api/v1/ask", json={"question": RENT_Q})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "Too many requests" in refused.json()["error"]["message"]
        chat = client.post(url + "/gradio_api/queue/join", json={"data": [], "fn_index": 0, "session_hash": "x"})
        assert chat.status_code == 429 and "Too many requests" in chat.json()["detail"]  # Gradio shows `detail`
        assert client.get(url + "/").status_code == 200  # the page itself and the widget files are not counted
        time.sleep(int(refused.headers["retry-after"]) + 0.2)
        assert client.post(url + "/api/v1/ask", json={"question": RENT_Q}).status_code == 200
