"""The extractive generator over hand-made policy, park and news passages: cited sentences, relevance, warnings."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import replace

import pytest

from assistant.answering.extractive import EN_LEAD_IN, ExtractiveGenerator
from assistant.answering.relevance import TermRelevance
from assistant.answering.validity_notes import validity_warnings
from assistant.settings import Settings
from assistant.types import Chunk, Citation, DocInfo, Hit

TODAY = dt.date(2025, 6, 1)
MIN_RELEVANCE = Settings.model_fields["min_relevance"].default

POLICY = DocInfo(
    "policy/cdht_ic.pdf", "policy/cdht_ic.pdf", "a1", "成都高新区关于支持集成电路产业高质量发展的若干措施", "policy",
    "四川省", "成都市", "高新区", published="2023-03-01", effective="2023-03-01", expires="2026-02-28",
)
PARK = DocInfo(
    "parks/sctp.pdf", "parks/sctp.pdf", "b2", "四川通信产业园简介", "park", "四川省", "成都市", "双流区",
    published="2024-06-01",
)
OLD = DocInfo(
    "policy/lc_louyu.html", "policy/lc_louyu.html", "c3", "温州市鹿城区促进楼宇经济发展的若干政策", "policy",
    "浙江省", "温州市", "鹿城区", published="2018-12-20", effective="2019-01-01", expires="2021-12-31",
    superseded_by="policy/lc_louyu_2022.html",
)
NEWS = DocInfo(
    "news/ic_sign.html", "news/ic_sign.html", "d4", "成都高新区集中签约12个集成电路项目", "news",
    "四川省", "成都市", "高新区", published="2024-05-20",
)
TEXTS = {
    POLICY: [
        ("第三条", "第三条 支持企业落户。对新落户成都高新区的集成电路设计企业，按其实缴注册资本的10%给予一次性落户奖励，"
         "最高不超过1000万元。奖励资金分三年按40%、30%、30%的比例拨付。"),
        ("第五条", "第五条 支持人才引进。对企业引进的高层次人才，给予最高100万元安家补贴。"
         "企业高管和核心技术人员可享受人才公寓、子女入学、医疗保障等服务。"),
        ("第八条", "第八条 降低企业运营成本。对租用园区标准厂房的企业，前三年给予租金全额补贴，后两年给予50%补贴。"),
        ("第十二条", "第十二条 本措施自2023年3月1日起施行，有效期至2026年2月28日。由成都高新区电子信息产业局负责解释。"),
    ],
    PARK: [
        ("", "四川通信产业园位于成都市双流区西航港大道中段1888号，规划面积12平方公里。"
         "园区重点发展5G通信、光电子和卫星导航产业，已入驻企业230余家。"),
        ("", "入园咨询：四川通信产业园管委会招商服务中心，联系电话：028-85123456，"
         "地址：成都市双流区西航港大道中段1888号园区服务大楼3楼。"),
    ],
    OLD: [
        ("一、", "一、对新引进的总部企业，年营业收入首次超过5亿元的，给予一次性奖励200万元。"
         "二、对企业租用鹿城区商务楼宇自用办公的，三年内每年按实际租金的30%给予补贴，每年最高不超过50万元。"),
        ("六、", "六、本政策自2019年1月1日起施行，有效期至2021年12月31日。"),
    ],
    NEWS: [
        ("", "5月18日，成都高新区举行集成电路产业项目集中签约活动，共签约项目12个，总投资约320亿元。"
         "签约项目涵盖芯片设计、封装测试、设备材料等领域。"),
    ],
}
P, K, OLD_CHUNKS, N = (
    [Chunk(f"{doc.doc_id}#{i}", doc, i, t, 1, 0, len(t), article=a) for i, (a, t) in enumerate(TEXTS[doc])]
    for doc in (POLICY, PARK, OLD, NEWS)
)


def hits(*chunks: Chunk) -> list[Hit]:
    return [Hit(c, 1.0 / (i + 1)) for i, c in enumerate(chunks)]


@pytest.fixture
def gen() -> ExtractiveGenerator:
    return ExtractiveGenerator(today=TODAY)


@pytest.fixture
def rel() -> TermRelevance:
    return TermRelevance()


def cited_sentences(text: str) -> list[tuple[str, int]]:
    """(sentence, n) pairs of an answer: each sentence is the text before its [n] marker."""
    body = text.removeprefix(EN_LEAD_IN).strip()
    return [(s.strip(), int(n)) for s, n in re.findall(r"(.*?)\[(\d+)\]", body, flags=re.S)]


def assert_well_cited(text: str, citations: tuple[Citation, ...]) -> None:
    pairs = cited_sentences(text)
    assert pairs, text
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    first_use = list(dict.fromkeys(n for _, n in pairs))
    assert first_use == [c.n for c in citations]  # numbered in order of first use, none unused
    for sentence, n in pairs:
        cite = citations[n - 1]
        assert sentence in cite.chunk_text and sentence in cite.quote
        assert cite.quote in cite.chunk_text


QUESTIONS = [
    ("集成电路设计企业落户奖励有多少？", (N[0], P[0], P[1])),
    ("成都高新区对高层次人才有哪些支持？", (P[1], P[0], N[0])),
    ("四川通信产业园在哪?", (K[0], K[1], P[2])),
    ("租用厂房有什么补贴", (P[0], P[2], OLD_CHUNKS[0])),
    ("How much is the relocation reward for chip design companies in Chengdu?", (P[0], N[0], P[1])),
]


@pytest.mark.parametrize("question,chunks", QUESTIONS)
def test_every_sentence_is_an_exact_quote_of_the_passage_its_marker_cites(gen, question, chunks):
    text, citations = gen.generate(question, hits(*chunks), "en" if question.isascii() else "zh")
    assert_well_cited(text, citations)


def test_amount_question_leads_with_the_amount_sentence_even_below_a_news_hit(gen):
    text, citations = gen.generate("集成电路设计企业落户奖励有多少？", hits(N[0], P[0], P[1]), "zh")
    first, n = cited_sentences(text)[0]
    assert "最高不超过1000万元" in first
    assert citations[n - 1].chunk_id == P[0].chunk_id and citations[n - 1].article == "第三条"
    assert "第三条 支持企业落户。" not in text  # a bare heading is no answer
    assert "安家补贴" not in text  # the talent clause answers another question


def test_amount_question_prefers_the_sentence_with_the_amount_over_the_one_with_more_words():
    text = ("集成电路设计企业落户奖励实行分类管理，由电子信息产业局组织集成电路设计企业落户奖励的申报和审核。"
            "符合条件的，奖励标准为实缴注册资本的10%，最高500万元。")
    chunk = Chunk("policy/cdht_ic.pdf#9", POLICY, 9, text, 3, 0, len(text), article="第六条")
    answer, _ = ExtractiveGenerator(max_sentences=1).generate("集成电路设计企业落户奖励有多少？", hits(chunk), "zh")
    assert answer == "符合条件的，奖励标准为实缴注册资本的10%，最高500万元。[1]"


def test_list_question_picks_the_enumeration(gen):
    text, citations = gen.generate("四川通信产业园重点发展哪些产业？", hits(K[1], K[0]), "zh")
    assert citations[0].chunk_id == K[0].chunk_id  # the brochure passage, though retrieval ranked it second
    assert any("5G通信、光电子和卫星导航产业" in s and n == 1 for s, n in cited_sentences(text))


def test_date_question_picks_the_validity_clause(gen):
    text, _ = gen.generate("成都高新区集成电路措施什么时候到期？", hits(P[0], P[3]), "zh")
    assert "有效期至2026年2月28日" in cited_sentences(text)[0][0]


def test_contact_question_picks_the_phone_sentence(gen):
    text, _ = gen.generate("四川通信产业园的联系电话是多少？", hits(K[0], K[1]), "zh")
    assert "028-85123456" in cited_sentences(text)[0][0]


def test_english_question_gets_an_english_lead_in_and_untranslated_chinese_quotes(gen):
    text, citations = gen.generate("Where is the Sichuan communication industrial park?", hits(K[0], K[1]), "en")
    lines = text.splitlines()
    assert lines[0] == EN_LEAD_IN
    assert all(re.search(r"[\u4e00-\u9fff]", ln) for ln in lines[1:])
    assert_well_cited(text, citations)


def test_a_sentence_repeated_in_two_documents_is_said_once(gen):
    copy = replace(P[0], chunk_id="policy/cdht_ic_copy.pdf#0", doc=replace(POLICY, doc_id="policy/cdht_ic_copy.pdf"))
    text, citations = gen.generate("集成电路设计企业落户奖励有多少？", hits(P[0], copy), "zh")
    assert text.count("最高不超过1000万元") == 1
    assert len(citations) == 1


def test_same_input_same_answer_and_no_hits_no_answer(gen):
    args = ("成都高新区对高层次人才有哪些支持？", hits(P[1], P[0], N[0]), "zh")
    assert gen.generate(*args) == gen.generate(*args)
    assert gen.generate("成都高新区对高层次人才有哪些支持？", [], "zh") == ("", ())


def test_max_sentences_bounds_the_answer():
    text, _ = ExtractiveGenerator(max_sentences=1).generate("成都高新区对高层次人才有哪些支持？", hits(P[1], P[0]), "zh")
    assert len(cited_sentences(text)) == 1


def test_five_passages_answer_in_under_20_ms(rel, gen):
    args = ("成都高新区集成电路设计企业落户奖励有多少？", hits(P[0], P[1], P[2], K[0], N[0]), "zh")
    gen.generate(*args)  # warm rjieba's dictionary
    runs = []
    for _ in range(20):
        t0 = time.perf_counter()
        gen.generate(*args)
        rel.score(args[0], args[1])
        runs.append(time.perf_counter() - t0)
    assert sorted(runs)[len(runs) // 2] < 0.020


ON_TOPIC = [
    ("成都高新区集成电路设计企业落户奖励有多少？", (P[0], N[0], P[1])),
    ("成都高新区对高层次人才给多少安家补贴？", (P[1], P[0])),
    ("四川通信产业园在哪里？", (K[0], K[1])),
    ("四川通信产业园重点发展哪些产业？", (K[0], K[1])),
    ("成都高新区集成电路措施的有效期到什么时候？", (P[3], P[0])),
    ("鹿城区楼宇租金补贴标准是什么？", (OLD_CHUNKS[0], OLD_CHUNKS[1])),
    ("租用标准厂房有什么租金补贴？", (P[2], P[0])),
    ("成都高新区签约了多少个集成电路项目？", (N[0], P[0])),
    ("How much is the relocation reward for chip design companies in Chengdu?", (P[0], N[0])),
    ("Where is the Sichuan communication industrial park located?", (K[0], K[1])),
    ("What is the planned area of the park in Shuangliu?", (K[0],)),  # a district named in pinyin
]
OFF_TOPIC = [
    ("今天天气怎么样", (P[0], N[0], P[1])),
    ("who won the world cup", (N[0], P[0])),
    ("深圳前海对集成电路企业有什么补贴？", (P[0], N[0], P[1])),  # a place the passages never mention
    ("南京江北新区集成电路设计企业落户奖励有多少？", (P[0], N[0])),  # all but the place matches
    ("上海张江科学城在哪里？", (K[0], K[1])),
    ("《三体》的作者是谁", (P[0], OLD_CHUNKS[0])),
    ("2022年世界杯冠军是哪个国家", (N[0], P[0])),
    ("红烧肉怎么做", (P[2], K[0])),
    ("苏州工业园区的租金补贴是多少？", (P[2], OLD_CHUNKS[0])),
    ("北京中关村人才公寓怎么申请", (P[1], P[0])),
    ("What is the capital of France?", (K[0], P[0])),
    ("What is the tax rate in France?", (P[2], P[0])),
    ("鹿城区对生物医药企业的研发补助是多少？", (OLD_CHUNKS[0], OLD_CHUNKS[1])),  # right place, wrong subject
]


@pytest.mark.parametrize("question,chunks", ON_TOPIC)
def test_relevance_is_high_when_the_passages_answer(rel, gen, question, chunks):
    assert rel.score(question, hits(*chunks)) >= MIN_RELEVANCE + 0.1


@pytest.mark.parametrize("question,chunks", OFF_TOPIC)
def test_relevance_is_low_when_they_do_not(rel, gen, question, chunks):
    assert rel.score(question, hits(*chunks)) < MIN_RELEVANCE


def test_relevance_counts_how_retrieval_found_the_passage(rel, gen):
    question = "鹿城区楼宇租金补贴标准是什么？"
    strong = [Hit(OLD_CHUNKS[0], 0.03, dense_rank=1, bm25_rank=1, dense_score=0.93, bm25_score=12.0)]
    weak = [Hit(OLD_CHUNKS[0], 0.01, dense_rank=9, bm25_rank=None, dense_score=0.83)]
    assert rel.score(question, strong) > rel.score(question, weak)
    assert rel.score(question, []) == 0.0


def test_citing_an_expired_superseded_policy_warns_with_its_dates(gen):
    _, citations = gen.generate("鹿城区楼宇租金补贴标准是什么？", hits(OLD_CHUNKS[0], OLD_CHUNKS[1]), "zh")
    assert citations[0].validity == "expired" and citations[0].expires == "2021-12-31"
    warnings = validity_warnings(citations, "zh", TODAY)
    assert any("《温州市鹿城区促进楼宇经济发展的若干政策》" in w and "2021年12月31日" in w for w in warnings)
    assert any("lc_louyu_2022.html" in w and "更新版本" in w for w in warnings)
    en = validity_warnings(citations, "en", TODAY)
    assert any("expired on 2021-12-31" in w for w in en) and any("a newer version exists" in w for w in en)


def test_valid_policy_gets_no_warning_until_it_expires(gen):
    _, citations = gen.generate("成都高新区对高层次人才给多少安家补贴？", hits(P[1]), "zh")
    assert validity_warnings(citations, "zh", TODAY) == ()
    later = validity_warnings(citations, "zh", dt.date(2026, 3, 1))
    assert len(later) == 1 and "2026年2月28日" in later[0]


def test_repealed_and_not_yet_effective_policies_are_named():
    base = Citation(1, "d", "d#0", "d.pdf", "某区招商引资奖励办法", 1, "", "2020-01-01", "q")
    repealed = replace(base, validity="repealed")  # 已废止 without a date
    future = replace(base, n=2, doc_id="e", title="某区人才新政", effective="2026-01-01")
    warnings = validity_warnings([repealed, future], "zh", TODAY)
    assert warnings[0] == "注意：[1]《某区招商引资奖励办法》已废止，请以现行政策为准。"
    assert "2026年1月1日" in warnings[1] and "尚未生效" in warnings[1]
    # A citation built without dates (e.g. by another generator) still warns from its status.
    undated = replace(base, validity="expired")
    assert validity_warnings([undated], "zh") == ("注意：[1]《某区招商引资奖励办法》已过有效期，请以现行政策为准。",)


LAW = DocInfo("laws/payment.md", "laws/payment.md", "e5", "保障中小企业款项支付条例", "regulation",
              published="2025-03-17", effective="2025-06-01")
LAW_CHUNKS = [
    Chunk("laws/payment.md#0", LAW, 0, "保障中小企业款项支付条例\n2020年7月5日 中华人民共和国国务院令第728号公布\n"
          "2025年3月17日 中华人民共和国国务院令第802号修订", 1, 0, 60),
    Chunk("laws/payment.md#9", LAW, 9, "第三十七条 本条例自2025年6月1日起施行。", 1, 0, 22, article="第三十七条"),
]


@pytest.mark.parametrize("question", ["保障中小企业款项支付条例从哪天开始施行？", "这个条例从什么时候开始施行",
                                      "When does the payment regulation take effect?"])
def test_effective_date_questions_quote_the_article_not_the_header(rel, gen, question):
    text, citations = gen.generate(question, hits(*LAW_CHUNKS), "en" if question.isascii() else "zh")
    assert "本条例自2025年6月1日起施行" in text and "728号" not in text
    assert citations[0].chunk_id == "laws/payment.md#9"
    assert rel.score("保障中小企业款项支付条例从哪天开始施行？", hits(*LAW_CHUNKS)) >= MIN_RELEVANCE


@pytest.mark.parametrize("question", ["成都高新区集成电路措施现在还有效吗？", "Is the Chengdu chip policy still valid?"])
def test_validity_questions_quote_the_expiry_sentence(gen, question):
    text, _ = gen.generate(question, hits(P[0], P[1], P[3]), "en" if question.isascii() else "zh")
    assert "有效期至2026年2月28日" in text


def test_question_words_absent_from_the_library_do_not_count_against_it():
    library = [*P, *K, *OLD_CHUNKS, *N]
    plain = TermRelevance()
    weighted = TermRelevance(library_chunks=lambda: library)
    question = "成都高新区可以给集成电路设计企业出台哪些落户奖励措施？"  # 出台 is in no passage: phrasing, not topic
    assert weighted.score(question, hits(P[0], N[0])) > plain.score(question, hits(P[0], N[0]))
    assert weighted.score(question, hits(P[0], N[0])) >= MIN_RELEVANCE + 0.1
    for off_topic in ("上海自贸区对芯片企业的所得税优惠是多少？", "锂电池企业可以享受哪些税收减免？",
                      "深圳前海对集成电路企业有什么补贴？"):  # a missing noun or place still refuses
        assert weighted.score(off_topic, hits(P[0], N[0], P[1])) < MIN_RELEVANCE, off_topic


@pytest.mark.parametrize("question,chunks,relevant", [
    ("How many chip projects were signed in Chengdu Gaoxin?", (N[0], P[0]), True),
    ("How much is the rent subsidy for standard factory buildings?", (P[2], P[0]), True),
    ("What does the Sichuan Communication Industrial Park focus on?", (K[0], K[1]), True),
    ("How many employees work at the Tesla Gigafactory in Shanghai?", (N[0], P[0]), False),
    ("Which football club does Messi play for?", (N[0], K[0]), False),
    ("How much is the housing subsidy for PhD graduates in Shenzhen?", (P[1], P[0]), False),
    ("How do I apply for a US green card?", (P[0], K[0]), False),
])
def test_english_relevance_from_words_checkable_across_languages(rel, gen, question, chunks, relevant):
    assert (rel.score(question, hits(*chunks)) >= MIN_RELEVANCE) is relevant


def _news(text: str, n: int = 0) -> Chunk:
    return Chunk(f"news/ic_more.html#{n}", NEWS, n, text, 1, 0, len(text))


ON_TOPIC_NO_DATUM = _news("成都高新区集成电路产业发展势头良好，签约项目涵盖芯片设计、封装测试、设备材料等领域。"
                          "园区将持续优化营商环境，推动集成电路产业项目早落地、早投产。")
OPERATOR = _news("四川通信产业园由成都双流产业投资集团有限公司负责开发运营，园区已建成标准厂房50万平方米。", 1)
LAST_YEAR = _news("2022年，成都高新区共签约集成电路项目8个，总投资约150亿元。", 2)


@pytest.mark.parametrize("question,chunks,relevant", [
    ("成都高新区签约了多少个集成电路项目？", (N[0], ON_TOPIC_NO_DATUM), True),
    ("成都高新区签约了多少个集成电路项目？", (ON_TOPIC_NO_DATUM,), False),  # on topic, but no number
    ("成都高新区集成电路项目什么时候集中签约？", (N[0],), True),
    ("成都高新区集成电路项目什么时候集中签约？", (ON_TOPIC_NO_DATUM,), False),  # no date
    ("四川通信产业园由哪家公司运营？", (OPERATOR, K[0]), True),
    ("四川通信产业园由哪家公司运营？", (K[0],), False),  # the park's facts, but no operator named
    ("成都高新区2022年签约了多少个集成电路项目？", (LAST_YEAR,), True),
    ("成都高新区2023年签约了多少个集成电路项目？", (LAST_YEAR,), False),  # a number, but of another year
])
def test_a_question_asking_for_a_datum_needs_a_sentence_stating_it(rel, gen, question, chunks, relevant):
    assert (rel.score(question, hits(*chunks)) >= MIN_RELEVANCE) is relevant


FUND = _news("金牛区方面表示，未来将在坚实的空天信息产业基础上，用先进光电技术赋能光电产业发展，打造光电技术的应用高地。"
             "此次发布的“金融全链赋能矩阵”，将以总规模50亿元的金牛区光电产业母基金为基石，放大形成超200亿元的母子基金群。"
             "活动现场还启动了半导体封装测试验证公共服务平台。", 3)
GUIDE = DocInfo("parks/guide.md", "parks/guide.md", "f6", "锦川经济开发区投资指南", "park", published="2023-01-10")
STEPS = Chunk("parks/guide.md#3", GUIDE, 3, "三、办事流程\n项目洽谈、签订投资协议、办理工商注册、项目备案、开工建设、竣工投产。"
              "园区实行项目“全程代办”服务，审批事项在材料齐全后10个工作日内办结。", 1, 0, 80, heading="三、办事流程")


def test_the_sentence_stating_the_asked_figure_comes_first_though_it_comes_second_in_its_passage(gen):
    text, citations = gen.generate("金牛区的光电产业母基金规模有多大？", hits(FUND), "zh")
    pairs = cited_sentences(text)
    assert "总规模50亿元" in pairs[0][0]
    assert len(pairs) == 1  # one figure asked, one sentence stating it: the on-topic talk around it adds nothing
    assert_well_cited(text, citations)


def test_a_single_fact_question_gets_one_sentence_a_list_question_several(gen):
    amount, _ = gen.generate("四川通信产业园已入驻企业多少家？", hits(K[0], K[1]), "zh")
    assert [s for s, _ in cited_sentences(amount)] == ["园区重点发展5G通信、光电子和卫星导航产业，已入驻企业230余家。"]
    many, citations = gen.generate("成都高新区对高层次人才有哪些支持？", hits(P[1], P[0]), "zh")
    assert len(cited_sentences(many)) >= 2 and "人才公寓" in many
    assert_well_cited(many, citations)


def test_a_bare_heading_gives_way_to_the_text_under_it(gen):
    text, citations = gen.generate("锦川经济开发区的办事流程是怎样的？", hits(STEPS), "zh")
    first = cited_sentences(text)[0][0]
    assert first.startswith("项目洽谈、签订投资协议") and "三、办事流程" not in text
    assert_well_cited(text, citations)


def test_a_lead_in_that_only_restates_the_question_brings_the_sentences_after_it(gen):
    passage = _news("丛亮表示，各地要根据疫情实际分类施策。对于疫情严重的地区，首要任务还是疫情防控。"
                    "对于疫情比较轻的地区，要合理设置防护标准，尽快实现全面复工。", 4)
    text, _ = gen.generate("各地要怎样根据疫情实际分类施策？", hits(passage), "zh")
    assert "首要任务还是疫情防控" in text and "尽快实现全面复工" in text


def test_a_preamble_that_announces_what_follows_brings_it(gen):
    """"…现将有关安排通知如下。" says nothing by itself: the item after it is the answer."""
    # After 国办发明电〔2020〕1号 as the NCP corpus holds it (title, code and preamble on one line), its item reworded
    # so that only the preamble shares the question's words.
    passage = _news("国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号） 各省、自治区、直辖市人民政府，"
                    "国务院各部委、各直属机构： 经国务院批准，为加强新型冠状病毒感染的肺炎疫情防控工作，有效减少人员聚集，"
                    "阻断疫情传播，更好保障人民群众生命安全和身体健康，现将延长2020年春节假期的具体安排通知如下。"
                    "一、假期顺延至2月2日（农历正月初九，星期日），2月3日（星期一）起正常上班。"
                    "二、因疫情防控不能休假的职工，应当根据劳动法规定安排补休。", 5)
    traffic = _news("同时，为了方便因春节假期延长而推迟返京的自驾车市民顺利回城，经市政府同意，自2020年2月3日至2月9日，"
                    "继续按照节假日模式进行道路交通管理。", 6)
    text, citations = gen.generate("为加强新冠肺炎疫情防控工作延长2020年春节假期到哪天？", hits(passage, traffic), "zh")
    assert "假期顺延至2月2日" in text
    assert_well_cited(text, citations)


def test_a_preamble_repeating_the_title_does_not_outrank_the_section_asked_about(gen):
    """The title's words hold for every sentence of its document: the preamble that repeats them is no better an
    answer than the sentences under the section the question names."""
    doc = DocInfo("notice/bj.html", "notice/bj.html", "e5", "北京市应急管理局发布危险化学品企业复产复工安全提示", "policy",
                  "北京市", "北京市", "", published="2020-02-10")
    text = ("北京市应急管理局发布危险化学品企业复产复工安全提示 为做好本市危险化学品企业复工复产工作，防范安全事故发生，"
            "北京市应急管理局发布危险化学品企业复产复工安全提示：一、全力做好疫情防控。企业要严格落实疫情防控要求。"
            "二、严格落实主体责任。在复工复产前，企业主要负责人、安全管理人员要全部到岗到位，严格履行各层级安全责任。")
    chunk = Chunk("notice/bj.html#0", doc, 0, text, 1, 0, len(text))
    answer, citations = gen.generate("北京市应急管理局发布危险化学品企业复产复工安全提示中提出的严格落实主体责任是什么？",
                                     hits(chunk), "zh")
    assert not cited_sentences(answer)[0][0].startswith("北京市应急管理局发布"), answer
    assert "全部到岗到位" in answer
    assert_well_cited(answer, citations)
