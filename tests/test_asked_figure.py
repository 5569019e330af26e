"""Issue 9, the asked figure: a how-much question is answered by the sentence or table row whose own label is the
asked quantity (三公经费, not the 机关运行经费 beside it; 城乡社区支出, not 其他城乡社区支出), for the body it names
(万里街道办事处 and 万里街道 are bodies; "多少条政府信息" names none; 财政局's question is not answered from 司法局's
budget), from the year it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.query.figure_label import asked_figure, label_fit
from assistant.query.scope import question_scope
from assistant.retrieval.topic import with_labelled_figures
from assistant.types import Chunk, DocInfo, Hit
from tests.test_tables import make_table_pdf

PLACE = "南京市江宁区"
FIGURES = {  # year → (三公经费, 机关运行经费, 收入预算, 城乡社区支出 total, its sub-item)
    2024: ("47.91", "443.18", "15,621.11", "11,938.53", "922.02"),
    2025: ("37.91", "464.64", "18,976.76", "15,436.93", "5,234.89"),
}


def _fit(question: str, sentence: str, frame: str, table: bool = False, context: str = "") -> float:
    return label_fit(asked_figure(question, question_scope(question)), sentence, frame, table, context)


def test_the_figure_labelled_with_the_asked_quantity_fits_better_than_its_neighbour() -> None:
    frame = "江宁区2024年区级部门预算 江宁区东山街道办事处24年预算"
    q = "东山街道2024年“三公”经费预算数是多少？"
    named = "2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元。"
    neighbour = "2024年江宁区东山街道办事处下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为443.18万元。"
    row = "“三公”经费预算数合计 47.91万元，公务接待费 1.35万元，机关运行经费预算数 443.18万元。"
    assert _fit(q, named, frame) > _fit(q, row, frame, table=True) > _fit(q, neighbour, frame) > 0
    # A sub-item's row ("其他…") is another quantity; the caption says what the bare row label sums.
    q = "江宁区委社会工作部2024年度社会工作事务支出是多少？"
    frame = "中共南京市江宁区委社会工作部2024年度部门决算"
    caption = "一般公共预算财政拨款支出决算表"
    total = _fit(q, "社会工作事务：合计 264.87万元，基本支出 62.63万元。", frame, True, caption)
    other = _fit(q, "其他社会工作事务支出：合计 202.24万元，项目支出 202.24万元。", frame, True, caption)
    assert total > other
    # A bracketed note and the year's 度 are no part of the label.
    q = "江宁区财政局2024年度政府采购金额是多少？"
    frame = "南京市江宁区财政局2024年度部门决算"
    stated = "南京市江宁区财政局2024年度政府采购金额（以合同签订为准）为251.25万元，其中：货物采购金额4.79万元。"
    part = "由中小企业供应商中标或成交的，采购金额246.47万元。"
    assert _fit(q, stated, frame) == 1.0 > _fit(q, part, frame)


def test_street_offices_are_bodies_and_counts_or_years_start_no_name() -> None:
    assert question_scope("万里街道办事处2024年城乡社区支出预算数是多少？").as_dict()["bodies"] == ["万里街道办事处"]
    assert "万里街道" in question_scope("万里街道办事处收入预算是多少？").bodies[0].forms
    assert question_scope("万里街道2024年“三公”经费预算数是多少？").as_dict()["bodies"] == ["万里街道"]
    assert question_scope("石泉路街道的预算是多少？").as_dict()["bodies"] == ["石泉路街道"]
    assert "bodies" not in question_scope("主要街道有哪些？").as_dict()  # a street, not an office
    assert question_scope("洪泽区政府网站主动公开了多少条政府信息？").as_dict() == {"places": ["洪泽区"]}
    assert "bodies" not in question_scope("江宁区财政局2024年度政府采购金额是多少？").as_dict()
    # A generic office with its place: not a body every passage must name, but an office of that place.
    assert question_scope("江宁区财政局2026年收入预算是多少？").as_dict()["offices"] == ["财政局"]


def _hit(text: str, table: str = "", score: float = 1.0, doc: str = "budget") -> Hit:
    info = DocInfo(doc, f"{doc}.pdf", "", "江宁区东山街道办事处24年预算", "other")
    return Hit(Chunk(f"{doc}#{abs(hash(text)) % 10**6}", info, 0, text, 0, 0, len(text), table=table), score)


def test_the_best_labelled_row_is_brought_into_the_passages_given() -> None:
    q = "东山街道办事处2024年城乡社区支出预算数是多少？"
    scope = question_scope(q)
    prose = [_hit(f"{i}. “城乡社区支出（类）其他城乡社区支出{i}（款）”{i}00.00万元，主要用于其他城乡社区支出{i}。", score=1 - i / 10)
             for i in range(1, 6)]
    row = _hit("212 城乡社区支出：支出预算合计 119,385,303元，基本支出 76,609,000元。", "2024年部门支出预算总表", 0.1)
    elsewhere = _hit("212 城乡社区支出：支出预算合计 154,369,326元。", "2025年部门支出预算总表", 0.09, doc="other")
    ranked = [*prose, row, elsewhere]
    top = with_labelled_figures(ranked[:5], ranked, q, scope, lambda h: True)
    assert len(top) == 5 and row in top and elsewhere not in top  # only from the documents retrieval found
    assert with_labelled_figures(prose[:5], prose, q, scope, lambda h: True) == prose[:5]


def _budget(folder: Path, year: int) -> Path:
    three, running, income, total, sub = FIGURES[year]
    intro = (f"{year}年，{PLACE}东山街道办事处收入预算{income}万元。{year}年{PLACE}东山街道办事处（部门）下属1家机关和1家参公"
             f"事业单位财政拨款的机关运行经费预算为{running}万元。{year}年“三公”经费预算数为{three}万元。")
    items = [["支出功能分类科目", "支出预算合计"], ["城乡社区支出", total], ["城乡社区管理事务", "120.00"],
             ["其他城乡社区支出", sub], ["住房保障支出", "88.00"]]
    prose = "".join(f"{n}. “城乡社区支出（类）其他城乡社区支出（款）其他城乡社区支出（项）”科目{sub}万元，主要用于其他城乡社区支出。"
                    for n in (30, 31))
    return make_table_pdf(folder / f"{PLACE}东山街道办事处{year % 100}年预算.pdf", [
        (intro, f"表1 {year}年部门“三公”经费和机关运行经费预算表",
         [["项目", "预算数"], ["“三公”经费", three], ["机关运行经费", running]], False),
        (prose, f"表2 {year}年部门支出预算总表", items, False),
    ])


@pytest.fixture
def library(tmp_path: Path, settings):
    from assistant.factory import build_assistant

    files = [_budget(tmp_path, 2024), _budget(tmp_path, 2025), make_table_pdf(tmp_path / "江宁区司法局2026年部门预算.pdf", [
        ("2026年，南京市江宁区司法局收入预算9628.22万元，其中：财政拨款收入9628.22万元。", "表1 2026年部门收入预算总表",
         [["项目", "收入预算合计"], ["公共安全支出", "8,726.73"]], False)])]
    a = build_assistant(settings)
    assert a.library.ingest(files).ok
    return a


def test_the_asked_figure_of_the_named_body_and_year(library) -> None:
    for year, (three, running, _income, total, sub) in FIGURES.items():
        other = FIGURES[2025 if year == 2024 else 2024]
        ans = library.ask(f"东山街道{year}年“三公”经费预算数是多少？")
        lead = ans.text.split("[", 1)[0]
        assert ans.grounded and three in lead and running not in lead and other[0] not in ans.text
        ans = library.ask(f"东山街道办事处{year}年城乡社区支出预算数是多少？")
        lead = ans.text.split("[", 1)[0]  # the sentence the answer opens with
        assert ans.grounded and total in lead and "城乡社区支出：" in lead and sub not in lead
        assert ans.citations[0].table and ans.citations[0].page  # quoted from the table: page and table cited
        assert not any("更新版本" in w for w in ans.warnings)  # the year asked for is no outdated version
    latest = library.ask("东山街道办事处收入预算是多少？")
    assert latest.grounded and FIGURES[2025][2] in latest.text.splitlines()[0] and "按最新的2025年文件" in latest.text
    assert FIGURES[2024][2] not in latest.text
    assert not library.ask("江宁区财政局2026年收入预算是多少？").grounded  # 司法局's budget is not 财政局's
    assert library.ask("江宁区司法局2026年收入预算是多少？").grounded


def test_the_asked_quantitys_own_search_costs_no_second_query_vector(library, monkeypatch) -> None:
    """The label's words are searched as written (BM25): a figure question embeds one query, not two."""
    embedded: list[str] = []
    inner = library.library.embedder.embed_query
    monkeypatch.setattr(library.library.embedder, "embed_query", lambda text: embedded.append(text) or inner(text))
    question = "东山街道办事处2025年城乡社区支出预算数是多少？"
    assert library.topic_retriever is not library.retriever  # the second search is made
    ans = library.ask(question)
    assert ans.grounded and FIGURES[2025][3] in ans.text.split("[", 1)[0]
    assert embedded == [question]
