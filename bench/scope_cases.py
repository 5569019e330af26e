"""(control, trap) pairs: a seed question, and the same question with ONE scope element swapped for a sibling
the library does not cover — a place (same level, same parent, in the project's gazetteer), a national body
(same group in bench/scope_bodies.txt), a law (its title's place swapped; the new title is in no document),
or a year (the nearest year no document states). Deterministic for a seed; split dev/test by gold document.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from scope_seeds import Doc, Seed

from ingest.national import national_title
from ingest.regions import short_forms

KINDS = ("place", "body", "law", "year")
DEV_SHARE = 40  # percent of gold documents in dev
_SKIP_PROVINCES = ("71", "81", "82")  # 台湾, 香港, 澳门: not sibling provinces in a policy sense
BODIES = Path(__file__).with_name("scope_bodies.txt")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")


@dataclass(frozen=True)
class Case:
    """One pair; the control expects the answer from doc_id, the trap expects a refusal."""

    id: str
    kind: str
    source: str
    split: str
    doc_id: str
    control: str
    trap: str
    swapped_from: str
    swapped_to: str
    gold_answer: str
    gold_facts: tuple[str, ...]

    def as_dict(self) -> dict:
        return asdict(self)


def split_of(doc_id: str) -> str:
    """dev or test, from a stable hash of the gold document (never Python's salted hash())."""
    return "dev" if int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 100 < DEV_SHARE else "test"


class Library:
    """All library text, for 'this name appears in no document'."""

    def __init__(self, docs: Sequence[Doc]):
        self.text = "\n".join(d.title + "\n" + d.text for d in docs)
        self.titles = "\n".join(d.title for d in docs)

    def absent(self, *names: str) -> bool:
        return all(n not in self.text for n in names)


class PlaceSwapper:
    """Sibling divisions from the gazetteer the project ships (ingest.regions)."""

    def __init__(self, library: Library):
        from ingest import regions

        self.r, self.g, self.library = regions, regions._gazetteer(), library

    def division(self, name: str, region):
        cands = self.g.full.get(name, []) + self.g.short.get(name, [])
        return next((d for d in cands if d.region == region), None)

    def siblings(self, div) -> list:
        def parent(d) -> str:
            return "" if d.level == 0 else d.code[:2] if d.level == 1 else self.r._city_code(d.code)

        suffixes = self.r._PROVINCE_SUFFIXES if div.level == 0 else self.r._LOWER_SUFFIXES
        # The adcode table also lists areas such as 苏鲁交界: a sibling must carry a division suffix.
        return [d for d in self.g.divisions if d.level == div.level and parent(d) == parent(div)
                and d.code != div.code and d.code[:2] not in _SKIP_PROVINCES and d.name.endswith(suffixes)]

    def swap(self, text: str, rng: random.Random, strict: bool = True) -> tuple[str, str, str] | None:
        """(new text, from, to) swapping the deepest place named; None when several places or no sibling.
        strict: the sibling's names appear in no document; else only the new text must be absent."""
        spans = self.r._collapse_chains(self.r._mentions(text))
        if len(spans) != 1:
            return None
        m = spans[0]
        div = self.division(m.name, m.region)
        if div is None:
            return None
        short = m.name != div.name
        sibs = self.siblings(div)
        rng.shuffle(sibs)
        # Same suffix first: 平凉市民 (citizens) must stay 某某市民, and 温江区 reads best as another 区.
        sibs.sort(key=lambda d: d.name[-1] != div.name[-1])
        for sib in sibs:
            forms = self.r.short_forms(sib.name)
            new_name = next((f for f in forms if f != sib.name), "") if short else sib.name
            if not new_name or (strict and not self.library.absent(*forms)):
                continue
            new = text[: m.start] + new_name + text[m.end:]
            if self._names(new, m.start, new_name, sib.region):
                return new, m.name, new_name
        return None

    def _names(self, text: str, start: int, name: str, region) -> bool:
        """The gazetteer reads the swapped name as the sibling (so a scope check can know it)."""
        return any(s == start and e == start + len(name) and r == region for s, e, r in self.r.find_place_spans(text))


class BodySwapper:
    """National bodies from bench/scope_bodies.txt: full name and short forms per line, in groups."""

    def __init__(self, library: Library, path: Path = BODIES):
        self.library = library
        self.groups: list[list[tuple[str, ...]]] = [[]]
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            if not line.strip():
                self.groups.append([])
            else:
                self.groups[-1].append(tuple(line.split()))
        names = [(n, grp, body) for grp in self.groups for body in grp for n in body]
        self.names = sorted(names, key=lambda x: -len(x[0]))  # longest first: 国家税务总局 before 税务总局

    def swap(self, text: str, rng: random.Random) -> tuple[str, str, str] | None:
        # 财政部门 / 交通运输部门 are "departments of finance/transport" in general, not the ministry.
        found = [(n, grp, body) for n, grp, body in self.names if re.search(re.escape(n) + "(?!门)", text)]
        bodies = {body for _, _, body in found}
        if len(bodies) != 1:
            return None  # no body, or several (财政部、税务总局公告…): one element per pair
        name, group, body = found[0]
        sibs = [b for b in group if b != body and self.library.absent(*b)]
        same_suffix = [b for b in sibs if b[0][-1] == body[0][-1]]
        rng.shuffle(sibs)
        rng.shuffle(same_suffix)
        for sib in same_suffix + sibs:
            new_name = sib[0] if name == body[0] or len(sib) == 1 else sib[1]
            return re.sub(re.escape(name) + "(?!门)", new_name, text, count=1), name, new_name
        return None


def swap_year(text: str, library: Library) -> tuple[str, str, str] | None:
    """The one year a question names, for the nearest year (later first on ties) no document states."""
    years = set(_YEAR.findall(text))
    if len(years) != 1:
        return None
    year = int(years.pop())
    for delta in sorted(range(-20, 21), key=lambda d: (abs(d), -d)):
        cand = str(year + delta)
        if delta and library.absent(cand):
            return _YEAR.sub(cand + "年", text), f"{year}年", f"{cand}年"
    return None


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:16], 16))


def pair(seed_q: Seed, kind: str, swappers: dict, seed: int) -> Case | None:
    """The trap for one seed and kind, or None when the seed offers no sensible swap of that kind."""
    rng = _rng(seed, kind + seed_q.question)
    if kind == "place" and seed_q.source != "regulations":
        got = swappers["place"].swap(seed_q.question, rng)
    elif kind == "body" and seed_q.source == "ncp":
        got = swappers["body"].swap(seed_q.question, rng)
    elif kind == "year" and seed_q.source == "ncp":
        got = swap_year(seed_q.question, swappers["library"])
    elif kind == "law" and seed_q.title:
        got = _swap_law(seed_q, swappers, rng)
    else:
        return None
    if not got:
        return None
    trap, old, new = got
    cid = f"{kind}-{hashlib.sha256(seed_q.question.encode()).hexdigest()[:10]}"
    return Case(cid, kind, seed_q.source, split_of(seed_q.doc_id), seed_q.doc_id, seed_q.question, trap, old, new,
                seed_q.answer, seed_q.facts)


def _swap_law(seed_q: Seed, swappers: dict, rng: random.Random) -> tuple[str, str, str] | None:
    """《北京市优化营商环境条例》→《天津市优化营商环境条例》: the new title is in no document, and no title in
    the library names that place (山东省开发区条例 would only be a misnamed 山东省经济开发区条例)."""
    place = swappers["place"]
    if national_title(seed_q.title):
        return None  # 国务院关于鼓励投资开发海南岛的规定: the place is the subject, not the law's scope
    got = place.swap(seed_q.title, rng, strict=False)
    library = swappers["library"]
    if not got or not library.absent(got[0]) or any(f in library.titles for f in short_forms(got[2])):
        return None
    return seed_q.question.replace(seed_q.title, got[0], 1), seed_q.title, got[0]


def generate(seeds: Sequence[Seed], docs: Sequence[Doc], seed: int = 13, per_kind: int = 50,
             per_doc: int = 2, per_source_doc: dict[str, int] | None = None) -> list[Case]:
    """Up to per_kind pairs of each kind, at most per_doc per gold document and kind (per_source_doc
    overrides it by source: the Lucheng policies are one document), in a seeded order."""
    caps = {"lucheng": 15} if per_source_doc is None else per_source_doc
    library = Library(docs)
    swappers = {"library": library, "place": PlaceSwapper(library), "body": BodySwapper(library)}
    # Smallest source first, so the 15 Lucheng place pairs are not crowded out by NCP's hundreds.
    size = {src: sum(s.source == src for s in seeds) for src in {s.source for s in seeds}}
    order = sorted(seeds, key=lambda s: (size[s.source], hashlib.sha256(f"{seed}:{s.question}".encode()).hexdigest()))
    cases: list[Case] = []
    for kind in KINDS:
        taken: dict[str, int] = {}
        for s in order:
            full = taken.get(s.doc_id, 0) >= caps.get(s.source, per_doc)
            if full or sum(c.kind == kind for c in cases) >= per_kind:
                continue
            case = pair(s, kind, swappers, seed)
            if case:
                cases.append(case)
                taken[s.doc_id] = taken.get(s.doc_id, 0) + 1
    return cases
