"""The incentive finder on a policy we wrote ourselves (tests/fixtures/incentives): extraction, the match, the
CLI --json contract, and that every sum stated is found in or computed from the cited clause."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.incentives.extract import extract_document
from assistant.incentives.match import match
from assistant.incentives.profile import ProfileError, profile_from_dict
from assistant.incentives.traceability import untraceable
from assistant.types import DocInfo

FIXTURE = Path(__file__).parent / "fixtures" / "incentives" / "示范区招商引资若干政策.txt"
BASE = {"region": "温江区", "ownership": "foreign", "industry": "先进制造业", "usd_cny_rate": 7.0,
        "as_of": "2021-06-30"}


@pytest.fixture(scope="module")
def clauses():
    text = FIXTURE.read_text(encoding="utf-8")
    doc = DocInfo(doc_id="fixture.txt", source=str(FIXTURE), sha256="", title=text.splitlines()[0],
                  doc_type="policy", province="四川省", city="成都市", district="温江区")
    return extract_document(doc, [(1, text)])


def _item(result, article: str):
    return next(i for i in result.items if i.clause.article == article)


def test_clauses_carry_tiers_caps_schedule_and_policy_facts(clauses):
    first = next(c for c in clauses if c.article == "第一条")
    assert [(t.low, t.high) for t in first.benefit.tiers] == [(3e6, 6e6), (6e6, 12e6), (12e6, None)]
    assert [t.amount_cny for t in first.benefit.tiers[:2]] == [400000, 600000]
    assert first.benefit.tiers[2].rate == pytest.approx(0.006)
    assert first.benefit.cap_cny == 2_000_000 and first.expires == "2022-12-31"
    second = next(c for c in clauses if c.article == "第二条")
    assert second.benefit.schedule == (0.5, 0.3, 0.2)
    assert any("不可重复享受" in s for s in second.stacking)
    assert all(c.quote in FIXTURE.read_text(encoding="utf-8") for c in clauses)  # quotes are exact spans
    assert any(x.value.startswith("房地产") for x in first.exclusions)


def test_unknown_profile_field_lists_the_valid_ones():
    with pytest.raises(ProfileError) as err:
        profile_from_dict({"region": "温江区", "capital": 1})
    assert "capital" in str(err.value) and "foreign_capital_usd" in str(err.value)


def test_match_statuses_amounts_and_warnings(clauses):
    r = match(clauses, profile_from_dict({**BASE, "first_year_foreign_capital_usd": 8e6,
                                          "foreign_capital_usd": 8e6}))
    first = _item(r, "第一条")
    assert first.status == "eligible" and first.amount_cny_max == 600000  # the 600万-1200万 step
    assert _item(r, "第二条").status == "ineligible"  # 800万 is below 1000万
    assert "未达到最低档" in _item(r, "第二条").benefit
    export = _item(r, "第三条")
    assert export.status == "needs_info" and export.missing == ("export_usd",)
    rent = _item(r, "第四条")
    assert rent.status == "needs_info" and {"above_designated_size", "rent_area_m2"} <= set(rent.missing)
    assert any("可执行最高额" in n for n in r.notes) is False  # only one reward applies: no stacking note


def test_rate_cap_schedule_and_expiry(clauses):
    r = match(clauses, profile_from_dict({**BASE, "first_year_foreign_capital_usd": 5e7, "foreign_capital_usd": 5e7,
                                          "as_of": "2023-03-01"}))
    first = _item(r, "第一条")
    assert first.amount_cny_max == 2_000_000  # 5000万美元 × 6‰ × 7 = 210万, capped at 200万
    assert any("封顶" in w for w in first.warnings)
    second = _item(r, "第二条")
    assert second.amount_cny_max == 4_000_000 and any("200万元、120万元、80万元" in w for w in second.warnings)
    assert all(any(w.startswith("政策已于2022-12-31到期") for w in i.warnings) for i in r.items)
    assert any("可执行最高额" in n for n in r.notes)


def test_real_estate_is_excluded_and_rent_is_area_times_rate(clauses):
    r = match(clauses, profile_from_dict({**BASE, "industry": "房地产开发", "first_year_foreign_capital_usd": 4e6}))
    assert _item(r, "第一条").status == "ineligible" and "房地产" in _item(r, "第一条").benefit
    r = match(clauses, profile_from_dict({"rent_area_m2": 5000, "rent_use": "factory", "above_designated_size": True}))
    rent = _item(r, "第四条")
    assert rent.status == "eligible" and rent.amount_cny_max == 300000  # 5元 × 5000㎡ × 12 = 30万 (< 40万 cap)


def test_every_stated_sum_is_found_in_or_computed_from_its_quote(clauses):
    profiles = [{**BASE, "first_year_foreign_capital_usd": v, "foreign_capital_usd": v, "export_usd": v / 2,
                 "rent_area_m2": 9000, "rent_use": "factory", "above_designated_size": True}
                for v in (2e6, 4e6, 8e6, 2e7, 6e7)]
    for data in profiles:
        p = profile_from_dict(data)
        for item in match(clauses, p).items:
            assert not untraceable(item, p), (item.clause.article, item.amount_cny_max)


def test_cli_match_json_contract(tmp_path: Path, capsys, settings):
    index = str(settings.index_dir)
    assert main(["match", "--profile", str(_write(tmp_path, {"region": "温江区"})), "--index", index]) == 0
    assert "没有找到奖励条款" in capsys.readouterr().out  # empty library: said so
    assert main(["ingest", str(FIXTURE), "--index", index]) == 0
    capsys.readouterr()
    profile = {**BASE, "first_year_foreign_capital_usd": 8e6, "foreign_capital_usd": 8e6}
    assert main(["match", "--profile", str(_write(tmp_path, profile)), "--index", index, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["profile"]["region"] == "温江区"
    keys = {"policy", "clause", "status", "benefit", "amount_cny_min", "amount_cny_max", "missing", "warnings",
            "citation"}
    assert all(keys <= set(i) for i in out["items"]) and out["items"]
    first = next(i for i in out["items"] if i["clause"] == "第一条")
    assert first["amount_cny_max"] == 600000 and first["status"] == "eligible"
    assert set(first["citation"]) >= {"source", "title", "page", "article", "quote"}
    assert "600万-1200万（不含）美元" in first["citation"]["quote"]
    assert main(["match", "--profile", str(_write(tmp_path, {"size": 1})), "--index", index]) == 2
    assert "foreign_capital_usd" in capsys.readouterr().err


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / f"profile{len(list(tmp_path.glob('profile*.json')))}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


LUCHENG = Path(__file__).resolve().parents[2] / "shared" / "data" / "lucheng_investment_policy_flipbook"


@pytest.mark.skipif(not LUCHENG.is_dir(), reason="shared/data (third-party, not in the repository) is absent")
def test_every_sum_in_every_bench_case_is_traceable(tmp_path: Path):
    from bench.lucheng_policies import write_policies

    clauses = []
    for path in write_policies(tmp_path, LUCHENG):
        text = path.read_text(encoding="utf-8")
        doc = DocInfo(doc_id=path.name, source=str(path), sha256="", title=text.splitlines()[0], doc_type="policy",
                      province="浙江省", city="温州市", district="鹿城区")
        clauses += extract_document(doc, [(1, text)])
    cases = Path(__file__).resolve().parents[1] / "bench" / "incentive_cases.jsonl"
    for line in cases.read_text(encoding="utf-8").splitlines():
        p = profile_from_dict(json.loads(line)["profile"])
        for item in match(clauses, p).items:
            assert not untraceable(item, p), (item.clause.clause_id, item.amount_cny_max)


def test_question_stating_a_profile_is_read_into_one():
    from assistant.incentives.chat import profile_from_question

    p = profile_from_question("我们是外资先进制造业企业，实到外资3000万美元，能拿到什么奖励？")
    assert (p.ownership, p.industry, p.foreign_capital_usd) == ("foreign", "先进制造业", 3e7)
    p = profile_from_question("温江区：我们是规上企业，租用厂房5000平方米，可以享受哪些补贴？")
    assert (p.rent_use, p.rent_area_m2, p.above_designated_size) == ("factory", 5000, True)
    assert "温江区" in p.region
    assert profile_from_question("温江区对外资企业有什么奖励？") is None  # one trait: a question for the chat
    assert profile_from_question("金牛区的母基金规模有多大？") is None


def test_chat_routes_a_profile_question_to_the_finder(settings):
    from assistant.factory import build_assistant

    a = build_assistant(settings)
    a.library.ingest([FIXTURE])
    answer = a.ask("温江区：我们是外资先进制造业企业，实到外资3000万美元，能拿到什么奖励？")
    assert answer.mode == "finder" and answer.grounded
    assert "第二条" in answer.text and "400万元" in answer.text and "[1]" in answer.text  # 3000万美元以上 step
    for c in answer.citations:  # quotes are exact spans of the cited passages
        assert c.quote and c.quote in c.chunk_text
    assert a.ask("温江区对外资企业有什么奖励？").mode != "finder"


def test_staff_export_docx_and_corrections_survive_reingest(settings, tmp_path: Path):
    from docx import Document as DocxDocument

    from assistant.factory import build_assistant
    from assistant.staff.feedback import FeedbackStore
    from assistant.web.staff_actions import StaffActions
    from assistant.web.staff_finder import StaffFinder

    a = build_assistant(settings)
    a.library.ingest([FIXTURE])
    staff = StaffFinder(StaffActions(a, FeedbackStore(tmp_path / "fb.sqlite"), False, tmp_path / "w", tmp_path / "f"))
    text = staff.run(json.dumps({**BASE, "first_year_foreign_capital_usd": 8e6}))
    assert "【符合】" in text and "60万元" in text and "依据原文" in text
    docx = DocxDocument(staff.export_docx(text))
    assert any("60万元" in p.text for p in docx.paragraphs)
    assert "unknown field" in staff.run('{"capital": 1}')

    clause = next(c for c in staff.store.clauses() if c.article == "第三条")
    record = json.loads(staff.load(clause.clause_id))
    record["kind"] = "export_growth"
    assert staff.save(clause.clause_id, json.dumps(record, ensure_ascii=False)).startswith("saved")
    a.library.delete(FIXTURE.name)  # removed and ingested again: re-extracted, the correction kept
    a.library.ingest([FIXTURE])
    again = next(c for c in staff.store.clauses() if c.clause_id == clause.clause_id)
    assert again.kind == "export_growth" and again.corrected


def test_compare_places_cites_each_cell_and_says_when_a_place_has_none(clauses, capsys, settings):
    from assistant.incentives.compare import NOT_STATED, compare

    table = compare(clauses, "foreign_investment", ("温江区", "鹿城区"))
    wenjiang, lucheng = table.cells
    assert {c.article for c in wenjiang} >= {"第一条", "第二条"} and not lucheng
    out = table.as_dict()
    assert out["columns"][1]["cells"] == NOT_STATED
    assert out["columns"][0]["cells"][0]["citation"]["quote"] in FIXTURE.read_text(encoding="utf-8")
