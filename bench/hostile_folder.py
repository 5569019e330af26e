"""Ingest a folder of ~50 hostile files among good ones: no traceback, every good file indexed, every bad one
named with a reason, peak RSS, time, and Chroma/catalog agreement afterwards.

    .venv/bin/python bench/hostile_folder.py [--bombs-mb 200]
Good files: data/sample (the demo corpus). Hostile files are generated (tests/hostile_files.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_folder(folder: Path, bombs_mb: int) -> int:
    """data/sample plus hostile files; returns how many hostile entries were made."""
    from tests import fixture_files as ff
    from tests import hostile_files as hf

    shutil.copytree(ROOT / "data" / "sample", folder)
    bad = folder / "incoming"
    bad.mkdir()
    makers = [
        *(lambda p, i=i: hf.make_zip_bomb_docx(p / f"bomb{i}.docx", bombs_mb if i < 2 else 20) for i in range(4)),
        *(lambda p, i=i: hf.make_billion_laughs_docx(p / f"laughs{i}.docx") for i in range(4)),
        *(lambda p, i=i: hf.make_png_named_html(p / f"image{i}.html") for i in range(4)),
        *(lambda p, i=i: hf.make_gbk_noise_txt(p / f"noise{i}.txt") for i in range(4)),
        *(lambda p, i=i: ff.make_binary_txt(p / f"photo{i}.txt") for i in range(4)),
        *(lambda p, i=i: hf.make_blank_pdf(p / f"blank{i}.pdf") for i in range(4)),
        *(lambda p, i=i: ff.make_corrupt_docx(p / f"corrupt{i}.docx") for i in range(3)),
        *(lambda p, i=i: ff.make_truncated_pdf(p / f"truncated{i}.pdf") for i in range(3)),
        *(lambda p, i=i: ff.make_encrypted_pdf(p / f"locked{i}.pdf") for i in range(3)),
        *(lambda p, i=i: (p / f"empty{i}.txt").write_bytes(b"") for i in range(3)),
        *(lambda p, i=i: hf.make_repetitive_txt(p / f"repeats{i}.txt", 300 + i) for i in range(2)),
        *(lambda p, i=i: Path(os.fsdecode(bytes(p) + f"/odd_{i}_".encode() + b"\xff\xfe.txt")).write_text(
            "关于促进先进制造业发展的若干措施\n" + "\n".join(ff.POLICY_PARAGRAPHS) + f"\n附件{i}", encoding="utf-8")
          for i in range(3)),
        lambda p: (p / "huge.txt").write_bytes(b"\xe6\x94\xbf\xe7\xad\x96" * (30 * 1024 * 1024 // 6)),
    ]
    for make in makers:
        make(bad)
    links = hf.make_hostile_links(bad / "links", Path("/etc/passwd"))
    return len(makers) + len(links)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bombs-mb", type=int, default=200, help="inflated size of the two big zip bombs")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "hostile_folder.json")
    args = ap.parse_args()
    from assistant.factory import build_library
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "folder"
        hostile = build_folder(folder, args.bombs_mb)
        lib = build_library(Settings(index_dir=Path(tmp) / "index"))
        started = time.perf_counter()
        report = lib.ingest([folder])
        seconds = time.perf_counter() - started
        good = sorted(p.name for p in (ROOT / "data" / "sample").iterdir() if p.is_file() and p.name != "README.md")
        indexed = {Path(p).name for p in (*report.added, *report.updated, *report.unchanged)} | {
            Path(p).name for p, _ in report.duplicate}
        result = {
            "hostile_entries": hostile, "seconds": round(seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "added": len(report.added), "failed": len(report.failed), "skipped": len(report.skipped),
            "duplicate": len(report.duplicate),
            "good_files_missing": [g for g in good if g not in indexed and not g.startswith(".")],
            "consistency_problems": lib.consistency_problems(),
            "reasons": sorted({why.split(": ", 1)[-1][:90] for _, why in (*report.failed, *report.skipped)}),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
