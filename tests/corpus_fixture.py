"""The small fixture library the answer and ingest tests share: three text files the project owns plus a
two-page park brochure PDF generated here (built-in CID font, so no font files are needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.fixture_files import make_text_pdf

CORPUS = Path(__file__).parent / "fixtures" / "corpus"

PARK_PAGES = [
    "四川通信产业园简介\n"
    "四川通信产业园位于成都市温江区，规划面积5.2平方公里，是四川省重点打造的光通信产业集聚区。\n"
    "园区已集聚光通信企业60余家，形成从光芯片、光器件到光模块的完整产业链。\n"
    "园区提供标准厂房、人才公寓和中试平台，企业可拎包入驻。",
    "入驻服务与联系方式\n"
    "园区对新入驻企业提供“一企一策”服务，项目从签约到开工平均不超过90天。\n"
    "招商咨询：成都市温江区投资促进局\n"
    "地址：成都市温江区光华大道三段1588号\n"
    "电话：028-82712345\n"
    "邮箱：invest@wenjiang-demo.cn",
]


def make_corpus(dest: Path) -> Path:
    """Copy the owned text files and generate the brochure PDF into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in CORPUS.iterdir():
        shutil.copy(f, dest / f.name)
    make_text_pdf(dest / "sichuan_comm_park_brochure.pdf", PARK_PAGES, prefer_ttf=False)
    return dest
