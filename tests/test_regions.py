"""Places come from the packaged national gazetteer, resolved by context, and match filter names."""

from __future__ import annotations

import pytest

from assistant.types import Region
from ingest.doc_region import main_region
from ingest.regions import find_places, region_matches


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鹿城区投资促进服务中心发布招商信息", Region("浙江省", "温州市", "鹿城区")),
        ("项目落户浦东新区张江科学城", Region("上海市", "上海市", "浦东新区")),
        ("济南市历下区召开营商环境大会", Region("山东省", "济南市", "历下区")),
        ("温江区依托四川通信产业园", Region("四川省", "成都市", "温江区")),
        ("邛崃市携手简阳赴南宁开展协同招商", Region("四川省", "成都市", "邛崃市")),
    ],
)
def test_district_is_resolved_up_to_its_province(text: str, expected: Region) -> None:
    assert expected in find_places(text)


def test_places_come_in_order_of_appearance() -> None:
    places = find_places("重庆市与京津冀对接，随后赴温州市、合肥市考察。")
    assert [p.city for p in places] == ["重庆市", "温州市", "合肥市"]


def test_ambiguous_district_is_resolved_by_the_city_mentioned() -> None:
    assert Region("江苏省", "南京市", "鼓楼区") in find_places("南京市召开会议，鼓楼区作交流发言。")
    assert Region("福建省", "福州市", "鼓楼区") in find_places("福州市鼓楼区出台新政。")


def test_ambiguous_district_without_context_keeps_only_what_is_certain() -> None:
    assert find_places("鼓楼区出台新政。") == [Region("", "", "鼓楼区")]


def test_short_district_name_needs_its_city_nearby() -> None:
    assert Region("四川省", "成都市", "金牛区") in find_places("成都金牛打造光电产业集群")
    assert find_places("朝阳产业蓬勃发展，中山路上人来人往") == []


def test_words_that_contain_place_suffixes_are_not_places() -> None:
    assert find_places("推动区域经济和县域经济协调发展，主城区交通改善") == []


def test_news_about_three_districts_of_one_city_is_about_that_city() -> None:
    text = (
        "新年伊始，成都市各区县抓项目、促投资。金牛区以基金赋能光电产业，金牛区签约12个项目。"
        "温江区依托通信产业园精准招商，温江区对接大湾区企业。邛崃市携手企业协同招商，邛崃市挖掘商会资源。"
    )
    assert main_region("成都市区县抓项目促投资", text) == Region("四川省", "成都市")


def test_title_place_counts_most() -> None:
    text = "为促进我区经济发展，制定本办法。成都市投资促进局、四川省商务厅给予指导。本区企业适用。"
    assert main_region("温州市鹿城区招商引资奖励办法", text) == Region("浙江省", "温州市", "鹿城区")


def test_a_district_the_text_is_mostly_about() -> None:
    text = "浦东新区出台措施。浦东新区对新落户企业给予奖励。上海市支持浦东新区先行先试。"
    assert main_region("关于支持重点产业发展的若干措施", text) == Region("上海市", "上海市", "浦东新区")


def test_national_document_has_no_region() -> None:
    text = "第一条 为了鼓励华侨和香港、澳门同胞来内地投资，制定本规定。香港特别行政区投资者适用本规定。"
    assert main_region("国务院关于鼓励华侨和香港澳门同胞投资的规定", text) == Region()
    assert main_region("优化营商环境条例", "第一条 为了持续优化营商环境，制定本条例。") == Region()


def test_a_joint_notice_of_ministries_to_every_province_is_national() -> None:
    """人社部发〔2020〕11号 names 湖北省 (its exception) and 新疆生产建设兵团 (an addressee): neither is what it is about."""
    text = ("各省、自治区、直辖市人民政府，新疆生产建设兵团：现就阶段性减免企业社会保险费有关问题通知如下：一、自2020年2月起，"
            "各省、自治区、直辖市（除湖北省外）及新疆生产建设兵团可免征中小微企业三项社会保险单位缴费部分。二、自2020年2月起，"
            "湖北省可免征各类参保单位三项社会保险单位缴费部分。")
    assert main_region("人力资源社会保障部 财政部 税务总局关于阶段性减免企业社会保险费的通知", text) == Region()
    assert main_region("关于阶段性减免企业社会保险费的通知", text) == Region()  # its addressees say so too
    # a national body's local office is its place's; a province's notice quoting the addressees is that province's
    assert main_region("国家税务总局深圳市税务局关于延长纳税申报期限的通告", "对按月申报的纳税人，申报期限延长至2月28日。") \
        == Region("广东省", "深圳市")
    assert main_region("湖北省人民政府关于转发阶段性减免企业社会保险费通知的通知", text).province == "湖北省"


@pytest.mark.parametrize("query", ["温江", "温江区", "成都", "成都市", "四川", "四川省", "四川省成都市", " 温江 "])
def test_filter_names_match_the_region_and_its_parents(query: str) -> None:
    assert region_matches(Region("四川省", "成都市", "温江区"), query)


@pytest.mark.parametrize("query", ["温州", "鹿城区", "浙江省", "金牛区", "武侯"])
def test_filter_names_of_other_places_do_not_match(query: str) -> None:
    assert not region_matches(Region("四川省", "成都市", "温江区"), query)


def test_municipality_matches_by_either_level() -> None:
    region = Region("上海市", "上海市", "浦东新区")
    assert region_matches(region, "上海") and region_matches(region, "浦东") and not region_matches(region, "北京")


def test_a_dateline_is_where_news_was_filed_not_what_it_is_about() -> None:
    """A ministry's report filed in 北京 is not 北京's; a report filed in 长春 about 长春 still names it."""
    title = "财政部预拨第二批疫情防控补助资金80亿元 新华社北京2月15日电（记者 申铖）记者15日从财政部获悉"
    assert main_region(title, "财政部14日预拨第二批补助资金80亿元，其中对湖北省预拨35亿元。") == Region()
    title = "长春：公交实名制让疫情防控可追溯 新华社长春2月12日电"
    assert main_region(title, "长春市卫光街轻轨站的工作人员为市民测量体温。") == Region("吉林省", "长春市")


def test_a_notice_to_its_own_counties_is_the_place_it_names_once() -> None:
    """A first line with a local addressee line and no place of its own: the one city its text names is its."""
    title = "关于做好疫情防控帮助工业企业 各县区人民政府，工业园区管委会，市政府各部门："
    text = "为深入贯彻落实有关部署，现提出以下措施。利用海东市支持工业发展的政策，帮扶企业复工。"
    assert main_region(title, text) == Region("青海省", "海东市")
    assert main_region("关于帮助工业企业复工的若干措施", text) == Region()  # a passing mention, no addressees


def test_a_notice_of_an_unnamed_own_city_is_the_place_of_its_bodies() -> None:
    """"市市场监管委" writes of 我市 and names its city only in its bodies; the province it helps is named as often."""
    title = "市市场监管委印发服务企业第二批措施的通知"
    text = ("对我市各单位报检的体温计免收检验费。对来自湖北省的企业，免收相关费用。对湖北省企业免除特种设备检验费。"
            "企业可登录天津市市场监督管理委员会、天津市标准化研究院门户网站查阅。")
    assert main_region(title, text) == Region("天津市", "天津市")
    # A title naming its place anchors it: 本市 there is that city, whatever county's government the text names.
    statute = ("结合本市实际，制定本条例。新区管委会是宁波市人民政府的派出机构。慈溪市人民政府予以配合。"
               "慈溪市人民政府负责征收。宁波市人民政府另有规定的，按其规定。慈溪市人民政府依法办理。")
    assert main_region("宁波杭州湾新区条例", statute) == Region("浙江省", "宁波市")
    # A body of the province above the city the text names does not pull the document up to the province.
    letter = "全市父老乡亲：每一个内江儿女都牵挂着疫情。四川省应急委员会宣布调整响应级别。内江市应对疫情指挥部"
    assert main_region("倡议书", letter) == Region("四川省", "内江市")
