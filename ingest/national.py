"""Which documents are national: issued by national bodies, or addressed to every province. Such a document
applies nationwide, whatever places its text names (the province a notice exempts, the 兵团 among its addressees).
One reader for ingest's region and the answer gate's scope check."""

from __future__ import annotations

import re
from functools import lru_cache

# A national administration not in the list by name (国家…局/委/署/办).
_NATIONAL_ADMINISTRATION = re.compile(r"国家[\u4e00-\u9fff]{1,12}?(?:总局|局|委员会|委|署|办)")
# A notice addressed to every province ("各省、自治区、直辖市人民政府，新疆生产建设兵团：") is a national body's.
TO_EVERY_PROVINCE = re.compile(r"各省、?自治区、?直辖市")
# The whole addressee line, up to its colon ("各省、自治区、直辖市人民政府，新疆生产建设兵团："): whom it is sent to.
ADDRESSEES = re.compile(TO_EVERY_PROVINCE.pattern + r"[^：:。]{0,80}[：:]")
_OPENING = 300  # characters of the text where a notice's addressees stand


@lru_cache(maxsize=1)
def _national_bodies() -> tuple[str, ...]:
    from assistant.query.wordlists import lines

    return tuple(sorted(lines("national_bodies"), key=len, reverse=True))


def national_title(title: str) -> bool:
    """A title whose issuers are national bodies (人力资源社会保障部 财政部 税务总局关于…, 国务院办公厅关于…, 中华人民共和国
    外商投资法): the document applies nationwide, whatever places its text names. Not when a place follows the body
    before the subject (国家税务总局深圳市税务局关于… is 深圳's office)."""
    from ingest.regions import find_places

    head = title.strip("《》 \u3000").split("关于", 1)[0]
    if not (head.startswith(_national_bodies()) or _NATIONAL_ADMINISTRATION.match(head)):
        return False
    return not find_places(head)


def addressed_to_every_province(title: str, text: str) -> bool:
    """The title or the text's opening addresses 各省、自治区、直辖市 (where a notice names its addressees)."""
    return bool(TO_EVERY_PROVINCE.search(f"{title}\n{text[:_OPENING]}"))


_SIGNATURE_TAIL = 200  # characters at the end of a text where its 落款 stands (before a page's footer links)
_SEPARATOR = r"[\s\u3000、]*(?:&ensp;|&nbsp;)?[\s\u3000]*"


@lru_cache(maxsize=1)
def _signature() -> re.Pattern[str]:
    bodies = "|".join(map(re.escape, _national_bodies()))
    # The date ends the 落款 ("…财政部 2020年2月6日发布的通知" cites a document instead).
    return re.compile(rf"((?:(?:{bodies}){_SEPARATOR})+)(?:19|20)\d\d年\d{{1,2}}月\d{{1,2}}日(?=$|[\s\u3000（(【]|链接|网站|来源|附件)")


def national_signature(text: str) -> str:
    """The national bodies that sign a text's end with a date ("财政部 税务总局 2020年2月6日"), or "": a notice
    whose title names no issuer is theirs, and applies nationwide."""
    m = _signature().search(text[-_SIGNATURE_TAIL:])
    if not m:
        return ""
    return " ".join(re.sub(r"&\w+;|、", " ", m.group(1)).split())
