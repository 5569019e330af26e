"""Find contact routes a document states (organisation, phone, address, email) — only what is really written."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.types import Contact
from ingest.regions import find_place_spans

_ORG_SUFFIX = (
    r"(?:投资促进服务中心|投资促进中心|投资促进局|投资促进委员会|投促局|投促中心|管理委员会|管委会|招商局|招商服务中心"
    r"|招商中心|政务服务中心|企业服务中心|服务中心|办公室|办公厅|商务局|商务厅|发展和改革委员会|发展改革委|发改局"
    r"|经济和信息化局|经信局|科技局|人民政府|委员会|发改委|卫健委|经信委|指挥部|有限公司|公司|(?<![布格大结当全开])局"
    # 网信办, 金融办, 防控办: 办 short for 办公室 after the offices' usual short names only; 办 is far more often a
    # verb (举办, 现场急办, 办理) or a document code's (商办资函), which named nobody when it was read as an office
    r"|(?:网信|金融|招商|应急|防控|外事|侨务|侨|台|外|政研|编|扶贫|国资|信访|人防|文明|综治|防汛|口岸|开发|合作|投资|督查"
    r"|改革|政务|数据|营商|园区)办(?![理法事公学])"
    r")"
)
_ORG_END = re.compile(_ORG_SUFFIX)
_NAME_RUN = re.compile(r"[\u4e00-\u9fff（）()]+")  # a name never spans punctuation, digits or spaces
# Phrases that end the words before a name: "请与成都市投促局联系" → 成都市投促局. Only phrases that no
# organisation name contains (a single 经 or 和 would cut 锦川经济开发区 or 发展和改革委员会 mid-word; 由 only
# outside 自由贸易区).
_ORG_LEAD = re.compile(r".*(?:请与|请向|请到|联系|咨询|致电|详询|垂询|拨打|前往|负责|承担|的|是|向|在|至|(?<![自经])由)")
_JOINS = "和与及或"  # 市商务局和市投促局 are two organisations
_MAX_ORG = 32
_UNIT_AFTER = re.compile(r"\s*(?:万|元|亿|%|％|年|月|日|号|平方|亩|人|个|家|次|千|百|kg|吨|台|套|米)")
_PHONE = re.compile(
    r"(?<![\d.\-/A-Za-z])(?:"
    r"[(（]0\d{2,3}[)）][ \t]?\d{7,8}"  # (028)12345678
    r"|0\d{2,3}[-－—][ \t]?\d{7,8}"  # 0577-88030503
    r"|[48]00[-－ ]?\d{3}[-－ ]?\d{4}"  # 400-123-4567
    r"|1[3-9]\d{9}"  # mobile
    r")(?:(?:转|-|－)\d{1,5})?(?![\d.])"
)
_LOCAL_PHONE = re.compile(r"(?:电话|热线|咨询电话|联系电话|Tel|TEL|tel)\s*[:：]?\s*(\d{7,8})(?![\d.])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ADDRESS = re.compile(
    r"(?:办公地址|联系地址|通讯地址|地址|地点)\s*[:：]\s*(?P<a>[^\n，,。；;：:]{4,60}?)"
    r"(?=\s*(?:电话|联系|邮编|邮箱|传真|网址|$)|[\n，,。；;]|$)"
    r"|位于(?P<b>[^\n，,。；;]{2,40}(?:路|街|大道|号|楼|层|室|大厦))",
    re.M,
)
_ADDRESSEE = re.compile(rf"[（(][^（）()]*{_ORG_SUFFIX}[^（）()]*[）)]$")
_PRONOUN_ORG = re.compile(r"^(?:我|本|该|贵)")  # 我局 owns the phone after it, but names nobody to a reader
_FAX_BEFORE = re.compile(r"传真\s*[:：]?\s*$")
_PASSAGE_BREAK = re.compile(r"[。！？]|\n\s*\n")  # a route after a full stop belongs to the next topic
_REACH = 120  # characters a phone/address may sit after the organisation it belongs to


@dataclass(frozen=True)
class _Found:
    kind: str  # org | phone | address | email
    start: int
    end: int
    value: str


def find_organisations(text: str) -> list[tuple[int, int, str]]:
    """Whole organisation names (锦川经济开发区管理委员会投资促进局, …人民政府) with offsets; none inside an address."""
    addresses = [(f.start, f.end) for f in _routes(text) if f.kind == "address"]
    out = []
    for run in _NAME_RUN.finditer(text):
        for start, end in _names_in_run(run[0]):
            org = _trim_name(run[0][start:end])
            if not org:
                continue
            s, e = run.start() + end - len(org), run.start() + end
            if not any(a <= s < b or a < e <= b for a, b in addresses):  # 地址：…开发区政务服务中心3楼
                out.append((s, e, org))
    return out


def _names_in_run(run: str) -> list[tuple[int, int]]:
    """A name runs from the run's start to its last suffix (管理委员会投资促进局), split at 和/与 between names."""
    spans, start, end = [], 0, 0
    for m in _ORG_END.finditer(run):
        if end and run[end] in _JOINS:
            spans.append((start, end))
            start = end + 1
        end = m.end()
    return spans + [(start, end)] if end else spans


def _trim_name(name: str) -> str:
    """Drop lead-in words before a name; '' when what is left is no well-formed name."""
    name = name.lstrip("（(")
    if stop := _ORG_LEAD.match(name[: -_suffix_len(name)] or ""):
        name = name[stop.end() :]
    places = find_place_spans(name)
    first = places[0][0] if places else 0
    exempt = name.startswith(("中共", "中国", "国家"))
    if first and not exempt:
        name = name[first:]  # 本措施由成都市投资促进局 / 活动现场重庆市… / 12号深圳市税务局 → the name starts at its place
    if len(name) > _MAX_ORG or len(name) <= _suffix_len(name) and _suffix_len(name) < 3:
        return ""  # a sentence, not a name; or a bare 局/公司
    if name.count("（") + name.count("(") != name.count("）") + name.count(")"):
        return ""  # 领导小组（指挥部 cut inside its brackets: no name a reader could use
    return name


def _suffix_len(name: str) -> int:
    m = re.search(rf"{_ORG_SUFFIX}$", name)
    return len(m[0]) if m else 0


def normalise_phone(raw: str) -> str:
    """Same digits as written, uniform punctuation: （028）12345678 → 028-12345678, 400 123 4567 → 400-123-4567."""
    s = unicodedata.normalize("NFKC", raw).replace("—", "-").strip()
    s = re.sub(r"^\((0\d{2,3})\)\s*", r"\1-", s)
    s = re.sub(r"^([48]00)[- ]?(\d{3})[- ]?(\d{4})", r"\1-\2-\3", s)
    return re.sub(r"(?<=\d)-\s+(?=\d)", "-", s)


def _routes(text: str) -> list[_Found]:
    found = []
    for m in _PHONE.finditer(text):
        if _UNIT_AFTER.match(text, m.end()) or _FAX_BEFORE.search(text[max(0, m.start() - 6) : m.start()]):
            continue  # 13500000000元 is money; a fax number is not a phone to call
        found.append(_Found("phone", m.start(), m.end(), normalise_phone(m[0])))
    for m in _LOCAL_PHONE.finditer(text):
        if not _UNIT_AFTER.match(text, m.end()) and not any(f.start <= m.start(1) < f.end for f in found):
            found.append(_Found("phone", m.start(1), m.end(1), m[1]))
    for m in _EMAIL.finditer(text):
        found.append(_Found("email", m.start(), m.end(), m[0]))
    for m in _ADDRESS.finditer(text):
        group = "a" if m["a"] else "b"
        value = m[group].rstrip()
        if named := _ADDRESSEE.search(value):
            value = value[: named.start()]  # …318室（北京市商务局对外经济合作处）: the office is not the address
        found.append(_Found("address", m.start(group), m.start(group) + len(value), value.strip()))
    return sorted(found, key=lambda f: f.start)


def find_contacts(text: str, doc_id: str = "", source: str = "", date: str = "") -> tuple[Contact, ...]:
    """One Contact per organisation-with-routes (or route without a named organisation), in order of appearance."""
    orgs = [_Found("org", s, e, n) for s, e, n in find_organisations(text)]
    groups: list[tuple[_Found | None, list[_Found]]] = []
    for route in _routes(text):
        org = _owner(route, orgs, text)
        last = groups[-1] if groups else None
        if last and last[0] == org and all(r.kind != route.kind for r in last[1]) and route.start - last[1][-1].end < _REACH:
            last[1].append(route)
        else:
            groups.append((org, [route]))
    contacts = []
    for org, routes in groups:
        fields = {r.kind: r.value for r in reversed(routes)}
        start = min([r.start for r in routes] + ([org.start] if org else []))
        end = max([r.end for r in routes] + ([org.end] if org else []))
        named = org.value if org and not _PRONOUN_ORG.match(org.value) else ""
        contacts.append(Contact(
            organisation=named, phone=fields.get("phone", ""), address=fields.get("address", ""),
            email=fields.get("email", ""), doc_id=doc_id, source=source, date=date, snippet=text[start:end],
        ))
    return tuple(dict.fromkeys(contacts))  # the same contact repeated verbatim counts once


def _owner(route: _Found, orgs: list[_Found], text: str) -> _Found | None:
    """The organisation named in brackets right after a route, else the one named just before it (same passage)."""
    # 0577-88030503（鹿城区投资促进服务中心）
    after = [o for o in orgs if 0 < o.start - route.end <= 2 and text[route.end : o.start].strip() in ("（", "(")]
    if after:
        return after[0]
    before = [o for o in orgs if o.end <= route.start and route.start - o.end <= _REACH]
    if before and not _PASSAGE_BREAK.search(text[before[-1].end : route.start]):
        return before[-1]
    return None
