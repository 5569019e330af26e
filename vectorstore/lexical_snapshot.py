"""The lexical index saved in the index folder, so that a start opens it in a fraction of a second instead of
rebuilding it from every chunk's stored tokens (~12 s at 100k chunks), then applies only the changes made after it.

A snapshot is a folder `snap-<generation>-…` of .npy arrays (memory-mapped when opened), the vocabulary and the
chunk ids, and `meta.json` naming the catalog and the generation it reflects plus a CRC32 of every file. It is
written into a temporary folder and renamed into place (atomic), so a crash mid-write leaves no snapshot, only a
`tmp-…` folder that the next save removes. One that does not open cleanly — another catalog, a generation the
catalog has not reached, a wrong checksum or shape — is ignored: the caller rebuilds and saves a new one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
import zlib
from pathlib import Path

import numpy as np

from vectorstore.lexical_index import POSTINGS, Fetch, LexicalIndex

log = logging.getLogger(__name__)
FORMAT = 1
_ARRAYS = (*POSTINGS, "dl", "df")
_LISTS = ("vocab", "ids")


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            crc = zlib.crc32(block, crc)
    return crc


def save(index: LexicalIndex, folder: Path, catalog_id: str, generation: int) -> Path:
    """Write `index` (compacted here when it is not) as the snapshot of `generation`; older ones are removed."""
    index = index if index.is_compact else index.compacted()
    arrays, vocab, ids = index.state()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr))
        for name, items in (("vocab", vocab), ("ids", ids)):
            (tmp / f"{name}.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        files = sorted(p.name for p in tmp.iterdir())
        meta = {"format": FORMAT, "catalog": catalog_id, "generation": generation, "slots": len(ids),
                "vocab": len(vocab), "crc": {name: _crc(tmp / name) for name in files}}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        for name in [*files, "meta.json"]:
            with (tmp / name).open("rb") as f:
                os.fsync(f.fileno())
        final = folder / f"snap-{generation:012d}-{uuid.uuid4().hex[:8]}"
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in folder.iterdir():  # older snapshots, and temporary folders a crashed save left
        if old != final and (old.name.startswith("tmp-") or _generation(old) < generation):
            shutil.rmtree(old, ignore_errors=True)
    return final


def _generation(path: Path) -> int:
    try:
        return int(path.name.split("-")[1]) if path.name.startswith("snap-") else -1
    except (IndexError, ValueError):
        return -1


def load(folder: Path, catalog_id: str, generation: int, fetch: Fetch) -> tuple[LexicalIndex, int] | None:
    """The newest snapshot of this catalog at or below `generation` and that generation, or None (none usable)."""
    if not folder.is_dir():
        return None
    for path in sorted((p for p in folder.iterdir() if 0 <= _generation(p) <= generation), key=_generation,
                       reverse=True):
        try:
            return _open(path, catalog_id, fetch)
        except Exception as exc:  # corrupt, truncated, another catalog's: the caller rebuilds
            log.warning("lexical snapshot %s not used (%s: %s)", path.name, type(exc).__name__, exc)
    return None


def _open(path: Path, catalog_id: str, fetch: Fetch) -> tuple[LexicalIndex, int]:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta["format"] != FORMAT or meta["catalog"] != catalog_id:
        raise ValueError(f"format {meta['format']} of catalog {meta['catalog']}")
    for name, crc in meta["crc"].items():
        if _crc(path / name) != crc:
            raise ValueError(f"{name}: checksum mismatch")
    arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    vocab, ids = (json.loads((path / f"{name}.json").read_text(encoding="utf-8")) for name in _LISTS)
    slots, words = len(ids), len(vocab)
    if not (slots == meta["slots"] == len(arrays["dl"]) == len(arrays["slot_ptr"]) - 1
            and words == meta["vocab"] == len(arrays["df"]) == len(arrays["tok_ptr"]) - 1
            and arrays["tok_ptr"][-1] == len(arrays["tok_slots"]) == len(arrays["tok_tfs"])
            and arrays["slot_ptr"][-1] == len(arrays["slot_tids"]) == len(arrays["slot_tfs"])):
        raise ValueError("array shapes disagree")
    return LexicalIndex.from_state(arrays, vocab, ids, fetch), int(meta["generation"])
