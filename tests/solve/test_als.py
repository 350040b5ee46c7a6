# SPDX-License-Identifier: MIT
"""Two-site ALS (MALS) for TT linear systems against dense solves."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import models, solve
from lorank.errors import ArgumentError, ConvergenceWarning, ShapeError


def test_spd_system_against_dense():
    shape = (6, 6, 6, 6)
    a = models.laplace(shape)
    b = lorank.tt.random(shape, 2, rng=3)
    res = solve.als(a, b, rtol=1e-10, rng=0)
    assert res.converged and res.residual < 1e-9
    exact = np.linalg.solve(a.full(), b.full().ravel())
    assert np.linalg.norm(res.x.full().ravel() - exact) < 1e-8 * np.linalg.norm(exact)
    assert max(res.x.ranks) > 2  # grew from the rank-2 start by the two-site SVDs
    # a warm start at the solution needs one sweep
    again = solve.als(a, b, x0=res.x, rtol=1e-8)
    assert again.n_sweeps == 1 and again.residual < 1e-8


def test_nonsymmetric_system_and_small_orders(rng):
    m = 0.3 * rng.standard_normal((4, 4))
    dense = models.laplace((4, 4, 4)).full() + np.kron(m, np.eye(16))
    a = lorank.TTMatrix.from_dense(dense, (4, 4, 4), (4, 4, 4))
    b = lorank.tt.random((4, 4, 4), 2, rng=1)
    res = solve.als(a, b, rtol=1e-11, rng=0)
    np.testing.assert_allclose(res.x.full().ravel(), np.linalg.solve(dense, b.full().ravel()), atol=1e-10)
    two = solve.als(models.laplace((5, 5)), lorank.tt.ones((5, 5)), rtol=1e-12)
    assert two.converged and two.residual < 1e-11
    one = solve.als(models.laplace((7,)), lorank.tt.ones((7,)))
    assert one.residual < 1e-12


def test_bad_input_and_non_convergence():
    a = models.laplace((4, 4, 4))
    with pytest.raises(TypeError, match="b must be a TT"):
        solve.als(a, np.ones(64))
    with pytest.raises(ShapeError, match="b has shape"):
        solve.als(a, lorank.tt.ones((4, 4)))
    with pytest.raises(ArgumentError, match="x0"):
        solve.als(a, lorank.tt.ones((4, 4, 4)), x0=lorank.tt.ones((4, 4)))
    zero = solve.als(a, lorank.tt.zeros((4, 4, 4)))
    assert zero.converged and zero.x.norm() == 0
    with pytest.warns(ConvergenceWarning, match="not converged"):
        res = solve.als(models.laplace((8,) * 6), lorank.tt.random((8,) * 6, 3, rng=0), rtol=1e-12,
                        max_rank=3, max_sweeps=1, rng=0)
    assert not res.converged
