"""Line-level junk rules for web text (share prompts, menus, 版面 lists, headline lists, disclaimers, footers).

Shared by the TXT/MD and HTML loaders. Rules are generic patterns plus line statistics: a line is junk by
what it looks like (a menu, a dated headline) or by where it sits (inside a run of junk, after "相关新闻").
Short headings between content paragraphs ("金牛区", "200亿基金入场") are content and are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = re.compile(r"https?://[^\s<>\"'，。）)】]+")
_SOURCE_LINK = re.compile(r"^\s*[【\[]?\s*(原文链接|原文地址|原文网址|本文链接|来源链接|原始链接)\s*[】\]]?\s*[:：]?\s*")
# Whole lines that are never content.
_JUNK_LINE = re.compile(
    r"^\s*(?:"
    r".{0,30}(?:扫一扫|扫码|扫描二维码|二维码).{0,30}"  # share prompts
    r"|.{0,12}(?:分享到|分享至|一键分享|分享本文|分享给)\s*[:：]?.{0,20}|.{0,12}分享\s*[:：]?"
    r"|[\[【(（]?\s*(?:免责声明|版权声明|声明)\s*[\]】)）:：].*"  # disclaimers
    r"|.{0,10}(?:版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码).*"  # footers
    r"|[【\[(（]\s*(?:责任编辑|编辑|责编|审核|校对|编审)\s*[:：].{0,40}[】\])）]"  # 【编辑:…】
    r"|(?:责任编辑|编辑|责编|审核|校对|监制|值班编辑)\s*[:：]\s*\S{1,20}(?:\s+\S{1,20}){0,3}"
    r"|[A-Z]?\d{1,3}\s*版\s*[:：].{0,40}"  # 版面 list "01版:要 闻", "T2版:…"
    r"|(?:返回|回到).{0,10}(?:首页|顶部|列表|网)"
    r"|.{0,10}(?:首页|主页)"
    r"|(?:搜索|检索|热词|关键词|标签|TAG|Tags?)\s*[:：]?.{0,20}"
    r"|(?:[【\[]?(?:打印本页|关闭窗口|打印|关闭|收藏|纠错|加入收藏)[】\]]?\s*)+"
    r"|[【\[]?(?:字号|字体)\s*[:：]?\s*(?:[大中小]\s*){1,3}[】\]]?"
    r"|(?:相关(?:内容|新闻|阅读|文章|链接|报道|推荐|稿件)|热门(?:资讯|新闻|文章|推荐|阅读|排行)|推荐阅读|延伸阅读"
    r"|猜你喜欢|热点推荐|精彩推荐|热点新闻|最新(?:新闻|文章|资讯)|图片新闻|更多(?:新闻|内容|>+|»)?)\s*[:：>»]*"
    r")\s*$",
    re.I,
)
# Navigation tokens: a line made only of these (plus digits, spaces, punctuation) is a menu.
_NAV_TOKENS = re.compile(
    r"上一篇|下一篇|上一版|下一版|上一页|下一页|放大|缩小|默认|返回|首页|顶部|打印|关闭|分享|收藏|评论|调整字体|字号"
    r"|超大|标准|[大中小]|微博|微信|朋友圈|QQ空间|Qzone|图集|手机版|无障碍|简体|繁体|登录|注册"
)
# A heading that starts a list of unrelated items: everything list-like after it goes too.
_RELATED_HEAD = re.compile(
    r"^\s*(?:相关(?:内容|新闻|阅读|文章|链接|报道|推荐|稿件)|热门(?:资讯|新闻|文章|推荐|阅读|排行)|推荐阅读|延伸阅读"
    r"|猜你喜欢|热点推荐|精彩推荐|热点新闻|最新(?:新闻|文章|资讯)|图片新闻)\s*[:：>»]*\s*$"
)
# Headline-list items: end with a short date ("...24-11-28", "2024-11-28", "(11-28)") or a truncation.
_LIST_ITEM_END = re.compile(r"(?:\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}|[\[(（]\d{1,2}[-/.]\d{1,2}[\])）])\s*$")
_TRUNCATED = re.compile(r"(?:\.{3}|…)")
_SENTENCE_END = re.compile(r"[。！？!?；;…](?:[”」』）)])?\s*$")
_DATE_LINE = re.compile(r"^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_HAS_WORD = re.compile(r"[\u3400-\u9fffA-Za-z]")
_LIST_RUN = 3  # this many list-like lines in a row are a list of other articles, not content


@dataclass(frozen=True)
class CleanedText:
    text: str  # kept lines joined by "\n"
    source_url: str = ""  # from an "原文链接: URL" line
    removed: int = 0  # lines dropped


def is_junk_line(line: str) -> bool:
    """A line that is never content on its own: share prompt, menu, 版面 entry, disclaimer, counter, bullet."""
    stripped = line.strip()
    if not stripped:
        return False
    if _URL.fullmatch(stripped):
        return True  # a bare link line is a share/print widget; "原文链接: URL" is read before cleaning
    if not _HAS_WORD.search(stripped):
        return not _DATE_LINE.match(stripped)  # keep a bare dateline; drop counters like "0", "•", "|"
    if len(stripped) <= 60 and _JUNK_LINE.match(stripped):
        return True
    if _SOURCE_LINK.match(stripped) or stripped.startswith(("[免责声明]", "【免责声明】", "免责声明")):
        return True
    rest = _NAV_TOKENS.sub("", stripped)
    return rest != stripped and not re.search(r"[\u3400-\u9fff]{2}", rest)


def _is_list_item(line: str) -> bool:
    s = line.strip().lstrip("-·•*●◆■□▪> ")
    if len(s) > 160 or not s:
        return False
    if _LIST_ITEM_END.search(s) and len(s) <= 60:
        return True
    # "标题... 摘要..." teasers: a truncation right after a short title, or the line ends cut off.
    return bool(_TRUNCATED.search(s[:40]) and not _SENTENCE_END.search(s[:40])) or s.endswith(("...", ".."))


def find_source_url(text: str) -> str:
    """The URL of an "原文链接: URL" line, else ''."""
    for line in text.splitlines():
        if _SOURCE_LINK.match(line):
            found = _URL.search(line)
            if found:
                return found.group(0)
    return ""


def _mark_lists(lines: list[str], junk: list[bool]) -> None:
    """Mark runs of headline-list items, and list items after a "相关新闻"-style heading."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and (_is_list_item(lines[j]) or (j > i and not lines[j].strip())):
            j += 1
        if sum(_is_list_item(x) for x in lines[i:j]) >= _LIST_RUN:
            junk[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    for i, line in enumerate(lines):
        if _RELATED_HEAD.match(line):
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or _is_list_item(lines[j]) or _is_short(lines[j])):
                junk[j] = True
                j += 1


def _is_short(line: str) -> bool:
    s = line.strip()
    return len(s) <= 40 and not _SENTENCE_END.search(s)


def _mark_sandwiched_and_tail(lines: list[str], junk: list[bool]) -> None:
    """Short lines wedged between junk, or trailing after the last junk with no sentence, are junk too."""
    for i in range(1, len(lines) - 1):
        if not junk[i] and _is_short(lines[i]) and junk[i - 1] and junk[i + 1]:
            junk[i] = True
    content = [i for i, line in enumerate(lines) if line.strip() and not junk[i]]
    last_long = max((i for i in content if not _is_short(lines[i])), default=-1)
    tail = [i for i in content if i > last_long]
    # The trailing short lines go only if junk separates them from the article (a 版面 list, a footer):
    # an article that simply ends on a short line keeps it.
    if tail and last_long >= 0 and any(junk[last_long + 1 : tail[0]]):
        for i in tail:
            junk[i] = True


def clean_text(text: str) -> CleanedText:
    """Drop junk lines, keep every content line (stripped), and pick up the 原文链接 URL."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line.strip().lstrip("•●◆▪■□·").strip() for line in raw]  # bullets are layout, not text
    junk = [is_junk_line(line) for line in lines]
    _mark_lists(lines, junk)
    _mark_sandwiched_and_tail(lines, junk)
    kept = [line for line, bad in zip(lines, junk, strict=True) if line and not bad]
    removed = sum(1 for line, bad in zip(lines, junk, strict=True) if line and bad)
    return CleanedText("\n".join(kept), find_source_url(text), removed)
