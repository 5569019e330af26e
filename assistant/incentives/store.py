"""Incentive clauses of the library, extracted lazily from the catalog's chunks on first use and cached in the
index folder keyed by the catalog's generation (every ingest, edit or delete bumps it); staff corrections live
in a separate file keyed by clause id, so they survive re-extraction and re-ingest."""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from pathlib import Path

from assistant.catalog import Catalog
from assistant.incentives.clauses import IncentiveClause, clause_from_dict
from assistant.incentives.extract import extract_document
from assistant.types import Chunk

EXTRACTOR_VERSION = "3"  # bump when the rules change: cached clauses are then extracted again
CACHE_NAME = "incentive_clauses.json"
CORRECTIONS_NAME = "incentive_corrections.json"
_TYPES = ("policy", "regulation")  # news and brochures report rewards; only the policies grant them


def page_texts(chunks: list[Chunk]) -> list[tuple[int, str]]:
    """A document's pages rebuilt from its chunks (each an exact slice of its page); gaps (the whitespace between
    chunks, usually line breaks) become line breaks, so articles still start lines."""
    pages: dict[int, list[str]] = defaultdict(list)
    for c in sorted(chunks, key=lambda c: (c.page, c.start)):
        buf = pages[c.page]
        have = sum(len(x) for x in buf)
        if c.start > have:
            buf.append("\n" * (c.start - have))
        if c.end > max(have, c.start):
            buf.append(c.text[max(0, have - c.start):])
    return [(p, "".join(buf)) for p, buf in sorted(pages.items())]


class ClauseStore:
    def __init__(self, index_dir: Path, catalog: Catalog | None = None):
        self.index_dir = Path(index_dir)
        self.catalog = catalog or Catalog(self.index_dir / "catalog.sqlite")
        self._lock = threading.Lock()
        self._memo: tuple[str, list[IncentiveClause]] | None = None

    @property
    def _key(self) -> str:
        return f"{self.catalog.generation}:{EXTRACTOR_VERSION}"

    def _extract_all(self) -> list[IncentiveClause]:
        docs = [d for d in self.catalog.documents() if d.status == "indexed" and d.doc_type in _TYPES]
        out: list[IncentiveClause] = []
        for d in docs:
            chunks = self.catalog.chunks([d.doc_id])
            if chunks:
                out.extend(extract_document(chunks[0].doc, page_texts(chunks), chunks))
        return out

    def _raw(self) -> list[dict]:
        path = self.index_dir / CACHE_NAME
        if path.is_file():
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("key") == self._key:
                return cached["clauses"]
        clauses = [c.as_dict() for c in self._extract_all()]
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": self._key, "clauses": clauses}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # readers never see half a file
        return clauses

    def corrections(self) -> dict[str, dict]:
        path = self.index_dir / CORRECTIONS_NAME
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def clauses(self) -> list[IncentiveClause]:
        """All clauses, staff corrections applied (a correction to a clause no longer extracted is kept, unused)."""
        with self._lock:
            key = self._key + f":{self._corrections_mtime()}"
            if self._memo and self._memo[0] == key:
                return self._memo[1]
            fixes = self.corrections()
            clauses = [clause_from_dict({**d, **fixes[d["clause_id"]], "corrected": True}
                                        if d["clause_id"] in fixes else d) for d in self._raw()]
            self._memo = (key, clauses)
            return clauses

    def _corrections_mtime(self) -> float:
        path = self.index_dir / CORRECTIONS_NAME
        return path.stat().st_mtime if path.is_file() else 0.0

    def correct(self, clause_id: str, fields: dict) -> None:
        """Record a staff correction (whole fields of the clause record, e.g. {"benefit": {...}})."""
        fixes = self.corrections()
        fixes[clause_id] = {**fixes.get(clause_id, {}), **fields}
        path = self.index_dir / CORRECTIONS_NAME
        path.write_text(json.dumps(fixes, ensure_ascii=False, indent=1), encoding="utf-8")
