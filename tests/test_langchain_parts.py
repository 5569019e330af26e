"""The LangChain parts composed the way a developer would: LCEL chains over the real demo index, with
langchain-core's fake chat model standing in for the developer's LLM."""

from __future__ import annotations

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda, RunnableParallel, RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore

from assistant.errors import ConfigError
from assistant.integrations.langchain import (
    AssistantEmbeddings,
    AssistantRetriever,
    answer_prompt,
    answer_runnable,
    format_passages,
)
from assistant.text.markers import parse_markers
from assistant.types import Answer

LAW = "外商投资法(2019-03-15).md"


class PromptRecorder(BaseCallbackHandler):
    """What the chat model was sent (the fake model itself ignores its input)."""

    def __init__(self):
        self.prompts: list[str] = []

    def on_chat_model_start(self, serialized, messages, **kwargs):
        self.prompts += [m.text for batch in messages for m in batch]


def test_lcel_chain_with_a_chat_model_cites_file_page_and_article(demo_assistant):
    retriever = AssistantRetriever(assistant=demo_assistant, k=3, gated=True)
    model = FakeListChatModel(responses=["《外商投资法》自2020年1月1日起施行[1]。"])
    chain = RunnableParallel(docs=retriever, question=RunnablePassthrough()).assign(
        answer=RunnableLambda(lambda x: {"passages": format_passages(x["docs"]), "question": x["question"]})
        | answer_prompt() | model | StrOutputParser()
    )
    recorder = PromptRecorder()
    out = chain.invoke("外商投资法什么时候施行？", config={"callbacks": [recorder]})

    cited = [out["docs"][n - 1] for n in parse_markers(out["answer"])]
    assert len(cited) == 1
    meta = cited[0].metadata
    assert (meta["source"], meta["page"], meta["article"], meta["date"]) == (LAW, 1, "第四十二条", "2019-03-15")
    assert meta["title"] == "中华人民共和国外商投资法" and meta["effective"] == "2020-01-01"
    assert cited[0].id == meta["chunk_id"] and meta["chunk_id"].startswith(meta["doc_id"] + "#")
    assert meta["validity"] == "valid" and meta["score"] > 0 and meta["doc_type"] == "regulation"
    assert "本法自2020年1月1日起施行" in cited[0].page_content
    # The model saw the numbered passage, headed with what the citation shows, inside our answer prompt.
    (prompt,) = recorder.prompts
    assert "[1] 《中华人民共和国外商投资法》 | 发布日期：2019-03-15 | 第1页 | 第四十二条" in prompt
    assert "问题：外商投资法什么时候施行？" in prompt and "只根据下面编号的资料回答" in prompt


def test_gated_retriever_returns_nothing_when_the_documents_do_not_answer(demo_assistant):
    question = "火星上的停车费是多少？"
    assert len(AssistantRetriever(assistant=demo_assistant, k=3).invoke(question)) == 3  # ungated: nearest text
    assert AssistantRetriever(assistant=demo_assistant, k=3, gated=True).invoke(question) == []


def test_retriever_filters_per_call(demo_assistant):
    retriever = AssistantRetriever(assistant=demo_assistant, k=4)
    docs = retriever.invoke("外商投资企业可以享受哪些支持？", filters={"region": "北京市"})
    assert docs and {d.metadata["region"] for d in docs} == {"北京市"}
    unfiltered = {d.metadata["source"] for d in retriever.invoke("外商投资企业可以享受哪些支持？")}
    assert LAW in unfiltered  # the national law is found without the filter, and left out with it
    assert LAW not in {d.metadata["source"] for d in docs}
    with pytest.raises(ConfigError, match="use region, doc_type, valid_only"):
        retriever.invoke("外商投资", filters={"province": "北京"})


def test_embeddings_in_a_langchain_vector_store_find_chinese_passages_for_english_questions(demo_assistant, settings):
    retriever = AssistantRetriever(assistant=demo_assistant, k=2)
    docs = [d for q in ("外商投资法什么时候施行？", "北京经济技术开发区的管理机构是什么？", "中小企业款项支付期限")
            for d in retriever.invoke(q)]
    store = InMemoryVectorStore.from_documents(docs, AssistantEmbeddings.from_settings(settings))
    top = store.similarity_search("Which body manages the Beijing Economic-Technological Development Area?", k=1)
    assert top[0].metadata["source"] == "北京经济技术开发区条例.md"
    assert "管理委员会" in top[0].page_content


def test_answer_runnable_takes_questions_history_and_filters(demo_assistant):
    runnable = answer_runnable(demo_assistant)
    first, refused = runnable.batch(["外商投资法什么时候施行？", "火星上的停车费是多少？"])
    assert isinstance(first, Answer) and first.grounded and first.citations[0].source == LAW
    assert "2020年1月1日" in first.text and not refused.grounded and not refused.citations

    followup = runnable.invoke({"question": "它什么时候开始施行？",
                                "history": [HumanMessage("外商投资法是哪一年通过的？"), AIMessage("2019年3月15日通过。")]})
    assert "外商投资法" in followup.rewritten_question and followup.citations[0].source == LAW

    as_json = (runnable | RunnableLambda(Answer.as_dict)).invoke(
        {"question": "外商投资有哪些规定？", "filters": {"region": "北京市"}, "k": 3})
    assert as_json["citations"] and all("北京" in c["source"] for c in as_json["citations"])

    with pytest.raises(ConfigError, match="question"):
        runnable.invoke({"query": "外商投资法什么时候施行？"})


def test_history_pairs_and_role_dicts_are_the_same_conversation():
    from assistant.integrations.langchain import as_history

    pairs = (("外商投资法是哪一年通过的？", "2019年。"),)
    assert as_history([list(pairs[0])]) == pairs
    assert as_history([{"role": "user", "content": pairs[0][0]}, {"role": "assistant", "content": pairs[0][1]},
                       {"role": "user", "content": "还有呢？"}]) == pairs
