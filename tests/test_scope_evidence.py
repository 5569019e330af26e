"""What ties a passage to the asked place, body or item, over real gazetteer, tagger and metadata readers: a province's
rule answers for its cities without naming them, a place named in passing is not the passage's subject, a national
notice known only by its signature is national, another numbered item is another item. Each case is one that the
NCP public Q&A (dev documents) refused or answered wrongly before."""

from __future__ import annotations

import pytest

from assistant.answering.gate import ScopeGate
from assistant.answering.relevance import TermRelevance
from assistant.answering.scope_check import ScopeChecker, is_national
from assistant.query.scope import question_scope
from assistant.types import Chunk, DocInfo, Hit, Region
from ingest.doc_region import main_region
from ingest.metadata import find_issuer

FUJIAN = DocInfo("fj.txt", "fj.txt", "s1", "“科学防控，快速核验”让千万福建用户出行更便捷", "news", "福建省")
HEALTH_CODE = ("“八闽健康码”汇聚了居民电子健康档案、购药记录、湖北（武汉）等疫情高发地区入闽人员信息以及福建省卫健、医保等"
               "相关基础数据；具有汇聚数据全、核验信息快、通行效率高、无需手工填报等技术应用优势。")


def _hit(doc: DocInfo, text: str, score: float = 1.0) -> Hit:
    return Hit(Chunk(f"{doc.doc_id}#0", doc, 0, text, 0, 0, len(text)), score)


def test_a_provinces_rule_answers_for_its_city_though_it_names_another_province_in_passing():
    """The 福建省 passage names 湖北（武汉）as where travellers come from: it is still 福建's rule, which applies in
    莆田市 and is labelled so; its words, not the city it cannot name, decide whether it answers."""
    question = "莆田市的“八闽健康码”有哪些优势？"
    gate = ScopeGate(TermRelevance(calibration=None), min_relevance=0.3)
    verdict = gate.judge(question, [_hit(FUJIAN, HEALTH_CODE)])
    assert verdict.answerable, verdict
    assert (verdict.matches[0].relation, verdict.matches[0].name) == ("parent", "福建省")
    sentence = gate.sentence_scope(verdict, verdict.hits[0], HEALTH_CODE)
    assert sentence.ok and sentence.relation == "parent", sentence


def test_a_sibling_city_inside_the_province_still_makes_the_passage_another_places():
    text = "厦门市推出“八闽健康码”线下核验点，具有核验信息快等优势。"
    match = ScopeChecker().passage(question_scope("莆田市的“八闽健康码”有哪些优势？"), _hit(FUJIAN, text))
    assert not match.ok and match.name == "厦门市", match


def test_the_national_tax_administration_named_in_a_city_tax_notice_is_not_another_office():
    """国家税务总局 in 深圳市税务局's notice ("为贯彻落实税务总局…") is the same office a level up, not 司法局's budget."""
    doc = DocInfo("sz.txt", "sz.txt", "s2", "关于疫情期间实行“非接触式”行政救济办理的温馨提示 为贯彻落实税务总局积极拓展"
                  "“非接触式”办税缴费事项的精神", "news", "广东省", "深圳市")
    text = "如需递交材料，纳税人可与区分局约定交付时间与方式。"
    scope = question_scope("疫情期间如需要递交材料时深圳税务局如何处理？")
    assert ScopeChecker().passage(scope, _hit(doc, text)).ok
    other = DocInfo("sf.txt", "sf.txt", "s3", "深圳市司法局关于疫情期间办理公证的提示", "news", "广东省", "深圳市")
    assert not ScopeChecker().passage(scope, _hit(other, text)).ok


def test_a_place_the_tagger_glued_a_character_to_is_still_the_place():
    from assistant.query.terms import question_terms

    terms = {t.text: t for t in question_terms("疫情期间如需要递交材料时深圳税务局如何处理？")}
    assert "深圳" in terms and terms["深圳"].place and "时深圳" not in terms


def test_another_numbered_item_of_a_list_is_another_item():
    doc = DocInfo("nc.txt", "nc.txt", "s4", "南昌市新型冠状病毒肺炎心理危机干预方案", "policy", "江西省", "南昌市")
    text = "第一级人群：确诊患者。第二级人群：居家隔离的人员。第三级人群：与第一级、第二级人群有关的人，如家属、同事。"
    scope = question_scope("南昌市肺炎心理危机干预第二级人群包括哪些?")
    checker, hit = ScopeChecker(), _hit(doc, text)
    assert checker.sentence(scope, hit, "第二级人群：居家隔离的人员。").ok
    assert not checker.sentence(scope, hit, "第三级人群：与家属、同事有关的人。").ok


@pytest.mark.parametrize(("question", "bodies", "offices"), [
    ("1月31日，国家知识产权局局党组书记对疫情防控工作做出了哪些要求？", ["国家知识产权局"], []),  # 局党组: its party group
    ("海关总署党组书记对口岸防控提出了哪些要求？", ["海关总署"], []),  # a party group after the body: still the body
    ("《关于改善一线医务人员工作条件的若干措施》是由哪几个政府部门联合发布的？", [], []),  # asks which bodies
    ("天津市市场监管委什么时间发布了第二批措施？", ["市场监管委", "第二批"], []),  # 市场 keeps its 市
])
def test_what_a_question_names_as_bodies(question, bodies, offices):
    scope = question_scope(question).as_dict()
    assert scope.get("bodies", []) == bodies and scope.get("offices", []) == offices, scope


def test_a_notice_signed_by_national_bodies_is_national():
    """A 公告 whose title names no issuer is signed 财政部 税务总局 at its end: it applies nationwide (海南省's
    question gets it, labelled as national), and the places its text names do not make it theirs."""
    title = "关于支持新型冠状病毒感染的肺炎疫情防控有关个人所得税政策的公告"
    text = (f"{title} 一、对参加疫情防治工作的医务人员取得的临时性工作补助，免征个人所得税。对湖北省的医务人员，比照执行。"
            "三、本公告自2020年1月1日起施行。 财政部&ensp;税务总局 2020年2月6日 链接： 网站纠错")
    assert main_region(title, text) == Region()
    assert find_issuer(title, text) == "财政部 税务总局"
    doc = DocInfo("gg.txt", "gg.txt", "s5", title, "policy", issuer="财政部 税务总局")
    assert is_national(doc) and not is_national(DocInfo("x.txt", "x.txt", "s6", title, "policy"))
    cited = "根据财政部 2020年2月6日发布的通知，本市对医务人员免征个人所得税。"  # a date that cites, not a signature
    assert find_issuer("某市关于落实个税政策的通知", cited) == ""


def test_a_title_about_the_whole_province_keeps_the_province_whichever_city_its_text_names_most():
    title = "浙江：全省各地“健康码”陆续上线 截至2月15日晚，杭州、宁波、温州“健康码”服务已上线"
    text = title + " 杭州市民可通过支付宝申领。杭州“健康码”实行红黄绿三色管理，杭州市已发放800万张。"
    assert main_region(title, text) == Region("浙江省")
    assert main_region("杭州“健康码”上线", text).city == "杭州市"  # no whole-area word: the text's city


def test_a_national_rule_answers_for_a_province_only_when_it_names_what_is_asked_about():
    """A national notice applies in 山东省 without naming it; it answers when it names the question's rarest subject
    word, not when it shares only the common ones (投放, 复工) with a question about 信贷."""
    gate = ScopeGate(TermRelevance(calibration=None), min_relevance=0.3)
    national = DocInfo("sw.txt", "sw.txt", "s7", "国家税务总局关于开展2020年“便民办税春风行动”的意见", "policy")
    online = "（六）优化网上办税缴费平台。加强电子税务局、手机APP等办税缴费平台的运行维护和应用管理，确保系统安全稳定。"
    verdict = gate.judge("山东如何优化网上办税缴费平台？", [_hit(national, online)])
    assert verdict.answerable and verdict.matches[0].name == "全国", verdict
    feed = DocInfo("ny.txt", "ny.txt", "s8", "农业农村部关于做好饲料生产企业复工复产的通知", "policy")
    supply = "加大玉米等储备粮投放，加快豆粕等生产企业开工，支持饲料企业尽快复工复产，保障大宗饲料原料供给。"
    assert not gate.judge("淮北市如何扩大信贷投放支持企业复工复产？", [_hit(feed, supply)]).answerable


def test_a_place_named_to_be_left_out_is_another_place_for_it_and_nothing_against_the_rest():
    """"湖北省以外的其他省份要…" holds everywhere but 湖北: a 湖北 question must not get it, a 广东 one may."""
    doc = DocInfo("n.txt", "n.txt", "s9", "人力资源社会保障部关于做好疫情防控一线医务人员保障工作的通知", "policy")
    text = "湖北省以外的其他省份要整合当地心理卫生资源，为一线医务人员提供心理服务。"
    checker, hit = ScopeChecker(), _hit(doc, text)
    hubei = checker.sentence(question_scope("湖北省如何为一线医务人员提供心理服务？"), hit, text)
    assert not hubei.ok and hubei.name == "", hubei  # no "以下是湖北省的相关信息" over facts that exclude it
    guangdong = checker.sentence(question_scope("广东省如何为一线医务人员提供心理服务？"), hit, text)
    assert guangdong.ok and guangdong.relation == "parent", guangdong


def test_another_member_of_a_coded_series_is_another_thing():
    """U12组 is not the asked U14组 (nor MU5736 the asked MU5735): a sentence naming only the other member does not
    answer, one naming the asked one does."""
    doc = DocInfo("t.txt", "t.txt", "s10", "青少年网球巡回赛锦川站落幕", "news")
    text = "钧泰体育学员梁皓凯赢得U12组男单冠军。李明轩夺得U14组男单冠军。"
    scope = question_scope("2022锦川网球巡回赛U14组男单冠军是谁")
    checker, hit = ScopeChecker(), _hit(doc, text)
    assert not checker.sentence(scope, hit, "钧泰体育学员梁皓凯赢得U12组男单冠军。").ok
    assert checker.sentence(scope, hit, "李明轩夺得U14组男单冠军。").ok


def test_a_title_that_runs_on_into_its_addressees_is_not_about_them():
    """"关于阶段性减免企业社会保险费的通知 各省、自治区、直辖市人民政府，新疆生产建设兵团：" was 新疆's: the 兵团 is
    whom it is sent to. National, its 湖北省 rule answers for 湖北省."""
    title = "关于阶段性减免企业社会保险费的通知 各省、自治区、直辖市人民政府，新疆生产建设兵团： 为贯彻落实"
    text = title + " 二、自2020年2月起，湖北省可免征各类参保单位三项社会保险单位缴费部分，免征期限不超过5个月。"
    assert main_region(title, text) == Region()


def test_a_sentence_goes_on_about_the_law_its_passage_named_before_it():
    """"根据《若干措施》，…" then sentences that name no 《…》: still the asked measures'. A sentence after another
    《…》 is that one's, and a passage that never names the asked law answers nothing for it."""
    question = "吉林省出台的《若干措施》中，哪些物资不需要审批？"
    doc = DocInfo("jl.txt", "jl.txt", "s9", "吉林省多部门联手出台34项具体措施", "news", "吉林省")
    text = ("省政府印发了《若干措施》。对疫情防控急需的物资，不需要审批，直接进口。"
            "另据《慈善捐赠物资免征进口税收暂行办法》，捐赠物资免征关税。对捐赠的消毒用品，免于审批。")
    checker, scope = ScopeChecker(), question_scope(question)
    hit = _hit(doc, text)
    assert checker.sentence(scope, hit, "对疫情防控急需的物资，不需要审批，直接进口。").ok
    assert not checker.sentence(scope, hit, "对捐赠的消毒用品，免于审批。").ok
    other = _hit(doc, "另据《慈善捐赠物资免征进口税收暂行办法》，捐赠物资免征关税。对捐赠的消毒用品，免于审批。")
    assert not checker.sentence(scope, other, "对捐赠的消毒用品，免于审批。").ok
