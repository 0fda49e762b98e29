"""The network and its forward pass, which keeps every z and a (the trace).

Vectors are always 1-D (n,) and batches (m, n): a flat list from a lesson never meets an
(n, 1) column, so nothing can silently broadcast into a matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, Activation
from .costs import COSTS, Cost

Array = np.ndarray


@dataclass(frozen=True)
class Network:
    """sizes[0] inputs .. sizes[-1] outputs; weights[i] is w^(i+2), shape (n_(i+2), n_(i+1))."""

    sizes: tuple[int, ...]
    activations: tuple[Activation, ...]
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]

    @classmethod
    def build(cls, sizes, activations, weights, biases) -> "Network":
        acts = [activations] * (len(sizes) - 1) if isinstance(activations, str) else list(activations)
        net = cls(
            tuple(int(n) for n in sizes),
            tuple(ACTIVATIONS[a] if isinstance(a, str) else a for a in acts),
            tuple(np.array(w, dtype=float).reshape(n_out, n_in) for w, n_in, n_out in zip(weights, sizes, sizes[1:])),
            tuple(np.array(b, dtype=float).reshape(n) for b, n in zip(biases, sizes[1:])),
        )
        return net

    @property
    def L(self) -> int:
        """Number of layers, counting the input layer as layer 1."""
        return len(self.sizes)

    def w(self, layer: int) -> Array:
        """w^layer, numbered by the layer it feeds (2..L)."""
        return self.weights[layer - 2]

    def b(self, layer: int) -> Array:
        return self.biases[layer - 2]

    def act(self, layer: int) -> Activation:
        return self.activations[layer - 2]

    def with_params(self, weights, biases) -> "Network":
        return Network(self.sizes, self.activations, tuple(weights), tuple(biases))


@dataclass(frozen=True)
class Problem:
    """Everything the maths needs: a network, a cost, a mini-batch and a learning rate."""

    network: Network
    cost: Cost
    x: Array  # (m, n_1)
    y: Array  # (m, n_L)
    eta: float | None = None

    @classmethod
    def build(cls, network: Network, cost: str | Cost, x, y, eta: float | None = None) -> "Problem":
        m = len(x)
        x = np.array(x, dtype=float).reshape(m, network.sizes[0])
        y = np.array(y, dtype=float).reshape(m, network.sizes[-1])
        return cls(network, COSTS[cost] if isinstance(cost, str) else cost, x, y, None if eta is None else float(eta))

    @property
    def m(self) -> int:
        return self.x.shape[0]


@dataclass(frozen=True)
class ForwardTrace:
    """z[i] is z^(i+2) and a[i] is a^(i+1) (a[0] is x), each with one row per sample."""

    z: tuple[Array, ...]
    a: tuple[Array, ...]


def forward(net: Network, x: Array) -> ForwardTrace:
    """z^l = w^l a^(l-1) + b^l and a^l = act(z^l) for every layer, for every row of x."""
    a = np.atleast_2d(np.asarray(x, dtype=float))
    zs, acts = [], [a]
    for w, b, act in zip(net.weights, net.biases, net.activations):
        z = a @ w.T + b
        _zero_round_off(z, a, w, b)
        assert z.shape == (a.shape[0], w.shape[0]), "z^l must have exactly n_l entries per sample"
        a = act.fn(z)
        zs.append(z)
        acts.append(a)
    return ForwardTrace(tuple(zs), tuple(acts))


def _zero_round_off(z: Array, a: Array, w: Array, b: Array) -> None:
    """A sum that cancels on paper (0.1 + 0.2 - 0.3) is 0, not 5.6e-17 of round-off. Only the
    few near-zero entries are looked at, so a large layer pays almost nothing."""
    rows, cols = np.nonzero(np.abs(z) < 1e-6)
    if rows.size:
        scale = np.einsum("ij,ij->i", np.abs(a[rows]), np.abs(w[cols])) + np.abs(b[cols])
        tiny = np.abs(z[rows, cols]) <= 1e-12 * scale
        z[rows[tiny], cols[tiny]] = 0.0
