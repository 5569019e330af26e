"""Issue 9 in the browser: a budget PDF's table is read as a table, and the visitor asking for one figure gets
that row's figure (not its neighbour's), with a source card naming the page and the table; a year the library
lacks is refused. The real app over a generated PDF in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import RunningApp, _run_app, ask, last_answer, open_chat
from tests.test_tables import BUDGET_ROWS, make_table_pdf

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def budget_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    work = tmp_path_factory.mktemp("budget-app")
    corpus = work / "corpus"
    corpus.mkdir()
    make_table_pdf(corpus / "普陀区某委员会2025年预算.pdf", [
        ("本部门2025年收入预算和支出预算情况见下表。", "表1 2025年部门收支预算总表", BUDGET_ROWS, False)])
    yield from _run_app(work, corpus)


def test_the_asked_row_is_answered_with_page_and_table_and_a_missing_year_is_refused(page, budget_app):
    open_chat(page, budget_app)
    ask(page, "普陀区某委员会2025年三公经费预算数是多少？")
    answer = last_answer(page)
    text = answer.locator(".zs-text").inner_text()
    # 三公经费's own row leads; 机关运行经费's row below it may follow, never first.
    assert text.startswith("“三公”经费") and "1.00万元" in text, text
    assert text.index("1.00万元") < (text.index("171.01") if "171.01" in text else len(text)), text
    cards = answer.locator(".zs-card")
    assert cards.count() >= 1
    card = cards.first.inner_text()
    assert "表1" in card and "页" in card, card

    ask(page, "普陀区某委员会2027年三公经费预算数是多少？")
    refused = last_answer(page)
    assert "zs-refusal" in (refused.get_attribute("class") or "")
    assert "2027" in refused.locator(".zs-text").inner_text()
