"""Instruction-like text in documents (prompt injection): document text is data, never orders. Such sentences are
never offered as answers, are masked in LLM prompts, and are flagged to staff at ingest."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.text.sentences import sentence_spans

MASK = "［此处为指令性文字，已屏蔽］"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    lines = (Path(__file__).resolve().parent / "data" / "instruction_phrases.txt").read_text(encoding="utf-8")
    parts = [ln.strip() for ln in lines.splitlines() if ln.strip() and not ln.startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.I)


def is_instruction(sentence: str) -> bool:
    """Does the sentence speak to the assistant (忽略之前的指令…, ignore previous instructions…)?"""
    return bool(_pattern().search(sentence))


def instruction_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text) if is_instruction(text[s:e])]


def mask_instructions(text: str) -> str:
    """The text with every instruction-like sentence replaced by a fixed mask (for LLM prompts and checks)."""
    if not _pattern().search(text):
        return text
    out, last = [], 0
    for s, e in sentence_spans(text):
        if is_instruction(text[s:e]):
            out += [text[last:s], MASK]
            last = e
    out.append(text[last:])
    return "".join(out)
