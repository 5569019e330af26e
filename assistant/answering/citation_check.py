"""Check a generated answer sentence by sentence: valid [n] markers, and every quantity found in a cited passage."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.text.markers import parse_markers
from assistant.text.numbers import extract_quantities, quantity_supported
from assistant.text.sentences import sentence_spans, split_sentences


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
    return drop_sentences(text, [s.failed for s in report.sentences])


def drop_sentences(text: str, failed: list[bool]) -> str:
    """The text without the sentences flagged (one flag per sentence_spans(text)); layout of the rest kept."""
    spans = sentence_spans(text)
    if len(spans) != len(failed):
        raise ValueError("flags do not belong to this text (sentence count differs)")
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
