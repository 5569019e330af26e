"""Turn file bytes into text: BOM, UTF-8, declared or undeclared GB2312/GBK (read as GB18030), fallback guess."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# GB2312 and GBK are subsets of GB18030: pages that declare the old names routinely use characters
# only the superset has (e.g. 镕, 喆), so decoding them strictly as declared would fail.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "hz-gb-2312": "gb18030"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # the codec that produced text
    how: str  # bom | utf-8 | declared | gb18030 | guessed | lossy


def normalise_codec(name: str) -> str:
    """Map a declared charset to the codec we decode with ('' when Python does not know it)."""
    name = name.strip().lower()
    name = _SUPERSET.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def declared_charset(data: bytes) -> str:
    """The charset an HTML/XML head declares (meta charset, http-equiv or XML declaration), or ''."""
    head = data[:4096]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return normalise_codec(found.group(1).decode("ascii", "ignore")) if found else ""


_MAGIC = ((b"%PDF", "a PDF"), (b"PK\x03\x04", "a zip package (DOCX, XLSX…)"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"\x7fELF", "a program"),
          (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls)"), (b"\x1f\x8b", "a gzip archive"),
          (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"RIFF", "audio or video"))
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


def binary_kind(data: bytes) -> str:
    """What binary thing the bytes are ('a PNG image'…), 'NUL bytes' for NULs outside UTF-16, or '' for text."""
    sample = data[:8192]
    if any(sample.startswith(b) for b, _ in _BOMS[1:]):
        return ""
    for magic, kind in _MAGIC:
        if sample.startswith(magic):
            return kind
    return "NUL bytes" if b"\x00" in sample else ""


def control_ratio(text: str) -> float:
    """Share of control/replacement characters: high means the bytes were not text in this codec."""
    return len(_CONTROL.findall(text)) / max(len(text), 1)


def _common_han_share(han: list[str]) -> float:
    """Share of Han characters in GB2312 (the 6,763 everyday ones): ~1.0 for Chinese prose, ~0.3 for random
    bytes read as GBK, where every byte pair above 0x80 is some character."""
    common = 0
    for ch in han:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / max(len(han), 1)


def not_text_reason(data: bytes, text: str) -> str:
    """Why bytes that were decoded to `text` are not really text ('' when they are)."""
    kind = binary_kind(data)
    if kind:
        return f"the file is binary ({kind}), not text (wrong extension?)"
    if control_ratio(text) > 0.02:
        return "the file does not decode as text in any supported encoding"
    if len(_PRIVATE_USE.findall(text)) > max(len(text) // 100, 2):
        return "the file decodes only to private-use characters (binary data?)"
    han = _CJK_CHAR.findall(text[:20000])
    if len(han) >= 50 and _common_han_share(han) < 0.6:
        return "the file decodes only to rare characters (binary or encrypted data?)"
    return ""


def decode_bytes(data: bytes, declared: str = "") -> DecodedText:
    """Decode bytes by trying, in order: BOM, strict UTF-8, the declared charset, GB18030, a statistical guess."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return DecodedText(data.decode(codec, errors="replace"), codec, "bom")
    try:
        # Valid UTF-8 of any length is almost never GBK by accident, so it wins over a wrong declaration.
        return DecodedText(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    codec = normalise_codec(declared) if declared else ""
    for name, how in ((codec, "declared"), ("gb18030", "gb18030")):
        if name and name != "utf-8":
            try:
                return DecodedText(data.decode(name), name, how)
            except UnicodeDecodeError:
                continue
    return _guess(data, codec)


def _guess(data: bytes, declared: str) -> DecodedText:
    # A few broken bytes (a truncated download, one bad character) should cost a few characters,
    # not send an otherwise clean UTF-8/GBK page to a statistical guess that may pick Big5 or cp1252.
    lossy = []
    for codec in dict.fromkeys(c for c in (declared, "utf-8", "gb18030") if c):
        text = data.decode(codec, errors="replace")
        lossy.append((text.count("\ufffd"), codec, text))
    bad, codec, text = min(lossy, key=lambda t: t[0])
    if bad <= max(2, len(text) // 200):
        return DecodedText(text, codec, "lossy")
    from charset_normalizer import from_bytes  # imported lazily: only damaged or exotic files get here

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        codec = normalise_codec(best.encoding) or best.encoding
        return DecodedText(data.decode(codec, errors="replace"), codec, "guessed")
    return DecodedText(text, codec, "lossy")
