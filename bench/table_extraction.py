"""Benchmark: table extraction from real government PDFs — tables found, labelled-cell accuracy, ms per page.

Reads ../shared/data/gov_pdfs_real/pdf (14 text-layer budget, final-account and disclosure PDFs) by path.
Methods, measured in the same run:
  - pypdf text (today's loader before tables): table rows come out as flattened lines without column labels;
  - pdfplumber (ours, `ingest/loaders/pdf_tables.py`): ruled tables, merged cells resolved by cell geometry;
  - PyMuPDF `find_tables` when installed (AGPL: measured for reference, not a dependency).
Every grid goes through the same renderer (`ingest/tables.py`), so the comparison is of table finding.

A cell counts as right when one line of the method's page text holds its row label and "column label value"
(a parent column label once before it)
(for pypdf: its row label and value on one line, which is all a flattened line can give).

    .venv/bin/python bench/table_extraction.py [--data DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.loaders.pdf import fix_radicals, unwrap_lines  # noqa: E402
from ingest.tables import Grid, PageText, cell_text  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "gov_pdfs_real" / "pdf"
SW = "上海市普陀区商务委员会25年预算.pdf"
HZ24 = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf"
HZ23 = "洪泽区人民政府2023年政府信息公开工作年度报告.pdf"
CZ = "上海市普陀区财政局2024年度部门决算.pdf"
HA = "淮安市人民政府2024年政府信息公开工作年度报告.pdf"
# (file, page, row label, column label (parent/child), value): checked by hand against the PDF's text (pypdf/pdftotext)
EXPECTED = [
    (SW, 21, "", "“三公”经费预算数/合计", "1.00"),
    (SW, 21, "", "机关运行经费预算数", "171.01"),
    (SW, 9, "一、财政拨款收入", "本年收入/预算数", "371,514,655.00"),
    (SW, 9, "收入总计", "本年收入/预算数", "371,514,655.00"),
    (SW, 9, "五、资源勘探工业信息等支出", "本年支出/预算数", "293,810,000.00"),
    (SW, 12, "行政运行", "支出预算/合计", "9,389,913.00"),
    (SW, 12, "科技条件专项", "支出预算/项目支出", "17,200,000.00"),
    (HZ24, 2, "行政许可", "本年处理决定数量", "9487"),
    (HZ24, 2, "行政规范性文件", "现行有效件数", "8"),
    (HZ24, 3, "行政处罚", "本年处理决定数量", "2776"),
    (HZ24, 3, "行政强制", "本年处理决定数量", "84"),
    (HZ24, 3, "行政事业性收费", "本年收费金额（单位：万元）", "7545"),
    (HZ24, 3, "一、本年新收政府信息公开申请数量", "申请人情况/自然人", "95"),
    (HZ23, 2, "行政许可", "本年处理决定数量", "550"),
    (HZ23, 3, "行政处罚", "本年处理决定数量", "4119"),
    (HZ23, 3, "行政事业性收费", "本年收费金额（单位：万元）", "7730.28"),
    (CZ, 6, "一、一般公共预算财政拨款收入", "收入决算数", "2,940.05"),
    (CZ, 6, "一、一般公共服务支出", "支出决算数", "2,106.66"),
    (HA, 3, "行政许可", "本年处理决定数量", "447228"),
    (HA, 4, "行政处罚", "本年处理决定数量", "3985758"),
]

PageResult = tuple[str, int]  # (page text, tables found on the page)
Method = Callable[[Path], list[PageResult]]


def pypdf_text(path: Path) -> list[PageResult]:
    from pypdf import PdfReader

    return [(unwrap_lines(fix_radicals(p.extract_text() or "")), 0) for p in PdfReader(str(path)).pages]


def pdfplumber_tables(path: Path) -> list[PageResult]:
    import pdfplumber

    from ingest.loaders.pdf_tables import page_with_tables

    out, carry = [], None
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            found, carry = page_with_tables(page, fix_radicals, unwrap_lines, carry)
            out.append((found.text, len(found.tables)) if found else (page.extract_text() or "", 0))
            page.close()
    return out


def _mupdf_grid(rows: list[list[str | None]]) -> Grid:
    # PyMuPDF gives None for positions covered by a merged cell: treat it as the cell to the left in a row.
    grid: Grid = []
    for r, row in enumerate(rows):
        cells, ident = [], -1
        for c, text in enumerate(row):
            if text is None and cells:
                cells.append(cells[-1])
                continue
            ident = r * 1000 + c
            cells.append((cell_text(fix_radicals(text or "")), ident))
        grid.append(cells)
    return grid


def pymupdf_tables(path: Path) -> list[PageResult]:
    import pymupdf

    out = []
    for page in pymupdf.open(str(path)):
        tables = page.find_tables().tables
        text = PageText(prose=unwrap_lines)
        text.add(unwrap_lines(fix_radicals(page.get_text())))
        for table in tables:
            text.add_grid(_mupdf_grid(table.extract()))
        out.append((text.text, len(text.tables)))
    return out


def _right(lines: list[str], row: str, column: str, value: str, labelled: bool) -> bool:
    """Row label, every level of the column label ("支出预算/合计": the parent said once per row) and the
    value right after the lowest level, on one line."""
    *parents, leaf = column.split("/")
    if not labelled:
        parents, wanted = [], value
    else:
        wanted = f"{leaf} {value}"
    return any(row in line and wanted in line and all(p in line for p in parents) for line in lines)


def run(name: str, method: Method, files: list[Path], labelled: bool) -> dict:
    pages, tables, seconds, right = 0, 0, 0.0, 0
    texts: dict[tuple[str, int], list[str]] = {}
    for path in files:
        t0 = time.perf_counter()
        result = method(path)
        seconds += time.perf_counter() - t0
        pages += len(result)
        tables += sum(n for _, n in result)
        for number, (text, _) in enumerate(result, 1):
            texts[(path.name, number)] = text.split("\n")
    for file, page, row, column, value in EXPECTED:
        right += _right(texts.get((file, page), []), row, column, value, labelled)
    return {"method": name, "tables": tables, "cells": f"{right}/{len(EXPECTED)}", "ms_page": 1000 * seconds / pages,
            "pages": pages}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    files = sorted(args.data.glob("*.pdf"))
    if not files:
        sys.exit(f"no PDFs under {args.data}: pass --data ../shared/data/gov_pdfs_real/pdf")
    methods: list[tuple[str, Method, bool]] = [
        ("pypdf text (before; row+value on a line, no column labels)", pypdf_text, False),
        ("pdfplumber + labelled rows (ours)", pdfplumber_tables, True),
    ]
    try:
        import pymupdf  # noqa: F401

        methods.append(("PyMuPDF find_tables + labelled rows", pymupdf_tables, True))
    except ImportError:
        print("(PyMuPDF not installed: its row is skipped)")
    print(f"{len(files)} PDFs, {len(EXPECTED)} hand-checked cells\n")
    print("| method | tables found | cells right | ms/page |\n|---|---|---|---|")
    for name, method, labelled in methods:
        r = run(name, method, files, labelled)
        print(f"| {r['method']} | {r['tables']} | {r['cells']} | {r['ms_page']:.0f} |  ({r['pages']} pages)")


if __name__ == "__main__":
    main()
