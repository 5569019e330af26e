"""Understand a loaded file: title, publication date, type, region, issuer, validity, contacts, version key."""

from __future__ import annotations

import datetime as dt
import re

from assistant.types import DocMeta, LoadedFile, Region
from ingest.contacts import find_contacts
from ingest.dates import find_dates, parse_date, publication_date
from ingest.doc_region import main_region
from ingest.doctype import classify
from ingest.national import national_signature
from ingest.validity import find_validity

_TITLE_END = re.compile(
    r"(?:办法|措施|意见|条例|通知|规定|细则|方案|决定|政策|公告|指引|指南|法)(?:[（(][^）)]{1,12}[)）])?$"
)
_BOILERPLATE = re.compile(
    r"上一版|下一版|上一篇|下一篇|扫码|扫一扫|首页|返回|搜索|分享|登录|版权|打印|关闭|字号[:：]|【字号|放大|缩小|当前位置|<!--"
)
_SOURCE_LINE = re.compile(r"^\s*(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}:\d{2}|.{0,20}来源[:：])")
_ORG_TAIL = r"(?:人民政府办公厅|人民政府办公室|人民政府|投资促进局|办公厅|办公室|管理委员会|委员会|管委会|局|厅|委|中心)"
_ISSUER_IN_TITLE = re.compile(rf"^(.{{2,60}}?{_ORG_TAIL})(?:关于|印发)")
_INTERPRETS = re.compile(r"由([^，,。；\n]{2,60}?)负责解释")
_LEGISLATURE = re.compile(r"([\u4e00-\u9fff]{0,12}?)第[一二三四五六七八九十百]+届(全国)?人民代表大会(常务委员会)?")
_SIGNATURE = re.compile(rf"^[\u4e00-\u9fff（）()、\s]{{4,50}}{_ORG_TAIL}$")
_NAME_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}-\d{2}-\d{2}(?!\d)")
_VERSION_MARKS = re.compile(
    r"[（(【\[][^）)】\]]*(?:试行|暂行稿|修订|修正|草案|征求意见稿|年版|\d{4})[^）)】\]]*[）)】\]]"  # （2024年版）（试行）
    r"|(?:19|20)\d{2}\s*[-—–~至到]\s*(?:19|20)?\d{2}年?(?:度)?"  # 2024-2026年
    r"|(?:19|20)\d{2}\s*年(?:度|版)?|(?:19|20)\d{2}"
    r"|修订版|修正版|[《》“”\"'\s·・]"
)


def understand(loaded: LoadedFile, doc_id: str = "") -> DocMeta:
    """Everything we can read about a document from its own text; unknown fields stay empty."""
    text = loaded.text
    title = find_title(loaded)
    source = loaded.path.replace("\\", "/").rsplit("/", 1)[-1]
    # Last resort: a date the file is named by ("…条例(2020-07-05).md"); the text always wins.
    published = publication_date(text, loaded.date_hint) or _date_in_name(source)
    doc_type = classify(title, text)
    pub = dt.date.fromisoformat(published) if published else None
    # News and brochures quote other documents' dates; validity is something a normative text says of itself.
    validity = find_validity(text, pub) if doc_type in ("policy", "regulation", "other") else None
    region = main_region(title, text)
    return DocMeta(
        title=title,
        published=published,
        doc_type=doc_type,
        region=region,
        issuer=find_issuer(title, text),
        validity=validity or DocMeta().validity,
        contacts=find_contacts(text, doc_id=doc_id, source=source, date=published),
        version_key=series_key(title, source, region),
    )


def _date_in_name(file_name: str) -> str:
    m = _NAME_DATE.search(file_name)
    named = parse_date(m[0]) if m else None
    return named.isoformat() if named else ""


def _clean_line(line: str) -> str:
    return line.strip().lstrip("#").strip().strip("*").strip()


def find_title(loaded: LoadedFile) -> str:
    """The loader's hint, else a 《…》 or 办法/措施/条例-ending line, a news headline, or the first real line."""
    if loaded.title_hint.strip():
        return _clean_line(loaded.title_hint)
    lines = [ln for ln in (_clean_line(x) for x in loaded.text.splitlines()[:40]) if ln][:15]
    candidates = [ln for ln in lines if not _BOILERPLATE.search(ln) and not _only_date(ln)]
    for ln in candidates:
        if ln.startswith("《") and ln.endswith("》"):
            return ln[1:-1]
        if len(ln) <= 60 and _TITLE_END.search(ln) and "。" not in ln:
            return ln
    for i, ln in enumerate(lines):
        if _SOURCE_LINE.match(ln):  # headline sits just above "2025-11-02 07:25:18 来源:…"
            above = [x for x in lines[:i] if len(x) >= 6 and x in candidates]
            if above:
                return above[-1][:80]
            break
    titled = [ln for ln in candidates if not ln.endswith(("——", "—", "："))]
    return (titled or candidates or lines or [""])[0][:80]


def _only_date(line: str) -> bool:
    rest = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?|星期.|周.", "", line)
    dates = find_dates(rest)
    return bool(dates) and len(rest.strip()) - sum(len(d.text) for d in dates) <= 6


def find_issuer(title: str, text: str) -> str:
    """Who issued it: the legislature in a law's header, the office before 关于 in the title, 负责解释, or 落款."""
    head = text[:600]
    if m := _LEGISLATURE.search(head):
        prefix = re.sub(r"^.*?(?:通过|日|\s)", "", m[1]) if re.search(r"通过|日|\s", m[1]) else m[1]
        return f"{prefix}{m[2] or ''}人民代表大会{m[3] or ''}"
    if "国务院令" in head:
        return "国务院"
    if m := _ISSUER_IN_TITLE.search(title):
        return m[1].strip()
    if m := _INTERPRETS.search(text):
        return m[1].strip()
    tail = [ln.strip() for ln in text.strip().splitlines()[-8:] if ln.strip()]
    for i, ln in enumerate(tail):
        if _SIGNATURE.match(ln) and any(_only_date(x) for x in tail[i + 1 : i + 3]):
            return ln
    return national_signature(text)  # "…另行公告。 财政部 税务总局 2020年2月6日" on one flattened line


def version_key(title: str) -> str:
    """The title without dates, years and （试行）/（修订）/（2024年版） marks: versions of a document share it."""
    key = _VERSION_MARKS.sub("", title)
    return key.replace("（", "(").replace("）", ")").strip()


def name_year(source: str) -> int:
    """The year a file is named by (…2024年度部门决算, …25年预算), 0 when none."""
    from assistant.query.scope import year_spans

    spans = year_spans(source.replace("\\", "/").rsplit("/", 1)[-1])
    return spans[0][0] if spans else 0


def series_key(title: str, source: str, region: Region) -> str:
    """What versions of one document share. A file named by its year (…24年预算, …2024年度报告) is one year of a
    series named by the rest of the file name and the document's place: yearly budgets and reports carry a
    generic PDF title ("上海市普陀区2025年区级部门预算" for every bureau), so the title alone would make different
    bodies' documents versions of each other. Other files keep the title's version key."""
    stem = source.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if not name_year(stem):
        return version_key(title)
    from assistant.query.scope import year_spans

    for _, _, written in year_spans(stem):  # "24年" too, which version_key leaves
        stem = stem.replace(written, "")
    name = version_key(stem)
    for wider in (region.province, region.city):  # 淮安市洪泽区… and 洪泽区… name the same body
        if wider and name.startswith(wider) and name != wider:
            name = name[len(wider):]
    return f"{region.label()}|{name}"
