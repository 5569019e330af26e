"""Staff pages in a real browser: upload → answerable, reply draft → DOCX, feedback → export, evaluation."""

from __future__ import annotations

import csv
import json

import pytest
from docx import Document as DocxDocument

from tests.browser.conftest import ask, last_answer, open_chat, save_screenshot, staff_login

pytestmark = pytest.mark.browser

UPLOAD_TEXT = """青羊区数字文创产业园入驻扶持办法
发布时间：2025-06-01

第一条　对新入驻青羊区数字文创产业园的企业，按每平方米30元给予一次性装修补贴。
第二条　风险提示 <img src=x onerror="window.__pwned=1"> ![x](http://evil.example/x.png) [点我](javascript:window.__pwned=2)
"""

HOSTILE_TITLE = ('# <img src=x onerror="window.__pwned=3">![t](http://evil.example/t.png)\n\n'
                 "本通知用于测试文件库表格不会执行文档中的标记。\n")


def test_uploaded_document_becomes_answerable_and_stays_inert(page, app, tmp_path):
    upload = tmp_path / "青羊文创扶持办法.txt"
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    hostile = tmp_path / "..hidden notice.md"  # a hidden name, and a title made of markup
    hostile.write_text(HOSTILE_TITLE, encoding="utf-8")
    staff_login(page, app, "文件库")
    page.locator("#zs-upload input[type=file]").set_input_files([str(upload), str(hostile)])
    page.locator("#zs-ingest").click()
    page.locator("#zs-library-status").get_by_text("新增 2").wait_for(timeout=60_000)  # the Chinese page speaks Chinese
    library = page.locator("#zs-library")
    assert "青羊文创扶持办法.txt" in library.inner_text() and "uploads/hidden_notice.md" in library.inner_text()
    assert library.locator("img, a[href^='javascript']").count() == 0
    page.wait_for_function("!document.querySelector('#zs-upload').innerText.includes('queue')")
    save_screenshot(page, "library")

    open_chat(page, app)
    ask(page, "青羊区数字文创产业园的装修补贴标准是多少？")
    answer = last_answer(page)
    assert "30元" in answer.inner_text() and "青羊文创扶持办法.txt" in answer.inner_text()
    ask(page, "青羊区数字文创产业园第二条风险提示是什么？")
    for card in page.locator("#zs-chat .zs-card").all():
        card.locator("summary").click()
    chat = page.locator("#zs-chat")
    assert chat.locator("img[src*='evil'], img[src='x'], a[href^='javascript']").count() == 0
    assert page.evaluate("window.__pwned === undefined")


def test_reply_draft_cites_sources_marks_gaps_and_exports_docx(page, app, tmp_path):
    staff_login(page, app)
    inquiry = ("尊敬的领导：您好！我公司拟在温江区投资光通信制造项目。请问入驻四川通信产业园标准厂房有什么租金补贴？"
               "另外，外籍员工子女入学有什么政策？盼复。")
    page.locator("#zs-inquiry textarea").fill(inquiry)
    page.locator("#zs-salutation textarea, #zs-salutation input").first.fill("尊敬的王总")
    page.locator("#zs-draft").click()
    page.wait_for_function("document.querySelector('#zs-draft-text textarea').value.includes('敬礼')")
    text = page.locator("#zs-draft-text textarea").input_value()
    assert text.startswith("# 关于") and "尊敬的王总：" in text and "感谢" in text
    assert "50%" in text and "[1]" in text and "第三条" in text and "wenjiang_optical_policy.txt" in text
    assert "待人工补充" in text and "外籍员工子女入学" in text
    assert "温江区投资促进局" in text  # 落款 from settings
    save_screenshot(page, "reply_draft")
    edited = text.replace("尊敬的王总：", "尊敬的王建国总经理：")
    page.locator("#zs-draft-text textarea").fill(edited)
    page.locator("#zs-export-docx").click()
    with page.expect_download() as download:
        page.locator("#zs-draft-file a").first.click()
    path = tmp_path / "reply.docx"
    download.value.save_as(path)
    paragraphs = [p.text for p in DocxDocument(str(path)).paragraphs]
    assert "尊敬的王建国总经理：" in paragraphs  # the staff edit is what gets exported
    assert "温江区投资促进局" in paragraphs and any("待人工补充" in p for p in paragraphs)


def test_feedback_is_stored_and_exported_with_document_versions(page, app, tmp_path):
    open_chat(page, app)
    question = "温江区对研发投入有什么补助？"
    ask(page, question)
    page.locator("#zs-comment textarea").fill("很清楚，谢谢")
    page.locator("#zs-up").click()
    page.locator("#zs-feedback-status").get_by_text("感谢").wait_for()

    staff_login(page, app, "用户反馈")
    page.locator("#zs-export-csv").click()
    with page.expect_download() as download:
        page.locator("#zs-feedback-file a").first.click()
    path = tmp_path / "feedback.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    mine = [r for r in rows if r["question"] == question]
    assert mine and mine[-1]["rating"] == "1" and mine[-1]["comment"] == "很清楚，谢谢"
    versions = json.loads(mine[-1]["doc_versions"])
    assert versions and all(len(sha) == 64 for sha in versions.values())


def test_evaluation_runs_a_suite_and_offers_the_report(page, app, tmp_path):
    suite = tmp_path / "suite.jsonl"
    cases = [{"id": "rent", "question": "入驻四川通信产业园标准厂房有什么租金补贴？", "kind": "incentives",
              "expected_sources": ["wenjiang_optical_policy.txt"], "expected_facts": ["50%"]},
             {"id": "weather", "question": "今天成都天气怎么样？", "answerable": False, "kind": "refusal"}]
    suite.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    staff_login(page, app, "评测")
    page.locator("#zs-suite input[type=file]").set_input_files(str(suite))
    page.locator("#zs-run-eval").click()
    page.locator("#zs-eval-summary").get_by_text("题全部检查通过").wait_for(timeout=60_000)
    assert "2 / 2" in page.locator("#zs-eval-summary").inner_text()
    with page.expect_download() as download:
        page.locator("#zs-eval-report a[download='report.html']").click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    assert "Evaluation report" in report.read_text(encoding="utf-8") and "incentives" in report.read_text(encoding="utf-8")
    assert page.locator("#zs-eval-plots img").count() >= 2
    save_screenshot(page, "evaluation")


def test_api_key_created_in_the_staff_pages_works_until_revoked(page, app):
    import httpx

    staff_login(page, app, "API 密钥")
    page.locator("#zs-key-name input, #zs-key-name textarea").first.fill("官网 CMS")
    page.locator("#zs-key-create").click()
    secret_box = page.locator("#zs-key-secret textarea, #zs-key-secret input").first
    page.wait_for_function("() => [...document.querySelectorAll('#zs-key-secret textarea, #zs-key-secret input')]"
                           ".some(e => e.value.startsWith('zs_'))")
    secret = secret_box.input_value()
    assert "官网 CMS" in page.locator("#zs-keys").inner_text() and secret not in page.locator("#zs-keys").inner_text()
    auth = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(app.url + "api/v1/documents", headers=auth, timeout=30).json()["documents"][0]["source"]
    page.locator("#zs-key-select input").click()
    page.locator("#zs-key-select [data-testid=dropdown-option]", has_text="官网 CMS").first.click()
    page.locator("#zs-key-revoke").click()
    page.locator("#zs-key-status").get_by_text("已撤销").wait_for()
    assert httpx.get(app.url + "api/v1/documents", headers=auth, timeout=30).status_code == 401
