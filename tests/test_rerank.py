"""The reranker stage on hand-made hits: a section whose title the question asks for comes forward."""

from __future__ import annotations

from assistant.retrieval.rerank import PlaceVersionReranker
from assistant.types import Chunk, DocInfo, Hit

DOC = DocInfo("haiyang.txt", "haiyang.txt", "s1", "白水市青山区关于企业复工工作的通告", "policy", "江苏省", "白水市", "青山区")
PREAMBLE = ("青山区关于企业复工工作的通告 为切实加强疫情防控工作，现将企业复工有关事项通告如下： 一、企业复工审批时间安排 "
            "我区工业企业复工审批时间安排如下：")
SECTION = "报送材料均需企业主要负责人签字。 五、审批流程 1．企业向所在地镇街园区提出复工申请； 2．由所在地镇街园区进行现场审核；"


def _hit(ordinal: int, text: str, score: float) -> Hit:
    return Hit(Chunk(f"haiyang.txt#{ordinal}", DOC, ordinal, text, 0, 0, len(text)), score)


def test_the_section_the_question_asks_for_comes_before_the_preamble():
    rerank = PlaceVersionReranker(lambda q: ["青山区"]).rerank
    hits = [_hit(0, PREAMBLE, 1.0), _hit(9, SECTION, 0.9)]
    assert rerank("青山区企业复工审批流程是什么？", hits)[0].chunk.ordinal == 9
    # a question about another section leaves retrieval's order
    assert rerank("青山区企业复工审批时间如何安排？", hits)[0].chunk.ordinal == 0


def test_the_section_a_question_names_joins_the_passages_from_its_document():
    """Retrieval found the notice by its preamble and another notice by its words; the section the question names
    ("审批流程") was ranked out of the top passages. It joins them, before its document's first passage."""
    from assistant.retrieval.sections import with_asked_sections

    other = DocInfo("hotline.txt", "hotline.txt", "s2", "关于公布企业复工环保服务热线的通告", "policy", "江苏省", "白水市",
                    "青山区")
    hotline = Hit(Chunk("hotline.txt#0", other, 0, "企业复工中遇到环评审批问题，可拨打环保服务热线。", 0, 0, 24), 1.2)
    chunks = [_hit(0, PREAMBLE, 0).chunk, _hit(8, "4．防控宣传教育到位。深入开展卫生健康教育。", 0).chunk,
              _hit(9, SECTION, 0).chunk]
    found = [hotline, _hit(0, PREAMBLE, 1.0)]
    def chunks_of(doc_ids):
        return [c for c in chunks if c.doc.doc_id in doc_ids]

    out = with_asked_sections("青山区企业复工审批流程是什么？", found, chunks_of)
    assert [h.chunk.chunk_id for h in out] == ["hotline.txt#0", "haiyang.txt#9", "haiyang.txt#0"]
    assert out[1].score == 1.0
    # a title the question does not hold whole, or one already among the passages, adds nothing
    assert with_asked_sections("青山区企业复工审批时间如何安排？", found, chunks_of) == found
    assert with_asked_sections("青山区企业复工审批流程是什么？", [*found, _hit(9, SECTION, 0.5)], chunks_of) == [
        *found, _hit(9, SECTION, 0.5)]


def test_a_named_section_cut_by_the_chunker_continues_into_the_next_passage_and_leads_the_answer():
    """"四、企业复工审批材料 1. 企业复工申请表；" ends a passage and the list goes on in the next one: both join, the next
    headed by the section's title, and the answer quotes the section — not the preamble that repeats the notice's
    title, nor the first item alone."""
    from assistant.answering.extractive import ExtractiveGenerator
    from assistant.retrieval.sections import with_asked_sections

    materials = ("三、复工条件 企业须落实防控措施。 四、企业复工审批材料 1. 企业复工申请表；")
    rest = "2. 企业复工现场审核表； 3. 企业疫情防控承诺书； 4. 企业返岗员工名册。 报送材料均需企业主要负责人签字。"
    chunks = [_hit(0, PREAMBLE, 0).chunk, _hit(7, materials, 0).chunk, _hit(8, rest, 0).chunk]
    def chunks_of(doc_ids):
        return [c for c in chunks if c.doc.doc_id in doc_ids]

    question = "白水市青山区企业复工审批材料都需要什么？"
    hits = with_asked_sections(question, [_hit(0, PREAMBLE, 1.0)], chunks_of)
    assert [(h.chunk.ordinal, h.chunk.heading) for h in hits] == [(7, ""), (8, "企业复工审批材料"), (0, "")]
    text, _ = ExtractiveGenerator().generate(question, hits, "zh")
    assert text.startswith("四、企业复工审批材料 1. 企业复工申请表；") and "企业疫情防控承诺书" in text, text
    assert "通告如下" not in text, text


def test_a_named_section_already_found_brings_the_passage_the_chunker_cut_off():
    """Retrieval found the passage holding "（五）减轻社会保险负担。" at its end; what the section says is in the next
    passage, which joins right after it, headed by the section's title."""
    from assistant.retrieval.sections import with_asked_sections

    heading = "二、进一步降低企业用工成本 （五）减轻社会保险负担。"
    body = "对不能按时缴纳社会保险费的企业，允许延期至疫情解除后三个月内补缴，免收滞纳金。 （六）实施失业保险稳岗返还。"
    chunks = [_hit(3, heading, 0).chunk, _hit(4, body, 0).chunk]
    def chunks_of(doc_ids):
        return [c for c in chunks if c.doc.doc_id in doc_ids]

    found = [_hit(3, heading, 0.8), _hit(0, PREAMBLE, 0.7)]
    out = with_asked_sections("白水市在减轻社会保险负担方面提供了哪些政策支持？", found, chunks_of)
    assert [(h.chunk.ordinal, h.chunk.heading, h.score) for h in out] == [
        (3, "", 0.8), (4, "减轻社会保险负担", 0.8), (0, "", 0.7)]


def test_a_whole_section_at_a_passages_end_does_not_pull_in_the_next_part():
    """"七、绩效目标 详见单位的项目绩效目标表" is all that section says; the next passage opens another part under its own
    heading line and does not join. A section cut mid-sentence ("…严格执行各项安全管理制度") does pull in the rest."""
    from assistant.retrieval.sections import with_asked_sections

    whole = "六、其他说明 无。\n七、绩效目标\n详见单位的项目绩效目标表"
    other_part = "生命健康专项（政策资金）经费情况说明\n一、项目概述\n推动生命健康产业高质量发展。"
    cut = "一、全力做好疫情防控。 二、严格落实主体责任。在复工复产前，企业主要负责人要全部到岗到位，严格执行各项安全管理制度"
    rest = "，严格履行各层级安全责任。企业主要负责人要统筹组织企业复工复产和疫情防控工作。 三、加强风险辨识。"
    def run(question, first, second):
        chunks = [_hit(5, first, 0).chunk, _hit(6, second, 0).chunk]
        out = with_asked_sections(question, [_hit(5, first, 1.0)], lambda ids: [c for c in chunks if c.doc.doc_id in ids])
        return [h.chunk.ordinal for h in out]

    assert run("白水市青山区商务委员会编报绩效目标的项目涉及预算资金多少？", whole, other_part) == [5]
    assert run("白水市青山区的安全提示中严格落实主体责任是什么？", cut, rest) == [5, 6]
