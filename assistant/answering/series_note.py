"""Which year's document answered: yearly series (budgets, annual reports) named by year in the library.

A question that names no year is answered from the newest year of a series (the older years step back in the
reranker); the answer says which year that was, since the figure differs from year to year. A question naming
a year is held to that year by the scope check and needs no note."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.types import DocRecord, Hit
from ingest.metadata import name_year


@dataclass(frozen=True)
class SeriesYear:
    year: int  # the year the document's file is named by
    newest: bool  # no later year of its series is in the library
    series: str = ""  # the series' version key


class YearSeries:
    """docs: the library's documents (e.g. library.docs); read when an answer cites a year-named file."""

    def __init__(self, docs: Callable[[], Sequence[DocRecord]]):
        self.docs = docs

    def of(self, hits: Sequence[Hit]) -> dict[str, SeriesYear]:
        """doc_id → its year, for cited documents whose series holds more than one year in the library."""
        wanted = {h.chunk.doc.doc_id for h in hits if name_year(h.chunk.doc.file_name)}
        if not wanted:
            return {}
        records = list(self.docs())
        by_key: dict[str, list[DocRecord]] = {}
        for r in records:
            if r.version_key and r.status == "indexed":
                by_key.setdefault(r.version_key, []).append(r)
        out = {}
        for r in records:
            series = by_key.get(r.version_key, [])
            years = {name_year(x.source) for x in series}
            if r.doc_id in wanted and len(years) > 1:
                year = name_year(r.source)
                out[r.doc_id] = SeriesYear(year, year == max(years), r.version_key)
        return out


def newest_only(years: dict[str, SeriesYear], hits: Sequence[Hit]) -> list[Hit]:
    """Without a year asked, an older year's passage stays out when its series' newest year was retrieved too."""
    found = [years.get(h.chunk.doc.doc_id) for h in hits]
    present = {y.series for y in found if y is not None and y.newest}
    return [h for h, y in zip(hits, found, strict=True) if y is None or y.newest or y.series not in present]


def series_label(years: dict[str, SeriesYear], hit: Hit, language: str) -> str:
    """"（未指明年份，按最新的2024年文件）" before a passage of a yearly series; "" for any other passage."""
    found = years.get(hit.chunk.doc.doc_id)
    if found is None:
        return ""
    if language == "en":
        return f"(no year asked: the newest, {found.year}) " if found.newest else f"({found.year} document) "
    return f"（未指明年份，按最新的{found.year}年文件）" if found.newest else f"（{found.year}年的文件）"
