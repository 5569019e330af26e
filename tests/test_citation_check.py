"""Citation checking on hand-made answers: sentence splitting, marker validity, quantity support, dropping."""

from __future__ import annotations

from assistant.answering.citation_check import check_answer, drop_unsupported
from assistant.text.markers import parse_markers
from assistant.text.sentences import split_sentences

PASSAGES = {
    1: "对总投资50亿元以上的制造业项目，按实际投资额的3%给予奖励，最高不超过5000万元。本措施自2024年3月1日起施行。",
    2: "温州经济技术开发区投资咨询电话：0577-88030503。园区总面积120平方公里。",
}


def test_split_keeps_trailing_markers_with_their_sentence():
    text = "最高奖励5000万元。[1] 咨询电话0577-88030503【2】！Is it valid? Yes [1].\n- 园区面积120平方公里[2]"
    assert split_sentences(text) == [
        "最高奖励5000万元。[1]", "咨询电话0577-88030503【2】！", "Is it valid?", "Yes [1].", "- 园区面积120平方公里[2]"]


def test_split_does_not_cut_decimals_list_numbers_or_abbreviations():
    text = "1. 补贴3.5%[1]。\n2. In the U.S. it is No. 5 on the list [2]."
    assert split_sentences(text) == ["1. 补贴3.5%[1]。", "2. In the U.S. it is No. 5 on the list [2]."]


def test_parse_markers_handles_lists_ranges_and_full_width_brackets():
    assert parse_markers("a[1] b[2, 3] c【4】 d［5］ e[6-8] f[1]") == (1, 2, 3, 4, 5, 6, 7, 8)
    assert parse_markers("no markers, 〔2024〕12号") == ()


def test_supported_answer_passes():
    text = "总投资50亿元以上的项目按投资额的3%奖励，最高5000万元[1]。咨询电话0577-88030503[2]。"
    report = check_answer(text, PASSAGES)
    assert report.ok and all(s.supported for s in report.sentences)
    assert report.valid_markers == (1, 2) and report.invalid_markers == ()


def test_marker_to_a_missing_passage_is_invalid():
    report = check_answer("园区面积120平方公里[2][7]。", PASSAGES)
    (s,) = report.sentences
    assert s.markers == (2, 7) and s.invalid_markers == (7,) and not report.ok
    assert report.invalid_markers == (7,) and report.unsupported_sentences == (s,)
    assert "[7]" in s.reason


def test_quantity_must_be_in_a_passage_the_sentence_cites():
    report = check_answer("咨询电话0577-88030503，最高奖励5000万元[2]。", PASSAGES)
    (s,) = report.sentences
    assert s.unsupported == ("5000万元",) and not s.supported and s.failed  # 5000万元 is in [1], not [2]
    assert check_answer("咨询电话0577-88030503，最高奖励5000万元[1][2]。", PASSAGES).ok


def test_invented_numbers_of_every_kind_are_caught():
    for claim in ("最高奖励8000万元[1]。", "按投资额的5%奖励[1]。", "自2025年1月1日起施行[1]。", "电话0577-88030504[2]。",
                  "园区面积150平方公里[2]。"):
        (s,) = check_answer(claim, PASSAGES).sentences
        assert s.unsupported, claim


def test_normalised_numbers_are_supported():
    text = "总投资五十亿元以上的项目最高奖励五千万元[1]。The award is 3 percent, up to 50 million yuan [1]."
    assert check_answer(text, PASSAGES).ok


def test_sentence_without_markers_is_kept_only_if_it_states_no_number():
    report = check_answer("具体政策如下：\n奖励最高5000万元。", PASSAGES)
    lead, claim = report.sentences
    assert not lead.failed and not lead.supported and lead in report.uncited_sentences
    assert claim.failed and claim.unsupported == ("5000万元",)


def test_drop_unsupported_removes_failed_sentences_and_keeps_layout():
    text = ("根据资料：\n"
            "1. 最高奖励5000万元[1]。\n"
            "2. 另有9亿元专项基金[7]。\n"
            "3. 咨询电话0577-88030503[2]。另外免租三年，面积150平方公里[2]。")
    report = check_answer(text, PASSAGES)
    assert [s.sentence for s in report.unsupported_sentences] == [
        "2. 另有9亿元专项基金[7]。", "另外免租三年，面积150平方公里[2]。"]
    assert drop_unsupported(text, report) == "根据资料：\n1. 最高奖励5000万元[1]。\n3. 咨询电话0577-88030503[2]。"


def test_drop_unsupported_on_a_clean_answer_changes_nothing():
    text = "最高奖励5000万元[1]。\n\n咨询电话0577-88030503[2]。"
    assert drop_unsupported(text, check_answer(text, PASSAGES)) == text


def test_a_list_numbered_inside_a_line_of_chinese_is_not_cut_at_its_numbers():
    """"材料 1. 企业复工申请表； 2. …" (a notice flattened onto one line): "1." after Chinese text numbers an item, it
    ends no sentence; an English sentence ending in a number still ends."""
    from assistant.text.sentences import split_sentences

    assert split_sentences("安全生产措施。 四、企业复工审批材料 1. 企业复工申请表； 2. 企业复工方案。 报送材料均需签字。") == [
        "安全生产措施。", "四、企业复工审批材料 1. 企业复工申请表； 2. 企业复工方案。", "报送材料均需签字。"]
    assert split_sentences("The park opened in 2019. It has 12 firms.") == ["The park opened in 2019.", "It has 12 firms."]
