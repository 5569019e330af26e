"""Hostile files among good ones: odd names, zip and entity bombs, links out of the folder, FIFOs, binary data
under text names, blank scans, repeated text, oversized files. No traceback, good files indexed, bad ones named
with a reason, memory and time bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.cli import main as cli_main
from assistant.errors import IngestError
from assistant.factory import build_library
from ingest.limits import LoadLimits
from ingest.loaders import load
from tests.fixture_files import POLICY_PARAGRAPHS, make_image_pdf
from tests.hostile_files import (
    make_billion_laughs_docx,
    make_blank_pdf,
    make_gbk_noise_txt,
    make_hostile_links,
    make_png_named_html,
    make_repetitive_txt,
    make_zip_bomb_docx,
)

PROJECT = Path(__file__).resolve().parent.parent


def _good(folder: Path, name: str = "good.txt", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("关于促进先进制造业发展的若干措施\n" + "\n".join(POLICY_PARAGRAPHS) + extra, encoding="utf-8")
    return path


def _peak_rss_mb_of_load(path: Path) -> tuple[str, float]:
    """Load a file in a fresh process (so earlier tests' memory does not hide a spike): (error, peak RSS MB)."""
    # VmHWM, not ru_maxrss: Linux carries the parent's peak over fork+exec into ru_maxrss.
    code = ("import json, re, sys\nfrom pathlib import Path\nfrom ingest.loaders import load\n"
            "try:\n    load(Path(sys.argv[1])); err = ''\nexcept Exception as exc:\n    err = str(exc)\n"
            "peak = int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1))\n"
            "print(json.dumps([err, peak / 1024]))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                         cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)})
    err, peak = json.loads(out.stdout.strip().splitlines()[-1])
    return err, peak


def test_file_name_with_invalid_utf8_bytes_does_not_stop_the_run(settings, tmp_path, capsys):
    folder = tmp_path / "docs"
    _good(folder, "good.txt")
    odd = Path(os.fsdecode(bytes(folder) + b"/a_\xff.txt"))
    odd.write_text("温江区光电产业扶持办法\n" + POLICY_PARAGRAPHS[1], encoding="utf-8")
    report = build_library(settings).ingest([folder])
    assert report.ok, report.failed
    assert sorted(Path(p).name for p in report.added) == ["a_\\xff.txt", "good.txt"]
    # and the CLI prints its summary on a strict UTF-8 stdout without a traceback
    assert cli_main(["ingest", str(folder), "--index", str(settings.index_dir)]) == 0
    assert "unchanged 2" in capsys.readouterr().out


def test_zip_bomb_docx_is_refused_before_inflating(tmp_path):
    bomb = make_zip_bomb_docx(tmp_path / "bomb.docx", inflated_mb=200)
    assert bomb.stat().st_size < 2_000_000  # small on disk, 200 MB inside
    started = time.perf_counter()
    err, peak_mb = _peak_rss_mb_of_load(bomb)
    assert "bomb.docx" in err and "100 MB limit" in err and "ASSISTANT_UNPACKED_MAX_MB" in err
    assert peak_mb < 300 and time.perf_counter() - started < 30
    # under the size limit but 1000x compressed: refused by the ratio, naming the part
    small = make_zip_bomb_docx(tmp_path / "small_bomb.docx", inflated_mb=20)
    with pytest.raises(IngestError, match=r"word/document.xml expands \d+x, over the 100x limit"):
        load(small)
    with pytest.raises(IngestError, match="over the 10 MB limit"):
        load(small, LoadLimits(unpacked_max_mb=10))


def test_billion_laughs_docx_is_refused(tmp_path):
    err, peak_mb = _peak_rss_mb_of_load(make_billion_laughs_docx(tmp_path / "laughs.docx"))
    assert "laughs.docx" in err and "declares a DTD or entities" in err
    assert peak_mb < 300


def test_links_loops_fifos_and_dot_files_are_skipped_with_a_reason(settings, tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    _good(secret.parent, "secret.txt", "\n机密：外部文件不应被索引。")
    folder = tmp_path / "docs"
    _good(folder)
    expected = make_hostile_links(folder, secret)
    report = build_library(settings).ingest([folder])  # a FIFO read would block: this returns
    assert report.ok and [Path(p).name for p in report.added] == ["good.txt"]
    skipped = {Path(p).name: why for p, why in report.skipped}
    for name, reason in expected.items():
        assert reason in skipped.get(name, ""), (name, skipped)
    lib = build_library(settings)
    assert not any("机密" in c.text for c in lib.catalog.chunks())


def test_bytes_that_are_not_text_are_refused_with_a_reason(settings, tmp_path):
    folder = tmp_path / "docs"
    _good(folder)
    make_png_named_html(folder / "page.html")
    make_gbk_noise_txt(folder / "noise.txt")
    report = build_library(settings).ingest([folder])
    failed = {Path(p).name: why for p, why in report.failed}
    assert "PNG image" in failed["page.html"] and "not a web page" in failed["page.html"]
    assert "rare characters" in failed["noise.txt"]
    assert [Path(p).name for p in report.added] == ["good.txt"]


def test_blank_scanned_pages_cost_no_ocr(tmp_path):
    started = time.perf_counter()
    with pytest.raises(IngestError, match="no text could be extracted"):
        load(make_blank_pdf(tmp_path / "blank.pdf", pages=20))
    assert time.perf_counter() - started < 5  # was 53 s of OCR


def test_ocr_stops_at_the_page_budget_with_a_warning(tmp_path):
    pages = [["温州市鹿城区投资促进服务中心", f"第{i}页 联系电话：0577-88030503"] for i in range(1, 4)]
    pdf = make_image_pdf(tmp_path / "scan.pdf", pages)
    [loaded] = load(pdf, LoadLimits(ocr_max_pages=1))
    assert loaded.pages[0].text and not loaded.pages[1].text and not loaded.pages[2].text
    assert sum("ASSISTANT_OCR_MAX_PAGES" in w for w in loaded.warnings) == 2
    [timed] = load(pdf, LoadLimits(ocr_max_seconds=0.0))  # the first page starts the clock, the rest wait
    assert sum("ASSISTANT_OCR_MAX_SECONDS" in w for w in timed.warnings) == 2


def test_metadata_edit_does_not_wait_for_a_slow_ingest(settings, tmp_path):
    lib = build_library(settings)
    lib.ingest([_good(tmp_path / "first")])
    pages = [["温州市鹿城区投资促进服务中心", f"第{i}页 地址：广场路188号"] for i in range(1, 4)]
    (tmp_path / "second").mkdir()
    slow = make_image_pdf(tmp_path / "second" / "scan.pdf", pages)
    worker = threading.Thread(target=lib.ingest, args=([slow],))
    started = time.perf_counter()
    worker.start()
    time.sleep(0.5)  # the worker is inside OCR now
    lib.update_meta("good.txt", title="改过的标题")
    edit_done = time.perf_counter() - started
    worker.join()
    ingest_done = time.perf_counter() - started
    assert lib.get("good.txt").title == "改过的标题"
    assert edit_done < ingest_done / 2, (edit_done, ingest_done)
    assert lib.consistency_problems() == []


def test_identical_chunks_of_one_file_are_embedded_once(settings, tmp_path):
    fresh = settings.model_copy(update={"cache_dir": tmp_path / "cache"})  # every text is a cache miss
    lib = build_library(fresh)
    report = lib.ingest([make_repetitive_txt(tmp_path / "repeats.txt", repeats=300)])
    assert report.ok
    distinct = {c.text for c in lib.catalog.chunks()}
    assert report.chunks_written > 50 * len(distinct)
    assert lib.embedder.misses == len(distinct)


def test_cli_refuses_files_over_the_upload_limit(tmp_path, monkeypatch, capsys):
    big = tmp_path / "big.txt"
    big.write_text(("\n".join(POLICY_PARAGRAPHS) + "\n") * 12000, encoding="utf-8")  # ~2.3 MB
    monkeypatch.setenv("ASSISTANT_UPLOAD_MAX_MB", "1")
    assert cli_main(["ingest", str(big), "--index", str(tmp_path / "index")]) == 1
    err = capsys.readouterr().err
    assert "big.txt" in err and "exceeds the 1 MB limit" in err and "ASSISTANT_UPLOAD_MAX_MB" in err
