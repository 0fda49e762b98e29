"""Single-width symbols and words the UI uses for outcomes and verdicts (no emoji, no U+FE0F)."""

from __future__ import annotations

from bptutor.core.session import AFTER_HINTS, AFTER_TRIES, FIRST_TRY, REVEALED

MIN_WIDTH, MIN_HEIGHT = 60, 16
ENLARGE = f"Please enlarge the terminal to at least {MIN_WIDTH}x{MIN_HEIGHT}."

SHOWN = "shown"  # a step that was not asked: shown worked

# ledger mark and the style class it is drawn with
MARKS: dict[str, tuple[str, str]] = {
    FIRST_TRY: ("✓ first", "right"),
    AFTER_TRIES: ("✓ retry", "close"),
    AFTER_HINTS: ("✓ hints", "hint"),
    REVEALED: ("✗ revealed", "wrong"),
    SHOWN: ("• shown", "muted"),
}

VERDICT_SIGNS = {"right": "✓", "close": "≈", "wrong": "✗", "not_understood": "?"}
