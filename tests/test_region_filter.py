"""The region filter covers the places a document's title names within its city (a 成都 article on three
districts is found under each of them), and nothing beyond."""

from __future__ import annotations

from assistant.types import Filters

CHENGDU = "data/sample/chengdu_quxian_zhaoshang.txt"


def test_districts_named_in_a_city_articles_title_are_filter_choices(demo_assistant):
    choices = demo_assistant.library.filter_regions()
    assert {"金牛区", "温江区", "邛崃市", "成都市", "北京市"} <= set(choices)
    assert demo_assistant.library.docs_covering("邛崃市") == {CHENGDU}
    # Place matching (the scope gate) still sees only the documents' own regions: the article does not make
    # 温江区's fund questions answerable.
    assert "温江区" not in demo_assistant.library.regions()


def test_filtering_by_a_covered_district_finds_the_article_and_only_it(demo_assistant):
    for region in ("温江区", "邛崃"):  # typed short forms resolve too
        ans = demo_assistant.ask("光通信精准对接活动在哪里举行？", filters=Filters(region=region))
        assert ans.grounded and "深圳" in ans.text
        assert {h.chunk.doc.doc_id for h in ans.hits} == {CHENGDU}
    assert not demo_assistant.ask("光通信精准对接活动在哪里举行？", filters=Filters(region="北京市")).grounded
