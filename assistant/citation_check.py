"""Check a generated answer sentence by sentence: valid [n] markers, and every quantity found in a cited passage."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.numbers import extract_quantities, quantity_supported

# [1] [1,2] [1-3] 【1】 ［1］ — full-width brackets appear in Chinese model output.
MARKER = re.compile(r"[\[【［]\s*(\d+(?:\s*[,，、\-–]\s*\d+)*)\s*[\]】］]")
_MARKERS_RUN = r"(?:\s*" + MARKER.pattern + r")*"
# A sentence ends at 。！？!? (or ". " in English) or a line break; closing quotes and markers that
# follow the end punctuation ("…500万元。[1]") still belong to it.
_ABBREVIATION = r"(?<!\b[A-Z])(?<!\bNo)(?<!\bArt)(?<!\be\.g)(?<!\bi\.e)(?<!\betc)"  # U.S. / No. 5 / e.g.
_SENTENCE_END = re.compile(r"(?:[。！？!?]+|" + _ABBREVIATION + r"\.(?=\s|$)|…+)[”’\"'」』）)]*" + _MARKERS_RUN + r"|\n+")
_LIST_NUMBER = re.compile(r"(?:^|\n)[ \t]*\d{1,2}$")  # "1." starting a list item is not a sentence end


@dataclass(frozen=True)
class SentenceCheck:
    sentence: str
    markers: tuple[int, ...]  # every marker number, in order of appearance, without repeats
    invalid_markers: tuple[int, ...]  # markers that point at no passage given to the model
    unsupported: tuple[str, ...]  # quantities (as written) not found in any passage the sentence cites

    @property
    def supported(self) -> bool:
        """Has at least one valid marker and no unsupported quantity."""
        return len(self.markers) > len(self.invalid_markers) and not self.unsupported

    @property
    def failed(self) -> bool:
        """Must be removed: it cites a passage that does not exist or states a quantity no cited passage has."""
        return bool(self.invalid_markers or self.unsupported)

    @property
    def reason(self) -> str:
        parts = [f"invalid citation {', '.join(f'[{n}]' for n in self.invalid_markers)}"] if self.invalid_markers else []
        if self.unsupported:
            parts.append(f"not in the cited passage: {', '.join(self.unsupported)}")
        return "; ".join(parts)


@dataclass(frozen=True)
class CheckReport:
    sentences: tuple[SentenceCheck, ...]

    @property
    def ok(self) -> bool:
        return not any(s.failed for s in self.sentences)

    @property
    def invalid_markers(self) -> tuple[int, ...]:
        return tuple(sorted({n for s in self.sentences for n in s.invalid_markers}))

    @property
    def unsupported_sentences(self) -> tuple[SentenceCheck, ...]:
        """Sentences drop_unsupported removes (invalid markers or unsupported quantities)."""
        return tuple(s for s in self.sentences if s.failed)

    @property
    def uncited_sentences(self) -> tuple[SentenceCheck, ...]:
        """Sentences without any valid marker (kept when they state no quantity, e.g. a lead-in)."""
        return tuple(s for s in self.sentences if len(s.markers) == len(s.invalid_markers))

    @property
    def valid_markers(self) -> tuple[int, ...]:
        """Valid markers of the sentences that pass, in order of first use."""
        seen: dict[int, None] = {}
        for s in self.sentences:
            if not s.failed:
                seen.update(dict.fromkeys(s.markers))
        return tuple(seen)


def parse_markers(text: str) -> tuple[int, ...]:
    """Marker numbers in order of appearance, without repeats; [1-3] means 1, 2, 3."""
    numbers: dict[int, None] = {}
    for m in MARKER.finditer(text):
        for part in re.split(r"\s*[,，、]\s*", m.group(1)):
            bounds = [int(x) for x in re.split(r"\s*[\-–]\s*", part)]
            lo, hi = bounds[0], bounds[-1]
            numbers.update(dict.fromkeys(range(lo, hi + 1) if 0 <= hi - lo <= 20 else (lo, hi)))
    return tuple(numbers)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, whitespace trimmed."""
    spans, last = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.group().startswith(".") and _LIST_NUMBER.search(text, 0, m.start()):
            continue
        spans.append((last, m.end()))
        last = m.end()
    spans.append((last, len(text)))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            trimmed.append((start + lead, start + len(piece.rstrip())))
    return trimmed


def split_sentences(text: str) -> list[str]:
    """Chinese and English sentences (and list lines); a trailing [n] stays with its sentence."""
    return [text[s:e] for s, e in sentence_spans(text)]


def check_sentence(sentence: str, passages: Mapping[int, str]) -> SentenceCheck:
    markers = parse_markers(sentence)
    invalid = tuple(n for n in markers if n not in passages)
    cited = [passages[n] for n in markers if n in passages]
    unsupported = tuple(
        q.text for q in extract_quantities(sentence) if not any(quantity_supported(q, p) for p in cited)
    )
    return SentenceCheck(sentence, markers, invalid, unsupported)


def check_answer(text: str, passages: Mapping[int, str]) -> CheckReport:
    """passages: marker number → the passage text the model saw under that number."""
    return CheckReport(tuple(check_sentence(s, passages) for s in split_sentences(text)))


def drop_unsupported(text: str, report: CheckReport) -> str:
    """The text without the sentences the report failed; layout (line breaks) of the rest is kept."""
    failed = [s.failed for s in report.sentences]
    spans = sentence_spans(text)
    if len(spans) != len(failed):
        raise ValueError("report does not belong to this text (sentence count differs)")
    out, last = [], 0
    for (start, end), drop in zip(spans, failed, strict=True):
        if drop:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            if not text[line_start:start].strip() and not text[end:line_end].strip():
                start, end = line_start, min(line_end + 1, len(text))  # the sentence was the whole line
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    kept = re.sub(r"[ \t]+\n", "\n", "".join(out))
    return re.sub(r"\n{3,}", "\n\n", kept).strip()
