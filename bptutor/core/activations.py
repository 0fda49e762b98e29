"""Activation functions, each a small record: the function, its derivative, its symbols.

Sigmoid and softmax are written so that |z| up to 1000 (and far beyond) stays finite and
raises no floating-point warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray


def sigmoid(z: Array) -> Array:
    """1/(1+e^-z) computed from e^-|z|, which never overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def sigmoid_prime(z: Array) -> Array:
    """sigma(z)(1 - sigma(z)) as e^-|z| / (1 + e^-|z|)^2: accurate in both tails."""
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    r = 1.0 / (1.0 + e)
    return e * r * r


def softplus(z: Array) -> Array:
    """ln(1 + e^z) without overflow; -ln(sigmoid(z)) == softplus(-z)."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def log_softmax(z: Array) -> Array:
    """ln softmax(z) along the last axis, shifted by max z so nothing overflows."""
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def log1m_softmax(z: Array) -> Array:
    """ln(1 - softmax(z)_j) as logsumexp over i != j minus logsumexp over all i: no 1 - a."""
    z = np.asarray(z, dtype=float)
    n = z.shape[-1]
    others = np.repeat(z[..., None, :], n, axis=-2)  # row j holds z with z_j masked out
    others[..., np.arange(n), np.arange(n)] = -np.inf
    top = np.max(others, axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        lse_others = np.where(np.isfinite(top[..., 0]), top[..., 0] + np.log(np.sum(np.exp(others - top), axis=-1)), -np.inf)
    full = np.max(z, axis=-1, keepdims=True)
    lse = full[..., 0] + np.log(np.sum(np.exp(z - full), axis=-1))
    return lse_others - lse[..., None]


def softmax(z: Array) -> Array:
    """exp(z - max z) / sum: the same value as the textbook form, without overflow."""
    return np.exp(log_softmax(z))


def softmax_jacobian(a: Array) -> Array:
    """da_i/dz_j = a_i (delta_ij - a_j) for one sample's softmax output a."""
    a = np.asarray(a, dtype=float)
    return np.diag(a) - np.outer(a, a)


def _tanh_prime(z: Array) -> Array:
    return 1.0 - np.tanh(z) ** 2


def _relu(z: Array) -> Array:
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def _relu_prime(z: Array) -> Array:
    # relu'(0) = 0, the convention of torch.relu; the lesson says so where it matters.
    return (np.asarray(z, dtype=float) > 0).astype(float)


def _identity(z: Array) -> Array:
    return np.array(z, dtype=float)


def _one(z: Array) -> Array:
    return np.ones_like(np.asarray(z, dtype=float))


@dataclass(frozen=True)
class Activation:
    """One activation: `fn` maps z to a; `prime` is its elementwise derivative (None for softmax)."""

    name: str
    fn: Callable[[Array], Array]
    prime: Callable[[Array], Array] | None
    formula: str  # a = ... in words a learner reads
    prime_formula: str  # the derivative, in the same notation

    @property
    def elementwise(self) -> bool:
        return self.prime is not None

    @property
    def range_in_unit_interval(self) -> bool:
        """True when every output lies strictly inside (0, 1), as log costs need."""
        return self.name in ("sigmoid", "softmax")


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, sigmoid_prime, "σ(z) = 1/(1 + e^(−z))", "σ′(z) = σ(z)(1 − σ(z))"),
        Activation("tanh", np.tanh, _tanh_prime, "σ(z) = tanh(z)", "σ′(z) = 1 − tanh²(z)"),
        Activation("relu", _relu, _relu_prime, "σ(z) = max(0, z)", "σ′(z) = 1 if z > 0 else 0 (σ′(0) = 0)"),
        Activation("linear", _identity, _one, "σ(z) = z", "σ′(z) = 1"),
        Activation(
            "softmax",
            softmax,
            None,
            "aⱼ = e^(zⱼ) / Σᵢ e^(zᵢ)",
            "∂aᵢ/∂zⱼ = aᵢ(1[i=j] − aⱼ)",
        ),
    )
}
