"""Domain errors: each carries the offending value and says how to fix it."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the product raises on purpose; the CLI prints it as one line."""


class ConfigError(AssistantError):
    def __init__(self, setting: str, problem: str, fix: str):
        self.setting, self.problem, self.fix = setting, problem, fix
        super().__init__(f"{setting}: {problem}. Fix: {fix}")


class IngestError(AssistantError):
    """One file could not be indexed. The run goes on; nothing of this file enters the index."""

    def __init__(self, path: str, reason: str, fix: str = ""):
        self.path, self.reason, self.fix = str(path), reason, fix
        msg = f"{self.path}: {reason}"
        super().__init__(msg + (f" — {fix}" if fix else ""))


class UnsupportedFileError(IngestError):
    pass


class IndexError_(AssistantError):
    """The index is missing, unreadable or inconsistent."""


class DocumentNotFound(AssistantError):
    def __init__(self, doc: str):
        self.doc = doc
        super().__init__(f"no document {doc!r} in the index. Fix: list documents with `python -m assistant docs`")


class GenerationError(AssistantError):
    """The LLM failed (timeout, server error, unusable answer); callers fall back to extractive."""
