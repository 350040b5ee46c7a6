# SPDX-License-Identifier: MIT
"""KSL, Strang-KSL and BUG against closed-form solutions and their orders of convergence."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

from lorank import dlr
from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.manifold import LowRankPoint

M, N, R = 30, 20, 3


@pytest.fixture
def curve():
    """A(t) = (U0 + t U1)(S0 + t S1)(V0 + t V1)^T: rank 3 for all t, derivative quadratic in t."""
    g = np.random.default_rng(0)
    u0, u1 = g.standard_normal((M, R)), 0.3 * g.standard_normal((M, R))
    s0, s1 = np.diag([3.0, 2.0, 1.0]), 0.2 * g.standard_normal((R, R))
    v0, v1 = g.standard_normal((N, R)), 0.3 * g.standard_normal((N, R))

    def a(t):
        return (u0 + t * u1) @ (s0 + t * s1) @ (v0 + t * v1).T

    def da(t):
        return (u1 @ (s0 + t * s1) @ (v0 + t * v1).T + (u0 + t * u1) @ s1 @ (v0 + t * v1).T
                + (u0 + t * u1) @ (s0 + t * s1) @ v1.T)

    return a, da


@pytest.mark.parametrize("method", ["ksl", "ksl2", "bug"])
def test_exact_when_the_solution_stays_on_the_manifold(curve, method):
    a, da = curve
    res = dlr.integrate(lambda t, y: da(t), a(0.0), (0.0, 1.0), rank=R, method=method, dt=0.1,
                        rtol=1e-12)
    assert np.linalg.norm(res.y.full() - a(1.0)) < 1e-12 * np.linalg.norm(a(1.0))
    assert res.y.rank == R and res.n_steps == 10 and res.history[-1].t == 1.0


def _stiff_free_field(seed=1):
    g = np.random.default_rng(seed)
    a = 0.5 * g.standard_normal((M, M))
    a = a - a.T
    c = g.standard_normal((M, 4)) @ g.standard_normal((4, N)) * 0.3
    return lambda t, y: a @ y.full() + np.cos(t) * c


def test_orders_of_convergence_against_a_fine_reference():
    f = _stiff_free_field()
    y0 = np.random.default_rng(2).standard_normal((M, R)) @ np.random.default_rng(3).standard_normal((R, N))
    ref = dlr.integrate(f, y0, (0.0, 1.0), rank=R, method="ksl2", dt=1 / 512).y.full()
    for method, order in (("ksl", 1), ("ksl2", 2)):
        errs = [np.linalg.norm(dlr.integrate(f, y0, (0.0, 1.0), rank=R, method=method, dt=h).y.full() - ref)
                for h in (0.1, 0.05, 0.025)]
        rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
        assert abs(rates[-1] - order) < 0.25 and abs(rates[0] - order) < 0.5, (method, rates)


def test_linear_field_steps_are_exact_exponentials(curve):
    a, _ = curve
    g = np.random.default_rng(4)
    am = 0.3 * g.standard_normal((M, M))
    bm = -0.05 * (lambda b: b @ b.T)(g.standard_normal((N, N)))
    exact = sla.expm(am) @ a(0.0) @ sla.expm(bm).T  # stays rank 3: KSL is exact
    for method in ("ksl", "ksl2"):
        res = dlr.integrate(dlr.LinearField(am, bm), a(0.0), (0.0, 1.0), rank=R, method=method, dt=0.25)
        assert np.linalg.norm(res.y.full() - exact) < 1e-12 * np.linalg.norm(exact)
    errs = [np.linalg.norm(dlr.integrate(dlr.LinearField(am, bm), a(0.0), (0.0, 1.0), rank=R,
                                         method="bug", dt=h, rtol=1e-13).y.full() - exact)
            for h in (0.1, 0.05)]
    assert errs[1] < 0.6 * errs[0]  # BUG: robust first order, not exact


def test_bug_finds_the_rank_and_meets_the_tolerance():
    g = np.random.default_rng(5)
    am = 0.5 * g.standard_normal((M, M))
    am = am - am.T
    c = g.standard_normal((M, 2)) @ g.standard_normal((2, N)) * 0.5
    y0 = np.outer(g.standard_normal(M), g.standard_normal(N))  # rank 1; the solution has rank 3
    exact = sla.expm(am) @ y0 + np.linalg.solve(am, (sla.expm(am) - np.eye(M)) @ c)
    ranks = []
    res = dlr.integrate(lambda t, y: am @ y.full() + c, y0, (0.0, 1.0), rank=15, method="bug",
                        dt=0.005, rtol=1e-8, callback=lambda rec: ranks.append(rec.rank))
    assert ranks[0] >= 2 and res.y.rank == 3
    err = np.linalg.norm(res.y.full() - exact)
    assert err < 2e-4 * np.linalg.norm(exact)  # first order in dt (rank truncation is 1e-8)
    finer = dlr.integrate(lambda t, y: am @ y.full() + c, y0, (0.0, 1.0), rank=15, method="bug",
                          dt=0.0025, rtol=1e-8)
    assert np.linalg.norm(finer.y.full() - exact) < 0.6 * err


def test_low_rank_pairs_and_substeps_give_the_same_answer(curve):
    a, da = curve
    f = _stiff_free_field()
    dense = dlr.integrate(f, a(0.0), (0.0, 0.5), rank=R, method="ksl", dt=0.05, n_substeps=2)

    def factored(t, y):
        full = f(t, y)
        u, s, vt = np.linalg.svd(full, full_matrices=False)
        return (u * s, vt.T)

    pair = dlr.integrate(factored, a(0.0), (0.0, 0.5), rank=R, method="ksl", dt=0.05, n_substeps=2)
    assert np.linalg.norm(pair.y.full() - dense.y.full()) < 1e-10 * np.linalg.norm(dense.y.full())


def test_bad_input(curve):
    a, da = curve
    f = lambda t, y: da(t)  # noqa: E731
    with pytest.raises(ArgumentError, match="method"):
        dlr.integrate(f, a(0.0), (0, 1), rank=R, method="rk4", dt=0.1)
    with pytest.raises(ArgumentError, match="t0 < t1"):
        dlr.integrate(f, a(0.0), (1, 0), rank=R, dt=0.1)
    with pytest.raises(ArgumentError, match="dt"):
        dlr.integrate(f, a(0.0), (0, 1), rank=R, dt=0)
    with pytest.raises(ArgumentError, match="needs rank"):
        dlr.integrate(f, a(0.0), (0, 1), dt=0.1)
    with pytest.raises(TypeError, match="callable"):
        dlr.integrate(3.0, a(0.0), (0, 1), rank=R, dt=0.1)
    with pytest.raises(ShapeError, match="F returned shape"):
        dlr.integrate(lambda t, y: np.ones((2, 2)), a(0.0), (0, 1), rank=R, dt=0.1)
    with pytest.raises(ShapeError, match="LinearField"):
        dlr.integrate(dlr.LinearField(np.eye(3)), a(0.0), (0, 1), rank=R, dt=0.1)
    with pytest.raises(NumericalError, match="NaN or Inf"):
        dlr.integrate(lambda t, y: np.full((M, N), np.inf), a(0.0), (0, 1), rank=R, dt=0.1)
    point = LowRankPoint(np.eye(M)[:, :2], np.eye(2), np.eye(N)[:, :2])
    with pytest.raises(ArgumentError, match="differs from the rank"):
        dlr.integrate(f, point, (0, 1), rank=R, dt=0.1)
