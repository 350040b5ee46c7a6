# SPDX-License-Identifier: MIT
"""Jacobi-Davidson and Rayleigh quotient iteration on fixed-rank matrices, against dense
eigensolvers."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import models, solve
from lorank.errors import ArgumentError, ConvergenceWarning, ShapeError
from lorank.manifold import FixedRankMatrix


def laplace_plus_potential(n: int) -> lorank.TTMatrix:
    """-Laplacian on the unit square plus a non-separable rank-one potential."""
    x = np.linspace(0, 1, n + 2)[1:-1]
    pot = models.sum_of_products([n, n], [(200.0, {0: np.diag(np.sin(3 * x)), 1: np.diag(np.cos(2 * x))})],
                                 who="test")
    total = (models.laplace((n, n)).as_tt() + pot.as_tt()).round(rtol=1e-14)
    return lorank.TTMatrix.from_cores([c.reshape(c.shape[0], n, n, c.shape[2]) for c in total.cores])


def best_rank_r_gap(dense: np.ndarray, n: int, r: int) -> float:
    """Rayleigh quotient of the exact eigenvector truncated to rank r, minus lambda_min."""
    vals, vecs = np.linalg.eigh(dense)
    u, s, vh = np.linalg.svd(vecs[:, 0].reshape(n, n))
    y = ((u[:, :r] * s[:r]) @ vh[:r]).ravel()
    return float(y @ dense @ y / (y @ y) - vals[0])


@pytest.mark.parametrize("r", [3, 5])
def test_jd_matches_dense_on_laplace_plus_potential(r):
    n = 40
    a = laplace_plus_potential(n)
    dense = a.full()
    lam = np.linalg.eigvalsh(dense)[0]
    res = solve.jacobi_davidson(a, r, rng=0, rtol=1e-7, maxiter=100)
    assert res.converged
    # the optimum on rank-r matrices lies between lambda_min and the truncated eigenvector's value
    assert -1e-9 <= res.values[0] - lam <= best_rank_r_gap(dense, n, r) + 1e-8
    x = res.vectors[0]
    v = x.full().ravel()
    assert abs(np.linalg.norm(v) - 1) < 1e-12
    assert abs(v @ dense @ v - res.values[0]) < 1e-8 * abs(lam)
    assert abs(np.linalg.norm(dense @ v - res.values[0] * v) - res.residuals[0]) < 1e-8 * abs(lam)


def test_jd_henon_heiles_2d_and_rqi_refinement():
    h = models.henon_heiles(2, 30, quartic=True)
    lam = np.linalg.eigvalsh(h.full())[0]
    jd = solve.jacobi_davidson(h, 6, rng=1, rtol=1e-6)
    assert abs(jd.values[0] - lam) < 1e-9
    # RQI converges locally: started near the answer it refines it
    m = FixedRankMatrix(30, 30, 6)
    xi = m.random_tangent(jd.vectors[0], rng=2)
    start = m.retract(jd.vectors[0], xi, 1e-3 / m.norm(jd.vectors[0], xi))
    rqi = solve.jacobi_davidson(h, 6, x0=start, method="rqi", rtol=1e-9, inner_maxiter=200)
    assert rqi.converged and rqi.n_sweeps <= 8
    assert abs(rqi.values[0] - lam) < 1e-10


def test_bad_input():
    a = models.laplace((6, 6))
    with pytest.raises(ShapeError, match="two modes"):
        solve.jacobi_davidson(models.laplace((3, 3, 3)), 1)
    with pytest.raises(ArgumentError, match="exceeds min"):
        solve.jacobi_davidson(a, 7)
    with pytest.raises(ArgumentError, match="method"):
        solve.jacobi_davidson(a, 2, method="lobpcg")
    with pytest.raises(ArgumentError, match="x0"):
        solve.jacobi_davidson(a, 2, x0=FixedRankMatrix(6, 6, 3).random_point(rng=0))
    with pytest.warns(ConvergenceWarning, match="not converged"):
        res = solve.jacobi_davidson(laplace_plus_potential(20), 3, maxiter=2, rng=0)
    assert not res.converged
