"""Upload progress on the staff page moves file by file and page by page (OCR'd pages say so), in the UI's
language, instead of sitting at "0/1" while a long PDF is read."""

from __future__ import annotations

from pathlib import Path

from assistant.factory import build_assistant
from assistant.staff.feedback import FeedbackStore
from assistant.web.staff_actions import StaffActions
from tests.fixture_files import make_image_pdf, make_text_pdf

PAGES = ["温江区厂房租金补贴政策第一页，按实际租金的50%给予补贴。", "第二页：研发投入补助，最高100万元。",
         "第三页：人才安家补贴，每人20万元。"]


def test_progress_reports_each_page_and_ocr_then_the_result(settings, tmp_path: Path):
    files = tmp_path / "staff-files"
    (files / "uploads").mkdir(parents=True)
    make_text_pdf(files / "uploads" / "policy.pdf", PAGES)
    make_image_pdf(files / "uploads" / "scan.pdf", [["邛崃市招商引资优惠政策", "一次性奖励30万元"]])
    actions = StaffActions(build_assistant(settings), FeedbackStore(tmp_path / "fb.sqlite"), False,
                           tmp_path / "work", files)
    seen: list[tuple[float, str]] = []
    status, _, _ = actions.upload([str(files / "uploads" / "policy.pdf"), str(files / "uploads" / "scan.pdf")],
                                  progress=lambda value, desc=None: seen.append((value, desc or "")))
    descriptions = [d for _, d in seen]
    assert "文件 1/2 · policy.pdf · 第 2/3 页" in descriptions
    assert any(d.startswith("文件 2/2 · scan.pdf · 第 1/1 页") and d.endswith("（OCR 识别）") for d in descriptions)
    values = [v for v, _ in seen]
    assert values == sorted(values) and 0 < values[1] < 0.5 and values[-1] == 1.0  # moves within the first file
    assert "新增 2" in status and "失败 0" in status
