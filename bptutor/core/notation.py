"""Nielsen's symbols as Unicode text, and numbers as a learner sees them on screen."""

from __future__ import annotations

import math
from functools import lru_cache

_SUP = str.maketrans("0123456789+-()l", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ˡ")
_SUB = str.maketrans("0123456789jkx", "₀₁₂₃₄₅₆₇₈₉ⱼₖₓ")


@lru_cache(maxsize=1 << 16)
def sup(n: int | str) -> str:
    return str(n).translate(_SUP)


@lru_cache(maxsize=1 << 16)  # labels repeat across steps; a 784-input z quotes 1569 of them
def sub(*ns: int | str) -> str:
    """Subscripts; several indices run together (w³₁₂) unless one has two digits (w³₁₀,₂)."""
    parts = [str(n) for n in ns]
    sep = "," if any(len(p) > 1 for p in parts) else ""
    return sep.join(p.translate(_SUB) for p in parts)


@lru_cache(maxsize=1 << 16)
def sym(letter: str, layer: int | str, *idx: int | str) -> str:
    """e.g. sym("w", 3, 1, 2) -> 'w³₁₂'."""
    return f"{letter}{sup(layer)}{sub(*idx)}"


def fmt(value: float, digits: int = 4) -> str:
    """A value rounded to `digits` significant figures, plain ASCII so it can be typed back."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    text = format(value, f".{digits}g")
    if abs(float(text) - value) > 1e-9 * abs(value):  # rounded: trailing zeros are significant (0.1040, not 0.104)
        text = format(value, f"#.{digits}g").rstrip(".")
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


def shown(value: float, digits: int = 4) -> float:
    """The number a careful learner copies from the screen."""
    return float(fmt(value, digits)) if math.isfinite(value) else value
