"""Rebuild the Lucheng district policies (shared/data/lucheng_investment_policy_flipbook/pages.jsonl) as one text
file per policy, in page order, in a folder the caller gives (never in the repository: the text is third-party).

The flipbook interleaves its pages and repeats a running header on each; page breaks cut sentences. Here pages
are sorted by number, the running headers dropped and a page that ends mid-sentence joined to the next. The
policies' titles are cut short in the flipbook (the prefix lived in a page image); the titles below are
completed from the running headers and opening lines, so they may differ slightly from the originals."""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lucheng_investment_policy_flipbook"
# (first page, last page, file name, title)
POLICIES = (
    (2, 11, "lucheng_rural.txt", "鹿城区实施乡村振兴战略的若干政策意见"),
    (12, 17, "lucheng_open_economy.txt", "鹿城区促进开放型经济发展的若干政策意见（试行）"),
    (18, 34, "lucheng_industry.txt", "鹿城区工业经济高质量发展的若干政策意见"),
    (35, 44, "lucheng_services.txt", "鹿城区进一步加快现代服务业高质量发展的若干政策意见"),
    (45, 61, "lucheng_talent.txt", "鹿城区关于深化人才制度改革的30条意见"),
)
_HEADERS = {"鹿城区促进", "开放型经济发展的若干政策意见（试行）", "鹿城区工业经济", "高质量发展的若干政策意见",
            "进一步加快现代服务业", "关于深化", "人才制度改革的30条意见", "实施乡村振兴战略的若干政策意见",
            "鹿城区关于深化", "鹿城区关于", "鹿城区实施乡村振兴战略"}


def pages(data_dir: Path = DATA) -> list[dict]:
    rows = [json.loads(ln) for ln in (data_dir / "pages.jsonl").read_text(encoding="utf-8").splitlines() if ln]
    return sorted(rows, key=lambda p: int(p["page_id"][2:]))


def policy_text(first: int, last: int, title: str, data_dir: Path = DATA) -> str:
    text = title + "\n"
    for p in pages(data_dir):
        if not first <= int(p["page_id"][2:]) <= last:
            continue
        first_para = True
        for para in p["paragraphs"]:
            para = para.strip()
            if para in _HEADERS or not para:
                continue
            # a page break inside a sentence: the page's first paragraph continues the last one
            joined = first_para and text[-1] not in "\n。；：！？）" and not re.match(r"\d{1,2}[.．、]|第.{1,3}条", para)
            text += ("" if joined else "\n") + para
            first_para = False
    return text + "\n"


def write_policies(out_dir: Path, data_dir: Path = DATA) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for first, last, name, title in POLICIES:
        path = out_dir / name
        path.write_text(policy_text(first, last, title, data_dir), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    import sys

    for p in write_policies(Path(sys.argv[1])):
        print(p)
