"""The scope-trap generator (bench/scope_cases.py) on a tiny library written here: each trap swaps one named
place, body, law or year for a sibling the library never mentions, and the split follows the gold document."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from scope_cases import BODIES, KINDS, generate, split_of  # noqa: E402
from scope_seeds import REGS, Doc, Seed, regulation_seeds  # noqa: E402

from ingest.regions import short_forms  # noqa: E402

REG_TEXT = """# 北京市优化营商环境条例

<!-- INFO END -->

第一条 为了持续优化营商环境，制定本条例。

第十条 有关部门应当自受理申请之日起十五个工作日内作出决定。

第九十条 本条例自2020年4月28日起施行。
"""
DOCS = [
    Doc("wenjiang", "成都市温江区关于支持生物医药产业发展的若干政策。对新引进的生物医药企业，给予最高500万元奖励。"
                    "本政策自2021年1月1日起施行，由温江区经济和信息化局负责解释。"),
    Doc("beijing-expo", "北京市对于因疫情影响暂停举办的展会项目，补助金额不超过50万元。"
                        "工业和信息化部到北京北铃专用汽车有限公司进行督导检查。"),
    Doc("北京市优化营商环境条例.md", REG_TEXT, "北京市优化营商环境条例"),
    Doc("gulou", "南京市鼓楼区2020年出台稳岗补贴政策，补贴标准为每人1000元。"),
]
SEEDS = [
    Seed("成都市温江区对新引进的生物医药企业给予多少奖励？", "wenjiang", "ncp", "最高500万元", ("500万元",)),
    Seed("工业和信息化部到哪家企业进行督导检查？", "beijing-expo", "ncp", "北京北铃专用汽车有限公司"),
    Seed("北京市对于因疫情影响暂停举办的展会项目有何支持政策？", "beijing-expo", "ncp", "补助金额不超过50万元",
         ("50万元",)),
    Seed("《北京市优化营商环境条例》自什么时候起施行？", "北京市优化营商环境条例.md", "regulations",
         "本条例自2020年4月28日起施行", ("2020年4月28日",), "北京市优化营商环境条例"),
    Seed("南京市鼓楼区2020年的稳岗补贴标准是多少？", "gulou", "ncp", "每人1000元", ("1000元",)),
]
LIBRARY = "\n".join(d.title + d.text for d in DOCS)


@pytest.fixture(scope="module")
def cases():
    return generate(SEEDS, DOCS, seed=3)


def _forms_of(case) -> set[str]:
    """Every way the swapped-in name could be written, which the library must not contain."""
    if case.kind == "place":
        return short_forms(case.swapped_to) | {case.swapped_to}
    if case.kind == "body":
        line = next(ln.split() for ln in BODIES.read_text(encoding="utf-8").splitlines()
                    if case.swapped_to in ln.split())
        return set(line)
    return {case.swapped_to.removesuffix("年")} if case.kind == "year" else {case.swapped_to}


def test_every_kind_is_generated_and_each_trap_swaps_exactly_one_element(cases):
    assert {c.kind for c in cases} == set(KINDS)
    for c in cases:
        assert c.swapped_from in c.control and c.swapped_from != c.swapped_to
        assert c.trap == c.control.replace(c.swapped_from, c.swapped_to, 1), c
        assert c.swapped_to not in c.control


def test_the_swapped_in_name_appears_in_no_document(cases):
    for c in cases:
        for form in _forms_of(c):
            assert form not in LIBRARY, (c.kind, form)


def test_siblings_stay_at_the_same_level_under_the_same_parent(cases):
    by_control = {c.control: c for c in cases if c.kind == "place"}
    wenjiang = by_control["成都市温江区对新引进的生物医药企业给予多少奖励？"]
    assert wenjiang.swapped_from == "温江区" and wenjiang.trap.startswith("成都市")
    assert wenjiang.swapped_to.endswith(("区", "县", "市"))
    beijing = by_control["北京市对于因疫情影响暂停举办的展会项目有何支持政策？"]
    assert beijing.swapped_to.endswith(("省", "市", "自治区"))
    year = next(c for c in cases if c.kind == "year")
    assert (year.swapped_from, year.swapped_to) == ("2020年", "2019年")  # 2021 is stated by the Wenjiang doc


def test_split_follows_the_gold_document_and_generation_is_deterministic(cases):
    assert all(c.split == split_of(c.doc_id) for c in cases)
    splits = [split_of(f"doc-{i}") for i in range(400)]
    assert 0.3 < splits.count("dev") / len(splits) < 0.5
    assert generate(SEEDS, DOCS, seed=3) == cases


def test_regulation_templates_ask_for_the_in_force_date_and_a_single_figure(tmp_path):
    folder = tmp_path / REGS / "md"
    folder.mkdir(parents=True)
    (folder / "北京市优化营商环境条例(2020-03-27).md").write_text(REG_TEXT, encoding="utf-8")
    row = {"file": "md/北京市优化营商环境条例(2020-03-27).md", "title": "北京市优化营商环境条例",
           "version_date": "2020-03-27"}
    (tmp_path / REGS / "index.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    seeds = {s.question: s.facts for s in regulation_seeds(tmp_path)}
    assert seeds == {"《北京市优化营商环境条例》自什么时候起施行？": ("2020年4月28日",),
                     "《北京市优化营商环境条例》第十条规定的期限是多少？": ("十五个工作日",)}


def test_citing_a_republished_copy_of_the_gold_statement_is_the_right_source():
    """The NCP corpus republishes notices under other ids: an answer citing the copy that states the same thing
    cites the right source; a document that merely shares the figure does not."""
    from scope_score import score_pair

    gold = "强化病死畜禽无害化处理，各县（市、区）财政按上年补助额度的50%提前拨付2019年度病死猪无害化处理补助资金。"
    texts = {"gold": gold, "copy": "各县(市、区)财政按上年补助额度的50%提前拨付2019年度病死猪无害化处理补助资金。",
             "other": "对符合条件的企业，按投资额的50%给予补助。"}
    case = {"doc_id": "gold", "gold_facts": ["50%"], "gold_answer": "50%"}
    refused = {"grounded": False, "text": "资料中没有找到…", "cited": []}

    def answer(doc: str) -> dict:
        return {"grounded": True, "text": texts[doc], "cited": [{"doc_id": f"corpus.jsonl::{doc}", "source": "",
                                                                  "title": ""}]}

    assert score_pair(case, answer("copy"), refused, texts)["control_right_facts"]
    assert not score_pair(case, answer("other"), refused, texts)["control_right_source"]
    assert not score_pair(case, answer("copy"), refused)["control_right_source"]  # without the texts: gold id only
