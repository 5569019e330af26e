"""Benchmark: character-level F1 of HTML main-text extraction against hand-labelled gold pages.

Reads ../shared/data/web_content_extraction_zh (69 Chinese pages, GB2312/GBK/UTF-8) by path, runs our
extractor next to baselines measured in the same run (all visible <body> text; trafilatura and
readability-lxml when installed), and prints mean precision/recall/F1, date accuracy and ms per page.

    .venv/bin/python bench/extraction_quality.py [--data DIR] [--worst N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.encoding import declared_charset, decode_bytes  # noqa: E402
from ingest.html_blocks import parse  # noqa: E402
from ingest.loaders.html import extract_html, iso_date  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "web_content_extraction_zh"
_WS = re.compile(r"\s+")

Extractor = Callable[[bytes], tuple[str, str]]  # -> (text, iso date or "")


def char_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-characters precision, recall, F1, ignoring whitespace."""
    p, g = Counter(_WS.sub("", pred)), Counter(_WS.sub("", gold))
    common = sum((p & g).values())
    if not common:
        return 0.0, 0.0, 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return prec, rec, 2 * prec * rec / (prec + rec)


def ours(data: bytes) -> tuple[str, str]:
    page = extract_html(data)
    return page.text, page.date


def body_text(data: bytes) -> tuple[str, str]:
    root = parse(decode_bytes(data, declared_charset(data)).text)
    for el in root.xpath("//script|//style|//noscript|//head"):
        el.drop_tree()
    return root.text_content(), ""


def _decoded(data: bytes) -> str:
    return decode_bytes(data, declared_charset(data)).text


def optional_extractors() -> dict[str, Extractor]:
    found: dict[str, Extractor] = {}
    try:
        import trafilatura

        def run_trafilatura(data: bytes) -> tuple[str, str]:
            text = trafilatura.extract(_decoded(data), favor_recall=False) or ""
            meta = trafilatura.extract_metadata(_decoded(data))
            return text, iso_date(meta.date or "") if meta else ""

        found["trafilatura"] = run_trafilatura
    except ImportError:
        pass
    try:
        from readability import Document

        def run_readability(data: bytes) -> tuple[str, str]:
            summary = parse(Document(_decoded(data)).summary())
            return summary.text_content(), ""

        found["readability-lxml"] = run_readability
    except ImportError:
        pass
    return found


def gold_date(raw: str) -> str:
    return iso_date(raw.replace("-", "-")) if raw and raw.upper() not in ("UNKNOWN", "UNKNWON") else ""


def run(data_dir: Path, worst: int) -> None:
    gold = [json.loads(line) for line in (data_dir / "gold.jsonl").open(encoding="utf-8")]
    methods: dict[str, Extractor] = {"ours (html_blocks)": ours, "body text": body_text, **optional_extractors()}
    print(f"{len(gold)} pages from {data_dir}\n")
    print(f"{'method':<22}{'P':>7}{'R':>7}{'F1':>7}{'date ok':>10}{'ms/page':>9}")
    for name, extract in methods.items():
        scores, dates_ok, dated, per_page = [], 0, 0, []
        t0 = time.perf_counter()
        for rec in gold:
            data = (data_dir / rec["html_file"]).read_bytes()
            try:
                text, date = extract(data)
            except Exception as exc:  # a baseline crashing on a page scores 0 there, it does not stop the run
                text, date = "", f"error: {exc}"
            scores.append(char_prf(text, rec["content"]))
            per_page.append((scores[-1][2], rec["html_file"]))
            want = gold_date(rec.get("date") or "")
            if want and want[:4] != "0000":
                dated += 1
                dates_ok += date == want
        ms = (time.perf_counter() - t0) * 1000 / len(gold)
        mean = [sum(s[i] for s in scores) / len(scores) for i in range(3)]
        print(f"{name:<22}{mean[0]:>7.3f}{mean[1]:>7.3f}{mean[2]:>7.3f}{dates_ok:>5}/{dated:<4}{ms:>9.1f}")
        if worst and name.startswith("ours"):
            for f1, file in sorted(per_page)[:worst]:
                print(f"    worst: F1 {f1:.2f}  {file}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with gold.jsonl and html/")
    parser.add_argument("--worst", type=int, default=0, help="list our N lowest-F1 pages")
    args = parser.parse_args()
    if not (args.data / "gold.jsonl").exists():
        sys.exit(f"no gold.jsonl in {args.data}: pass --data pointing at web_content_extraction_zh")
    run(args.data, args.worst)


if __name__ == "__main__":
    main()
