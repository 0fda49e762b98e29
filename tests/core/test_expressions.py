"""Tests for bptutor.core.expressions: what a learner may type, what is refused, and that nothing hangs."""

from __future__ import annotations

import math
import pathlib
import re
import time
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptutor.core import expressions
from bptutor.core.expressions import (
    MAX_LENGTH,
    AnswerSyntaxError,
    ParsedAnswer,
    canonical_name,
    evaluate_answer,
)

# Labels as a lesson would give them; callers key `names` by canonical_name(label).
LABELS = {"a²₁": 0.574, "y₁": 1.0, "w³₁₂": 0.5, "δ³₁": -0.125, "a²₂": 0.25, "z³₁": 0.0, "w²₁₀,₇₈₄": 0.01}
NAMES = {canonical_name(k): v for k, v in LABELS.items()}


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


ACCEPTED = [
    ("0.25", 0.25),  # plain decimal
    (".25", 0.25),  # no leading zero
    ("5.", 5.0),  # trailing dot
    ("-2.5e-1", -0.25),  # signed scientific notation
    ("+1", 1.0),  # unary plus
    ("1E3", 1000.0),  # capital E exponent
    ("1e+2", 100.0),  # explicit exponent sign
    ("  0.5  ", 0.5),  # surrounding spaces
    ("\t0.5\n", 0.5),  # surrounding tabs/newlines
    ("1e-400", 0.0),  # underflow to zero is fine
    ("-0", 0.0),  # negative zero
    ("\u22120.5", -0.5),  # pasted Unicode minus
    ("\u20130.5", -0.5),  # pasted en dash
    ("2×3", 6.0),  # multiplication sign
    ("2·3", 6.0),  # middle dot as multiply
    ("6÷4", 1.5),  # division sign
    ("1/4", 0.25),  # fraction
    ("-1/4", -0.25),  # negative fraction
    ("3/4/3", 0.25),  # left-associative division
    ("25%", 0.25),  # percentage
    ("2.5 %", 0.025),  # percentage with a space
    ("(1+1)%", 0.02),  # percentage of a bracket
    ("2^50%", 2**0.5),  # % binds tighter than ^
    ("1 + 2 * 3", 7.0),  # precedence
    ("(1 + 2) * 3", 9.0),  # brackets
    ("1 - 2 - 3", -4.0),  # left-associative minus
    ("2**3", 8.0),  # Python power
    ("2^3", 8.0),  # caret power
    ("2^3^2", 512.0),  # right-associative power
    ("2**3**2", 512.0),  # right-associative power
    ("-2**2", -4.0),  # unary minus binds looser than power (as in Python)
    ("(-2)**2", 4.0),  # bracketed negative base
    ("2^-1", 0.5),  # negative exponent
    ("(-8)^(1/1)", -8.0),  # negative base, integer exponent
    ("--1", 1.0),  # double negation
    ("0.5²", 0.25),  # superscript power
    ("(1+1)³", 8.0),  # superscript power on a bracket
    ("2⁻¹", 0.5),  # superscript negative power
    ("exp(1)", math.e),  # Euler's number
    ("EXP(0)", 1.0),  # function names are case-insensitive
    ("ln(2)", math.log(2)),  # natural log
    ("log(2)", math.log(2)),  # log is natural log too
    ("sqrt(0.25)", 0.5),  # square root
    ("sqrt(0)", 0.0),  # square root of zero
    ("sigmoid(0)", 0.5),  # logistic function
    ("σ(1)", sig(1)),  # sigma as the logistic function
    ("σ(-1000)", 0.0),  # no overflow in the tail
    ("tanh(1)", math.tanh(1)),  # hyperbolic tangent
    ("σ'(0)", 0.25),  # sigmoid derivative, ASCII prime
    ("σ′(2)", sig(2) * (1 - sig(2))),  # sigmoid derivative, Unicode prime
    ("sigmoid'(0)", 0.25),  # sigmoid derivative by name
    ("tanh'(0)", 1.0),  # tanh derivative
    ("exp(-1000)", 0.0),  # underflow is fine
    ("1/(1+exp(-0.5))", sig(0.5)),  # a typical hand computation
    ("((((1))))", 1.0),  # harmless nesting
    ("1" * MAX_LENGTH, float("1" * MAX_LENGTH)),  # exactly the maximum length
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: float) -> None:
    got = evaluate_answer(text)
    assert isinstance(got, ParsedAnswer)
    assert math.isclose(got.value, expected, rel_tol=1e-12, abs_tol=1e-300)
    assert math.isfinite(got.value)


REFERENCES = [
    ("a21", 0.574),  # canonical spelling
    ("a^2_1", 0.574),  # LaTeX-ish
    ("a^{2}_{1}", 0.574),  # LaTeX with braces
    ("a2_1", 0.574),  # underscore only
    ("a²₁", 0.574),  # Unicode super/subscripts, as displayed
    ("A21", 0.574),  # case-insensitive
    ("δ³₁", -0.125),  # Greek delta
    ("delta31", -0.125),  # delta spelt out
    ("delta^3_1", -0.125),  # delta spelt out with markers
    ("Δ31", -0.125),  # capital Delta lower-cases to delta
    ("d31", -0.125),  # d as short for delta
    ("w³₁₂", 0.5),  # weight w^l_jk
    ("w^3_{12}", 0.5),  # weight, LaTeX-ish
    ("w312", 0.5),  # weight, canonical
    ("w²₁₀,₇₈₄", 0.01),  # multi-digit indices with a comma
    ("w^2_{10,784}", 0.01),  # same, LaTeX-ish
    ("w2,10,784", 0.01),  # same, canonical
    ("a21*(1-a21)", 0.574 * (1 - 0.574)),  # sigmoid derivative from an earned activation
    ("(a21 - y1) * σ'(z31)", (0.574 - 1.0) * 0.25),  # a delta from earned values
    ("a21^2", 0.574**2),  # a known label followed by ^ is a power
    ("a21²", 0.574**2),  # a known label followed by a superscript is a power
    ("δ³₁ * a²₂", -0.125 * 0.25),  # a gradient from two references
    ("-d31", 0.125),  # negated reference
]


@pytest.mark.parametrize(("text", "expected"), REFERENCES)
def test_references(text: str, expected: float) -> None:
    assert math.isclose(evaluate_answer(text, NAMES).value, expected, rel_tol=1e-12)


REJECTED = [
    ("", "type a number"),  # empty
    ("   ", "type a number"),  # blank
    ("2,5", "use a dot for decimals: 2.5"),  # decimal comma
    ("-0,25", "use a dot for decimals: 0.25"),  # decimal comma after a sign
    ("1/0", "division by zero at column 2"),  # divide by zero
    ("1/(1-1)", "division by zero"),  # divide by a zero expression
    ("0^-1", "division by zero"),  # zero to a negative power
    ("nan", "nan is not an answer"),  # not a number
    ("NaN", "NaN is not an answer"),  # any case
    ("inf", "inf is not an answer"),  # infinity
    ("-inf", "inf is not an answer"),  # negative infinity
    ("1e999", "too large to be a number"),  # literal overflows
    ("1e308*10", "the result is too large to be a number"),  # product overflows
    ("10**400", "the result is too large to be a number"),  # power overflows
    ("exp(1000)", "the result is too large to be a number"),  # exp overflows
    ("9**9**9", "the exponent is too large"),  # tower: rejected, not computed
    ("2^1001", "the exponent is too large"),  # exponent bound
    ("(-8)^(1/3)", "fractional power"),  # no complex results
    ("(1+2", "'(' is never closed at column 1"),  # unclosed bracket
    ("(", "'(' is never closed at column 1"),  # lone bracket
    ("1+2)", "')' has no matching '(' at column 4"),  # extra closing bracket
    (")", "')' has no matching '(' at column 1"),  # lone closing bracket
    ("()", "empty brackets at column 1"),  # nothing inside
    ("exp()", "empty brackets at column 4"),  # nothing inside a call
    ("(1+)", "a number is missing before ')' at column 4"),  # operand missing inside
    ("2 $", "unexpected character '$' at column 3"),  # unknown character
    ("1;2", "unexpected character ';' at column 2"),  # statement separator
    ("__import__('os')", "unexpected character '_' at column 1"),  # never executed
    ("a21.__class__", "unexpected character '.' at column 4"),  # no attribute access
    ("os.system('ls')", "unexpected character '.' at column 3"),  # never executed
    ("lambda: 1", "unexpected character ':' at column 7"),  # no Python syntax
    ("lambda", 'unknown name "lambda" at column 1'),  # not a keyword here
    ("ln(-1)", "ln needs a positive number at column 1"),  # log domain
    ("log(0)", "log needs a positive number"),  # log domain, zero
    ("sqrt(-1)", "sqrt needs zero or a positive number"),  # sqrt domain
    ("2a21", "missing operator between 2 and a21 at column 2"),  # implicit multiplication
    ("2(3)", "missing operator between 2 and ( at column 2"),  # implicit multiplication
    ("(1)(2)", "missing operator between ) and ( at column 4"),  # implicit multiplication
    ("2 3", "missing operator between 2 and 3 at column 3"),  # a space is not an operator
    ("a21 y1", "missing operator between a21 and y1 at column 5"),  # two references
    ("a21(2)", "missing operator between a21 and ("),  # a reference is not a function
    ("2e", "missing operator between 2 and e"),  # incomplete exponent
    ("1.2.3", "unexpected '.' after 1.2 at column 4"),  # two decimal points
    ("1+", "a number is missing after '+' at column 2"),  # trailing operator
    ("*2", "unexpected '*' at column 1"),  # leading operator
    ("2^^3", "unexpected '^' at column 3"),  # doubled operator
    ("2⁻", "cannot read the power"),  # lone superscript minus
    ("a99", 'unknown name "a99" at column 1 (did you mean'),  # unknown reference, close ones suggested
    ("x", 'unknown name "x" at column 1'),  # unknown reference
    ("e", "exp(1)"),  # no bare e: hint at exp(1)
    ("e^2", "for Euler's number write exp(1)"),  # e to a power: same hint
    ("foo(1)", 'unknown function "foo" at column 1'),  # unknown function
    ("exp 1", "exp needs brackets: exp(...) at column 1"),  # function without brackets
    ("a21%", "% must follow a number or a bracket"),  # % only on numbers/brackets
    ("25%%", "% must follow a number or a bracket at column 4"),  # double %
    ("7 % 3", "missing operator between % and 3"),  # % is not modulo
    (",5", "unexpected character ','"),  # stray comma
    ("1" * (MAX_LENGTH + 1), "at most 200 characters"),  # too long
    ("(" * 60 + "1" + ")" * 60, "nested too deeply"),  # deep brackets within the length limit
    ("-" * 60 + "1", "nested too deeply"),  # deep unary chain
    ("2^" * 60 + "1", "nested too deeply"),  # deep power tower
]


@pytest.mark.parametrize(("text", "fragment"), REJECTED)
def test_rejected(text: str, fragment: str) -> None:
    with pytest.raises(AnswerSyntaxError) as info:
        evaluate_answer(text, NAMES)
    assert fragment in info.value.message
    assert str(info.value) == info.value.message
    column = re.search(r"column (\d+)", info.value.message)
    if column:  # "column N" is 1-based, position 0-based
        assert info.value.position == int(column.group(1)) - 1


def test_suggestions_name_close_labels() -> None:
    with pytest.raises(AnswerSyntaxError, match=r"did you mean a21 or a22\?"):
        evaluate_answer("a99", NAMES)
    with pytest.raises(AnswerSyntaxError, match=r"did you mean w2,10,784\b"):  # closest first
        evaluate_answer("w2,10,785", NAMES)


def test_large_names_tables_stay_fast() -> None:
    names = {f"w2,{j},{k}": 0.1 for j in range(1, 31) for k in range(1, 101)} | NAMES
    assert evaluate_answer("w2,30,100 + a21", names).value == pytest.approx(0.674)
    with pytest.raises(AnswerSyntaxError, match="did you mean a21"):
        evaluate_answer("a99", names)
    start = time.perf_counter()
    for text in ("w2,30,100 + a21", "a99", "w2,10,1000"):
        try:
            evaluate_answer(text, names)
        except AnswerSyntaxError:
            pass
    assert time.perf_counter() - start < 2.0  # 3,000 names, three answers: no hang (speed is measured in bench/)


def test_error_is_a_value_error_with_position() -> None:
    with pytest.raises(ValueError) as info:
        evaluate_answer("1 + $")
    assert isinstance(info.value, AnswerSyntaxError)
    assert info.value.position == 4
    assert info.value.message == "unexpected character '$' at column 5"
    assert evaluate_answer.__module__ == "bptutor.core.expressions"


def test_empty_has_no_position() -> None:
    with pytest.raises(AnswerSyntaxError) as info:
        evaluate_answer("")
    assert info.value.position == -1


NOTES = [
    ("2^3", "^ read as power (same as **)"),  # caret
    ("log(2)", "log read as natural log (ln)"),  # log base
    ("25%", "% read as hundredths (25% = 0.25)"),  # percent
    ("3²", "² read as power (same as **2)"),  # superscript
    ("σ'(0)", "σ' read as the sigmoid's derivative σ(z)(1 - σ(z))"),  # sigma prime
]


@pytest.mark.parametrize(("text", "note"), NOTES)
def test_notes(text: str, note: str) -> None:
    assert evaluate_answer(text).notes == (note,)


def test_plain_answers_have_no_notes_and_notes_are_not_repeated() -> None:
    assert evaluate_answer("2**3 + ln(1)").notes == ()
    assert evaluate_answer("2^2^2").notes == ("^ read as power (same as **)",)


def test_normalised_text_and_names_used() -> None:
    got = evaluate_answer("  (a²₁ \u2212 y₁) × a21  ", NAMES)
    assert got.text == "(a²₁ - y₁) * a21"
    assert got.names_used == ("a21", "y1")
    assert evaluate_answer("0.5").names_used == ()


def test_names_keys_are_canonicalised_again() -> None:
    assert evaluate_answer("delta31", {"δ³₁": 2.0}).value == 2.0
    assert evaluate_answer("δ³₁", {"delta31": 2.0}).value == 2.0


def test_a_name_may_shadow_a_function_only_without_brackets() -> None:
    names = {"exp": 3.0}
    assert evaluate_answer("exp", names).value == 3.0
    assert evaluate_answer("exp(0)", names).value == 1.0


def test_parsed_answer_is_frozen() -> None:
    got = evaluate_answer("1")
    with pytest.raises(AttributeError):
        got.value = 2.0  # type: ignore[misc]


CANONICAL = [
    ("δ³₁", "delta31"),  # Greek + super/subscripts
    ("delta^3_1", "delta31"),  # ASCII markers
    ("delta31", "delta31"),  # already canonical
    ("Δ31", "delta31"),  # capital Delta
    ("d31", "delta31"),  # d + indices means delta
    ("d^3_1", "delta31"),  # d with markers
    ("a^2_1", "a21"),  # activation
    ("a2_1", "a21"),  # underscore only
    ("a²₁", "a21"),  # Unicode
    ("a_{1}^{2}", "a12"),  # order of the indices is kept as typed
    ("w³₁₂", "w312"),  # weight: single-digit indices run together
    ("w^3_{12}", "w312"),  # same, LaTeX-ish
    ("w²₁₀,₇₈₄", "w2,10,784"),  # a comma marks multi-digit indices
    ("w^2_{10,784}", "w2,10,784"),  # same, LaTeX-ish
    ("w2_10,784", "w2,10,784"),  # same, mixed
    ("w2,10,784", "w2,10,784"),  # canonical is a fixed point
    ("Y1", "y1"),  # lower-cased
    (" y₁ ", "y1"),  # stripped
    ("σ", "sigma"),  # sigma stays the sigmoid, by name
    ("σ′", "sigmaprime"),  # Unicode prime
    ("σ'", "sigmaprime"),  # ASCII prime
    ("η", "eta"),  # learning rate
    ("Δw³₁₂", "deltaw312"),  # weight change: d-rule applies only to a bare d
    ("dw", "dw"),  # not a delta
    ("z^L_j", "zlj"),  # letter indices
    ("", ""),  # empty
]


@pytest.mark.parametrize(("label", "expected"), CANONICAL)
def test_canonical_name(label: str, expected: str) -> None:
    assert canonical_name(label) == expected
    assert canonical_name(expected) == expected


# --- bounded: every case must fail (or pass) quickly, never hang or blow the stack ----------

BOUNDED = [
    "9**9**9",  # power tower
    "9^9^9^9^9^9",  # longer tower
    "2**1000.5",  # just over the exponent bound
    "1" * 10_000,  # 10,000 characters of digits
    "1+" * 5_000 + "1",  # 10,001 characters of arithmetic
    "(" * 10_000 + "1" + ")" * 10_000,  # 10,000 nested brackets
    "-" * 10_000 + "1",  # 10,000 unary minuses
    "(" * 99 + ")" * 99 + "1",  # 199 characters of brackets
    "__import__('os').system('true')",  # code injection
    "a^" * 100,  # 200 characters of label-like text: no quadratic label splitting
    "w" + "₁" * 199,  # one 200-character label
    "2^" * 99 + "1",  # power tower within the length limit
    "exp(exp(exp(exp(10))))",  # overflow inside nested calls
    "10**308*10**308",  # product overflow
]


def _best_time(text: str) -> float:
    """Best of three runs, so a garbage-collector pause cannot fail the test."""
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        try:
            evaluate_answer(text, NAMES)
        except AnswerSyntaxError:
            pass
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("text", BOUNDED)
def test_bounded_inputs_fail_fast(text: str) -> None:
    with pytest.raises(AnswerSyntaxError):
        evaluate_answer(text, NAMES)
    assert _best_time(text) < 1.0  # bounded: fails on a hang or a huge power, not on a slow machine


def test_long_typed_text_is_shortened_in_messages() -> None:
    with pytest.raises(AnswerSyntaxError) as info:
        evaluate_answer("a" * 200)
    assert info.value.message == 'unknown name "' + "a" * 19 + '…" at column 1'


def test_largest_allowed_exponent_is_computed() -> None:
    assert evaluate_answer("2**1000").value == 2.0**1000
    assert evaluate_answer("0.5^-1000").value == 2.0**1000


def test_no_eval_exec_compile_or_ast() -> None:
    source = pathlib.Path(expressions.__file__).read_text(encoding="utf-8")
    assert not re.search(r"(?<![.\w])(eval|exec|compile|__import__)\s*\(", source)
    assert not re.search(r"^\s*(import|from)\s+(ast|textual|rich)\b", source, re.MULTILINE)


# --- properties -----------------------------------------------------------------------------

ALPHABET = "0123456789.+-*/^()e% ,abcxyzδσ²₁" + "\u2212×÷'_{}"
WORDS = ["exp", "ln", "log", "sqrt", "sigmoid", "σ", "σ'", "tanh", "a21", "y1", "d31", "w^2_{10,784}", "nan", "inf", "**"]
grammar_text = st.lists(st.one_of(st.sampled_from(list(ALPHABET)), st.sampled_from(WORDS)), max_size=60).map("".join)


def _finite_or_syntax_error(text: str) -> None:
    """Any text ends in a finite float or a syntax error, never another exception."""
    try:
        got = evaluate_answer(text, NAMES)
    except AnswerSyntaxError as exc:
        assert exc.message and str(exc) == exc.message
        assert -1 <= exc.position <= len(text)
    else:
        assert isinstance(got.value, float) and math.isfinite(got.value)


# A generous per-example deadline is the hang guard: a parse takes microseconds, a hang forever.
HANG_GUARD = timedelta(seconds=2)


@settings(deadline=HANG_GUARD, max_examples=500)
@given(st.text(max_size=300))
def test_any_text_gives_a_finite_float_or_a_syntax_error(text: str) -> None:
    _finite_or_syntax_error(text)


@settings(deadline=HANG_GUARD, max_examples=1500)
@given(grammar_text)
def test_grammar_like_text_gives_a_finite_float_or_a_syntax_error(text: str) -> None:
    _finite_or_syntax_error(text)


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="abcdwyzδΔσηAW'′^_{},0123456789²³₁₂₀", max_size=20))
def test_canonical_name_is_idempotent(label: str) -> None:
    once = canonical_name(label)
    assert canonical_name(once) == once
