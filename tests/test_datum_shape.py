"""A passage on the asked topic that does not hold the asked datum in its asked shape is no answer: a count in
the asked unit, a rate as a percentage, a person next to the asked role, the place where the asked event is
held. Over a real index of small news items written here (fictional names), each trap is refused and its
control — the same kind of question whose passage does state the datum — is answered with it."""

from __future__ import annotations

import pytest

from assistant.query.datum_shape import asked_shape
from assistant.query.kinds import asked_kind, states_kind

NEWS = {
    "qinghe-drama.md": "# 《青禾往事》热播\n\n电视剧《青禾往事》近日在多家平台热播，观众普遍称赞其剧情紧凑。"
                       "这其实是导演有意为之，全剧节奏明快。剧中演员阵容也很强大，不少配角表现亮眼。",
    "yuanshan-drama.md": "# 《远山来信》开机\n\n电视剧《远山来信》由宋知远执导，韩雪宁、魏东领衔主演，讲述三代乡村教师的故事。",
    "jinchuan-boat.md": "# 锦川龙舟赛开赛\n\n锦川龙舟赛昨日开赛，比赛分设100米、200米和500米直道竞速三个组别，"
                        "吸引了大批市民沿河观赛。",
    "qinghe-boat.md": "# 青禾龙舟邀请赛落幕\n\n青禾龙舟邀请赛共有24支队伍参赛，来自6个国家和地区。",
    "jinchuan-urban.md": "# 锦川县城镇化进展\n\n2023年锦川县新增城镇人口1.2万人，城镇化率提升速度较快，县城面貌明显改善。",
    "qinghe-urban.md": "# 青禾市城镇化进展\n\n2023年青禾市常住人口城镇化率达到61.5%，比上年提高1.1个百分点。",
    "jinchuan-forum.md": "# 锦川产业论坛\n\n在锦川产业论坛即将举行之际，主办方表示本届论坛将聚焦新材料产业。",
    "qinghe-forum.md": "# 青禾投资论坛\n\n青禾投资论坛在青禾国际会议中心举行，来自各地的200余名企业家参会。",
    # The datum of another subject in the same passage: the pendant fits the earphones; only the earphones' price
    # is stated. And a summit named in Latin capitals (lower-cased matching must still find it).
    "pendant.md": "# 新品配件\n\n锦川牌挂件可搭配青禾耳机使用。青禾耳机售价899元，较上一代产品便宜100元。",
    "race.md": "# 赛事报名\n\n2024年锦川越野赛报名人数达到3.2万人。锦川半程马拉松报名人数同比增长21.2%，创历史新高。",
    "summit.md": "# 峰会回顾\n\n2022年JQ30峰会于11月15日至16日在锦川国际会议中心举行。",
    "fair.md": "# 博览会\n\n锦川博览会将于周六为来自青禾市的客商举行专场推介。",
    # Two events of one kind in one passage: the sentence naming the winner names the other event.
    # The founder's sentence names a choir that the question's words half match (合唱团), qualified otherwise.
    "choir.md": "# 合唱团演出\n\n晨星合唱团与锦川童声合唱团同台演出。锦川童声合唱团由音乐教师王晓岚创办。",
    "badminton.md": "# 羽毛球赛事\n\n锦川公开赛女单决赛将于周日进行，门票已售罄。青禾公开赛女单冠军由李雨桐夺得。",
    # A film described without its genre ("这一类型"), and one with it.
    "lantern.md": "# 《灯火长街》口碑\n\n电影《灯火长街》上映以来口碑不俗，不少观众称这一类型的电影近年少见。",
    "ferry.md": "# 《星河渡口》定档\n\n电影《星河渡口》定档国庆，这是一部科幻冒险片，由青禾影业出品。",
    # A daily figure: the asked day's and another day's (or a period's) are different facts.
    # The figure or the place asked for, beside a sentence on the same subject with another measure or none.
    "economy.md": "# 青禾市经济运行\n\n2023年青禾市人均GDP为9.8万元，居全省前列。全年青禾市GDP达到3200亿元，同比增长5.1%。",
    "expo.md": "# 青禾博览会\n\n青禾博览会筹备工作进展顺利，青禾博览会将吸引众多客商。本届青禾博览会在锦川会展中心举行。",
    "cases.md": "# 云汐疫情通报\n\n2022年3月2日0—24时，云汐市新增确诊病例12例。3月以来，云汐市累计报告确诊病例86例。",
    # A quarter's figure is not the year's.
    "revenue.md": "# 青禾科技2023年财报\n\n青禾科技2023年第四季度营收为14亿元，同比增长8%。",
}


@pytest.fixture(scope="module")
def news_assistant(tmp_path_factory: pytest.TempPathFactory):
    from assistant.factory import build_assistant
    from assistant.settings import Settings
    from tests.conftest import TEST_CACHE

    folder = tmp_path_factory.mktemp("news")
    for name, text in NEWS.items():
        (folder / name).write_text(text, encoding="utf-8")
    a = build_assistant(Settings(index_dir=tmp_path_factory.mktemp("news-index"), cache_dir=TEST_CACHE))
    assert a.library.ingest([folder]).ok
    return a


@pytest.mark.parametrize(("trap", "control", "fact"), [
    ("《青禾往事》的导演是谁？", "《远山来信》的导演是谁？", "宋知远"),
    ("《青禾往事》的主演", "《远山来信》的主演", "韩雪宁"),
    ("锦川龙舟赛有多少支队伍参赛？", "青禾龙舟邀请赛有多少支队伍参赛？", "24支"),
    ("2023年锦川县城镇化率是多少？", "2023年青禾市城镇化率是多少？", "61.5%"),
    ("锦川产业论坛在哪里举行？", "青禾投资论坛在哪里举行？", "青禾国际会议中心"),
    ("锦川牌挂件的售价是多少？", "青禾耳机的售价是多少？", "899元"),
    ("锦川半程马拉松报名人数是多少？", "2024年锦川越野赛报名人数是多少？", "3.2万人"),
    ("锦川博览会在哪里举行？", "2022年JQ30峰会在哪里举行？", "锦川国际会议中心"),
    ("锦川产业论坛什么时候举行？", "2022年JQ30峰会的时间？", "11月15日"),
    ("锦川公开赛女单冠军是谁？", "青禾公开赛女单冠军是谁？", "李雨桐"),
    ("晨星合唱团是谁创办的？", "锦川童声合唱团是谁创办的？", "王晓岚"),
    ("《灯火长街》是什么类型的电影？", "《星河渡口》是什么类型的电影？", "科幻"),
    ("2022年3月5日云汐市新增确诊病例多少例？", "2022年3月2日云汐市新增确诊病例多少例？", "12例"),
    ("2023年青禾科技全年营收是多少？", "2023年青禾科技第四季度营收是多少？", "14亿元"),
])
def test_on_topic_passages_without_the_asked_datum_are_refused(news_assistant, trap, control, fact):
    refused = news_assistant.ask(trap)
    assert not refused.grounded, refused.text
    answered = news_assistant.ask(control)
    assert answered.grounded and fact in answered.text, answered.text


@pytest.mark.parametrize(("question", "sentence", "states"), [
    ("漫长的季节的导演是谁？", "该剧由辛爽执导，范伟主演。", True),
    ("漫长的季节的导演是谁？", "用刘琳主要还是因为导演觉得她合适角色。", False),  # a name, but not the director's
    ("零壹空间的创始人是谁？", "除了创始人舒畅之外，零壹空间已有18名投资人。", True),
    ("美联储将加息几次？", "美联储将在7月进行最后一次加息。", False),  # 最后一次 is no count
    ("美联储将加息几次？", "市场预计美联储今年加息4次。", True),
    ("网民规模有多少人？", "我国网民规模达10.51亿。", True),  # a bare 亿 counts people
    ("网民规模有多少人？", "我国非网民规模为3.62亿。", False),  # the complement's figure
    ("2023年中国男足主教练", "中国男足现任主教练扬科维奇将带队备战亚洲杯。", True),  # a transliterated name
    ("本泽马无法参加世界杯的原因", "本泽马无法参加比赛。", False),  # says that, not why
    ("本泽马无法参加世界杯的原因", "本泽马因伤无法参加世界杯。", True),
    ("古筝行动在哪一集？", "古筝行动是三体迷特别喜欢的一个章节。", False),
    # The holder of another title: 奥运冠军 and 意甲冠军 are not the asked 女单冠军 or 欧冠冠军.
    ("锦川公开赛女单冠军是谁？", "奥运冠军李雨桐再次兵败青禾公开赛女单决赛。", False),
    ("锦川公开赛女单冠军是谁？", "李雨桐2比0击败王晓岚，勇夺冠军。", True),
    ("锦川公开赛女单冠军是谁？", "李雨桐、王晓岚分获男女单打冠军。", True),  # 单打 is how 女单 is written out
    ("2021-2022赛季欧冠冠军", "意甲冠军AC米兰陷入死亡之组。", False),
    ("2021-2022赛季欧冠冠军", "皇马首发阵容中，本泽马与维尼修斯领衔。CBA总冠军辽宁队也发来祝贺。", False),
    ("2021-2022赛季欧冠冠军", "皇马1-0击败利物浦，第14次夺得欧冠冠军。", True),
    ("古筝行动在哪一集？", "古筝行动出现在电视剧第29集。", True),
    ("2021年东吴证券的净利润是多少？", "2021年上半年，东吴证券录得承销保荐收入1.31亿元。", False),  # another measure
    ("2023年国庆假期青禾市旅游收益是多少？", "2023年国庆假期，青禾市接待游客120万人次，同比增长8.2%。", False),
    ("2023年国庆假期青禾市旅游收益是多少？", "2023年国庆假期，青禾市旅游收益达9.6亿元。", True),
    ("2022年谁当选台北市市长", "该党台北市长选举得票数创下新低。", False),  # 党台北 is a place, no person
    # A genre word inside another work's title names that work: it describes nothing.
    ("《灯火长街》是什么类型的电影？", "国庆档有《灯火长街》《星河渡口》《惊天救援》等影片上映。", False),
    ("《灯火长街》是什么类型的电影？", "《灯火长街》是一部温情喜剧电影。", True),
    ("2022年谁当选台北市市长", "台北市长蒋万安宣誓就职。", True),
    ("2021年东吴证券的净利润是多少？", "2021年公司实现归母净利润22.9亿元。", True),
    ("上海2021年的GDP是多少", "上海2021年人均GDP为2.69万美元。", False),  # per head is another measure
    ("上海2021年的GDP是多少", "2021年上海GDP达到4.32万亿元。", True),
    ("2022年重庆的GDP增长率是多少", "重庆人口自然增长率为-2.11‰。", False),
    ("2022年重庆的GDP增长率是多少", "2022年重庆地区生产总值比上年增长2.6%。", True),
    ("神舟十六号发射时间？", "今天，神舟十六号发射任务组织全区合练。", False),  # 今天 is no date
    ("耶伦访华时间", "韩联社6日称，耶伦访华将聚焦金融议题。", False),  # the day it was reported
    ("耶伦访华时间", "美国财长耶伦将于7月6日至9日访华。", True),
    ("RCEP生效时间", "RCEP于2020年11月15日正式签署。", False),  # another event's date
    ("RCEP生效时间", "RCEP于2022年1月1日正式生效。", True),
    ("白水市从什么时间起暂停公交线路？", "从2020年1月28日10时起，全市所有公交线路暂停运营。", True),  # 什么 names no event
    ("葬礼在哪里举行？", "葬礼将于9月3日举行。", False),  # 于 a date: when, not where
    ("2022年JQ30峰会举办的地点是哪里？", "青禾市代表团出席了2022年JQ30峰会开幕式。", False),  # a place, not the venue
    ("2022年JQ30峰会举办的地点是哪里？", "2022年JQ30峰会于11月15日在锦川国际会议中心举办。", True),
    ("葬礼在哪里举行？", "葬礼在莫斯科圆柱大厅（Hall of Columns）举行。", True),
    ("《狂飙》是什么类型的电视剧", "《狂飙》基本可以确定是今年最成功的电视剧了。", False),  # no genre named
    ("《狂飙》是什么类型的电视剧", "《狂飙》是一部扫黑除恶题材的刑侦剧。", True),
    ("《漫长的季节》的类型是什么？", "X剧场愿意和创作团队一起进行类型创新。", False),
    # A rule's time fixed by an event answers "什么时候" as the rule states it.
    ("渔业船员证书需要年审的什么时候可以办理？", "需要更换、年审的，延期到疫情结束後办理。", True),
    ("渔业船员证书需要年审的什么时候可以办理？", "渔业船员证书需要年审的，到渔业部门办理。", False),
    # A count of items asks no measure's figure, whatever nouns qualify the items (税收 of 税收优惠政策).
    ("税务总局新出台了多少项税收优惠政策？", "税务总局从四个方面对12项政策逐一进行解读。", True),
    ("税务总局新出台了多少项税收优惠政策？", "税务总局出台税收优惠政策支持疫情防控。", False),
    # A measured quantity is answered in its unit: the day the ship came in is no tonnage.
    ("锦川港连夜抢卸多少吨防控物资？", "“东方强”轮共载有18个集装箱医用物资，已全部卸下。", False),
    ("锦川港连夜抢卸多少吨防控物资？", "两艘货轮共载有18个集装箱432吨医用物资原料。", True),
    ("延期办理的养老待遇从何时补发？", "从达到待遇领取条件的退休次月起补发。", True),
    # A length of time is asked, not the figure of the measure a word of the question names (纳税 → 税收).
    ("青禾市对纳税申报困难的企业可延长多久进行申报？", "对办理纳税申报困难的，依法办理延期申报，最长不超过3个月。", True),
    # People asked (航天员, 火炬手): an organisation's name is no answer, a person's is.
    ("青禾五号的航天员有谁", "青禾五号于6月5日在锦川卫星发射中心发射。", False),
    ("青禾五号的航天员有谁", "青禾五号航天员陈冬、刘洋进驻核心舱。", True),
    ("谁负责锦川园区的招商？", "锦川园区投资促进局负责招商引资工作。", True),  # not people: a body answers
    # A title's holder is named before it or just after it: a pronoun, or a name in a later phrase, is no holder.
    ("2022锦川网球巡回赛U14组男单冠军是谁", "经过激烈比赛，他最终夺得U14组男单冠军。", False),
    ("2022锦川网球巡回赛U14组男单冠军是谁", "锦川站U14组男单冠军 背着小背篓 让网友记住了他 新华社、人民网等赞誉", False),
    ("2022锦川网球巡回赛U14组男单冠军是谁", "佤族少年王发拿到U14组男单冠军。", True),
    ("2022锦川网球巡回赛U14组男单冠军是谁", "本届U14组男单冠军由云南选手王发获得。", True),
    ("青禾合唱团是谁创办的？", "创办中坝村青禾合唱团的“果果书记”刘超说，孩子们状态都不错。", True),
    ("青禾合唱团是谁创办的？", "创办青禾合唱团以来，孩子们参加了多场演出。", False),
])


def test_the_shape_of_the_asked_datum(question, sentence, states):
    assert states_kind(asked_kind(question), sentence, question) is states, asked_shape(question, asked_kind(question))


def test_a_genre_is_asked_of_works_only():
    assert asked_kind("人生路不熟是什么电影") == asked_kind("《漫长的季节》的类型是什么？") == "genre"
    assert asked_kind("锦川园区是什么类型的企业集聚区？") != "genre"  # 类型 of a park asks no film genre


@pytest.mark.parametrize(("question", "text", "other"), [
    ("2022年1月5日全国新增确诊病例数？", "1月5日0—24时，31个省新增确诊病例175例。", False),
    ("2022年1月5日全国新增确诊病例数？", "5月以来，全国疫情防控形势整体趋稳。", True),
    ("2022年1月5日全国新增确诊病例数？", "5日，全国新增确诊病例175例。", False),  # the month is the question's
    ("2022年1月5日全国新增确诊病例数？", "2022年1月6日全国新增确诊病例168例。", True),
    ("2021年1月1日起施行的办法对高新企业奖励多少？", "给予一次性奖励50万元。", False),  # the day names the policy
])
def test_a_datum_dated_to_another_day_is_another_fact(question, text, other):
    from assistant.query.kinds import other_day

    assert other_day(question, text) is other


@pytest.mark.parametrize(("question", "subject", "not_subject"), [
    ("首届中阿峰会的时间", "峰会", "时间"),
    ("Incase挂绳的售价是多少？", "挂绳", "售价"),
    ("2022年国庆节假期全国旅游收益是多少？", "旅游", "收益"),
    ("工信部还在哪些方面加强对中小企业的扶持？", "中小企业", "哪些方面"),  # the body is the scope check's
])
def test_the_subject_of_a_question_is_what_it_asks_about_not_what_it_asks(question, subject, not_subject):
    from assistant.answering.relevance import subject_words
    from assistant.query.terms import question_terms

    words = [t.text for t in subject_words(question, question_terms(question))]
    assert any(subject in w for w in words) and not any(not_subject in w for w in words), words


@pytest.mark.parametrize(("question", "kind"), [
    ("2022年英特尔全年营收", "number"),  # a bare noun phrase ending in a measure asks its figure
    ("2021年宝马全球销量？", "number"),
    ("2022年中国电影的总票房收入", "number"),  # ends in 收入, though the 票房 named before it is a measure too
    ("2022年1月5日全国新增确诊病例数？", "number"),  # ... or in a count noun
    ("2023年亚洲杯举办国？", "where"),
    ("2023年亚洲杯举办国？ ", "where"),  # as typed, with a space after it
    ("第一届博览会的主办城市是", "where"),
    ("企业捐赠用于疫情的物品如何计算税收？", None),  # asks how: the measure at its end is what is computed
    ("函数是什么", None),
    ("宿州市对故意传播病毒如何处罚？", None),  # 如何处罚 holds 何处 and asks no place
    ("任何时候都可以办理吗？", None),  # 任何时候 holds 何时 and asks no date
    ("吉林国资委明确了哪部分企业经营收入计入利润总额？", None),  # 哪部分 asks which part, not which work
    ("《流浪地球》是哪部电影的续集？", "which"),
])
def test_what_a_question_without_an_asking_word_asks(question, kind):
    assert asked_kind(question) == kind


@pytest.mark.parametrize(("question", "lead", "not_lead"), [
    ("2023年青禾市GDP是多少？", "3200亿元", "人均"),
    ("青禾博览会在哪里举行？", "锦川会展中心", "筹备"),
])
def test_the_answer_leads_with_the_sentence_stating_the_asked_datum(news_assistant, question, lead, not_lead):
    ans = news_assistant.ask(question)
    first = ans.text.split("[", 1)[0]
    assert ans.grounded and lead in first and not_lead not in first, ans.text


@pytest.mark.parametrize("question,sentence,other", [
    ("2022年英特尔全年营收", "英特尔第四季度营收为140亿美元。", True),  # a quarter for the year
    ("2022年英特尔全年营收", "英特尔2022年营收为631亿美元，第四季度营收140亿美元。", False),  # the year named too
    ("2023年第四季度营收是多少", "公司四季度营收为140亿美元。", False),  # 第四季度 = 四季度
    ("2023年第四季度营收是多少", "公司上半年营收为140亿美元。", True),
    ("2021年东吴证券的净利润是多少？", "公司5月10日公布，净利润22.9亿元。", False),  # 5月10日 is a day, not a part
    ("今年前三季度GDP", "上半年GDP增长5%。", True),
    ("白水市GDP是多少", "一季度GDP增长5%。", False),  # no year or part asked: left to the year checks
    # A span of days or a release season is a part of the year: 五一档's box office is not the year's.
    ("2022年中国电影的总票房收入", "2022年4月30日至5月4日，五一档电影票房收入2.93亿元。", True),
    ("2023年春节档电影票房", "2023年五一档票房15.2亿元。", True),
    ("2023年春节档电影票房", "2023年春节档电影票房达67.58亿元。", False),
])
def test_a_figure_for_another_part_of_the_year_is_another_fact(question, sentence, other):
    from assistant.query.kinds import other_period

    assert other_period(question, sentence) is other
