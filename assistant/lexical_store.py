"""The library's lexical index at the catalog's current generation: opened from its snapshot in the index folder
and brought up to date from the catalog's change log (a start reads no chunk text), built from the stored tokens
when there is no usable snapshot, updated per changed document, and saved again in the background."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.catalog import Catalog
from assistant.types import Chunk
from vectorstore import lexical_snapshot
from vectorstore.lexical_index import LexicalIndex

log = logging.getLogger(__name__)
# A snapshot is saved again once this many documents changed after it (a start applies those from the change
# log: ~1 s per few hundred documents), at most once a minute (a save at 100k chunks costs ~2 s of a core).
SAVE_AFTER_DOCS = 200
SAVE_EVERY_S = 60.0
# Up to this many chunks a start reads them all at once (~0.5 s at 20k): a search then reads none. Above, a search
# reads the chunks it returns (~10 ms a question until the often-returned ones are read): start time and memory.
READ_ALL_UP_TO = 20_000


class LexicalStore:
    def __init__(self, catalog: Catalog, folder: Path | None, saves: bool = True):
        """`folder`: where snapshots live (the index folder's `lexical/`); None: always build, never save.
        `saves=False`: open snapshots but never write one, nor the catalog's id (a reading replica's store)."""
        self.catalog, self.folder, self.saves = catalog, folder, saves
        self._current: tuple[int, LexicalIndex] | None = None
        self._lock = threading.Lock()
        self._unsaved, self._last_save = 0, 0.0
        self._saver: threading.Thread | None = None
        self.opened_from = ""  # how the first index of this process came about (logged; tests read it)

    def index(self) -> LexicalIndex:
        """The index of the current generation; after a change only the changed documents are applied."""
        gen = self.catalog.generation
        current = self._current
        if current is not None and current[0] == gen:
            return current[1]
        with self._lock:  # one updater; questions already answering keep the version they hold
            current = self._current
            if current is not None and current[0] == gen:
                return current[1]
            # Changes committed after `gen` was read may be applied too: applying a document is idempotent.
            changed = self.catalog.changed_since(current[0]) if current else None
            if current is None:
                index = self._open()
            elif changed is None:
                index, self._unsaved = LexicalIndex.build(self.catalog.lexical_rows()), SAVE_AFTER_DOCS
            else:
                index = current[1].updated(changed, self.catalog.lexical_rows(changed))
                self._unsaved += len(changed)
            self._current = (gen, index)
            self._maybe_save(gen, index)
            return index

    def _open(self) -> LexicalIndex:
        """From the newest usable snapshot plus the changes after it; else built from the stored tokens."""
        gen = self.catalog.generation
        opened = lexical_snapshot.load(self.folder, self._catalog_id(), gen, self._fetch) if self.folder else None
        if opened is not None:
            index, at = opened
            changed = self.catalog.changed_since(at)
            if changed is not None:
                index = index.updated(changed, self.catalog.lexical_rows(changed)) if changed else index
                if len(index) == self.catalog.chunk_count():
                    if len(index) <= READ_ALL_UP_TO:
                        index.chunks  # noqa: B018 (reads every chunk now)
                    self._unsaved = len(changed)
                    self.opened_from = f"snapshot of generation {at} + {len(changed)} changed documents"
                    log.info("lexical index: %s", self.opened_from)
                    return index
            log.warning("lexical snapshot of generation %d does not match the catalog: rebuilding", at)
        self._unsaved, self._last_save, self.opened_from = SAVE_AFTER_DOCS, 0.0, "built from the stored tokens"
        return LexicalIndex.build(self.catalog.lexical_rows())

    def _fetch(self, chunk_ids: Sequence[str]) -> Mapping[str, Chunk]:
        """Chunks by id, read with their documents' current records (a snapshot holds ids only)."""
        return {c.chunk_id: c for c in self.catalog.chunks_by_id(chunk_ids)}

    def _catalog_id(self) -> str:
        """Names this catalog, so that a snapshot is never applied to another one at the same generation."""
        found = self.catalog.get_meta("lexical_catalog_id")
        if not found and self.saves:
            found = uuid.uuid4().hex
            self.catalog.set_meta("lexical_catalog_id", found)
        return found

    def _maybe_save(self, gen: int, index: LexicalIndex) -> None:
        if (self.folder is None or not self.saves or self._unsaved < SAVE_AFTER_DOCS or time.monotonic() - self._last_save < SAVE_EVERY_S
                or (self._saver is not None and self._saver.is_alive())):
            return
        self._unsaved, self._last_save = 0, time.monotonic()
        self._saver = threading.Thread(target=self._save, args=(gen, index), name="lexical-snapshot", daemon=True)
        self._saver.start()

    def _save(self, gen: int, index: LexicalIndex) -> None:
        try:
            lexical_snapshot.save(index, self.folder, self._catalog_id(), gen)  # type: ignore[arg-type]
        except Exception as exc:  # a full disk or a read-only folder: the next start builds, as without
            log.warning("could not save the lexical snapshot (%s: %s)", type(exc).__name__, exc)

    def wait_saved(self, timeout: float | None = None) -> None:
        """Wait for a background save (tests, benchmarks, a clean shutdown)."""
        if self._saver is not None:
            self._saver.join(timeout)
