"""Load prompt templates by name from the top-level prompts/ folder (or the wheel's copy) and fill them in."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from assistant.bundled import bundled
from assistant.errors import ConfigError

PROMPTS_DIR = bundled("prompts")


@lru_cache(maxsize=32)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> str:
    """The text of prompts/<name>.txt (UTF-8)."""
    path = folder / f"{name}.txt"
    if not path.is_file():
        raise ConfigError("prompt", f"template {name!r} not found at {path}", f"restore {path.name} in {folder}")
    return path.read_text(encoding="utf-8")


def render_prompt(name: str, **fields: str) -> str:
    """The template with {field} placeholders filled; values are inserted verbatim (braces in them are safe)."""
    try:
        return load_prompt(name).format_map(fields)
    except KeyError as err:
        raise ConfigError("prompt", f"template {name!r} needs field {err}", "pass it to render_prompt") from err
