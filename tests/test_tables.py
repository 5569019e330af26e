"""Tables survive ingest: PDF (ruled, generated with reportlab), DOCX and HTML tables become labelled rows that
keep their caption, header, unit and page, also when a long table is split over chunks and pages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.types import DocInfo
from ingest.chunking import split_document
from ingest.loaders import load
from tests.fixture_files import _register_font

DOC = DocInfo("d", "d.pdf", "", "t", "other")
BUDGET_ROWS = [
    ["项目", "2025年预算数", "2024年预算数"],
    ["一、财政拨款收入", "37,151.47", "35,002.10"],
    ["“三公”经费", "1.00", "2.00"],
    ["机关运行经费", "171.01", "160.50"],
    ["收入总计", "37,151.47", "35,002.10"],
]
LONG_HEADER = ["序号", "项目名称", "补贴金额"]
LONG_ROWS = [[str(i), f"重点产业项目{i:02d}", f"{100 + i}.50"] for i in range(1, 61)]


def _grid_style():
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), _register_font())])


def make_table_pdf(path: Path, blocks: Sequence[tuple[str, str, list[list[str]], bool]]) -> Path:
    """A PDF of (intro paragraph, caption, rows, long) blocks: ruled tables under a caption and 单位 line;
    long tables repeat their header on every page, as budget PDFs do."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table

    style = ParagraphStyle("zh", fontName=_register_font(), fontSize=11, leading=16)
    story = []
    for intro, caption, rows, long in blocks:
        story += [Paragraph(intro, style), Spacer(1, 8), Paragraph(caption, style), Paragraph("单位：万元", style)]
        table = (LongTable if long else Table)(rows, repeatRows=1 if long else 0)
        table.setStyle(_grid_style())
        story += [table, Spacer(1, 12)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


@pytest.fixture
def budget_pdf(tmp_path: Path) -> Path:
    return make_table_pdf(tmp_path / "普陀区某委员会2025年预算.pdf", [
        ("本部门2025年收入预算和支出预算情况见下表，“三公”经费按规定从严控制。", "表1 2025年部门收支预算总表",
         BUDGET_ROWS, False),
        ("重点产业项目补贴按项目逐一列示如下。", "表2 2025年重点产业项目补贴明细表", [LONG_HEADER, *LONG_ROWS], True),
    ])


def _chunks(path: Path):
    [loaded] = load(path)
    return loaded, split_document(loaded.pages, DOC, 320)


def test_pdf_table_row_keeps_its_labels_unit_caption_and_page(budget_pdf: Path) -> None:
    loaded, chunks = _chunks(budget_pdf)
    page = loaded.pages[0]
    assert page.tables and page.tables[0].caption == "表1 2025年部门收支预算总表"
    assert page.tables[0].columns == ("项目", "2025年预算数", "2024年预算数")
    row = "“三公”经费：2025年预算数 1.00万元，2024年预算数 2.00万元。"
    [chunk] = [c for c in chunks if row in c.text]
    assert chunk.page == 1 and chunk.table == chunk.heading == "表1 2025年部门收支预算总表"
    assert chunk.text == page.text[chunk.start : chunk.end]
    # prose is untouched around the table, in reading order
    assert page.text.index("本部门2025年收入预算") < page.text.index(row) < page.text.index("重点产业项目补贴按项目")


def test_long_pdf_table_split_by_rows_repeats_caption_and_header_on_every_page(budget_pdf: Path) -> None:
    loaded, chunks = _chunks(budget_pdf)
    rows = [c for c in chunks if c.table == "表2 2025年重点产业项目补贴明细表"]
    assert len(rows) >= 4 and {c.page for c in rows} == {1, 2}  # the table runs over the page break
    for c in rows:
        assert c.heading == "表2 2025年重点产业项目补贴明细表"
        lines = [ln for ln in c.text.split("\n") if ln[0].isdigit()]
        assert lines and all("：补贴金额 " in ln and ln.endswith("万元。") for ln in lines)  # header labels each row
    text = "\n".join(c.text for c in rows)
    for n in (1, 37, 60):  # every row once, with its labels, on the page it is printed on
        assert text.count(f"{n} 重点产业项目{n:02d}：补贴金额 {100 + n}.50万元。") == 1
    last = next(c for c in rows if "重点产业项目60" in c.text)
    assert last.page == 2
    assert sum(len(p.tables) for p in loaded.pages) == 3  # 收支表 + the long table on each of its pages


def test_docx_table_rows_with_caption(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("为支持企业发展，现将专项资金安排公布如下。")
    document.add_paragraph("表3 2025年招商专项资金安排表")
    document.add_paragraph("单位：万元")
    table = document.add_table(rows=len(BUDGET_ROWS), cols=3)
    for r, row in enumerate(BUDGET_ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("以上资金由区财政局监督。")
    document.save(str(tmp_path / "fund.docx"))
    loaded, chunks = _chunks(tmp_path / "fund.docx")
    [chunk] = [c for c in chunks if "“三公”经费：2025年预算数 1.00万元，2024年预算数 2.00万元。" in c.text]
    assert chunk.heading == chunk.table == "表3 2025年招商专项资金安排表"
    assert "以上资金由区财政局监督。" not in chunk.text  # prose after the table is a chunk of its own


def test_html_table_with_merged_header(tmp_path: Path) -> None:
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in BUDGET_ROWS[1:])
    html = f"""<html><head><meta charset="utf-8"><title>2025年预算公开_某区政府</title></head><body>
    <div class="nav"><a href="/">首页</a> <a href="/x">政务公开</a></div><div class="article">
    <p>根据预算法规定，现将本部门2025年预算公开如下，请社会各界监督。各项支出严格执行预算。</p>
    <table border="1"><caption>2025年部门预算表（单位：万元）</caption>
    <tr><th rowspan="2">项目</th><th colspan="2">预算数</th></tr><tr><th>2025年</th><th>2024年</th></tr>{body}</table>
    <p>联系人：办公室，联系电话：021-12345678。</p></div></body></html>"""
    (tmp_path / "budget.html").write_text(html, encoding="utf-8")
    loaded, chunks = _chunks(tmp_path / "budget.html")
    assert [t.caption for t in loaded.pages[0].tables] == ["2025年部门预算表"]
    [chunk] = [c for c in chunks if "“三公”经费：预算数2025年 1.00万元，2024年 2.00万元。" in c.text]
    assert chunk.table == "2025年部门预算表"


def test_docs_reports_table_counts_and_old_catalog_is_migrated(budget_pdf: Path, settings, capsys,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.cli import main

    monkeypatch.setenv("COLUMNS", "240")  # rich wraps the table to the terminal width
    index = settings.index_dir
    index.mkdir(parents=True)
    old = sqlite3.connect(index / "catalog.sqlite")  # a catalog written before tables were counted
    old.executescript("""CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source, sha256, file_type, title, doc_type,
        province, city, district, issuer, published, effective, expires, repealed, repealed_flag, status, error,
        duplicate_of, chunk_count, superseded_by, version_key, updated_at, contacts TEXT, warnings TEXT, edited TEXT);
        CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT, ordinal INT, text TEXT, page INT, start INT,
        "end" INT, article TEXT, heading TEXT);
        INSERT INTO documents (doc_id, source, title, status, chunk_count) VALUES ('old.txt', 'old.txt', '旧文件',
        'failed', 0);""")
    old.commit()
    old.close()
    assert main(["ingest", str(budget_pdf), "--index", str(index)]) == 0
    capsys.readouterr()
    assert main(["docs", "--json", "--index", str(index)]) == 0
    docs = {d["doc_id"]: d for d in map(json.loads, capsys.readouterr().out.splitlines())}
    assert docs["old.txt"]["title"] == "旧文件" and docs["old.txt"]["table_count"] == 0  # kept through migration
    [pdf] = [d for d in docs.values() if d["file_name"] == budget_pdf.name]
    assert pdf["table_count"] == 3
    from assistant.factory import build_library

    stored = {c.table for c in build_library(settings).catalog.chunks() if c.table}  # chunks keep their table
    assert stored == {"表1 2025年部门收支预算总表", "表2 2025年重点产业项目补贴明细表"}
    assert main(["docs", "--index", str(index)]) == 0
    table = capsys.readouterr().out
    assert "tables" in table and any(budget_pdf.name in ln and "│ 3 " in ln for ln in table.splitlines())


def test_the_asked_figure_is_the_labelled_row_not_its_neighbour_nor_another_year(budget_pdf: Path, settings) -> None:
    """Issue 9, answering half: 三公经费 is answered by its own row's 2025 figure; 机关运行经费 sits one row
    below and 2024 one column over; a year the library lacks is refused."""
    from assistant.factory import build_assistant

    a = build_assistant(settings)
    assert a.library.ingest([budget_pdf]).ok
    ans = a.ask("普陀区某委员会2025年三公经费预算数是多少？")
    first = ans.text.splitlines()[0]
    assert ans.grounded and "三公" in first and "1.00万元" in first
    assert first.index("1.00万元") < (first.index("171.01") if "171.01" in first else len(first))
    income = a.ask("普陀区某委员会2025年财政拨款收入预算是多少？")
    assert income.grounded and "37,151.47" in income.text.splitlines()[0]
    assert not a.ask("普陀区某委员会2027年三公经费预算数是多少？").grounded


def test_table_on_a_scanned_page_becomes_labelled_rows(tmp_path: Path) -> None:
    """An image-only page (the budget table printed and scanned): OCR boxes → rows by y, columns by x gaps, and
    each row names its columns and the caption's unit like a text-layer table."""
    import pypdfium2 as pdfium

    rows = [["项目", "2025年预算数", "2024年预算数"], ["财政拨款收入", "37151.47", "35002.10"],
            ["机关运行经费", "171.01", "160.50"], ["收入总计", "37151.47", "35002.10"]]
    printed = make_table_pdf(tmp_path / "printed.pdf", [
        ("本部门2025年收入预算和支出预算情况见下表，按规定从严控制各项支出。", "表1 2025年部门收支预算总表", rows, False)])
    pdf = pdfium.PdfDocument(str(printed))
    pdf[0].render(scale=2).to_pil().convert("RGB").save(tmp_path / "scan.pdf", "PDF", resolution=144)
    pdf.close()
    [loaded] = load(tmp_path / "scan.pdf")
    page = loaded.pages[0]
    assert page.ocr and len(page.tables) == 1 and page.tables[0].unit == "万元"
    assert "机关运行经费：2025年预算数 171.01万元，2024年预算数 160.50万元。" in page.text
    assert page.text.index("从严控制各项支出") < page.text.index("财政拨款收入：")  # prose stays above the table
