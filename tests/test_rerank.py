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
