"""Generators of hostile files: zip-bomb and billion-laughs DOCX, images and random bytes under text names,
blank scanned PDFs, links out of the folder, FIFOs. Each writes into the path it is given and returns it."""

from __future__ import annotations

import os
import random
import zipfile
from pathlib import Path

from tests.fixture_files import POLICY_PARAGRAPHS, make_docx

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_LAUGHS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
           + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
                     for i in range(1, 10))
           + f']>\n<w:document {_W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')


def _swap_document_xml(docx_path: Path, write_body) -> Path:
    """Rewrite a real DOCX with word/document.xml produced by write_body(stream); the other parts stay."""
    src = docx_path.with_suffix(".orig.docx")
    docx_path.rename(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(docx_path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename == "word/document.xml":
                with zout.open(item.filename, "w", force_zip64=True) as stream:
                    write_body(stream)
            else:
                zout.writestr(item, zin.read(item.filename))
    src.unlink()
    return docx_path


def make_zip_bomb_docx(path: Path, inflated_mb: int = 200) -> Path:
    """A real DOCX whose document.xml inflates to `inflated_mb` MB of valid, highly compressible XML."""
    make_docx(path, "招商引资政策", POLICY_PARAGRAPHS)
    paragraph = b"<w:p><w:r><w:t>" + "补贴".encode() * 200 + b"</w:t></w:r></w:p>"
    block = paragraph * (1024 * 1024 // len(paragraph) + 1)

    def body(stream) -> None:
        stream.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode())
        for _ in range(inflated_mb):
            stream.write(block)
        stream.write(b"</w:body></w:document>")

    return _swap_document_xml(Path(path), body)


def make_billion_laughs_docx(path: Path) -> Path:
    """A real DOCX whose document.xml declares nested entities that expand to 10^9 'lol's."""
    make_docx(path, "招商引资政策", POLICY_PARAGRAPHS)
    return _swap_document_xml(Path(path), lambda stream: stream.write(_LAUGHS.encode()))


def make_png_named_html(path: Path) -> Path:
    """A real PNG (Pillow) saved under an .html name."""
    from PIL import Image

    rng = random.Random(7)
    image = Image.new("RGB", (120, 80))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(120 * 80)])
    image.save(str(path), "PNG")
    return Path(path)


def make_gbk_noise_txt(path: Path, pairs: int = 10000) -> Path:
    """Random byte pairs that are all valid GBK (lead 0x81-0xA0, trail 0x40-0x7E), as encrypted or compressed
    data can be: it 'decodes' without an error, to rare characters only."""
    rng = random.Random(11)
    data = bytes(b for _ in range(pairs) for b in (rng.randrange(0x81, 0xA1), rng.randrange(0x40, 0x7F)))
    Path(path).write_bytes(data)
    return Path(path)


def make_blank_pdf(path: Path, pages: int = 20) -> Path:
    """An image-less, text-less PDF of blank A4 pages (what a scanner makes of an empty feeder)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    pdf.save(str(path))
    pdf.close()
    return Path(path)


def make_repetitive_txt(path: Path, repeats: int = 300) -> Path:
    """A policy whose every paragraph is pasted many times over (a header on every page, a copy-paste slip)."""
    text = "\n".join(POLICY_PARAGRAPHS) + "\n"
    Path(path).write_text("关于促进先进制造业发展的若干措施\n" + text * repeats, encoding="utf-8")
    return Path(path)


def make_hostile_links(folder: Path, outside: Path) -> dict[str, str]:
    """Links out of the folder, a link loop, a folder loop, a FIFO and dot-files; returns name → expected reason."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "up").symlink_to(folder)
    os.mkfifo(folder / "pipe.txt")
    (folder / ".secret.txt").write_text("\n".join(POLICY_PARAGRAPHS), encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.txt").write_text("\n".join(POLICY_PARAGRAPHS), encoding="utf-8")
    return {"passwd.txt": "outside the ingested folder", "self.txt": "loop", "up": "not followed",
            "pipe.txt": "FIFO", ".secret.txt": "hidden file", ".git": "hidden folder"}
