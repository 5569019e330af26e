"""What we read about a document: dates, validity, contacts, type, title, issuer and version key."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.types import LoadedFile, Page, Region
from ingest.contacts import find_contacts
from ingest.dates import find_dates, parse_date, publication_date
from ingest.doctype import classify
from ingest.metadata import understand, version_key
from ingest.validity import find_validity


def _loaded(text: str, **hints: str) -> LoadedFile:
    return LoadedFile(path="docs/sample.txt", file_type="txt", pages=(Page(1, text),), **hints)


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年3月1日", dt.date(2024, 3, 1)),
        ("2024 年 03 月 01 日", dt.date(2024, 3, 1)),
        ("二〇二四年三月一日", dt.date(2024, 3, 1)),
        ("二○二三年十二月三十一日", dt.date(2023, 12, 31)),
        ("二〇一九年十月二十二日印发", dt.date(2019, 10, 22)),
        ("2025-11-02 07:25:18 来源:重庆日报", dt.date(2025, 11, 2)),
        ("2024.3.1", dt.date(2024, 3, 1)),
        ("2024/03/15", dt.date(2024, 3, 15)),
    ],
)
def test_dates_in_every_written_form(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024年2月30日", "第2024.3.1.5条", "奖励200万元", "1200-3400", "3.5亿元", "2024年"])
def test_non_dates_are_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_publication_date_prefers_the_loader_hint() -> None:
    assert publication_date("本办法自2024年1月1日起施行。", date_hint="2023-12-20") == "2023-12-20"


def test_publication_date_from_labelled_timestamp_and_signature() -> None:
    news = "渝见京津冀 一场产业对接吸金239.5亿元\n2025-11-02 07:25:18 来源:重庆日报\n11月1日，活动在北京举办。"
    assert publication_date(news) == "2025-11-02"
    labelled = "关于印发若干措施的通知\n" + "正文。" * 200 + "\n发布日期：2024年5月6日"
    assert publication_date(labelled) == "2024-05-06"
    signed = "各街道：\n" + "现将措施印发给你们。" * 60 + "\n温州市鹿城区人民政府\n二〇二四年三月一日\n"
    assert publication_date(signed) == "2024-03-01"


def test_law_header_takes_the_latest_amendment() -> None:
    header = "# 某市条例\n\n2020年4月10日 通过\n\n2024年9月27日 第三次修正\n\n## 第一章 总则\n第一条 为了……"
    assert publication_date(header) == "2024-09-27"


REVISED_REGULATION = (
    "某某企业扶持条例\n"
    "2019年6月3日 某省人民政府令第12号公布\n"
    "2023年4月18日 某省人民政府令第57号修订\n"
    "第一章 总则\n第一条 为了扶持企业，制定本条例。\n"
    "第二条 本条例自2023年7月1日起施行。2019年6月3日公布的原条例同时废止。\n"
)


def test_a_revised_regulation_is_dated_by_its_latest_revision_not_the_loader_hint() -> None:
    # The loader hands over the header's first date (the original 公布); this version is the 2023 revision.
    meta = understand(_loaded(REVISED_REGULATION, date_hint="2019-06-03"))
    assert meta.published == "2023-04-18"
    assert meta.validity.effective == dt.date(2023, 7, 1) and not meta.validity.repealed_flag


def test_header_history_skips_the_effective_date_and_one_event_keeps_the_hint() -> None:
    header = "某条例\n2018年12月5日 常务会议通过\n2019年4月14日 政府令第712号公布\n2019年7月1日 施行\n第一条 总则。"
    assert publication_date(header, date_hint="2018-12-05") == "2019-04-14"
    single = "某条例\n2022年5月30日 常务委员会第五次会议通过\n第一条 为了……"
    assert publication_date(single, date_hint="2022-05-31") == "2022-05-31"
    body_dates = "某条例\n第一条 2019年1月1日公布的办法与2020年2月2日修订的细则继续有效。"
    assert publication_date(body_dates, date_hint="2021-03-03") == "2021-03-03"


def test_a_file_named_by_its_date_gives_the_date_when_the_text_has_none() -> None:
    loaded = LoadedFile(path="docs/某条例(2020-07-05).md", file_type="md", pages=(Page(1, "第一条 为了……"),))
    assert understand(loaded).published == "2020-07-05"
    dated_text = LoadedFile(path="docs/某条例(2020-07-05).md", file_type="md", pages=(Page(1, "2021年1月2日 通过"),))
    assert understand(dated_text).published == "2021-01-02"


# --- validity -------------------------------------------------------------------------------------


def test_effective_and_expiry_dates() -> None:
    v = find_validity("六、本办法自2024年1月1日起施行，有效期至2026年12月31日。")
    assert (v.effective, v.expires, v.repealed_flag) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31), False)
    assert v.status(dt.date(2025, 6, 1)) == "valid" and v.status(dt.date(2027, 1, 1)) == "expired"


def test_validity_in_years_counts_from_the_effective_date() -> None:
    v = find_validity("本措施自2023年7月1日起实施，有效期三年。")
    assert v.expires == dt.date(2026, 6, 30)


def test_effective_on_issue_uses_publication_date() -> None:
    v = find_validity("本政策自印发之日起施行，有效期到2021年12月31日。", published=dt.date(2019, 5, 8))
    assert v.effective == dt.date(2019, 5, 8) and v.expires == dt.date(2021, 12, 31)


def test_repealing_another_document_does_not_repeal_this_one() -> None:
    text = "本办法自2024年1月1日起施行，《鹿城区招商引资奖励办法》（鹿政发〔2019〕5号）同时废止。"
    v = find_validity(text)
    assert not v.repealed_flag and v.repealed is None and v.status(dt.date(2024, 6, 1)) == "valid"


def test_this_document_repealed() -> None:
    assert find_validity("本办法已废止。").status() == "repealed"
    assert find_validity("关于促进产业发展的若干意见（已失效）\n正文。").repealed_flag
    dated = find_validity("本办法自2022年1月1日起施行。本办法于2024年6月30日废止。")
    assert dated.repealed == dt.date(2024, 6, 30) and dated.status(dt.date(2025, 1, 1)) == "repealed"


def test_other_documents_dates_are_not_ours() -> None:
    v = find_validity("“创业券”兑现额度为实际支出的50%，有效期2年。原办法自2019年1月1日起施行。")
    assert v == find_validity("")


# --- contacts ---------------------------------------------------------------------------------------

CONTACT_TEXT = (
    "对新引进项目给予200万元奖励，2024-03-01前拨付，累计13500000000元。\n"
    "联系单位：温州市鹿城区投资促进服务中心，地址：温州市鹿城区府前街1号，电话：0577-88030503，"
    "邮箱：lctz@lucheng.gov.cn。\n"
    "如有疑问，请与成都市投资促进局联系，咨询电话（028）12345678。\n"
    "园区招商热线400-123-4567，招商经理手机13912345678。\n"
)


def test_contacts_are_read_with_their_organisation_and_snippet() -> None:
    contacts = find_contacts(CONTACT_TEXT, doc_id="d1", source="policy.txt", date="2024-01-02")
    lucheng = next(c for c in contacts if c.phone == "0577-88030503")
    assert lucheng.organisation == "温州市鹿城区投资促进服务中心"
    assert lucheng.address == "温州市鹿城区府前街1号" and lucheng.email == "lctz@lucheng.gov.cn"
    assert (lucheng.doc_id, lucheng.source, lucheng.date) == ("d1", "policy.txt", "2024-01-02")
    chengdu = next(c for c in contacts if c.organisation == "成都市投资促进局")
    assert chengdu.phone == "028-12345678"  # normalised, same digits as written
    for c in contacts:
        assert c.snippet in CONTACT_TEXT


def test_every_phone_is_really_in_the_text_and_amounts_dates_are_not_phones() -> None:
    phones = {c.phone for c in find_contacts(CONTACT_TEXT)}
    assert phones == {"0577-88030503", "028-12345678", "400-123-4567", "13912345678"}
    digits = CONTACT_TEXT.replace("（", "").replace("）", "-")
    assert all(p in digits for p in phones)


@pytest.mark.parametrize(
    "text",
    ["奖励200万元，补助13500000000元。", "于2024-03-01至2025-12-31实施", "编号0577-2024-001号文", "增长12345678%"],
)
def test_no_phone_without_a_phone_number(text: str) -> None:
    assert all(not c.phone for c in find_contacts(text))


BROCHURE_CONTACTS = (
    "## 联系方式\n"
    "联系单位：青山经济技术开发区管理委员会招商服务局\n"
    "地址：白水市青山大道18号青山经济技术开发区企业服务中心5楼\n"
    "招商热线：0831-5550123\n"
)


def test_organisation_names_are_whole_and_never_taken_from_an_address() -> None:
    (contact,) = find_contacts(BROCHURE_CONTACTS)
    assert contact.organisation == "青山经济技术开发区管理委员会招商服务局"  # not 招商服务局, not 济技术开发区…
    assert contact.phone == "0831-5550123" and contact.address.endswith("企业服务中心5楼")
    orgs = [c.organisation for c in find_contacts(BROCHURE_CONTACTS.replace("联系单位：青山", "联系单位：\n青山"))]
    assert all("企业服务中心" not in o for o in orgs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本办法由白水市投资促进局负责解释，电话：0831-5550124。", "白水市投资促进局"),
        ("请与青山经开区管委会联系，电话0831-5550125。", "青山经开区管委会"),
        ("园区由青山经济开发区管委会统一运营，电话0831-5550126。", "青山经济开发区管委会"),
        ("四川省发展和改革委员会，电话028-86705000。", "四川省发展和改革委员会"),
        ("中国（四川）自由贸易试验区成都天府新区片区管委会，电话028-85000000。", "中国（四川）自由贸易试验区成都天府新区片区管委会"),
    ],
)
def test_organisation_starts_at_a_word_boundary(text: str, expected: str) -> None:
    (contact,) = find_contacts(text)
    assert contact.organisation == expected


def test_two_organisations_joined_by_he_stay_two() -> None:
    contacts = find_contacts("请与白水市商务局和白水市投促局联系。\n白水市投促局电话：0831-5550127")
    assert [c.organisation for c in contacts] == ["白水市投促局"]


def test_every_phone_of_one_organisation_is_kept_with_its_name() -> None:
    text = "联系单位：白水市投资促进局\n地址：白水市人民路1号\n电话：0831-5550128\n手机：13912345678\n"
    contacts = find_contacts(text)
    assert [(c.organisation, c.phone) for c in contacts] == [
        ("白水市投资促进局", "0831-5550128"), ("白水市投资促进局", "13912345678")]
    assert contacts[0].address == "白水市人民路1号"
    assert all(c.snippet in text for c in contacts)


def test_fax_is_not_taken_for_a_phone() -> None:
    assert find_contacts("传真：0577-88030504") == ()


# --- doc type, title, version key, the whole -------------------------------------------------------

LAW = "# 某省开发区条例\n" + "".join(f"第{n}条 开发区应当依法管理。\n" for n in "一二三四五") + "第六条 本条例自2021年1月1日起施行。"


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("某省开发区条例", LAW, "regulation"),
        ("鹿城区招商引资若干措施", "一、对新引进项目给予200万元奖励。本措施自印发之日起施行。", "policy"),
        ("关于印发扶持办法的通知", "各单位：现将扶持办法印发给你们，请遵照执行。", "policy"),
        ("渝见京津冀 吸金239.5亿元", "新华社重庆11月1日电（记者 张三）重庆市与京津冀地区产业对接活动举行。", "news"),
        ("某市出台《招商引资若干措施》", "本报讯（记者 李四）日前，市政府出台措施。", "news"),
        ("鹿城智能制造产业园简介", "产业园规划面积3.2平方公里，主导产业为智能装备，交通便利，配套完善。", "park"),
        ("年度工作总结", "今年完成了各项工作。", "other"),
    ],
)
def test_document_type(title: str, text: str, expected: str) -> None:
    assert classify(title, text) == expected


def test_two_versions_share_a_version_key() -> None:
    assert version_key("上海市优化营商环境条例（2020年版）") == version_key("上海市优化营商环境条例(2024-09-27)")
    assert version_key("鹿城区招商引资奖励办法（试行）") == version_key("鹿城区招商引资奖励办法（修订）")
    assert version_key("2024年鹿城区招商引资奖励办法") == "鹿城区招商引资奖励办法"
    assert version_key("鹿城区人才新政") != version_key("鹿城区招商引资奖励办法")


POLICY = """温州市鹿城区人民政府关于印发鹿城区招商引资奖励办法（试行）的通知
各街道办事处，区政府各部门：
现将《鹿城区招商引资奖励办法（试行）》印发给你们，请认真贯彻执行。
一、对新落户鹿城区的企业，年纳税额达到500万元的，给予200万元奖励。
二、本办法自2024年1月1日起施行，有效期3年。《鹿城区招商引资暂行办法》同时废止。
联系单位：鹿城区投资促进服务中心，电话：0577-88030503。
温州市鹿城区人民政府
2023年12月20日
"""


def test_understand_a_policy_end_to_end() -> None:
    meta = understand(_loaded(POLICY), doc_id="policies/lucheng.txt")
    assert meta.title == "温州市鹿城区人民政府关于印发鹿城区招商引资奖励办法（试行）的通知"
    assert meta.published == "2023-12-20"
    assert meta.doc_type == "policy"
    assert meta.region == Region("浙江省", "温州市", "鹿城区")
    assert meta.issuer == "温州市鹿城区人民政府"
    assert meta.validity.effective == dt.date(2024, 1, 1) and meta.validity.expires == dt.date(2026, 12, 31)
    assert not meta.validity.repealed_flag
    (contact,) = meta.contacts
    assert contact.phone == "0577-88030503" and contact.organisation == "鹿城区投资促进服务中心"
    assert contact.doc_id == "policies/lucheng.txt" and contact.source == "sample.txt" and contact.date == "2023-12-20"
    assert "（试行）" not in meta.version_key and "招商引资奖励办法" in meta.version_key


def test_understand_uses_loader_hints_and_finds_a_law_issuer() -> None:
    law = "2020年4月10日 上海市第十五届人民代表大会常务委员会第二十次会议通过\n" + LAW
    meta = understand(_loaded(law, title_hint="上海市开发区条例", date_hint="2020-04-11"))
    assert (meta.title, meta.published, meta.doc_type) == ("上海市开发区条例", "2020-04-11", "regulation")
    assert meta.issuer == "上海市人民代表大会常务委员会"
    assert meta.region == Region("上海市", "上海市")


def test_news_headline_above_the_source_line_is_the_title() -> None:
    news = "请用微信扫一扫分享\n渝见京津冀 一场产业对接吸金239.5亿元\n2025-11-02 07:25:18 来源:重庆日报\n正文。"
    meta = understand(_loaded(news))
    assert meta.title == "渝见京津冀 一场产业对接吸金239.5亿元" and meta.doc_type == "news"


def test_offices_named_by_their_short_form_own_the_routes_listed_after_them() -> None:
    """A list of 网信办/金融办/指挥部 with phone and e-mail (a news page's table flattened to spaces): each row's
    office owns its routes; 办 as a verb (承办, 开办, 办理) names no office."""
    text = ("举报电话和邮箱： \xa0 白水市委网信办 \xa0 0831-5550201 \xa0 举报邮箱：bsswxb@163.com \xa0 青山区委网信办"
            " \xa0 0831-5550202 \xa0 举报邮箱：qsqwxb@163.com \xa0 白水市疫情防控指挥部 \xa0 0831-5550203")
    assert [(c.organisation, c.phone, c.email) for c in find_contacts(text)] == [
        ("白水市委网信办", "0831-5550201", "bsswxb@163.com"), ("青山区委网信办", "0831-5550202", "qsqwxb@163.com"),
        ("白水市疫情防控指挥部", "0831-5550203", "")]
    assert [c.organisation for c in find_contacts("本次活动由白水市商务局承办，电话0831-5550204")] == ["白水市商务局"]
    assert [c.organisation for c in find_contacts("开办企业请拨打0831-5550205")] == [""]


def test_a_verb_or_a_document_code_with_ban_names_no_office() -> None:
    """现场急办 (do it on the spot) and 商办资函 (a document code) are no offices; a name cut inside its brackets
    (领导小组（指挥部）) is no name."""
    assert [c.organisation for c in find_contacts("对确需到现场急办的，电话0831-5550206")] == [""]
    assert [c.organisation for c in find_contacts("（商办资函〔2020〕46号）（联系电话：0831-5550207）")] == [""]
    text = "白水市疫情处置工作领导小组（指挥部）办公室电话：0831-5550208"
    assert all("（" not in c.organisation or "）" in c.organisation for c in find_contacts(text))
