# SPDX-License-Identifier: MIT
"""AMEn against dense solves and manufactured solutions."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import models, solve
from lorank.errors import ArgumentError, ConvergenceWarning, ShapeError


def test_laplace_matches_dense_solve():
    shape = (10, 11, 12)
    a = models.laplace(shape)
    b = lorank.tt.random(shape, 2, rng=0)
    res = solve.amen(a, b, rtol=1e-10, rng=0)
    assert res.converged and res.residual < 1e-9
    ref = np.linalg.solve(a.full(), b.full().ravel())
    assert np.linalg.norm(res.x.full().ravel() - ref) < 1e-9 * np.linalg.norm(ref)


def test_manufactured_solution_in_ten_dimensions():
    shape = (8,) * 10
    a = models.laplace(shape)
    x_true = lorank.tt.random(shape, 3, rng=1)
    b = (a @ x_true).round(rtol=1e-14)
    res = solve.amen(a, b, rtol=1e-11, max_rank=30, rng=0)
    assert res.residual < 1e-10
    assert (res.x - x_true).norm(accurate=True) < 1e-9 * x_true.norm()


def test_nonsymmetric_operator_matches_dense(rng):
    n = 9
    conv = (n + 1) * (np.eye(n, k=1) - np.eye(n, k=-1)) / 2  # first-derivative term
    lap = models.laplace((n, n, n))
    drift = models.sum_of_products([n] * 3, [(3.0, {0: conv})], who="test")
    a = lorank.TTMatrix._trusted([np.asarray(c) for c in (lap.as_tt() + drift.as_tt()).round(rtol=1e-14).cores])
    a = lorank.TTMatrix.from_cores([c.reshape(c.shape[0], n, n, c.shape[2]) for c in a.cores])
    b = lorank.tt.ones((n, n, n))
    res = solve.amen(a, b, rtol=1e-10, rng=0)
    ref = np.linalg.solve(a.full(), np.ones(n**3))
    assert np.linalg.norm(res.x.full().ravel() - ref) < 1e-8 * np.linalg.norm(ref)


def test_large_local_systems_use_gmres(monkeypatch):
    import lorank.solve.linear as linear

    sizes = []
    real = linear.gmres

    def spy(op, rhs, **kw):
        sizes.append(rhs.size)
        return real(op, rhs, **kw)

    monkeypatch.setattr(linear, "gmres", spy)
    shape = (40, 40, 40)  # middle local systems exceed the dense limit once ranks grow
    res = solve.amen(models.laplace(shape), lorank.tt.ones(shape), rtol=1e-8, rng=0)
    assert sizes and max(sizes) > linear.DENSE_SOLVE_LIMIT
    assert res.residual < 1e-7


def test_zero_rhs_and_errors():
    a = models.laplace((4, 4))
    zero = solve.amen(a, lorank.tt.zeros((4, 4)))
    assert zero.residual == 0 and zero.x.norm() == 0
    with pytest.raises(TypeError, match="b must be a TT"):
        solve.amen(a, np.ones(16))
    with pytest.raises(ShapeError, match="b has shape"):
        solve.amen(a, lorank.tt.ones((4, 5)))
    with pytest.raises(ArgumentError, match="x0"):
        solve.amen(a, lorank.tt.ones((4, 4)), x0=lorank.tt.ones((4, 5)))
    with pytest.raises(ArgumentError, match="kick_rank"):
        solve.amen(a, lorank.tt.ones((4, 4)), kick_rank=0)
    with pytest.warns(ConvergenceWarning, match="not converged"):
        res = solve.amen(models.laplace((16,) * 6), lorank.tt.ones((16,) * 6), max_sweeps=1, rng=0)
    assert not res.converged
