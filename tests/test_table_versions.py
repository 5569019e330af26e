"""Issue 9, the right year's document: yearly reports of one body are one series (not every PDF titled
"政府信息公开工作年度报告"), a question naming a year is answered from that year's report with the table row, its
labels, page and table, a question without a year from the newest report saying which year, a missing year is
refused, and the staff library page counts each document's tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.types import Region
from ingest.metadata import series_key
from tests.fixture_files import _register_font

GENERIC_TITLE = "政府信息公开工作年度报告"  # what the real reports' PDF metadata says, whoever published them
FIGURES = {2023: ("550", "4119", "7730.28"), 2024: ("9487", "2776", "7545")}


def make_report(path: Path, body: str, year: int, figures: tuple[str, str, str]) -> Path:
    """A two-page annual report: prose on page 1 (with a figure compared with the year before), the statistics
    table under its caption on page 2; the PDF's /Title is the generic one."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    style = ParagraphStyle("zh", fontName=font, fontSize=11, leading=16)
    permits, penalties, fees = figures
    rows = [["信息内容", "本年处理决定数量", "本年收费金额（万元）"], ["行政许可", permits, ""], ["行政处罚", penalties, ""],
            ["行政事业性收费", "", fees]]
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), font)]))
    story = [Paragraph(f"南京市江宁区{body}{year}年政府信息公开工作年度报告", style), Spacer(1, 8),
             Paragraph(f"{year}年，本机关机关运行经费支出{permits}.50万元，比{year - 1}年度增加2.55万元。"
                       "本机关坚持依法公开，认真做好政府信息公开各项工作，主动回应社会关切。", style),
             PageBreak(), Paragraph("二、主动公开政府信息情况", style), Paragraph("表1 行政执法决定统计", style),
             table, Spacer(1, 8), Paragraph("三、其他需要报告的事项：无。", style)]
    SimpleDocTemplate(str(path), pagesize=A4, title=GENERIC_TITLE).build(story)
    return path


@pytest.fixture
def reports(tmp_path: Path) -> list[Path]:
    return [make_report(tmp_path / f"江宁区交通运输局{y}年政府信息公开工作年度报告.pdf", "交通运输局", y, FIGURES[y])
            for y in (2023, 2024)] + [
        make_report(tmp_path / "江宁区水务局2024年政府信息公开工作年度报告.pdf", "水务局", 2024, ("31", "12", "5.5"))]


def test_yearly_files_are_a_series_of_their_body_not_of_their_generic_title() -> None:
    putuo = Region("上海市", "上海市", "普陀区")
    budget = "上海市普陀区2025年区级部门预算"
    assert series_key(budget, "上海市普陀区万里街道办事处24年预算.pdf", putuo) == \
        series_key("上海市普陀区2024年区级部门预算", "上海市普陀区万里街道办事处25年预算.pdf", putuo)
    assert series_key(budget, "上海市普陀区商务委员会25年预算.pdf", putuo) != \
        series_key(budget, "上海市普陀区司法局25年预算.pdf", putuo)
    hongze = Region("江苏省", "淮安市", "洪泽区")  # the city in front of the district names the same body
    assert series_key("洪泽区人民政府2023年报告", "洪泽区人民政府2023年政府信息公开工作年度报告.pdf", hongze) == \
        series_key(GENERIC_TITLE, "淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf", hongze)


def test_a_year_is_answered_from_its_report_and_no_year_from_the_newest(reports: list[Path], settings) -> None:
    from assistant.factory import build_assistant
    from assistant.web.render import LIBRARY_COLUMNS, card_meta, library_rows

    a = build_assistant(settings)
    assert a.library.ingest(reports).ok
    old, new, water = (a.library.get(p.name) for p in reports)
    assert old.superseded_by == new.doc_id and not new.superseded_by and not water.superseded_by
    rows = library_rows(a.library.docs(), "zh")  # staff see how many tables each file had read
    assert {r[LIBRARY_COLUMNS.index("tables")] for r in rows} == {1}

    ans = a.ask("江宁区交通运输局2023年行政处罚决定数量是多少？")
    first = ans.text.splitlines()[0]
    assert ans.grounded and "行政处罚：本年处理决定数量 4119" in first and "2776" not in ans.text
    cite = ans.citations[0]
    assert cite.source == reports[0].name and cite.page == 2 and cite.table == "表1 行政执法决定统计"
    assert "第2页" in card_meta(cite, "zh") and "表1 行政执法决定统计" in card_meta(cite, "zh")

    fees = a.ask("江宁区交通运输局2024年行政事业性收费金额是多少？")  # the unit comes from the column header
    assert fees.grounded and "本年收费金额（万元） 7545万元" in fees.text.splitlines()[0]

    latest = a.ask("江宁区交通运输局行政许可决定数量是多少？")
    assert latest.grounded and "9487" in latest.text.splitlines()[0] and "550" not in latest.text
    assert "按最新的2024年文件" in latest.text  # says which year it answered from
    assert latest.citations[0].source == reports[1].name

    assert not a.ask("江宁区交通运输局2022年行政许可决定数量是多少？").grounded


def test_a_figure_compared_with_last_year_still_answers_this_year(reports: list[Path], settings) -> None:
    from assistant.factory import build_assistant

    a = build_assistant(settings)
    assert a.library.ingest(reports[1:2]).ok
    ans = a.ask("江宁区交通运输局2024年机关运行经费支出是多少？")  # the sentence also names 2023 (比2023年度…)
    assert ans.grounded and "9487.50万元" in ans.text.splitlines()[0]


def test_each_half_of_a_side_by_side_row_is_quoted_on_its_own() -> None:
    """收支总表 prints 收入 and 支出 items side by side: an answer about income quotes the income half only."""
    from assistant.text.sentences import split_sentences
    from ingest.tables import render_rows

    texts = [["收入项目", "本年收入预算数", "支出项目", "本年支出预算数"],
             ["一、财政拨款收入", "371,514,655.00", "一、一般公共服务支出", "21,601,733.00"]]
    rows = [[(t, r * 10 + c) for c, t in enumerate(row)] for r, row in enumerate(texts)]
    [line], _ = render_rows(rows, "元")
    assert split_sentences(line) == ["一、财政拨款收入：本年收入预算数 371,514,655.00元",
                                     "一、一般公共服务支出：本年支出预算数 21,601,733.00元。"]
