"""Costs for one sample: the value, the gradient with respect to a^L, and the stable forms.

Where the output activation makes a cancellation possible (sigmoid + cross_entropy,
softmax + log_likelihood) delta^L is a - y exactly; the cost is then computed from z so that
a saturated unit gives a large finite cost instead of inf or nan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation, log1m_softmax, log_softmax, sigmoid, softplus

Array = np.ndarray


@dataclass(frozen=True)
class Cost:
    name: str
    formula: str  # C_x in Nielsen's notation
    grad_formula: str  # dC/da^L_j


COSTS: dict[str, Cost] = {
    c.name: c
    for c in (
        Cost("quadratic", "Cₓ = ½ Σⱼ (yⱼ − aᴸⱼ)²", "∂C/∂aᴸⱼ = aᴸⱼ − yⱼ"),
        Cost(
            "cross_entropy",
            "Cₓ = −Σⱼ [yⱼ ln aᴸⱼ + (1 − yⱼ) ln(1 − aᴸⱼ)]",
            "∂C/∂aᴸⱼ = (aᴸⱼ − yⱼ) / (aᴸⱼ(1 − aᴸⱼ))",
        ),
        Cost("log_likelihood", "Cₓ = −Σⱼ yⱼ ln aᴸⱼ", "∂C/∂aᴸⱼ = −yⱼ / aᴸⱼ"),
    )
}


def cancels(cost: Cost, act: Activation) -> bool:
    """True for the two pairs where sigma' (or the softmax Jacobian) cancels against dC/da."""
    return (cost.name, act.name) in (("cross_entropy", "sigmoid"), ("log_likelihood", "softmax"))


def _log_a_and_log_1ma(z: Array, act: Activation) -> tuple[Array, Array]:
    """ln a and ln(1 - a) from z, without forming a = 1.0 and taking ln 0."""
    if act.name == "sigmoid":
        return -softplus(-z), -softplus(z)
    return log_softmax(z), log1m_softmax(z)


def cost_value(cost: Cost, act: Activation, z: Array, a: Array, y: Array) -> Array:
    """C_x for each row of z/a/y (shape (m, n_L)) -> shape (m,)."""
    if cost.name == "quadratic":
        return 0.5 * np.sum((y - a) ** 2, axis=-1)
    log_a, log_1ma = _log_a_and_log_1ma(z, act)
    # 0 * (-inf) must count as 0: a target of 0 does not care how small a is.
    first = np.where(y != 0, y * log_a, 0.0)
    if cost.name == "log_likelihood":
        return -np.sum(first, axis=-1)
    second = np.where(1 - y != 0, (1 - y) * log_1ma, 0.0)
    return -np.sum(first + second, axis=-1)


def grad_a(cost: Cost, act: Activation, z: Array, a: Array, y: Array) -> Array:
    """dC_x/da^L, elementwise, shape like a. May be huge for a saturated unit, never nan."""
    if cost.name == "quadratic":
        return a - y
    if act.name == "sigmoid":
        one_minus_a = sigmoid(-z)  # 1 - a without cancellation error
    elif act.name == "softmax":
        one_minus_a = np.exp(log1m_softmax(z))
    else:
        one_minus_a = 1.0 - a
    with np.errstate(divide="ignore"):
        g = np.where(y != 0, -y / a, 0.0)
        if cost.name == "cross_entropy":
            g = g + np.where(1 - y != 0, (1 - y) / one_minus_a, 0.0)
    return g


def output_delta(cost: Cost, act: Activation, z: Array, a: Array, y: Array, dC_da: Array) -> Array:
    """BP1 for a batch (rows are samples): delta^L = grad_a C (.) sigma'(z^L), or its Jacobian form."""
    if cancels(cost, act):
        if act.name == "sigmoid":
            return a - y
        return a * np.sum(y, axis=-1, keepdims=True) - y
    if act.elementwise:
        return dC_da * act.prime(z)
    # softmax: delta_j = sum_i dC/da_i * a_i (1[i=j] - a_j) = a_j (g_j - g . a)
    return a * (dC_da - np.sum(dC_da * a, axis=-1, keepdims=True))
