"""Contact answers, the refusal sentence and spotting contact questions, over hand-made park and policy passages."""

from __future__ import annotations

import re

import pytest

from assistant.answering.citation_check import check_answer
from assistant.answering.contacts import answer_contacts
from assistant.answering.refusal import is_contact_question, refusal_text
from assistant.types import Chunk, Contact, DocInfo, Hit

PARK = DocInfo("parks/sctp.pdf", "parks/sctp.pdf", "b2", "四川通信产业园简介", "park", "四川省", "成都市", "双流区",
               published="2024-06-01")
POLICY = DocInfo("policy/cdht_ic.pdf", "policy/cdht_ic.pdf", "a1", "成都高新区关于支持集成电路产业高质量发展的若干措施",
                 "policy", "四川省", "成都市", "高新区", published="2023-03-01", effective="2023-03-01", expires="2026-02-28")
NEWS = DocInfo("news/lc.html", "news/lc.html", "e5", "鹿城区举办楼宇招商推介会", "news", "浙江省", "温州市", "鹿城区",
               published="2024-04-02")

PARK_TEXT = ("入园咨询：四川通信产业园管委会招商服务中心，联系电话：028-85123456，"
             "地址：成都市双流区西航港大道中段1888号园区服务大楼3楼。")
POLICY_TEXT = "第十二条 本措施由成都高新区电子信息产业局负责解释，咨询电话028-61234567。"
# A phone in a passage that ingest did not record as a contact: it must never be shown as one.
NEWS_TEXT = "推介会上，鹿城区发布了楼宇招商地图，现场咨询电话0577-88886666。"

PARK_CHUNK = Chunk("parks/sctp.pdf#1", PARK, 1, PARK_TEXT, 2, 0, len(PARK_TEXT))
POLICY_CHUNK = Chunk("policy/cdht_ic.pdf#3", POLICY, 3, POLICY_TEXT, 4, 0, len(POLICY_TEXT), article="第十二条")
NEWS_CHUNK = Chunk("news/lc.html#0", NEWS, 0, NEWS_TEXT, 1, 0, len(NEWS_TEXT))

PARK_CONTACT = Contact("四川通信产业园管委会招商服务中心", "028-85123456", "成都市双流区西航港大道中段1888号园区服务大楼3楼", "",
                       PARK.doc_id, "sctp.pdf", "2024-06-01", "联系电话：028-85123456")
BUREAU = Contact("成都高新区电子信息产业局", "028-61234567", "", "", POLICY.doc_id, "cdht_ic.pdf", "2023-03-01",
                 "成都高新区电子信息产业局负责解释，咨询电话028-61234567")
LUCHENG = Contact("鹿城区投资促进局", "0577-88123456", "温州市鹿城区市府路500号", "", "policy/lc_louyu.html",
                  "lc_louyu.html", "2018-12-20", "鹿城区投资促进局，电话0577-88123456")
CONTACTS = [PARK_CONTACT, BUREAU, LUCHENG]
PHONE = re.compile(r"\d{3,4}-\d{7,8}")


def hits(*chunks: Chunk) -> list[Hit]:
    return [Hit(c, 1.0 / (i + 1)) for i, c in enumerate(chunks)]


def test_contact_of_the_named_park_with_source_date_and_citation_of_its_passage():
    text, citations = answer_contacts("四川通信产业园的联系方式呢?", CONTACTS, hits(PARK_CHUNK, POLICY_CHUNK), "zh")
    assert "028-85123456" in text and "西航港大道中段1888号" in text
    assert "sctp.pdf" in text and "[1]" in text
    assert "028-61234567" not in text  # the bureau of another document is not this park's contact
    assert len(citations) == 1
    assert citations[0].chunk_id == PARK_CHUNK.chunk_id and citations[0].page == 2
    assert citations[0].date == "2024-06-01" and citations[0].source == "sctp.pdf"
    quote = citations[0].quote
    assert quote in citations[0].chunk_text
    assert all(f in quote for f in (PARK_CONTACT.organisation, PARK_CONTACT.phone, PARK_CONTACT.address))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_line_of_a_contact_answer_passes_the_grounding_check(language):
    # The date of the document is not in the contact's passage: the answer must not state it unchecked.
    text, citations = answer_contacts("四川通信产业园的联系方式", CONTACTS, hits(PARK_CHUNK, POLICY_CHUNK), language)
    report = check_answer(text, {c.n: c.quote for c in citations})
    assert report.ok and not report.uncited_sentences, report
    assert len(text.splitlines()) == 2 and all(re.search(r"\[\d+\]", line) for line in text.splitlines())


@pytest.mark.parametrize(
    "question,chunks",
    [
        ("鹿城区楼宇招商找谁咨询？电话多少？", (NEWS_CHUNK,)),
        ("联系电话是多少", (NEWS_CHUNK, PARK_CHUNK, POLICY_CHUNK)),
        ("Who do I call about office buildings in Lucheng?", (NEWS_CHUNK,)),
    ],
)
def test_no_phone_is_shown_unless_it_is_a_recorded_contact(question, chunks):
    found = answer_contacts(question, CONTACTS, hits(*chunks), "en" if question.isascii() else "zh")
    assert found is not None
    text, citations = found
    shown = set(PHONE.findall(text))
    assert shown and shown <= {c.phone for c in CONTACTS}
    assert "0577-88886666" not in text
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert markers == {c.n for c in citations}


def test_contact_without_a_retrieved_passage_cites_its_document_and_snippet():
    text, citations = answer_contacts("鹿城区投资促进局电话", CONTACTS, hits(NEWS_CHUNK), "zh")
    assert "0577-88123456" in text and "lc_louyu.html" in text
    assert citations[0].doc_id == "policy/lc_louyu.html" and citations[0].quote == LUCHENG.snippet


def test_english_contact_answer():
    text, _ = answer_contacts("How do I contact 四川通信产业园?", CONTACTS, hits(PARK_CHUNK), "en")
    assert text.startswith("According to the documents")
    assert "phone 028-85123456" in text and "source: sctp.pdf" in text


@pytest.mark.parametrize(
    "question,contacts",
    [
        ("深圳前海管理局电话是多少", CONTACTS),  # a place none of the contacts is for
        ("四川通信产业园的联系方式", []),
        ("四川通信产业园的联系方式", [Contact("四川通信产业园管委会")]),  # no phone, address or email
    ],
)
def test_none_when_no_contact_fits(question, contacts):
    assert answer_contacts(question, contacts, hits(PARK_CHUNK, POLICY_CHUNK), "zh") is None


def test_duplicate_contacts_are_listed_once():
    text, _ = answer_contacts("四川通信产业园电话", [PARK_CONTACT, PARK_CONTACT], hits(PARK_CHUNK), "zh")
    assert text.count("028-85123456") == 1


@pytest.mark.parametrize(
    "question,expected",
    [
        ("四川通信产业园的联系方式是什么？", True),
        ("管委会电话多少", True),
        ("招商中心地址在哪", True),
        ("集成电路项目落地找谁？", True),
        ("Who do I call about subsidies?", True),
        ("What is the phone number of the park?", True),
        ("Where do I go to register a company?", True),
        ("市民如何用电子邮件举报谣言？", True),
        ("集成电路设计企业落户奖励有多少？", False),
        ("四川通信产业园重点发展哪些产业？", False),
        ("How much is the relocation reward?", False),
    ],
)
def test_contact_questions_are_recognised(question, expected):
    assert is_contact_question(question) is expected


def test_refusal_is_a_fixed_sentence_in_the_question_language():
    zh, en = refusal_text("zh"), refusal_text("en")
    assert zh.startswith("抱歉") and "资料" in zh
    assert en.startswith("Sorry") and "documents" in en
    assert refusal_text("zh") == zh  # fixed, not generated


def test_refusal_points_to_a_known_contact_with_its_source():
    zh = refusal_text("zh", BUREAU)
    assert "您可以联系成都高新区电子信息产业局（电话 028-61234567）" in zh
    assert "资料来源：cdht_ic.pdf（2023-03-01）" in zh
    en = refusal_text("en", BUREAU)
    assert "You can contact 成都高新区电子信息产业局 (phone 028-61234567)" in en and "source: cdht_ic.pdf" in en


def test_a_question_naming_an_office_is_routed_only_to_that_office():
    """普陀区财政局's question: a street office's service centre in 普陀区 is no contact for the finance bureau;
    the district's finance bureau itself is."""
    from assistant.answering.scope_check import ScopeChecker
    from assistant.query.scope import question_scope

    doc = DocInfo("wanli.pdf", "wanli.pdf", "c1", "上海市普陀区万里街道办事处2024年预算", "other", "上海市", "", "普陀区")
    street = Contact("万里街道社区公共服务中心", "021-62345678", "普陀区真金路", "", doc.doc_id, "wanli.pdf", "2024-01-01",
                     "万里街道社区公共服务中心，电话021-62345678")
    finance = Contact("普陀区财政局", "021-52564588", "", "", doc.doc_id, "wanli.pdf", "2024-01-01",
                      "普陀区财政局，电话021-52564588")
    scope = question_scope("普陀区财政局2026年收入预算是多少？")
    assert scope.offices, scope
    checker = ScopeChecker()
    assert not checker.contact(scope, street, doc).ok
    assert checker.contact(scope, finance, doc).ok
