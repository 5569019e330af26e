"""Generators of real fixture files (PDF, image-only PDF, GBK HTML, DOCX, JSONL, web-copy TXT, broken files).

Every function writes into the path it is given and returns that path, so tests own their tmp dirs.
Fonts: a system CJK TTF (wqy-zenhei) when present, else reportlab's built-in CID font STSong-Light,
which always works (pdfium renders it with its own fallback, so even image PDFs need no system font).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

WQY_ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

POLICY_PARAGRAPHS = (
    "第一条 为加快先进制造业发展，吸引优质项目落户本区，制定本办法。",
    "第二条 对新引进的先进制造业项目，固定资产投资达到1亿元的，按实际投资额的5%给予奖励，最高500万元。",
    "第三条 企业可向区投资促进局申请，联系电话0577-88030503，地址广场路188号。",
)


def _register_font(prefer_ttf: bool = True) -> str:
    from reportlab.pdfbase import pdfmetrics

    if prefer_ttf and WQY_ZENHEI.exists():
        from reportlab.pdfbase.ttfonts import TTFont

        if "WQY" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("WQY", str(WQY_ZENHEI), subfontIndex=0))
        return "WQY"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def make_text_pdf(path: Path, pages: Sequence[str], title: str = "", font_size: int = 12,
                  prefer_ttf: bool = True) -> Path:
    """A PDF with a real text layer; each string is one page, "\\n" separates paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _register_font(prefer_ttf)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    per_line = int((A4[0] - 120) / font_size)
    for page_text in pages:
        pdf.setFont(font, font_size)
        y = A4[1] - 72
        for paragraph in page_text.split("\n"):
            for line in _wrap(paragraph, per_line):
                pdf.drawString(60, y, line)
                y -= font_size * 1.6
        pdf.showPage()
    pdf.save()
    return Path(path)


def make_image_pdf(path: Path, pages: Sequence[Sequence[str]], scale: float = 2.0) -> Path:
    """An image-only PDF (no text layer, like a scan): each page's lines drawn large, rasterised, re-wrapped."""
    import pypdfium2 as pdfium

    source = Path(path).with_suffix(".source.pdf")
    make_text_pdf(source, ["\n".join(lines) for lines in pages], font_size=20)
    document = pdfium.PdfDocument(str(source))
    images = [_crop_to_text(document[i].render(scale=scale).to_pil().convert("RGB")) for i in range(len(document))]
    document.close()
    source.unlink()
    images[0].save(str(path), "PDF", resolution=72 * scale, save_all=True, append_images=images[1:])
    return Path(path)


def _crop_to_text(image):
    """Cut the white page down to the text plus a margin: OCR time grows with pixels, tests stay fast."""
    from PIL import ImageOps

    box = ImageOps.invert(image.convert("L")).getbbox()
    if not box:
        return image
    margin = 40
    return image.crop((max(box[0] - margin, 0), max(box[1] - margin, 0),
                       min(box[2] + margin, image.width), min(box[3] + margin, image.height)))


def make_radical_pdf(path: Path, text: str = "第⼀章 员⼯⻝堂 项⽬⻓期 全⻆（试行）：⼗项") -> Path:
    """A PDF whose text layer holds Kangxi/supplement radicals, as Chromium-printed PDFs do."""
    return make_text_pdf(path, [text + "\n" + POLICY_PARAGRAPHS[1]])


def make_no_tounicode_pdf(path: Path, lines: Sequence[str]) -> Path:
    """A PDF whose embedded CJK font lost its ToUnicode map: text extraction yields control characters."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    make_text_pdf(path, ["\n".join(lines)], font_size=20, prefer_ttf=True)
    reader = PdfReader(str(path))
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            font.get_object().pop(NameObject("/ToUnicode"), None)
    with open(path, "wb") as handle:
        writer.write(handle)
    return Path(path)


def make_encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A PDF that needs a user password to open."""
    from pypdf import PdfReader, PdfWriter

    plain = Path(path).with_suffix(".plain.pdf")
    make_text_pdf(plain, [POLICY_PARAGRAPHS[0]])
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with open(path, "wb") as handle:
        writer.write(handle)
    plain.unlink()
    return Path(path)


def make_truncated_pdf(path: Path) -> Path:
    """A PDF cut off half-way, like an interrupted download."""
    make_text_pdf(path, list(POLICY_PARAGRAPHS))
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    return Path(path)


def make_docx(path: Path, title: str, paragraphs: Sequence[str],
              table: Sequence[Sequence[str]] = ()) -> Path:
    """A DOCX: a Title paragraph, body paragraphs, then a table (rows of cells) between the last two."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for i, text in enumerate(paragraphs):
        if table and i == len(paragraphs) - 1:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, cell in enumerate(row):
                    grid.cell(r, c).text = cell
        document.add_paragraph(text)
    document.save(str(path))
    return Path(path)


def make_corrupt_docx(path: Path) -> Path:
    """A .docx that is a zip header followed by garbage (a truncated upload)."""
    Path(path).write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return Path(path)


def make_html(path: Path, title: str, paragraphs: Sequence[str], *, encoding: str = "gbk",
              declare: str | None = None, date: str = "2024-03-15", site: str = "某某区人民政府网",
              url: str = "") -> Path:
    """A news/government page with menus, breadcrumbs, share widget, related list and footer.

    declare=None writes no charset at all (the loader must detect the encoding).
    """
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declare}">' if declare else ""
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    menu = "".join(f'<li><a href="/c{i}">{name}</a></li>' for i, name in
                   enumerate(["首页", "政务公开", "投资促进", "政策文件", "办事服务", "互动交流"]))
    related = "".join(f'<li><a href="/n{i}">区领导调研第{i}季度重点项目推进情况</a><span>2024-0{i}-1{i}</span></li>'
                      for i in range(1, 6))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = f"""<!DOCTYPE html><html><head>{meta}{canonical}<title>{title}_{site}</title>
<style>.x{{color:red}}</style><script>var a = "不是正文的脚本文字";</script></head><body>
<div class="header"><a href="/">{site}</a></div><ul class="nav">{menu}</ul>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/tz">投资促进</a></div>
<div class="article"><h1>{title}</h1>
<div class="info">发布时间：{date} 来源：区投资促进局 【字体：大 中 小】</div>
<div class="content">{body}</div>
<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div></div>
<div class="related"><h3>相关新闻</h3><ul>{related}</ul></div>
<div class="footer">版权所有：{site} 网站标识码1234567890 ICP备12345678号<br>地址：某某路1号 联系我们</div>
</body></html>"""
    Path(path).write_bytes(page.encode(encoding))
    return Path(path)


# A web-page copy as saved text: (content paragraphs, junk lines), our own words in the junk patterns
# of real copies: share prompts, menus, 版面 lists, dated headline lists, disclaimers, editor lines.
SEED_LIKE_CONTENT = (
    "某某区出台先进制造业招商新政 最高奖励500万元",
    "2024-03-15 09:30:00 来源：某某日报",
    "3月14日，某某区召开新闻发布会，发布《关于促进先进制造业高质量发展的若干措施》，从项目落地、人才引进、金融支持等方面提出二十条举措。",
    "项目落地",
    "对新引进的先进制造业项目，固定资产投资达到1亿元的，按实际投资额的5%给予奖励，单个项目最高500万元。",
    "200亿基金入场",
    "区里设立总规模50亿元的产业母基金，撬动形成超200亿元的基金群，重点投向集成电路、生物医药等产业……",
    "人才支持",
    "对企业引进的高层次人才，给予最高100万元安家补贴，并在子女入学、医疗保障等方面提供便利。(王小明)",
)
SEED_LIKE_JUNK = (
    "请用微信扫一扫分享",
    "0",
    "T3版:经济·产业 上一版2  4下一版",
    "返回某某网",
    "3 上一篇  下一篇 4 放大4 缩小6 默认2",
    "原文链接:https://news.example.gov.cn/2024/03/15/content_1.html",
    "[免责声明] 本文来源于网络转载,仅供学习交流使用,如涉及版权问题请与本网联系。",
    "【编辑:张三】",
    "相关内容",
    "- 区长调研春季农业生产工作...24-03-12",
    "- 某某街道开展消防安全检查...24-03-11",
    "- 第十届读书节开幕式在区图书...24-03-10",
    "- 区政协召开常委会议部署全年...24-03-09",
    "01版:要 闻",
    "02版:经济·产业",
    "03版:民生·社会",
)


def make_seed_like_page(path: Path, encoding: str = "utf-8") -> Path:
    """A TXT copy of a news page: junk lines before, inside and after the article's content."""
    j = SEED_LIKE_JUNK
    lines = [j[0], j[1], *SEED_LIKE_CONTENT[:2], j[2], j[3], j[4], *SEED_LIKE_CONTENT[2:], j[5], j[6], j[7],
             j[4], j[8], *j[9:13], *j[13:]]
    Path(path).write_bytes("\n".join(lines).encode(encoding))
    return Path(path)


def make_jsonl(path: Path, records: Sequence[dict], bad_lines: Sequence[str] = ()) -> Path:
    """One JSON object per line, then the given bad lines (broken JSON, missing text) appended."""
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(bad_lines)
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)


def make_binary_txt(path: Path) -> Path:
    """Binary garbage with a .txt name (a renamed image)."""
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    return Path(path)
