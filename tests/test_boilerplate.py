"""Junk-line removal on web-page copies: the junk goes, every content line stays."""

from __future__ import annotations

from pathlib import Path

from ingest.boilerplate import clean_text, is_junk_line
from ingest.loaders import load
from tests.fixture_files import SEED_LIKE_CONTENT, SEED_LIKE_JUNK, make_seed_like_page


def test_seed_like_page_keeps_every_content_line_and_drops_the_junk(tmp_path: Path) -> None:
    [loaded] = load(make_seed_like_page(tmp_path / "copy.txt", encoding="gbk"))
    lines = loaded.text.split("\n")
    assert lines == list(SEED_LIKE_CONTENT)  # short headings like "200亿基金入场" included, order kept
    assert loaded.source_url == "https://news.example.gov.cn/2024/03/15/content_1.html"
    assert loaded.date_hint == "2024-03-15"
    assert loaded.title_hint == SEED_LIKE_CONTENT[0]
    assert not set(SEED_LIKE_JUNK) & set(lines)


def test_related_list_after_heading_goes_even_when_items_are_long() -> None:
    article = "区里发布招商新政，对重大项目给予一事一议支持，最高奖励1000万元。"
    teasers = [
        "中国维护国际经贸秩序的立场坚定... 应有关方面请求，双方经贸高层会谈在瑞士举行。中方在充分考虑各方期待的基础...",
        "成都送体到校活动落幕 转自:成都日报锦观惠及35000余名学生，活动覆盖全市多所学校...",
    ]
    cleaned = clean_text("\n".join([article, "热门资讯", *teasers]))
    assert cleaned.text == article


def test_headline_list_needs_a_run_so_one_ellipsis_paragraph_survives() -> None:
    text = "\n".join([
        "南充，竭力做好全周期管理、全要素保障、全方位服务，让企业家放心投资、专心经营、安心发展……",
        "紧抓产业转移机遇，企地合力，在合作共赢的道路上双向奔赴。",
    ])
    assert clean_text(text).text == text


def test_trailing_short_lines_after_a_page_list_are_other_headlines() -> None:
    text = "\n".join([
        "全市组织实施51个电子信息产业重点项目，总投资1107亿元。",
        "01版:要 闻", "02版:都市·民生", "T1版:招商 引凤来",
        "顶格赋能 聚势未来", "招大引强 蓄势腾飞",
    ])
    assert clean_text(text).text == "全市组织实施51个电子信息产业重点项目，总投资1107亿元。"


def test_article_ending_on_a_short_line_keeps_it() -> None:
    text = "对企业引进的高层次人才，给予最高100万元安家补贴。\n（责任单位：区人才办）\n附件：申报表"
    assert clean_text(text).text == text


def test_line_rules_on_typical_lines() -> None:
    junk = ["请用微信扫一扫分享", "分享到：", "3 上一篇  下一篇 4 放大4 缩小6 默认2", "01版:要 闻", "【编辑:罗永皓】",
            "责任编辑：王五", "[免责声明] 本文来源于网络转载", "原文链接:https://a.cn/1.html", "打印本页 关闭窗口",
            "版权所有：某某市人民政府", "0", "•", "相关新闻", "返回首页"]
    content = ["金牛区", "200亿基金入场", "关闭落后产能企业12家", "数据共享分享机制", "项目落地",
               "第二条 对新引进的项目给予奖励。", "2025-05-10 06:36:11", "(佘振芳)", "首页设计大赛获奖作品展示在区文化馆举行"]
    assert [line for line in junk if not is_junk_line(line)] == []
    assert [line for line in content if is_junk_line(line)] == []
