# SPDX-License-Identifier: MIT
"""Lanczos, power and block power iterations against dense numpy.linalg."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lorank
from lorank.errors import ArgumentError, ConvergenceWarning, NumericalError, ShapeError
from lorank.linalg import (
    block_power_svd,
    lanczos_eigsh,
    lanczos_svd,
    power_iteration,
    spectral_norm,
)


def known_spectrum(rng, m, n, s, dtype=np.float64):
    """U diag(s) V^H with random orthonormal U, V."""
    def orth(rows):
        g = rng.standard_normal((rows, len(s)))
        if np.dtype(dtype).kind == "c":
            g = g + 1j * rng.standard_normal((rows, len(s)))
        return np.linalg.qr(g)[0]
    return ((orth(m) * s) @ orth(n).conj().T).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("k", [1, 4])
def test_lanczos_svd_matches_dense_svd(rng, dtype, k):
    a = rng.standard_normal((120, 70)).astype(dtype)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal((120, 70))
    res = lanczos_svd(a, k, rtol=1e-10, rng=0)
    s = np.linalg.svd(a, compute_uv=False)
    assert res.converged
    np.testing.assert_allclose(res.s, s[:k], rtol=1e-9)
    # Triplets: A v = s u exactly, A^H u = s v to the tolerance, orthonormal vectors.
    np.testing.assert_allclose(a @ res.vh.conj().T, res.u * res.s, atol=1e-9 * s[0])
    np.testing.assert_allclose(a.conj().T @ res.u, res.vh.conj().T * res.s, atol=1e-8 * s[0])
    np.testing.assert_allclose(res.u.conj().T @ res.u, np.eye(k), atol=1e-10)
    assert res.n_matvecs % 2 == 0 and res.n_matvecs > 0


def test_lanczos_svd_restarts_on_a_slowly_decaying_spectrum(rng):
    s = np.exp(-np.arange(300) / 60)  # gap s2/s1 = 0.983
    a = known_spectrum(rng, 400, 300, s)
    res = lanczos_svd(a, 3, rtol=1e-9, ncv=12, rng=1)
    assert res.converged and len(res.history) > 1  # it had to restart
    np.testing.assert_allclose(res.s, s[:3], rtol=1e-10)


def test_lanczos_svd_of_low_rank_and_tiny_matrices(rng):
    a = known_spectrum(rng, 50, 40, np.array([3.0, 2.0, 1.0]))  # rank 3: invariant subspace
    res = lanczos_svd(a, 3, rtol=1e-10, rng=0)
    np.testing.assert_allclose(res.s, [3.0, 2.0, 1.0], rtol=1e-10)
    b = rng.standard_normal((3, 2))
    np.testing.assert_allclose(lanczos_svd(b, 2, rtol=1e-10).s,
                               np.linalg.svd(b, compute_uv=False), rtol=1e-12)


@pytest.mark.parametrize("which", ["LM", "LA", "SA"])
def test_lanczos_eigsh_matches_dense_eigh(rng, which):
    q = np.linalg.qr(rng.standard_normal((150, 150)))[0]
    lam = np.concatenate([np.linspace(-3, -1, 5), np.linspace(0, 1, 140), np.linspace(2, 2.4, 5)])
    a = (q * lam) @ q.T
    res = lanczos_eigsh(a, 3, which=which, rtol=1e-10, rng=0)
    want = {"LM": sorted(lam, key=lambda v: -abs(v))[:3], "LA": sorted(lam)[::-1][:3],
            "SA": sorted(lam)[:3]}[which]
    assert res.converged
    np.testing.assert_allclose(res.values, want, atol=1e-9)
    np.testing.assert_allclose(a @ res.vectors, res.vectors * res.values, atol=1e-8)


def test_lanczos_eigsh_on_sparse_and_ttmatrix(rng):
    import scipy.sparse as sp

    n = 64
    lap = sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1], format="csr")
    exact = 2 - 2 * np.cos(np.pi * np.arange(1, n + 1) / (n + 1))
    res = lanczos_eigsh(lap, 2, which="LA", rtol=1e-10, ncv=40, maxiter=500, rng=0)
    np.testing.assert_allclose(res.values, exact[::-1][:2], rtol=1e-9)
    tm = lorank.TTMatrix.from_dense(lap.toarray(), (4, 4, 4), (4, 4, 4), rtol=1e-12)
    res_tt = lanczos_eigsh(tm, 2, which="LA", rtol=1e-10, ncv=40, maxiter=500, rng=0)
    np.testing.assert_allclose(res_tt.values, res.values, rtol=1e-9)


def test_power_iteration_and_its_rate(rng):
    q = np.linalg.qr(rng.standard_normal((80, 80)))[0]
    lam = np.concatenate([[2.0, 1.0], rng.uniform(-0.5, 0.5, 78)])
    a = (q * lam) @ q.T
    res = power_iteration(a, rtol=1e-10, rng=0)
    assert res.converged
    assert res.values[0] == pytest.approx(2.0, rel=1e-12)
    # Residuals shrink by |lambda_2 / lambda_1| = 1/2 per product once the start is forgotten.
    h = np.asarray(res.history)
    rates = h[11:-1] / h[10:-2]
    assert np.median(rates) == pytest.approx(0.5, abs=0.02)


def test_block_power_svd_rate_matches_the_singular_value_ratio(rng):
    s = np.concatenate([[4.0, 3.0, 2.0, 1.0], 0.5 * 0.9 ** np.arange(60)])
    a = known_spectrum(rng, 150, 90, s)
    res = block_power_svd(a, 3, rtol=1e-12, maxiter=200, rng=0)
    assert res.converged
    np.testing.assert_allclose(res.s, s[:3], rtol=1e-12)
    # Residuals contract by (s_4 / s_3)^2 = 1/4 per sweep (two products per column).
    h = np.asarray(res.history)
    rates = h[4:-1] / h[3:-2]
    assert np.median(rates) == pytest.approx((s[3] / s[2]) ** 2, rel=0.05)


def test_spectral_norm_methods(rng):
    s = 1.0 / np.arange(1, 61)
    a = known_spectrum(rng, 90, 60, s)
    lan = spectral_norm(a, rtol=1e-10, rng=0)
    pw = spectral_norm(a, method="power", rtol=1e-12, rng=0)
    assert lan.value == pytest.approx(1.0, rel=1e-12) and lan.lower <= 1.0 + 1e-12
    assert pw.value == pytest.approx(1.0, rel=1e-9) and pw.lower <= 1.0 + 1e-12
    hmt = spectral_norm(a, method="hmt", n_matvecs=8, failure_probability=1e-3, rng=0)
    assert hmt.upper >= 1.0 and hmt.lower <= 1.0 and hmt.n_matvecs == 8


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_hmt_bound_fails_no_more_often_than_stated(dtype):
    # The bound's chance to fall below ||A|| is at most delta; on a rank-1 matrix (the worst
    # case: only one direction counts) it is close to delta. 2000 seeds, delta = 0.05.
    rng = np.random.default_rng(7)
    a = known_spectrum(rng, 40, 30, np.array([1.0]), dtype)
    fails = sum(spectral_norm(a, method="hmt", n_matvecs=2, failure_probability=0.05,
                              rng=seed).upper < 1.0 for seed in range(2000))
    assert fails <= 2000 * 0.05 + 3 * np.sqrt(2000 * 0.05)  # delta + 3 sigma
    assert fails >= 2000 * 0.05 * 0.3  # and the bound is not loose by a wide margin


def test_bad_input_is_reported(rng):
    a = rng.standard_normal((10, 6))
    with pytest.raises(ShapeError, match="square"):
        lanczos_eigsh(a)
    with pytest.raises(ArgumentError, match="k must be"):
        lanczos_svd(a, 7)
    with pytest.raises(ArgumentError, match="rtol"):
        lanczos_svd(a, 1, rtol=0.0)
    with pytest.raises(ArgumentError, match="which"):
        lanczos_eigsh(a.T @ a, which="XX")
    with pytest.raises(TypeError, match="expected an array"):
        lanczos_svd("not an operator")
    with pytest.raises(NumericalError, match="NaN"):
        lanczos_svd(np.full((3, 3), np.nan))


def test_nan_from_a_user_operator_names_the_iteration(rng):
    from scipy.sparse.linalg import LinearOperator

    calls = [0]

    def matvec(x):
        calls[0] += 1
        return np.full(8, np.nan) if calls[0] == 5 else np.arange(1.0, 9.0) * np.ravel(x)

    op = LinearOperator((8, 8), matvec=matvec, rmatvec=matvec, dtype=np.float64)
    with pytest.raises(NumericalError, match=r"iteration 1 \(after 5 products\)"):
        lanczos_eigsh(op, 1, rtol=1e-12, ncv=8, rng=0)


def test_missing_adjoint_and_maxiter(rng):
    from scipy.sparse.linalg import LinearOperator

    op = LinearOperator((5, 4), matvec=lambda x: np.ones(5) * x.sum(), dtype=np.float64)
    with pytest.raises(ArgumentError, match="no adjoint"):
        lanczos_svd(op, 1)
    a = known_spectrum(rng, 200, 200, np.exp(-np.arange(200) / 100))
    with pytest.warns(ConvergenceWarning, match="not converged"):
        res = lanczos_svd(a, 1, rtol=1e-12, ncv=4, maxiter=2, rng=0)
    assert not res.converged and len(res.history) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lanczos_svd(a, 1, rtol=1e-6, rng=0).converged


def test_compiled_loop_matches_its_python_twin(rng):
    import scipy.sparse as sp
    from scipy.sparse.linalg import aslinearoperator

    a = known_spectrum(rng, 300, 200, np.exp(-np.arange(200) / 30))
    c = sp.random(300, 200, density=0.05, random_state=2, format="csr")
    v0 = rng.standard_normal(200)
    for mat in (a, c):
        native = lanczos_svd(mat, 3, rtol=1e-10, ncv=10, v0=v0)  # C++ loop (float64)
        twin = lanczos_svd(aslinearoperator(mat), 3, rtol=1e-10, ncv=10, v0=v0)  # Python loop
        assert native.n_matvecs == twin.n_matvecs
        assert len(native.history) == len(twin.history) > 1  # restarts on both sides
        np.testing.assert_allclose(native.s, twin.s, rtol=1e-12)
        np.testing.assert_allclose(np.abs(native.u), np.abs(twin.u), atol=1e-8)
        np.testing.assert_allclose(native.history, twin.history, rtol=1e-4, atol=1e-14)
        dense = mat.toarray() if sp.issparse(mat) else mat
        np.testing.assert_allclose(native.s, np.linalg.svd(dense, compute_uv=False)[:3],
                                   rtol=1e-10)


@pytest.mark.parametrize("which", ["LM", "LA", "SA"])
def test_compiled_eigsh_matches_its_python_twin(rng, which):
    import scipy.sparse as sp
    from scipy.sparse.linalg import aslinearoperator

    q = np.linalg.qr(rng.standard_normal((120, 120)))[0]
    lam = np.concatenate([np.linspace(-2, -1.5, 3), rng.uniform(-1, 1, 114), np.linspace(1.6, 2.2, 3)])
    a = (q * lam) @ q.T
    c = sp.random(120, 120, density=0.05, random_state=3, format="csr")
    c = (c + c.T).tocsr()
    v0 = rng.standard_normal(120)
    for mat in (a, c):
        native = lanczos_eigsh(mat, 3, which=which, rtol=1e-10, ncv=10, v0=v0)
        twin = lanczos_eigsh(aslinearoperator(mat), 3, which=which, rtol=1e-10, ncv=10, v0=v0)
        assert native.n_matvecs == twin.n_matvecs and len(native.history) == len(twin.history)
        np.testing.assert_allclose(native.values, twin.values, atol=1e-12)
        np.testing.assert_allclose(np.abs(native.vectors), np.abs(twin.vectors), atol=1e-7)
        dense = mat.toarray() if sp.issparse(mat) else mat
        ev = np.linalg.eigvalsh(dense)
        want = {"LM": sorted(ev, key=lambda v: -abs(v))[:3], "LA": ev[::-1][:3], "SA": ev[:3]}[which]
        np.testing.assert_allclose(native.values, want, atol=1e-9)
