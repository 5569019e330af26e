"""Loaders on real generated files: what a user uploading each kind of file would see."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError, UnsupportedFileError
from ingest.loaders import SUPPORTED_SUFFIXES, load
from ingest.loaders.pdf import fix_radicals
from tests.fixture_files import (
    POLICY_PARAGRAPHS,
    make_binary_txt,
    make_corrupt_docx,
    make_docx,
    make_encrypted_pdf,
    make_html,
    make_image_pdf,
    make_jsonl,
    make_no_tounicode_pdf,
    make_radical_pdf,
    make_text_pdf,
    make_truncated_pdf,
)


def test_text_pdf_keeps_pages_title_and_joins_wrapped_lines(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "policy.pdf", ["\n".join(POLICY_PARAGRAPHS), "第四条 本办法自2024年1月1日起施行。"],
                         title="先进制造业奖励办法")
    [loaded] = load(path)
    assert loaded.file_type == "pdf" and loaded.title_hint == "先进制造业奖励办法"
    assert [p.number for p in loaded.pages] == [1, 2] and not any(p.ocr for p in loaded.pages)
    # The second article wraps after "5%" in the PDF; the loader rejoins it so the sentence can be quoted.
    assert "按实际投资额的5%给予奖励，最高500万元。" in loaded.pages[0].text
    assert loaded.pages[1].text == "第四条 本办法自2024年1月1日起施行。"
    assert loaded.warnings == ()


def test_image_only_pdf_becomes_searchable_text_through_ocr(tmp_path: Path) -> None:
    lines = ["温州市鹿城区投资促进服务中心", "地址：广场路188号7号楼", "联系电话：0577-88030503"]
    [loaded] = load(make_image_pdf(tmp_path / "scan.pdf", [lines]))
    page = loaded.pages[0]
    assert page.ocr is True
    assert "0577-88030503" in page.text and "广场路188号" in page.text and "投资促进服务中心" in page.text
    assert loaded.warnings == ("page 1: no text layer, OCR used",)


def test_pdf_without_tounicode_map_is_recovered_by_ocr(tmp_path: Path) -> None:
    [loaded] = load(make_no_tounicode_pdf(tmp_path / "garbled.pdf", ["招商引资优惠政策", "最高奖励500万元"]))
    assert loaded.pages[0].ocr is True
    assert "招商引资优惠政策" in loaded.text and "500万元" in loaded.text
    assert "text layer unusable, OCR used" in loaded.warnings[0]


def test_kangxi_radicals_from_chromium_pdfs_are_repaired_but_fullwidth_punctuation_stays(tmp_path: Path) -> None:
    [loaded] = load(make_radical_pdf(tmp_path / "printed.pdf"))
    assert "第一章 员工食堂 项目长期 全角（试行）：十项" in loaded.text
    assert not any("\u2e80" <= ch <= "\u2fdf" for ch in loaded.text)
    assert fix_radicals("⼀（，：！？）⻆") == "一（，：！？）角"


def test_gbk_html_without_charset_declaration(tmp_path: Path) -> None:
    path = make_html(tmp_path / "news.html", "某某区关于促进先进制造业发展的若干措施", POLICY_PARAGRAPHS,
                     encoding="gbk", declare=None, date="2024-03-15", url="https://www.example.gov.cn/a.html")
    [loaded] = load(path)
    assert loaded.file_type == "html"
    for paragraph in POLICY_PARAGRAPHS:
        assert paragraph in loaded.text.split("\n")  # each <p> is its own line
    assert loaded.title_hint == "某某区关于促进先进制造业发展的若干措施"  # site suffix gone
    assert loaded.date_hint == "2024-03-15"
    assert loaded.source_url == "https://www.example.gov.cn/a.html"
    for junk in ("政务公开", "相关新闻", "区领导调研", "版权所有", "分享到", "不是正文的脚本文字", "当前位置"):
        assert junk not in loaded.text


@pytest.mark.parametrize(("encoding", "declare"), [("gb18030", "gb2312"), ("utf-8", "utf-8"), ("utf-8", "gbk")])
def test_html_in_declared_or_misdeclared_encodings(tmp_path: Path, encoding: str, declare: str) -> None:
    # gb2312 declared but a GB18030-only character used (镕); utf-8 bytes under a wrong "gbk" declaration.
    paragraphs = ["朱镕基同志视察本区产业园区，听取招商引资工作汇报，要求优化营商环境。", *POLICY_PARAGRAPHS[1:]]
    [loaded] = load(make_html(tmp_path / "p.htm", "视察产业园区", paragraphs, encoding=encoding, declare=declare))
    assert paragraphs[0] in loaded.text


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    table = [["项目类型", "奖励标准"], ["先进制造业", "最高500万元"]]
    [loaded] = load(make_docx(tmp_path / "policy.docx", "招商引资奖励办法", POLICY_PARAGRAPHS, table))
    lines = loaded.text.split("\n")
    assert loaded.title_hint == "招商引资奖励办法" and loaded.file_type == "docx"
    row = "先进制造业：奖励标准 最高500万元。"  # the row names its column: a chunk of it still says what 500万元 is
    assert lines.index(row) == lines.index(POLICY_PARAGRAPHS[2]) - 1
    assert lines.index(POLICY_PARAGRAPHS[0]) < lines.index(row)
    assert loaded.pages[0].tables[0].columns == ("项目类型", "奖励标准")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_txt_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes("\n".join(POLICY_PARAGRAPHS).encode(encoding))
    [loaded] = load(path)
    assert loaded.text == "\n".join(POLICY_PARAGRAPHS)


def test_markdown_title_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "条例.md"
    path.write_text("# 某某市优化营商环境条例\n\n2020年4月10日 通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n"
                    + POLICY_PARAGRAPHS[0], encoding="utf-8")
    [loaded] = load(path)
    assert loaded.title_hint == "某某市优化营商环境条例" and loaded.date_hint == "2020-04-10"
    assert "INFO END" not in loaded.text and "#" not in loaded.text
    assert "第一章 总则" in loaded.text and POLICY_PARAGRAPHS[0] in loaded.text


def test_jsonl_one_document_per_record_and_bad_lines_skipped(tmp_path: Path) -> None:
    records = [
        {"id": "n-1", "title": "新政发布", "date": "2023-08-16 20:19:00", "url": "https://e.cn/1", "text": "正文一。"},
        {"content": "正文二：没有编号的记录用行号。"},
        {"docid": "n-3", "body": "正文三。", "publish_date": "2023年9月1日"},
    ]
    path = make_jsonl(tmp_path / "news.jsonl", records, ["{not json", '{"title": "只有标题"}', "[1, 2]"])
    loaded = load(path)
    assert [f.path for f in loaded] == [f"{path}::n-1", f"{path}::2", f"{path}::n-3"]
    assert loaded[0].title_hint == "新政发布" and loaded[0].date_hint == "2023-08-16"
    assert loaded[0].source_url == "https://e.cn/1" and loaded[2].date_hint == "2023-09-01"
    assert loaded[1].text == "正文二：没有编号的记录用行号。"
    assert len({f.record_sha256 for f in loaded}) == 3
    assert [w.split(":")[0] for w in loaded[0].warnings] == ["line 4", "line 5", "line 6"]


def _expect_error(path: Path, *words: str) -> IngestError:
    with pytest.raises(IngestError) as caught:
        load(path)
    error = caught.value
    assert error.path == str(path) and str(path) in str(error)
    for word in words:
        assert word in str(error)
    assert error.fix  # every failure tells the user what to do
    return error


def test_encrypted_pdf_asks_to_remove_the_password(tmp_path: Path) -> None:
    _expect_error(make_encrypted_pdf(tmp_path / "locked.pdf"), "password", "remove the password")


def test_truncated_pdf(tmp_path: Path) -> None:
    _expect_error(make_truncated_pdf(tmp_path / "cut.pdf"), "truncated")


def test_corrupt_docx_and_renamed_files(tmp_path: Path) -> None:
    _expect_error(make_corrupt_docx(tmp_path / "broken.docx"), "not a valid DOCX")
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)  # an old binary .doc renamed
    _expect_error(tmp_path / "old.docx", "not a valid DOCX")
    _expect_error(make_binary_txt(tmp_path / "photo.txt"), "binary")


def test_empty_unsupported_and_contentless_files(tmp_path: Path) -> None:
    for name in ("empty.txt", "empty.pdf", "empty.html", "empty.docx", "empty.jsonl", "empty.md"):
        (tmp_path / name).write_bytes(b"")
        _expect_error(tmp_path / name, "empty")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    error = _expect_error(tmp_path / "sheet.xlsx", "unsupported file type .xlsx")
    assert isinstance(error, UnsupportedFileError)
    (tmp_path / "menu.txt").write_text("首页\n上一篇 下一篇\n请用微信扫一扫分享\n", encoding="utf-8")
    _expect_error(tmp_path / "menu.txt", "no text left")
    (tmp_path / "frame.html").write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    _expect_error(tmp_path / "frame.html", "no readable main text")
    (tmp_path / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    _expect_error(tmp_path / "bad.jsonl", "no usable record", "line 1")


def test_supported_suffixes_are_the_public_list() -> None:
    assert SUPPORTED_SUFFIXES == frozenset({".pdf", ".html", ".htm", ".docx", ".txt", ".md", ".jsonl"})
