"""How numbers are shown: rounded to the lesson's significant figures, typeable back."""

from __future__ import annotations

import pytest

from bptutor.core.notation import fmt, shown


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (0.10403, 4, "0.1040"),  # rounded: the trailing zero is a significant figure
        (0.99999999, 4, "1.000"),  # rounded up to 1, still four figures
        (4.0, 4, "4"),  # exact: no padding with zeros
        (0.1, 4, "0.1"),  # exact at this precision
        (0.30000000000000004, 4, "0.3"),  # 0.1 + 0.2: round-off, not a measurement
        (-0.0580492, 4, "-0.05805"),  # sign kept
        (123456.7, 4, "1.235e5"),  # an exponent without '+' or leading zeros
        (2.5e-7, 4, "2.5e-7"),
        (0.0, 4, "0"),
    ],
)
def test_fmt(value, digits, text):
    assert fmt(value, digits) == text
    assert shown(value, digits) == float(text)  # what a learner copies is the same number
