# SPDX-License-Identifier: MIT
"""Nearest Kronecker products and the dynamical Kronecker factors of an empirical Fisher."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import dlr
from lorank.errors import ArgumentError, NumericalError, ShapeError


def test_rearrangement_maps_kron_to_rank_one(rng):
    b, c = rng.standard_normal((3, 4)), rng.standard_normal((5, 2))
    r = dlr.rearrange(np.kron(b, c), ((3, 4), (5, 2)))
    np.testing.assert_allclose(r, np.outer(b.ravel(), c.ravel()), atol=1e-14)


def test_nearest_kronecker_recovers_sums_and_is_optimal(rng):
    shapes = ((4, 3), (5, 6))
    pairs = [(rng.standard_normal((4, 3)), rng.standard_normal((5, 6))) for _ in range(3)]
    a = sum(np.kron(p, q) for p, q in pairs)
    got = dlr.nearest_kronecker(a, shapes, rank=3)
    assert np.linalg.norm(sum(np.kron(p, q) for p, q in got) - a) < 1e-12 * np.linalg.norm(a)
    # rank one: the error is the tail of the rearranged singular values (Eckart-Young)
    s = np.linalg.svd(dlr.rearrange(a, shapes), compute_uv=False)
    (b, c), = dlr.nearest_kronecker(a, shapes)
    assert abs(np.linalg.norm(a - np.kron(b, c)) - np.linalg.norm(s[1:])) < 1e-10
    # the matrix-free path from the terms agrees with the dense one
    free = dlr.nearest_kronecker(pairs, shapes, rank=2)
    dense = dlr.nearest_kronecker(a, shapes, rank=2)
    np.testing.assert_allclose(sum(np.kron(p, q) for p, q in free),
                               sum(np.kron(p, q) for p, q in dense), atol=1e-10)


@pytest.mark.parametrize("scheme", ["ksl", "bug"])
def test_tracker_is_exact_for_a_fixed_kronecker_structure(rng, scheme):
    # gradients G = x u v^T with fixed u, v: F_t stays u u^T (x) v v^T up to scale
    u, v = rng.standard_normal(6), rng.standard_normal(4)
    tracker = dlr.KroneckerFactors((6, 4), beta=0.9, scheme=scheme)
    f = np.zeros((24, 24))
    for _ in range(15):
        g = rng.standard_normal() * np.outer(u, v)
        f = 0.9 * f + 0.1 * np.outer(g.ravel(), g.ravel())
        tracker.update(g)
    assert np.linalg.norm(tracker.kron() - f) < 1e-12 * np.linalg.norm(f)


def _mlp_trajectory(beta: float, steps: int = 300, batch: int = 32, scheme: str = "ksl"):
    """Gradients of the 32 x 16 middle layer of a 64-16-32-10 ReLU MLP trained by SGD on a
    ten-class Gaussian mixture; yields (F_t, tracker, Shampoo's factors) every 30 steps."""
    g0 = np.random.default_rng(7)
    centers = g0.standard_normal((10, 64))
    labels = g0.integers(0, 10, 2000)
    data = centers[labels] + g0.standard_normal((2000, 64))
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((16, 64)) / 8
    w2 = rng.standard_normal((32, 16)) / 4
    w3 = rng.standard_normal((10, 32)) / np.sqrt(32)
    fisher = np.zeros((512, 512))
    tracker = dlr.KroneckerFactors((32, 16), beta=beta, scheme=scheme)
    left, right = np.zeros((32, 32)), np.zeros((16, 16))
    for t in range(steps):
        idx = rng.integers(0, 2000, batch)
        x, y = data[idx].T, np.eye(10)[labels[idx]].T
        h1 = np.maximum(w1 @ x, 0)
        h2 = np.maximum(w2 @ h1, 0)
        z = w3 @ h2
        p = np.exp(z - z.max(0))
        p /= p.sum(0)
        dz = (p - y) / batch
        dh2 = (w3.T @ dz) * (h2 > 0)
        grads = (((w2.T @ dh2) * (h1 > 0)) @ x.T, dh2 @ h1.T, dz @ h2.T)
        g = grads[1]
        fisher = beta * fisher + (1 - beta) * np.outer(g.ravel(), g.ravel())
        tracker.update(g)
        left = beta * left + (1 - beta) * g @ g.T
        right = beta * right + (1 - beta) * g.T @ g
        for w, dw in zip((w1, w2, w3), grads):
            w -= 0.5 * dw
        if t % 30 == 29:
            yield fisher, tracker, left, right


def _rel(f: np.ndarray, k: np.ndarray) -> float:
    """||F - c K|| / ||F|| with the best scalar c."""
    c = np.sum(f * k) / np.sum(k * k)
    return float(np.linalg.norm(f - c * k) / np.linalg.norm(f))


@pytest.mark.parametrize("scheme, beta", [("ksl", 0.95), ("ksl", 0.99), ("bug", 0.99)])
def test_dynamical_factors_approximate_the_fisher_better_than_shampoo(scheme, beta):
    # measured means (ours / Shampoo's / optimum): ksl 0.95: 0.682 / 0.704 / 0.633;
    # ksl 0.99: 0.586 / 0.666 / 0.571; bug 0.99: 0.590 / 0.666 (bug at 0.95: 0.703 / 0.704,
    # a tie, so not asserted)
    ours, shampoo = [], []
    for f, tracker, left, right in _mlp_trajectory(beta, scheme=scheme):
        (b, c), = dlr.nearest_kronecker(f, ((32, 32), (16, 16)))
        best = _rel(f, np.kron(b, c))
        ours.append(_rel(f, tracker.kron()))
        shampoo.append(_rel(f, np.kron(left, right)))
        assert ours[-1] >= best - 1e-12 and shampoo[-1] >= best - 1e-12
    assert np.mean(ours) < np.mean(shampoo)


def test_bad_input():
    with pytest.raises(ShapeError, match="shapes"):
        dlr.nearest_kronecker(np.ones((4, 4)), (2, 2))
    with pytest.raises(ShapeError, match="must be"):
        dlr.nearest_kronecker(np.ones((4, 5)), ((2, 2), (2, 2)))
    with pytest.raises(ArgumentError, match="rank"):
        dlr.nearest_kronecker(np.ones((4, 4)), ((2, 2), (2, 2)), rank=0)
    with pytest.raises(NumericalError):
        dlr.nearest_kronecker(np.full((4, 4), np.nan), ((2, 2), (2, 2)))
    tracker = dlr.KroneckerFactors((3, 2))
    tracker.update(np.ones((3, 2)))
    before = tracker.kron().copy()
    with pytest.raises(NumericalError, match="NaN"):
        tracker.update(np.array([[1.0, np.nan], [0, 0], [0, 0]]))
    np.testing.assert_array_equal(tracker.kron(), before)  # nothing half-changed
    with pytest.raises(ShapeError):
        tracker.update(np.ones((2, 3)))
    with pytest.raises(ArgumentError, match="beta"):
        dlr.KroneckerFactors((3, 2), beta=1.0)
