# SPDX-License-Identifier: MIT
"""Manifold-preconditioned LOBPCG against dense diagonalization, a dense tangent-space
solve and the published Henon-Heiles levels."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import models, solve
from lorank.errors import ArgumentError, ConvergenceWarning, ShapeError
from lorank.solve.lobpcg import _tangent_space, manifold_correction

HH4 = [1.9957253378751, 2.9726016923967, 2.9809904441421, 2.9871812546158, 2.9892544667787,
       3.8453108901830, 3.9029557002384, 3.9310258624284, 3.9620504953455, 3.9626708429767]


def test_lobpcg_matches_dense_eigenpairs_with_guards():
    h = models.henon_heiles(3, 10)
    dense = h.full()
    vals, vecs = np.linalg.eigh(dense)
    start = solve.eigsh(h, 8, rtol=1e-2, max_rank=10, rng=0).vectors
    res = solve.lobpcg(h, start, k=6, rtol=1e-7, max_rank=30, rng=0)
    assert res.converged and len(res.values) == 6 and len(res.vectors) == 6
    np.testing.assert_allclose(res.values, vals[:6], atol=1e-9)
    got = np.array([v.full().ravel() for v in res.vectors]).T
    np.testing.assert_allclose(got.T @ got, np.eye(6), atol=1e-6)
    dense_res = np.linalg.norm(dense @ got - got * res.values, axis=0)
    np.testing.assert_allclose(res.residuals, dense_res, rtol=1e-6, atol=1e-12)
    assert dense_res.max() < 1e-4
    # states 6 and 7 are 9e-5 apart: the block spans the wanted eigenvectors
    s = np.linalg.svd(vecs[:, :6].T @ got, compute_uv=False)
    np.testing.assert_allclose(s, 1.0, atol=1e-6)
    assert [r.sweep for r in res.history] == list(range(1, res.n_sweeps + 1))
    assert all(r.values.shape == (8,) for r in res.history)


def test_lobpcg_resolves_a_degenerate_triplet_from_rank_one_starts():
    """Laplace on 9^3: levels 2-4 are a triplet (any vector of its span is an eigenvector:
    the block must span it), from random rank-one starts far from it."""
    shape = (9, 9, 9)
    h = models.laplace(shape)
    vals, vecs = np.linalg.eigh(h.full())
    x0 = [lorank.tt.random(shape, 1, rng=s) for s in range(6)]
    res = solve.lobpcg(h, x0, k=4, rtol=1e-8, max_rank=20, maxiter=200, rng=0)
    assert res.converged
    np.testing.assert_allclose(res.values, vals[:4], atol=1e-9)
    got = np.array([v.full().ravel() for v in res.vectors]).T
    s = np.linalg.svd(vecs[:, :4].T @ got, compute_uv=False)
    np.testing.assert_allclose(s, 1.0, atol=1e-6)


def test_lobpcg_complex_hermitian_operator():
    """A dense complex Hermitian matrix on 4^3 as a TT-matrix; real and complex starts (the
    forms take the operator's dtype)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 64)) + 1j * rng.standard_normal((64, 64))
    h = a + a.conj().T
    op = lorank.TTMatrix.from_dense(h, (4, 4, 4), (4, 4, 4))
    vals = np.linalg.eigvalsh(h)
    for dtype in (np.float64, np.complex128):
        x0 = [lorank.tt.random((4, 4, 4), 4, rng=s).astype(dtype) for s in range(5)]
        res = solve.lobpcg(op, x0, k=3, rtol=1e-8, max_rank=16, maxiter=200)
        assert res.converged
        np.testing.assert_allclose(res.values, vals[:3], atol=1e-9)
        got = np.array([v.full().ravel() for v in res.vectors]).T
        np.testing.assert_allclose(np.linalg.norm(h @ got - got * res.values, axis=0), res.residuals,
                                   rtol=1e-6, atol=1e-12)


def _tangent_basis(space):
    """Dense orthonormal basis (columns) of the tangent space: the vectors of an orthonormal
    basis of the gauge rows, as full tensors (a vector of W is linear in its row)."""
    w, q = np.linalg.eigh(space.gauge(np.eye(space.size)))
    rows = q[:, w > 0.5].T
    return np.array([lorank.TT(space.train(r)).full().ravel() for r in rows]).T


def test_manifold_correction_solves_the_projected_shifted_system():
    h = models.henon_heiles(3, 6, quartic=True)
    dense = h.full()
    lowest = np.linalg.eigvalsh(dense)[0]
    x = lorank.tt.random((6, 6, 6), 2, rng=1)
    x = x / x.norm()
    op = [np.asarray(c) for c in h.cores]
    space = _tangent_space(x, op)
    phi = _tangent_basis(space)
    np.testing.assert_allclose(phi.T @ phi, np.eye(phi.shape[1]), atol=1e-10)  # an isometry
    v = x.full().ravel()
    assert np.linalg.norm(v - phi @ (phi.T @ v)) < 1e-10  # x lies in its tangent space
    theta = float(v @ dense @ v)
    block = np.array([lowest - 1.0])
    sigma = lowest - 1.0 - 1e-3 * max(1.0, abs(lowest - 1.0))
    z, g, _ = manifold_correction(x, theta, block, op, inner_steps=400, enrich=0, rng=np.random.default_rng(0))
    r = dense @ v - theta * v
    assert abs(g - np.linalg.norm(phi.T @ r)) < 1e-10
    small = phi.T @ (dense - sigma * np.eye(216)) @ phi
    exact = phi @ np.linalg.solve(small, phi.T @ r)
    exact -= (v @ exact) * v
    np.testing.assert_allclose(z.full().ravel(), exact, atol=1e-8 * np.linalg.norm(exact))
    # block-Jacobi alone (no CG steps) is only an approximation of it
    z0, _, _ = manifold_correction(x, theta, block, op, inner_steps=0, enrich=0, rng=np.random.default_rng(0))
    assert np.linalg.norm(z0.full().ravel() - exact) > 1e-3 * np.linalg.norm(exact)


def test_lobpcg_bad_input():
    h = models.henon_heiles(3, 6)
    x0 = [lorank.tt.random((6, 6, 6), 2, rng=s) for s in range(3)]
    with pytest.raises(ArgumentError, match="k must be"):
        solve.lobpcg(h, x0, k=4)
    with pytest.raises(ShapeError, match="x0"):
        solve.lobpcg(h, [x0[0], lorank.tt.random((6, 6), 2, rng=0)])
    with pytest.raises(TypeError, match="x0"):
        solve.lobpcg(h, [])
    with pytest.raises(ArgumentError, match="zero"):
        solve.lobpcg(h, [x0[0], lorank.tt.zeros((6, 6, 6))])
    with pytest.raises(ArgumentError, match="linearly dependent"):
        solve.lobpcg(h, [x0[0], x0[0] * 2.0])
    with pytest.raises(ArgumentError, match="inner_steps"):
        solve.lobpcg(h, x0, inner_steps=-1)
    with pytest.raises(ArgumentError, match="Hermitian"):
        lower = lorank.TTMatrix.from_dense(np.tril(np.arange(1.0, 217.0)[:, None] * np.ones(216)),
                                           (6, 6, 6), (6, 6, 6))
        solve.lobpcg(lower, x0)
    with pytest.warns(ConvergenceWarning, match="not converged"):
        res = solve.lobpcg(h, x0, maxiter=1)
    assert not res.converged and res.n_sweeps == 1


@pytest.mark.slow
def test_lobpcg_henon_heiles_d4_published_levels():
    h = models.henon_heiles(4, 28)
    with pytest.warns(ConvergenceWarning):  # a loose start on purpose
        start = solve.eigsh(h, 12, rtol=1e-3, max_rank=20, max_sweeps=3, start="random", rng=0).vectors
    res = solve.lobpcg(h, start, k=10, rtol=1e-5, max_rank=60, rng=0)
    assert res.converged
    np.testing.assert_allclose(res.values, HH4, atol=1e-8)
