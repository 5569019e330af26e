"""How far an extractive answer reads on past its best sentence: the rest of a numbered item with its sub-items, into
the document's next passage when the chunker cut the item or sentence there (shapes of NCP notices)."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.answering.extractive import ExtractiveGenerator
from assistant.text.sentences import ends_mid_sentence, item_numbers
from assistant.types import Chunk, DocInfo, Hit

NOTICE = DocInfo("ncp/notice.html", "ncp/notice.html", "n1", "关于疫情防控期间施工现场管理的通知", "policy",
                 "北京市", "北京市", "", published="2020-02-10")
OTHER = DocInfo("ncp/other.html", "ncp/other.html", "n2", "关于做好复工复产工作的通知", "policy",
                "北京市", "北京市", "", published="2020-02-12")


def chunks(doc: DocInfo, *texts: str) -> list[Chunk]:
    return [Chunk(f"{doc.doc_id}#{i}", doc, i, t, 1, 0, len(t)) for i, t in enumerate(texts)]


def hits(*found: Chunk) -> list[Hit]:
    return [Hit(c, 1.0 / (i + 1)) for i, c in enumerate(found)]


def answer(question: str, found: list[Hit], library: list[Chunk] | None = None) -> str:
    gen = ExtractiveGenerator(today=dt.date(2020, 3, 1),
                              chunks_of=(lambda ids: [c for c in library if c.doc.doc_id in ids]) if library else None)
    return gen.generate(question, found, "zh")[0]


@pytest.mark.parametrize("sentence,numbers", [
    ("（二）疑似人员的处置流程 1.发热人员经检查认定为疑似人员的，应立即报告。", [(0, 2), (13, 3)]),
    ("现公告如下： 一、适度扩大免税进口范围。", [(7, 1)]),
    ("2.施工总承包单位应立即安排人员消毒。", [(0, 3)]),
    ("（3）受赠人增加省级民政部门。", [(0, 4)]),
    ("坚持统一、规范管理，1、2月应缴社会保险费征收期延长。", []),  # inside words, not item numbers
    ("单户最高担保金额为3.5万元。", []),
])
def test_item_numbers_open_clauses_and_rank_them(sentence, numbers):
    assert item_numbers(sentence) == numbers


def test_a_passage_cut_mid_sentence_is_told_from_a_finished_one():
    assert ends_mid_sentence("尚不够刑事处罚的，依法给予治安处罚；")
    assert ends_mid_sentence("向主管税务部门申请依法办理延期缴纳")
    assert not ends_mid_sentence("免征进口关税和进口环节增值税、消费税。")
    assert not ends_mid_sentence("（责任单位：市人力资源社会保障局）")


def test_an_item_runs_through_its_sub_items_to_the_next_item_of_its_rank():
    site = chunks(NOTICE, "（二）疑似人员的处置流程 1.发热人员经医疗机构检查认定为疑似人员的，应立即向属地卫生防疫部门报告。"
                          "2.施工总承包单位应立即安排人员对疑似人员居住场所进行彻底消毒处理。"
                          "3.疑似人员在医疗机构接受治疗时，禁止任何人员前往探望。"
                          "（三）其他事项 各单位要加强值班值守。")[0]
    text = answer("北京市对施工现场的疑似人员的处置流程是什么？", hits(site))
    assert "2.施工总承包单位" in text and "3.疑似人员在医疗机构" in text
    assert "（三）其他事项" not in text


def test_an_item_the_chunker_cut_goes_on_in_the_next_passage_found():
    first, second = chunks(NOTICE,
                           "现就有关事项通知如下。一、对疫情防控期间暂不能正常开工的企业，放宽容（需）量电价计费方式变更周期，"
                           "电力用户即日可申请减容、暂停。",
                           "申请变更的用户不受“暂停用电不得小于15天”等条件限制。对于疫情发生以来停工的企业，可适当追溯减免时间。"
                           "二、对因满足疫情防控需要扩大产能的企业，超过部分按实计取。")
    text = answer("对不能正常开工的企业如何降低用电成本？", hits(first, second))
    assert "不受“暂停用电不得小于15天”" in text and "可适当追溯减免时间" in text
    assert "二、对因满足" not in text


def test_a_sentence_cut_at_the_end_of_its_passage_is_finished_from_the_next():
    first, second = chunks(NOTICE,
                           "二、故意传播新型冠状病毒或造成病毒传播危险，尚不够刑事处罚的，依法给予治安处罚；",
                           "构成犯罪的，依法按照以危险方法危害公共安全罪追究刑事责任。三、拒绝接受检疫的，依法给予治安处罚。")
    other = chunks(OTHER, "各企业要做好复工复产准备。")[0]
    text = answer("故意传播新型冠状病毒或造成病毒传播危险如何处罚？", hits(first, other, second))
    assert text.index("尚不够刑事处罚的") < text.index("构成犯罪的，依法按照以危险方法危害公共安全罪追究刑事责任。")
    assert "三、拒绝接受检疫" not in text


def test_a_list_reads_on_into_the_next_passage_retrieval_did_not_find():
    library = chunks(NOTICE, "五、加大专项融资支持力度 各金融机构要单列信贷规模。六、做好受影响企业和个人金融服务 "
                             "对受疫情影响较大的批发零售、住宿餐饮等行业，不得盲目抽贷、断贷、压贷。",
                     "支持受影响企业利用保险、期货市场等对冲风险。鼓励银行机构适当下调贷款利率。七、提升金融服务效率。")
    question = "四川省如何做好受影响企业和个人金融服务？"
    text = answer(question, hits(library[0]), library)
    assert "对冲风险" in text and "适当下调贷款利率" in text and "七、" not in text
    assert "对冲风险" not in answer(question, hits(library[0]))  # without the catalog: what retrieval found


def test_an_item_ends_at_the_next_number_inside_a_sentence_the_splitter_did_not_cut():
    first, second = chunks(NOTICE,
                           "1.银行捐款 开户名：红十字会 账号：2102108009249007743 （二）慈善总会接收捐款账户信息。",
                           "开户名：广西慈善总会 开户行：中国银行南宁市民主支行 账 号：613257485006 （三）医疗物资捐赠渠道。"
                           "当前急需的物资主要包括口罩、防护服。")
    text = answer("慈善总会接收捐款账户信息是什么？", hits(first, second))
    assert "613257485006" in text and "（三）医疗物资" not in text


def test_a_question_the_document_asks_is_answered_by_what_follows_it_up_to_the_next_question():
    first, second = chunks(NOTICE,
                           "看病、乘飞机、送亲友 问：外地人可否进上海看病就医？",
                           "答：需要提供医院预约挂号记录。 问：非重点地区的外地人员，到机场坐飞机，可以进上海吗？ 答：乘机人出示有效票据可以入沪。")
    text = answer("外地人进上海看病需要提供什么材料？", hits(first, second))
    assert "需要提供医院预约挂号记录" in text and "乘机人出示有效票据" not in text


def test_the_first_sentence_under_an_item_title_brings_the_rest_of_the_item():
    first, second = chunks(NOTICE,
                           "（责任单位：市财政局） （五）缓缴社会保险费。对受疫情影响，确实无力足额缴纳社会保险费的企业，"
                           "将1月、2月应缴社会保险费征收期延长至3月底。",
                           "对旅游、住宿、餐饮等受损严重行业企业，可将应缴社会保险费征收期延长至6月底。缓缴期间免征滞纳金。"
                           "（责任单位：市人力资源社会保障局） （六）延期缴纳税款。对确有特殊困难的企业，依法办理延期缴纳税款。")
    text = answer("对受疫情影响，暂时无力足额缴纳社会保险费的企业有何政策？", hits(first, second))
    assert "延长至6月底" in text and "缓缴期间免征滞纳金" in text
    assert "责任单位：市人力资源社会保障局" not in text  # the measure's responsible units close it
