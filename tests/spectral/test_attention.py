# SPDX-License-Identifier: MIT
"""The softmax Jacobian's spectral norm against dense eigenvalues and closed cases."""

from __future__ import annotations

import numpy as np
import pytest

from lorank.errors import ArgumentError, NumericalError
from lorank.spectral import softmax_jacobian_norm


def _dense(p):
    return np.linalg.eigvalsh(np.diag(p) - np.outer(p, p))[-1]


def test_matches_dense_eigenvalues_over_a_batch(rng):
    for n in (2, 3, 10, 64):
        for conc in (0.05, 1.0, 20.0):  # peaked to flat attention rows
            p = rng.dirichlet(np.full(n, conc), size=(4, 5))
            got = softmax_jacobian_norm(p)
            want = np.array([[_dense(row) for row in block] for block in p])
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
            assert (got <= 0.5 + 1e-15).all()


def test_closed_cases():
    assert softmax_jacobian_norm([1.0, 0.0, 0.0]) == pytest.approx(0.0, abs=1e-15)  # one-hot
    assert softmax_jacobian_norm(np.full(8, 1 / 8)) == pytest.approx(1 / 8, rel=1e-14)
    a = 0.3
    assert softmax_jacobian_norm([a, 1 - a]) == pytest.approx(2 * a * (1 - a), rel=1e-14)
    assert softmax_jacobian_norm([0.4, 0.4, 0.2]) == pytest.approx(0.4, rel=1e-14)  # tie
    p = np.random.default_rng(0).dirichlet(np.ones(6), size=3)
    np.testing.assert_allclose(softmax_jacobian_norm(p.T, axis=0), softmax_jacobian_norm(p))


def test_refuses_non_probabilities():
    with pytest.raises(ArgumentError):
        softmax_jacobian_norm([0.5, 0.6])
    with pytest.raises(ArgumentError):
        softmax_jacobian_norm([1.5, -0.5])
    with pytest.raises(NumericalError):
        softmax_jacobian_norm([np.nan, 1.0])
    with pytest.raises(ArgumentError):
        softmax_jacobian_norm(np.zeros((3, 0)))
