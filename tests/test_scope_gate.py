"""Answers stay within the question's scope: a place, body, law or year the library does not cover is refused
with "资料中没有找到X…", on every path (extractive, LLM, contacts, reply drafting, English), over the real
demo corpus index. Its controls (the same questions about what the library does cover) are still answered."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import httpx
import pytest

from assistant.answering.generators import FallbackGenerator
from assistant.answering.llm import LLMAnswerer
from assistant.service import Assistant
from assistant.staff.reply_drafting import NEEDS_INPUT, draft_reply, to_markdown
from assistant.types import Answer
from tests.test_llm_mock import llm_settings, sse_body

BROCHURE_PHONE = "0835-6218890"  # the fictional 锦川 park's office in 青禾市 (demo_park_brochure.md)


def _answer_part(ans: Answer) -> str:
    """What is offered as the answer: the text before the "for reference only" block."""
    return re.split(r"以下是.*?仅供参考|For reference only", ans.text)[0]


def test_a_sibling_districts_fund_is_not_the_answer(demo_assistant):
    ans = demo_assistant.ask("温江区的母基金规模有多大？")
    assert not ans.grounded and ans.mode == "refusal"
    assert ans.text.startswith("资料中没有找到温江区") and ans.missing == "温江区"
    assert "50亿" not in _answer_part(ans)
    # Nearest facts may follow, labelled as the other district's, and their citations say so.
    if ans.citations:
        assert "仅供参考" in ans.text and "金牛区" in ans.text
        assert all(c.scope == "other" and c.scope_name == "金牛区" for c in ans.citations)


def test_the_control_question_about_the_covered_district_is_answered(demo_assistant):
    ans = demo_assistant.ask("金牛区的母基金规模有多大？")
    assert ans.grounded and "50亿元" in ans.text
    assert all(c.scope == "same" for c in ans.citations)
    assert ans.as_dict()["citations"][0]["scope"] == {"match": "same", "name": ""}


def test_in_english_too_a_sibling_districts_fund_is_not_the_answer(demo_assistant):
    """"mother fund" is 母基金 (query/data/en_phrases.txt): Wenjiang's question is refused, not answered with a
    Wenjiang sentence that names no fund; Jinniu's is answered with its fund."""
    wenjiang = demo_assistant.ask("How large is the mother fund of Wenjiang District?")
    assert not wenjiang.grounded and "Wenjiang" in wenjiang.text and "50" not in _answer_part(wenjiang)
    jinniu = demo_assistant.ask("How large is the mother fund of Jinniu District?")
    assert jinniu.grounded and "50亿元" in jinniu.text and "母基金" in jinniu.text


def test_a_place_the_library_never_mentions_is_refused_in_chinese_and_english(demo_assistant):
    zh = demo_assistant.ask("深圳前海对博士人才有什么补贴？")
    assert not zh.grounded and zh.text.startswith("资料中没有找到深圳市") and "20万" not in _answer_part(zh)
    en = demo_assistant.ask("What housing subsidy does Shenzhen give to PhD graduates?")
    assert not en.grounded and en.language == "en"
    assert "Shenzhen" in en.text or "深圳" in en.text
    assert "200,000" not in _answer_part(en) and "20万" not in _answer_part(en)


def test_a_contact_of_another_place_is_never_given(demo_assistant):
    ans = demo_assistant.ask("温江区投资咨询电话是多少？")
    assert not ans.grounded and BROCHURE_PHONE not in ans.text
    assert ans.text.startswith("资料中没有找到温江区")
    # The park's own question still gets its office.
    park = demo_assistant.ask("锦川经济开发区的投资咨询电话是多少？")
    assert park.grounded and BROCHURE_PHONE in park.text


def test_the_bureaus_own_contact_is_the_hand_off_when_configured(demo_assistant):
    settings = demo_assistant.settings.model_copy(update={"bureau_name": "示范市投资促进局",
                                                          "bureau_phone": "028-12345678"})
    bureau = Assistant(settings, demo_assistant.library, demo_assistant.retriever, demo_assistant.reranker,
                       demo_assistant.gate, demo_assistant.generator)
    ans = bureau.ask("温江区投资咨询电话是多少？")
    assert not ans.grounded and "示范市投资促进局" in ans.text and "028-12345678" in ans.text
    assert BROCHURE_PHONE not in ans.text


def test_more_detail_than_the_passage_repeats_is_still_answered(demo_assistant):
    ans = demo_assistant.ask("昇兴在内江的包装生产基地项目从拿地到投产用了多长时间？")
    assert ans.grounded and "8个月" in ans.text


def test_a_year_the_library_does_not_have_is_refused(demo_assistant):
    ans = demo_assistant.ask("重庆在驻京津冀地区2019年签约落地了多少个项目？")
    assert not ans.grounded and "2019" in ans.text.split("。")[0]
    control = demo_assistant.ask("重庆在驻京津冀地区已签约落地项目多少个？")
    assert control.grounded and "193" in control.text


def test_an_undated_report_that_names_only_another_year_does_not_answer_for_the_asked_one(demo_assistant):
    """The 成都 news item says 发布时间：不详 and names 2025年5月: its 50亿元 fund is no 2019 figure (shown only as the
    nearest facts, labelled with the year it names); without a year the question is answered from it."""
    ans = demo_assistant.ask("金牛区2019年的母基金规模有多大？")
    assert not ans.grounded and ans.text.startswith("资料中没有找到金牛区、2019年")
    assert "50亿" not in _answer_part(ans) and "2025年" in ans.text
    en = demo_assistant.ask("How big was Jinniu's parent fund in 2019?")
    assert not en.grounded and "2019" in en.text.split("\n")[0] and "2025nian" not in en.text
    assert demo_assistant.ask("金牛区的母基金规模有多大？").grounded


def test_where_an_event_was_held_is_its_answer_not_its_place(demo_assistant):
    """"…温江…对接活动在深圳举行": 深圳 is where 温江区's event took place (the answer), not whose event it is; a
    sibling district's question is still refused."""
    ans = demo_assistant.ask("温江区光通信精准对接活动在哪里举行？")
    assert ans.grounded and "在深圳举行" in ans.text
    trap = demo_assistant.ask("崇州市光通信精准对接活动在哪里举行？")
    assert not trap.grounded and trap.text.startswith("资料中没有找到关于崇州市") and "深圳" not in _answer_part(trap)


def test_nearest_facts_are_labelled_with_the_place_their_passage_is_about(demo_assistant):
    """The 成都 news item is about three districts (its title names them): a passage about 温江区's event is labelled
    温江区, one about 邛崃市's 邛崃市, not the document's first district; a 内江 passage that mentions 香港 once in
    passing is 内江市's."""
    for question, label in (("崇州市光通信精准对接活动在哪里举行？", "温江区"), ("大邑县在哪里举办协同招商会？", "邛崃市"),
                            ("昇兴在自贡的包装生产基地从拿地到投产用了多长时间？", "内江市")):
        ans = demo_assistant.ask(question)
        assert not ans.grounded and f"以下是{label}的相关信息" in ans.text, ans.text


def test_in_english_a_specific_term_no_passage_holds_is_another_subject(demo_assistant):
    """"the Yangtze River Delta" (长三角, from the glossary) is in no passage: 重庆's 智博会 totals do not answer it,
    while its 京津冀 question is answered with the 193 projects."""
    ans = demo_assistant.ask("How much did Chongqing sign in the Yangtze River Delta?")
    assert not ans.grounded and "207" not in ans.text
    control = demo_assistant.ask("How much did Chongqing sign in Beijing-Tianjin-Hebei?")
    assert control.grounded and "193" in control.text


def test_in_english_too_a_year_restricts_the_question(demo_assistant):
    """"in 2015" is a year as 2015年 is: the 2023 guide's 200,000 yuan is not the answer for 2015."""
    ans = demo_assistant.ask("What subsidies does the Jinchuan park offer for PhD talent in 2015?")
    assert not ans.grounded and "2015" in ans.text.split("\n")[0] and "200,000" not in ans.text
    control = demo_assistant.ask("What subsidies does the Jinchuan park offer for PhD talent?")
    assert control.grounded and "20万元" in control.text


def test_a_law_the_library_does_not_hold_is_refused(demo_assistant):
    ans = demo_assistant.ask("《天津市外商投资条例》对外商投资企业投诉有什么规定？")
    assert not ans.grounded and "天津" in ans.text.split("。")[0]
    control = demo_assistant.ask("《北京市外商投资条例》对外商投资企业投诉有什么规定？")
    assert control.grounded and all("北京市外商投资条例" in c.title for c in control.citations)


def test_ask_json_citations_say_how_their_scope_matched(demo_assistant, capsys):
    from assistant.cli import main

    code = main(["ask", "金牛区的母基金规模有多大？", "--json", "--index", str(demo_assistant.settings.index_dir)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["scope"] == {"places": ["金牛区"]}
    assert all(c["scope"]["match"] in ("same", "parent") for c in out["citations"])


def _llm_assistant(demo_assistant, reply: str, seen: list) -> Assistant:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        chunks = [reply[i:i + 12] for i in range(0, len(reply), 12)]
        return httpx.Response(200, content=sse_body(chunks), headers={"content-type": "text/event-stream"})

    llm = LLMAnswerer(llm_settings(), http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    return Assistant(demo_assistant.settings, demo_assistant.library, demo_assistant.retriever,
                     demo_assistant.reranker, demo_assistant.gate, FallbackGenerator(llm, demo_assistant.generator),
                     llm)


def test_the_llm_is_not_asked_when_no_passage_is_in_scope(demo_assistant):
    seen: list = []
    a = _llm_assistant(demo_assistant, "温江区母基金总规模50亿元[1]。", seen)
    ans = a.ask("温江区的母基金规模有多大？")
    assert not ans.grounded and not seen and "50亿" not in _answer_part(ans)


def test_an_llm_sentence_about_another_place_is_removed(demo_assistant):
    """The LLM (wire recorded) cites an in-scope passage [1] but also tells a story about another district."""
    seen: list = []
    reply = "金牛区发布的产业母基金总规模50亿元[1]。温江区也设立了50亿元的母基金[1]。"
    ans = _llm_assistant(demo_assistant, reply, seen).ask("金牛区的母基金规模有多大？")
    assert seen and ans.grounded
    assert "温江区也设立" not in ans.text
    if ans.mode == "llm":
        assert "金牛区发布的产业母基金总规模50亿元" in ans.text and any("removed" in w for w in ans.warnings)


def test_an_uncited_llm_sentence_is_removed(demo_assistant):
    seen: list = []
    reply = "金牛区发布的产业母基金总规模50亿元[1]。该基金是全国最大的区级基金。"
    ans = _llm_assistant(demo_assistant, reply, seen).ask("金牛区的母基金规模有多大？")
    assert ans.grounded and "全国最大" not in ans.text


def test_reply_draft_marks_the_out_of_scope_point_for_staff(demo_assistant):
    inquiry = "您好，请问：\n1. 深圳前海对博士人才有什么补贴？\n2. 金牛区的母基金规模有多大？"
    draft = draft_reply(inquiry, demo_assistant.ask, "投资促进局",
                        contacts_for=lambda ids: (demo_assistant.library.contacts(list(ids)) if ids is not None
                                                  else demo_assistant.handoff.for_question(inquiry)))
    text = to_markdown(draft)
    first, second = draft.points
    assert not first.answered and "深圳前海对博士人才有什么补贴" in draft.needs_input[0]
    assert second.answered and "50亿元" in second.text
    assert NEEDS_INPUT in text and "20万" not in text and BROCHURE_PHONE not in text


def test_unscoped_questions_behave_as_before(demo_assistant):
    """No place, body, law or year named: the gate is relevance alone (the dev suite guards the rest)."""
    ans = demo_assistant.ask("外国投资者可以通过哪些方式在中国投资？")
    assert ans.grounded and ans.scope == {} and all(c.scope == "" for c in ans.citations)
    plain = replace(ans, citations=())
    assert plain.as_dict()["scope"] == {}


def test_a_hanging_llm_delays_only_the_first_question(demo_assistant):
    """After the LLM timed out once, the next users get the checked extractive answer at once, with a notice."""
    import time

    calls: list = []

    def hang(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        time.sleep(4.0)  # the server hangs until the client's read timeout
        raise httpx.ReadTimeout("no answer", request=request)

    llm = LLMAnswerer(llm_settings(llm_timeout=4.0), http_client=httpx.Client(transport=httpx.MockTransport(hang)))
    a = Assistant(demo_assistant.settings, demo_assistant.library, demo_assistant.retriever, demo_assistant.reranker,
                  demo_assistant.gate, FallbackGenerator(llm, demo_assistant.generator, cooldown=60), llm)
    first = a.ask("金牛区的母基金规模有多大？")
    assert first.mode == "extractive" and any("timed out" in w for w in first.warnings)
    t0 = time.perf_counter()
    second = a.ask("金牛区的母基金规模有多大？")
    assert len(calls) == 1 and time.perf_counter() - t0 < 3.0
    assert second.grounded and "50亿元" in second.text and any("llm_cooldown" in w for w in second.warnings)


def test_a_three_turn_conversation_changes_only_what_each_follow_up_names(demo_assistant):
    """Topic, then a place change, then a year change: each follow-up inherits the topic and is scope-checked."""
    from assistant.query.conversation import rewrite_followup

    history: list[tuple[str, str]] = []
    first = demo_assistant.ask("金牛区的母基金规模有多大？")
    assert first.grounded and "50亿元" in first.text
    history.append(("金牛区的母基金规模有多大？", first.text))
    assert rewrite_followup("那温江区呢？", history) == "温江区的母基金规模有多大？"
    place = demo_assistant.ask("那温江区呢？", history)
    assert not place.grounded and place.text.startswith("资料中没有找到温江区") and "50亿" not in _answer_part(place)
    history.append(("那温江区呢？", place.text))
    assert "温江区" in rewrite_followup("那2030年呢？", history) and "2030年" in rewrite_followup("那2030年呢？", history)
    year = demo_assistant.ask("那2030年呢？", history)
    assert not year.grounded and "2030" in year.text.split("。")[0]


def test_nearest_facts_are_labelled_by_a_name_not_by_a_sentence_taken_as_a_title():
    """A document without a title is titled by its first line; the refusal's label over the nearest facts must
    not quote that sentence as if it were the other place's or body's name."""
    from assistant.answering.refusal import nearest_lead_in

    first_line = "其中，公开组队伍分别来自中国、德国、俄罗斯等8个国家和地区，共计15支队伍参赛。"
    assert nearest_lead_in("zh", first_line, "浙江省") == "以下是其他资料的相关信息，仅供参考，并非浙江省的信息："
    assert "金牛区" in nearest_lead_in("zh", "金牛区", "温江区")
    assert "other documents" in nearest_lead_in("en", first_line, "Zhejiang")


@pytest.mark.parametrize(("question", "bodies"), [
    ("疫情期间如需要递交材料时深圳税务局如何处理？", []),  # 深圳 + a generic office: the place and 税务局 are the scope
    ("为增加武汉市蔬菜市场供应国家发展改革委做了哪些措施？", ["国家发展改革委"]),
    ("中国银行深圳分行的电话是多少？", ["中国银行"]),  # a body before the place: one name
])
def test_a_bodys_name_starts_at_a_place_or_the_state_inside_the_words_before_it(question, bodies):
    """The walk left from a suffix takes the question's nouns along (材料时…, 蔬菜市场供应…): a name that carries
    them is named by no passage, so a library that answers the question was refused as out of scope."""
    from assistant.query.scope import question_scope

    assert question_scope(question).as_dict().get("bodies", []) == bodies


def test_a_notice_to_every_province_is_national_though_it_names_an_exception():
    """国家税务总局's notice to 各省、自治区、直辖市税务局 holds in 辽宁省 (labelled as national), though its passage names
    湖北省 for an exception; a province's own notice that names a sibling does not."""
    from assistant.answering.scope_check import ScopeChecker, is_national
    from assistant.query.scope import question_scope
    from assistant.types import Chunk, DocInfo, Hit

    title = "关于延长2020年2月份纳税申报期限的通知 国家税务总局各省、自治区、直辖市和计划单列市税务局"
    text = "对按月申报的纳税人，2月份纳税申报期限延长至2月24日；湖北省可根据疫情情况进一步延长。"
    national = DocInfo("n.txt", "n.txt", "s1", title, "policy")
    jilin = DocInfo("j.txt", "j.txt", "s2", "吉林省税务局关于延长纳税申报期限的通告", "policy", "吉林省")
    assert is_national(national) and not is_national(jilin)
    scope = question_scope("辽宁省对按月申报的纳税人2月份的申报纳税期限延长到什么时候？")
    checker = ScopeChecker()
    match = checker.passage(scope, Hit(Chunk("n.txt#0", national, 0, text, 0, 0, len(text)), 1.0))
    assert match.ok and match.relation == "parent", match
    assert not checker.passage(scope, Hit(Chunk("j.txt#0", jilin, 0, text, 0, 0, len(text)), 1.0)).ok


def test_the_nearest_facts_are_labelled_with_the_place_of_the_passage_quoted(demo_assistant):
    """A refusal's nearest facts are labelled with the place of the passage they quote, not of the first passage
    found: here the first (深圳市's) holds nothing the sentence picker takes, the second (平凉市's) does."""
    from assistant.stages import Verdict
    from assistant.types import Answer, Chunk, DocInfo, Hit

    question = "陇南市民如何举报网络谣言？"
    shenzhen = DocInfo("sz.txt", "sz.txt", "s1", "深圳市税务局温馨提示", "news", "广东省", "深圳市")
    baishui = DocInfo("bs.txt", "bs.txt", "s2", "平凉市网信办发布网络辟谣提示", "news", "甘肃省", "平凉市")
    first, second = "纳税人可通过电子税务局办理相关业务。", "市民如发现网络谣言，可拨打平凉市网信办举报电话0933-5550101举报。"
    nearest = (Hit(Chunk("sz.txt#0", shenzhen, 0, first, 0, 0, len(first)), 2.0),
               Hit(Chunk("bs.txt#0", baishui, 0, second, 0, 0, len(second)), 1.0))
    verdict = Verdict(False, "out_of_scope", 0.0, demo_assistant.gate.scope(question), nearest=nearest)
    base = Answer(question=question, text="", citations=(), grounded=False, mode="refusal")
    refusal = demo_assistant._refusal(question, verdict, "zh", base)
    assert "以下是平凉市的相关信息" in refusal.text and "深圳市" not in refusal.text, refusal.text
    assert [(c.source, c.scope, c.scope_name) for c in refusal.citations] == [("bs.txt", "other", "平凉市")]


def test_a_refusal_names_what_is_missing_once_and_in_words_the_question_used():
    """A name that a longer asked name holds is said by the longer one; a topic whose words the question wrote apart
    is not glued into nonsense ("哪几个扩大口罩生产"): the refusal then says 相关信息."""
    from assistant.answering.refusal import scope_refusal_text
    from assistant.query.scope import question_scope, topic_words

    def refusal(question: str) -> str:
        scope = question_scope(question)
        return scope_refusal_text("zh", scope.label(), topic_words(question, scope))

    assert refusal("国家文物局滨海新区中心支局线下业务办理的联系电话是多少？").startswith(
        "资料中没有找到国家文物局滨海新区中心支局的")
    assert refusal("温江区的母基金规模有多大？") == "资料中没有找到温江区的母基金规模信息。"
    assert refusal("2026年，泰州市海陵区企业复工审批流程是什么？") == "资料中没有找到海陵区、2026年的企业复工审批流程信息。"
    assert refusal("国家民委从哪几个方面扩大口罩生产？") == "资料中没有找到关于国家民委的相关信息。"
