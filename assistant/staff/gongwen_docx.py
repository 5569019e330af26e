"""A reply letter's text as a DOCX laid out per GB/T 9704-2012 《党政机关公文格式》.

A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (so bottom 35 mm, right 26 mm); 22 lines of 28 characters (4.2.3:
"一般每面排22行，每行排28个字"); body 3号 (16 pt) 仿宋_GB2312, title 2号 (22 pt) 方正小标宋简体, level-one
headings 3号黑体; 发文机关署名 and 成文日期 right-aligned under the body; page numbers "— 1 —" in 4号 宋体, odd
pages right and even pages left (7.5). The cited sources go to an 附件 on its own page, announced by an 附件说明
line (7.3.4, 7.3.7).

Fonts a bureau's PC may lack (仿宋_GB2312 and 方正小标宋简体 ship with government images, not with Windows) are
declared in the font table with an alternate name Word and WPS fall back to: 仿宋 and 宋体, both part of Windows."""

from __future__ import annotations

import math
import re
from pathlib import Path

_BODY, _TITLE, _HEADING, _PAGE_NO = "仿宋_GB2312", "方正小标宋简体", "黑体", "宋体"
_LATIN = "Times New Roman"
# Font → the Windows font to fall back to when it is missing (w:altName), and the GB2312 charset (0x86).
_FALLBACKS = {_BODY: "仿宋", _TITLE: "宋体", "楷体_GB2312": "楷体"}
_BODY_PT, _TITLE_PT, _PAGE_NO_PT = 16, 22, 14  # 3号, 2号, 4号
_LINES, _CHARS = 22, 28
_HEADING_LINE = re.compile(r"^[一二三四五六七八九十]+、")
_SOURCE_LINE = re.compile(r"^\s*(?:\[\d+\]|原文[：:])")
ATTACHMENT_TITLE = "引用文件及原文摘录"


def _layout(doc) -> None:
    """A4, GB/T 9704 margins, and a 22 × 28 document grid (Word and WPS lay text on it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28 - 7)  # 页码 sits 7 mm below the 版心 (7.5)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # linePitch in twips: 225 mm / 22 lines. charSpace: the pitch's difference from the 16 pt font, in 1/4096 pt.
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(line_pitch().pt * 20)))
    grid.set(qn("w:charSpace"), str(math.floor((Mm(156).pt / _CHARS - _BODY_PT) * 4096)))  # 28 fit, not 27


def line_pitch():
    from docx.shared import Mm, Pt

    return Pt(int(Mm(225).pt / _LINES * 10) / 10)  # 28.9 pt: exactly 22 lines fit, even without the grid


def _fonts(run, east_asian: str, size: float, bold: bool = False, latin: str = _LATIN) -> None:
    """Chinese glyphs take the eastAsia slot; digits and Latin letters the ASCII one (Times New Roman in the
    standard's samples, 宋体 for page numbers)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size, run.font.bold, run.font.name = Pt(size), bold, latin  # `run` may be a style too
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _paragraph(doc, text: str, font: str = _BODY, size: float = _BODY_PT, *, indent: float = 2, align: str = "",
               right_chars: float = 0, bold: bool = False):
    """One paragraph on the grid: exact line pitch, no spacing, first line indented `indent` characters."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line_pitch()
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(_BODY_PT * indent) if indent else None
    if right_chars:
        fmt.right_indent = Pt(_BODY_PT * right_chars)
    if align:
        para.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
    if text:
        _fonts(para.add_run(text), font, size, bold)
    return para


def _title(doc, text: str) -> None:
    """2号小标宋, centred; a long title breaks into lines on its own (回行 is left to the reader's editor)."""
    _paragraph(doc, text, _TITLE, _TITLE_PT, indent=0, align="CENTER")  # 22 pt fits the 28.9 pt pitch
    _paragraph(doc, "", indent=0)  # 标题下空一行编排主送机关 (7.3.2)


def _page_numbers(doc) -> None:
    """"— 1 —": 4号半角宋体阿拉伯数字, 一字线 either side; odd pages right (空一字), even pages left (7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, "RIGHT"), (section.even_page_footer, "LEFT")):
        para = footer.paragraphs[0]
        para.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
        fmt = para.paragraph_format
        fmt.right_indent, fmt.left_indent = (Pt(_PAGE_NO_PT), None) if align == "RIGHT" else (None, Pt(_PAGE_NO_PT))
        _fonts(para.add_run("— "), _PAGE_NO, _PAGE_NO_PT, latin=_PAGE_NO)
        run = para.add_run()
        _fonts(run, _PAGE_NO, _PAGE_NO_PT, latin=_PAGE_NO)
        for kind, text in (("begin", ""), ("instr", " PAGE "), ("end", "")):
            if kind == "instr":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        _fonts(para.add_run(" —"), _PAGE_NO, _PAGE_NO_PT, latin=_PAGE_NO)


def _declare_fallbacks(doc) -> None:
    """Font-table entries naming each 公文 font's Windows fallback (w:altName), GB2312 charset."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    entries = "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                      f'<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
                      for name, alt in _FALLBACKS.items())
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _split(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(body, sources, closing): sources are the 引用文件 block; closing is 此致/敬礼 and what follows."""
    body, sources, closing = [], [], []
    target = body
    for line in lines:
        bare = line.strip()
        if bare.startswith("引用文件"):
            target = sources
            continue
        if bare == "此致" or (target is sources and bare and not _SOURCE_LINE.match(line)):
            target = closing
        target.append(line)
    return body, [s for s in sources if s.strip()], closing


def write_gongwen(text: str, out: Path) -> Path:
    """The letter text (title "# …", 称谓, points, 引用文件, 此致/敬礼, 署名, 日期) as a GB/T 9704 DOCX."""
    from docx import Document as DocxDocument

    doc = DocxDocument()
    _fonts(doc.styles["Normal"], _BODY, _BODY_PT)  # what staff type into the draft in Word is 3号仿宋 too
    _layout(doc)
    _declare_fallbacks(doc)
    _page_numbers(doc)
    lines = text.replace("\r", "").split("\n")
    body, sources, closing = _split(lines)
    salutation_done = False
    for line in body:
        bare = line.strip()
        if not bare:
            continue  # 公文 paragraphs follow each other; the standard's blank lines are placed below
        if bare.startswith("# "):
            _title(doc, bare[2:].strip())
        elif not salutation_done and bare.endswith(("：", ":")):
            _paragraph(doc, bare, indent=0)  # 主送机关: 顶格
            salutation_done = True
        elif _HEADING_LINE.match(bare):
            _paragraph(doc, bare, _HEADING)  # 一级标题: 黑体
        else:
            _paragraph(doc, bare[2:] if bare.startswith("- ") else bare)
    if sources:
        _paragraph(doc, "", indent=0)  # 正文下空一行编排附件说明, 左空二字 (7.3.4)
        _paragraph(doc, f"附件：{ATTACHMENT_TITLE}")
    _closing(doc, [c.strip() for c in closing if c.strip()])
    if sources:
        _attachment(doc, sources)
    out = Path(out)
    doc.save(str(out))
    return out


def _closing(doc, closing: list[str]) -> None:
    """此致 (空二字) / 敬礼！(顶格), then 发文机关署名 右空二字 and 成文日期 右空四字, one blank line above (7.3.5.2)."""
    tail = [c for c in closing if c not in ("此致", "敬礼！", "敬礼!")]
    if "此致" in closing:
        _paragraph(doc, "此致")
        _paragraph(doc, "敬礼！", indent=0)
    if tail:
        _paragraph(doc, "", indent=0)
    for i, line in enumerate(tail):
        is_date = i == len(tail) - 1 and len(tail) > 1
        _paragraph(doc, line, indent=0, align="RIGHT", right_chars=4 if is_date else 2)


def _attachment(doc, sources: list[str]) -> None:
    """附件 on its own page: "附件" 3号黑体 顶格 on the first line, the title centred on the third (7.3.7)."""
    _paragraph(doc, "附件", _HEADING, indent=0).paragraph_format.page_break_before = True
    _paragraph(doc, "", indent=0)
    _paragraph(doc, ATTACHMENT_TITLE, _TITLE, _TITLE_PT, indent=0, align="CENTER")
    _paragraph(doc, "", indent=0)
    for line in sources:
        _paragraph(doc, line.strip())
