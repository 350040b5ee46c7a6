# SPDX-License-Identifier: MIT
"""The fixed-rank matrix manifold against dense NumPy: projection, retraction, transport."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lorank.errors import ArgumentError, RankError, ShapeError
from lorank.manifold import FixedRankMatrix, LowRankPoint


def _dense_projection(x, z):
    pu = x.U @ x.U.conj().T
    pv = x.V @ x.V.conj().T
    return pu @ z + z @ pv - pu @ z @ pv


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_projection_is_the_orthogonal_tangent_projector(rng, dtype):
    man = FixedRankMatrix(9, 7, 3, dtype=dtype)
    x = man.random_point(rng)
    z = rng.standard_normal((9, 7)).astype(dtype)
    if np.dtype(dtype).kind == "c":
        z = z + 1j * rng.standard_normal((9, 7))
    xi = man.project(x, z)
    dense = man.tangent_full(x, xi)
    np.testing.assert_allclose(dense, _dense_projection(x, z), atol=1e-12)
    # Idempotent, and the residual is orthogonal to the tangent space.
    again = man.tangent_full(x, man.project(x, dense))
    np.testing.assert_allclose(again, dense, atol=1e-12)
    eta = man.random_tangent(x, 1)
    assert abs(np.vdot(man.tangent_full(x, eta), z - dense)) < 1e-12
    assert man.inner(x, xi, eta) == pytest.approx(np.vdot(dense, man.tangent_full(x, eta)).real)


def test_projection_of_sparse_sampled_and_low_rank_input(rng):
    man = FixedRankMatrix(12, 10, 2)
    x = man.random_point(rng)
    rows = rng.integers(0, 12, 30)
    cols = rng.integers(0, 10, 30)
    vals = rng.standard_normal(30)
    z = sp.coo_matrix((vals, (rows, cols)), shape=(12, 10))
    want = _dense_projection(x, z.toarray())
    for xi in (man.project(x, z.tocsr()), man.project_sampled(x, rows, cols, vals)):
        np.testing.assert_allclose(man.tangent_full(x, xi), want, atol=1e-12)
    a, b = rng.standard_normal((12, 4)), rng.standard_normal((10, 4))
    np.testing.assert_allclose(man.tangent_full(x, man.project(x, (a, b))),
                               _dense_projection(x, a @ b.T), atol=1e-12)
    xi = man.random_tangent(x, 2)
    np.testing.assert_allclose(man.tangent_at(x, xi, rows, cols),
                               man.tangent_full(x, xi)[rows, cols], atol=1e-12)
    np.testing.assert_allclose(x.at(rows, cols), x.full()[rows, cols], atol=1e-12)


@pytest.mark.parametrize("method", ["svd", "orthographic"])
def test_retraction_is_second_order(rng, method):
    man = FixedRankMatrix(15, 11, 3)
    x = man.random_point(rng)
    xi = man.random_tangent(x, rng)
    gaps = []
    for t in (1e-2, 5e-3, 2.5e-3):
        y = man.retract(x, xi, t, method=method)
        man.check_point(y)
        assert np.linalg.matrix_rank(y.full(), tol=1e-10) == 3
        gaps.append(np.linalg.norm(y.full() - x.full() - t * man.tangent_full(x, xi)))
    # Halving t divides the gap by ~4 (second order).
    assert gaps[0] / gaps[1] == pytest.approx(4.0, rel=0.1)
    assert gaps[1] / gaps[2] == pytest.approx(4.0, rel=0.1)


def test_svd_retraction_is_the_best_rank_r_approximation(rng):
    man = FixedRankMatrix(10, 8, 2)
    x = man.random_point(rng)
    xi = man.random_tangent(x, rng) * 0.7
    y = man.retract(x, xi)
    u, s, vh = np.linalg.svd(x.full() + man.tangent_full(x, xi))
    np.testing.assert_allclose(y.full(), (u[:, :2] * s[:2]) @ vh[:2], atol=1e-12)


def test_transport_projects_onto_the_new_tangent_space(rng):
    man = FixedRankMatrix(9, 8, 2)
    x = man.random_point(rng)
    xi = man.random_tangent(x, rng)
    y = man.retract(x, man.random_tangent(x, 5) * 0.3)
    moved = man.transport(y, x, xi)
    np.testing.assert_allclose(man.tangent_full(y, moved),
                               _dense_projection(y, man.tangent_full(x, xi)), atol=1e-12)


def test_bad_points_and_arguments(rng):
    man = FixedRankMatrix(6, 5, 2)
    x = man.random_point(rng)
    with pytest.raises(RankError, match="orthonormal"):
        man.check_point(LowRankPoint(x.U * 2.0, x.S, x.V))
    with pytest.raises(ShapeError, match="do not match"):
        man.check_point(LowRankPoint(x.U[:5], x.S, x.V))
    with pytest.raises(ShapeError, match="expected"):
        man.project(x, np.ones((5, 5)))
    with pytest.raises(ArgumentError, match="method"):
        man.retract(x, man.random_tangent(x, rng), method="exp")
    with pytest.raises(RankError, match="rank"):
        FixedRankMatrix(3, 4, 5)
    with pytest.raises(ArgumentError, match="positive"):
        FixedRankMatrix(3, 0, 1)
