"""Read and evaluate what a learner types as an answer, safely.

A small tokenizer and recursive-descent parser (no eval, exec, compile or ast) so that every
error can say what went wrong and at which column, and so that every input is bounded: at most
200 characters, 50 levels of nesting and exponents of at most 1000, all in Python floats.
"""

from __future__ import annotations

import difflib
import heapq
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NoReturn

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "AnswerSyntaxError",
    "ParsedAnswer",
    "canonical_name",
    "evaluate_answer",
]

MAX_LENGTH = 200
MAX_DEPTH = 50
MAX_EXPONENT = 1000.0


class AnswerSyntaxError(ValueError):
    """A typed answer that cannot be read: a short learner-facing message and a 0-based offset (or -1)."""

    def __init__(self, message: str, position: int = -1) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ParsedAnswer:
    """The value of an accepted answer, its normalised text, notes on how it was read, and the names it used."""

    value: float
    text: str
    notes: tuple[str, ...] = ()
    names_used: tuple[str, ...] = ()


def _fail(what: str, pos: int, suffix: str = "") -> AnswerSyntaxError:
    return AnswerSyntaxError(f"{what} at column {pos + 1}{suffix}", pos)


def _show(text: str) -> str:
    """Typed text quoted in a message, shortened so the message stays one short line."""
    return text if len(text) <= 20 else text[:19] + "…"


# --- characters -----------------------------------------------------------------------------

_DIGITS = "0123456789"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
_SCRIPT_DIGITS = {c: ("sup", str(i)) for i, c in enumerate(_SUPERSCRIPTS)} | {
    c: ("sub", str(i)) for i, c in enumerate(_SUBSCRIPTS)
}
_PRIMES = "'′"
# Pasted look-alikes, replaced one character for one so columns stay right.
_LOOKALIKES = str.maketrans(
    {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-",
     "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u2217": "*", "\u00f7": "/", "\u2215": "/"}
)
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _letter(ch: str) -> str:
    """One non-digit label character: Greek letters by name (δ -> delta), primes as 'prime', else lower-case."""
    name = unicodedata.name(ch, "")
    if ch in _PRIMES:
        return "prime"
    if name.startswith("GREEK") and " LETTER " in name:
        words = name.split(" LETTER ", 1)[1].split()
        return (words[1] if words[0] == "FINAL" and len(words) > 1 else words[0]).lower()
    return ch.lower()


_PLAIN = re.compile(r"(?!d[0-9])[a-z]+(?:[0-9]+(?:,[0-9]+)*)?")


def canonical_name(label: str) -> str:
    """The one key under which a label is looked up, however it was spelt.

    Rule: superscript/subscript digits become ASCII digits; ``^ _ { }`` and spaces are dropped;
    Greek letters become their English names (δ/Δ -> delta, σ -> sigma, η -> eta); ``'`` and
    ``′`` become ``prime``; everything is lower-cased; a bare ``d`` followed only by indices
    means delta (d31 -> delta31). Indices are single digits run together (a^2_1 -> a21,
    w³₁₂ -> w312) unless the label has a comma, which marks multi-digit indices: then the index
    groups (split at ``^ _ { } ,``, spaces and super/subscript changes) are joined with commas
    (w²₁₀,₇₈₄ -> w2,10,784; w^2_{10,784} too). Other characters are kept. The result is
    ASCII for ordinary labels, typable, and canonical_name(canonical_name(x)) == canonical_name(x).
    """
    if _PLAIN.fullmatch(label):
        return label  # already canonical: keeps big `names` tables cheap
    # NFKC (𝑎 -> a, ′′ for ″) except for super/subscript digits, whose script marks index groups.
    label = "".join(ch if ch in _SCRIPT_DIGITS else unicodedata.normalize("NFKC", ch) for ch in label)
    parts: list[list] = []  # [is_digits, text]
    run: str | None = None  # script of the digit group being read, None between groups
    for ch in label:
        if ch in _DIGITS or ch in _SCRIPT_DIGITS:
            script, digit = _SCRIPT_DIGITS.get(ch, ("ascii", ch))
            if run == script:
                parts[-1][1] += digit
            else:
                parts.append([True, digit])
                run = script
            continue
        run = None
        if ch not in "^_{}," and not ch.isspace():
            parts.append([False, _letter(ch)])
    sep = "," if "," in label else ""
    out = ""
    for i, (is_digits, text) in enumerate(parts):
        out += (sep if is_digits and i and parts[i - 1][0] else "") + text
    return "delta" + out[1:] if re.fullmatch(r"d[0-9][0-9,]*", out) else out


# --- functions ------------------------------------------------------------------------------


def _sigmoid(x: float) -> float:
    e = math.exp(-abs(x))
    return 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)


def _sigmoid_prime(x: float) -> float:
    e = math.exp(-abs(x))
    return e / (1.0 + e) ** 2


_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "exp": math.exp, "ln": math.log, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "sigmoid": _sigmoid, "sigma": _sigmoid, "sigmoidprime": _sigmoid_prime, "sigmaprime": _sigmoid_prime,
    "tanhprime": lambda x: 1.0 - math.tanh(x) ** 2,
}
_FUNCTION_NOTES = {
    "log": "log read as natural log (ln)",
    "sigmoidprime": "σ' read as the sigmoid's derivative σ(z)(1 - σ(z))",
    "sigmaprime": "σ' read as the sigmoid's derivative σ(z)(1 - σ(z))",
    "tanhprime": "tanh' read as tanh's derivative 1 - tanh(z)²",
}


# --- tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num", "name", "sup" (a superscript power), "op" (+ - * / ** ^ % ( )) or "end"
    text: str
    pos: int
    value: float = 0.0


def _name_end(s: str, i: int) -> int:
    """Where a label starting at s[i] ends: letters, digits, sub/superscripts, primes, ^ _ { } and index commas."""
    j, braces, n = i + 1, 0, len(s)
    while j < n:
        c, nxt = s[j], s[j + 1 : j + 2]
        if c.isalnum() or c in _PRIMES:
            pass
        elif c in "^_":
            if not (nxt.isalnum() or nxt == "{"):
                break
        elif c == "{":
            braces += 1
        elif c == "}" and braces:
            braces -= 1
        elif c == "," and nxt and (nxt in _DIGITS or nxt in _SCRIPT_DIGITS):
            pass  # multi-digit indices: w²₁₀,₇₈₄
        else:
            break
        j += 1
    return j


def _digit_at(s: str, j: int) -> bool:
    return j < len(s) and s[j] in _DIGITS


def _tokenize(s: str, known: set[str]) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch.isspace():
            i += 1
        elif ch in _DIGITS or (ch == "." and _digit_at(s, i + 1)):
            j = _NUMBER.match(s, i).end()
            text = s[i:j]
            if s[j : j + 1] == "," and _digit_at(s, j + 1):
                frac = re.match(r"[0-9]+", s[j + 1 :]).group()
                hint = _show(f"{text}.{frac}") if text.isdigit() else "a dot"
                raise AnswerSyntaxError(f"use a dot for decimals: {hint} (comma at column {j + 1})", j)
            if s[j : j + 1] == ".":
                raise _fail(f"unexpected '.' after {_show(text)}", j)
            value = float(text)
            if not math.isfinite(value):
                raise _fail(f"{_show(text)} is too large to be a number", i)
            toks.append(_Tok("num", text, i, value))
            i = j
        elif s.startswith("**", i):
            toks.append(_Tok("op", "**", i))
            i += 2
        elif ch in "+-*/^%()":
            toks.append(_Tok("op", ch, i))
            i += 1
        elif ch in _SUPERSCRIPTS or ch in "⁻⁺":
            j = i
            while j < n and (s[j] in _SUPERSCRIPTS or s[j] in "⁻⁺"):
                j += 1
            plain = s[i:j].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+"))
            if not re.fullmatch(r"[+-]?[0-9]+", plain):
                raise _fail(f"cannot read the power {s[i:j]}", i)
            toks.append(_Tok("sup", s[i:j], i, float(plain)))
            i = j
        elif ch.isalpha():
            j = _name_end(s, i)
            span = s[i:j]
            if canonical_name(span) not in known:
                # "a21^2" or "a21²": a known label followed by a power, not an unknown label.
                cuts = [k for k in range(1, min(len(span), 40))  # labels are short; keeps this O(n)
                        if span[k] == "^" or (span[k] in _SUPERSCRIPTS and span[k - 1] not in _SUPERSCRIPTS)]
                for k in reversed(cuts):
                    if canonical_name(span[:k]) in known:
                        j = i + k
                        break
            toks.append(_Tok("name", s[i:j], i))
            i = j
        else:
            raise _fail(f"unexpected character '{ch}'", i)
    toks.append(_Tok("end", "", n))
    return toks


# --- parser ---------------------------------------------------------------------------------
# Grammar (like Python's, with ^ as **):
#   expr    := term (("+" | "-") term)*
#   term    := unary (("*" | "/") unary)*
#   unary   := ("+" | "-") unary | power
#   power   := postfix (("**" | "^") unary)?
#   postfix := primary ("%" | superscript)*
#   primary := number | name | function "(" expr ")" | "(" expr ")"
# Nodes are tuples: ("num", v), ("neg", x), ("pct", x), ("bin", op, a, b, pos),
# ("pow", a, b, pos), ("call", key, x, pos, typed).


class _Parser:
    def __init__(self, toks: list[_Tok], names: Mapping[str, float]) -> None:
        self.toks, self.names, self.i, self.depth, self.open = toks, names, 0, 0, 0
        self.notes: dict[str, None] = {}
        self.used: dict[str, None] = {}

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        self.i += 1
        return self.toks[self.i - 1]

    def at(self, *ops: str) -> bool:
        t = self.peek()
        return t.kind == "op" and t.text in ops

    def parse(self) -> tuple:
        node = self.expr()
        if self.peek().kind != "end":
            self.stray(self.peek())
        return node

    def stray(self, t: _Tok) -> NoReturn:
        """A token where an operator or the end was expected."""
        if t.kind == "op" and t.text == ")":
            raise _fail("unbalanced parentheses: ')' has no matching '('", t.pos)
        if t.kind in ("num", "name") or t.text == "(":
            raise _fail(f"missing operator between {_show(self.toks[self.i - 1].text)} and {_show(t.text)}", t.pos)
        raise _fail(f"unexpected '{t.text}'", t.pos)

    def expr(self) -> tuple:
        node = self.term()
        while self.at("+", "-"):
            t = self.take()
            node = ("bin", t.text, node, self.term(), t.pos)
        return node

    def term(self) -> tuple:
        node = self.unary()
        while self.at("*", "/"):
            t = self.take()
            node = ("bin", t.text, node, self.unary(), t.pos)
        return node

    def unary(self) -> tuple:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _fail(f"the answer is nested too deeply (at most {MAX_DEPTH} levels)", self.peek().pos)
        if self.at("+", "-"):
            sign = self.take().text
            node = self.unary()
            node = ("neg", node) if sign == "-" else node
        else:
            node = self.power()
        self.depth -= 1
        return node

    def power(self) -> tuple:
        base = self.postfix()
        if self.at("**", "^"):
            t = self.take()
            if t.text == "^":
                self.notes["^ read as power (same as **)"] = None
            return ("pow", base, self.unary(), t.pos)
        return base

    def postfix(self) -> tuple:
        node, kind = self.primary()
        while True:
            t = self.peek()
            if t.kind == "op" and t.text == "%":
                if kind not in ("num", "group"):
                    raise _fail("% must follow a number or a bracket", t.pos)
                self.take()
                node, kind = ("pct", node), "pct"
                self.notes["% read as hundredths (25% = 0.25)"] = None
            elif t.kind == "sup":
                self.take()
                node, kind = ("pow", node, ("num", t.value), t.pos), "pow"
                self.notes[f"{t.text} read as power (same as **{t.value:g})"] = None
            else:
                return node

    def group(self, open_tok: _Tok) -> tuple:
        """The inside of a bracket whose '(' was just taken, and its ')'."""
        if self.at(")"):
            raise _fail("empty brackets", open_tok.pos)
        self.open += 1
        node = self.expr()
        t = self.peek()
        if t.kind == "end":
            raise _fail("unbalanced parentheses: '(' is never closed", open_tok.pos)
        if not self.at(")"):
            self.stray(t)
        self.take()
        self.open -= 1
        return node

    def primary(self) -> tuple[tuple, str]:
        t = self.take()
        if t.kind == "num":
            return ("num", t.value), "num"
        if t.kind == "name":
            return self.name(t)
        if t.kind == "op" and t.text == "(":
            return self.group(t), "group"
        if t.kind == "end":
            prev = self.toks[self.i - 2]
            if prev.text == "(":
                raise _fail("unbalanced parentheses: '(' is never closed", prev.pos)
            raise _fail(f"a number is missing after '{prev.text}'", prev.pos)
        if t.text == ")":
            if self.open:
                raise _fail("a number is missing before ')'", t.pos)
            raise _fail("unbalanced parentheses: ')' has no matching '('", t.pos)
        raise _fail(f"unexpected '{t.text}'", t.pos)

    def name(self, t: _Tok) -> tuple[tuple, str]:
        key = canonical_name(t.text)
        call = self.at("(")
        if key in _FUNCTIONS and (call or key not in self.names):
            if not call:
                raise _fail(f"{_show(t.text)} needs brackets: {_show(t.text)}(...)", t.pos)
            if key in _FUNCTION_NOTES:
                self.notes[_FUNCTION_NOTES[key]] = None
            return ("call", key, self.group(self.take()), t.pos, t.text), "call"
        if key in self.names:
            self.used[key] = None
            return ("num", self.names[key]), "name"
        if call:
            raise _fail(f'unknown function "{_show(t.text)}"', t.pos)
        if key in ("nan", "inf", "infinity"):
            raise AnswerSyntaxError(f"{_show(t.text)} is not an answer (column {t.pos + 1})", t.pos)
        raise _fail(f'unknown name "{_show(t.text)}"', t.pos, self.suggest(key))

    def suggest(self, key: str) -> str:
        """Names spelt like `key`: same letters and index length first (a99 -> a21), else difflib's."""
        stem = key.rstrip(_DIGITS + ",")
        if stem == "e":
            return " (for Euler's number write exp(1))"
        same = [k for k in self.names if len(k) == len(key) and k.startswith(stem) and k[len(stem) : len(stem) + 1].isdigit()]
        close = heapq.nsmallest(3, same, key=lambda k: sum(a != b for a, b in zip(key, k)))
        if not close and len(self.names) <= 500:  # difflib is slow on large lessons
            close = difflib.get_close_matches(key, self.names, n=3, cutoff=0.6)
        if not close:
            return ""
        return f" (did you mean {', '.join(close[:-1]) + ' or ' if len(close) > 1 else ''}{close[-1]}?)"


# --- evaluation -----------------------------------------------------------------------------


def _finite(x: float, pos: int) -> float:
    if math.isnan(x):
        raise _fail("the result is not a number", pos)
    if math.isinf(x):
        raise _fail("the result is too large to be a number", pos)
    return x


def _power(x: float, y: float, pos: int) -> float:
    if abs(y) > MAX_EXPONENT:
        raise _fail(f"the exponent is too large (at most {MAX_EXPONENT:g})", pos)
    if x == 0 and y < 0:
        raise _fail("division by zero (0 to a negative power)", pos)
    if x < 0 and y != int(y):
        raise _fail("a negative number to a fractional power has no real value", pos)
    try:
        return _finite(math.pow(x, y), pos)
    except OverflowError:
        raise _fail("the result is too large to be a number", pos) from None


def _call(key: str, x: float, pos: int, typed: str) -> float:
    if key in ("ln", "log") and x <= 0:
        raise _fail(f"{typed} needs a positive number", pos)
    if key == "sqrt" and x < 0:
        raise _fail(f"{typed} needs zero or a positive number", pos)
    try:
        return _finite(_FUNCTIONS[key](x), pos)
    except OverflowError:
        raise _fail("the result is too large to be a number", pos) from None


def _eval(node: tuple) -> float:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "neg":
        return -_eval(node[1])
    if kind == "pct":
        return _eval(node[1]) / 100.0
    if kind == "pow":
        return _power(_eval(node[1]), _eval(node[2]), node[3])
    if kind == "call":
        return _call(node[1], _eval(node[2]), node[3], node[4])
    _, op, a, b, pos = node
    x, y = _eval(a), _eval(b)
    if op == "/":
        if y == 0:
            raise _fail("division by zero", pos)
        return _finite(x / y, pos)
    return _finite(x + y if op == "+" else x - y if op == "-" else x * y, pos)


def evaluate_answer(text: str, names: Mapping[str, float] | None = None) -> ParsedAnswer:
    """Evaluate a typed answer to a finite float, or raise AnswerSyntaxError saying what and where.

    `names` maps labels of values already earned to their values; keys are passed through
    `canonical_name` again, so either spelling works.
    """
    stripped = text.strip()
    if not stripped:
        raise AnswerSyntaxError("type a number", -1)
    if len(stripped) > MAX_LENGTH:
        lead = len(text) - len(text.lstrip())
        raise AnswerSyntaxError(f"the answer is too long: at most {MAX_LENGTH} characters", lead + MAX_LENGTH)
    table = {canonical_name(k): float(v) for k, v in (names or {}).items()}
    s = text.translate(_LOOKALIKES)
    parser = _Parser(_tokenize(s, set(table) | set(_FUNCTIONS)), table)
    value = _eval(parser.parse())
    if not math.isfinite(value):
        raise AnswerSyntaxError("nan is not an answer" if math.isnan(value) else "the result is too large to be a number")
    return ParsedAnswer(value + 0.0, " ".join(s.split()), tuple(parser.notes), tuple(parser.used))
