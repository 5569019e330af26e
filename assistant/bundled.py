"""Where the files shipped with the product live: prompts/ and the demo corpus, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# setup.py maps the checkout's top-level prompts/ and data/ here in the wheel (assistant/_bundle/prompts, …/data),
# because the product card fixes them at the top of the checkout while an installed package has no "top".
WHEEL_BUNDLE = Path(__file__).resolve().parent / "_bundle"


def bundled(relative: str) -> Path:
    """The shipped folder `relative` ("prompts", "data/sample"): the wheel's copy if installed, else the checkout's.

    The wheel's copy is tried first: in site-packages, PROJECT_ROOT is site-packages itself, where an unrelated
    distribution could own a folder of the same name."""
    packaged = WHEEL_BUNDLE / relative
    return packaged if packaged.is_dir() else PROJECT_ROOT / relative
