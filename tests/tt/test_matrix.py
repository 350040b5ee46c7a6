# SPDX-License-Identifier: MIT
"""TT-matrices against dense NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import TT, TTMatrix
from lorank._reference import tt as ref
from tests.conftest import random_dense, tol


def _random_matrix(rng, rows, cols, rank, dtype=np.float64):
    d = len(rows)
    ranks = [1] + [rank] * (d - 1) + [1]
    cores = [random_dense(rng, (ranks[k], rows[k], cols[k], ranks[k + 1]), dtype)
             for k in range(d)]
    return TTMatrix(cores)


def test_from_dense_and_full(rng, dtype):
    a = random_dense(rng, (6, 20), dtype)
    m = TTMatrix.from_dense(a, (2, 3), (4, 5), rtol=0.0)
    assert m.row_shape == (2, 3) and m.col_shape == (4, 5) and m.shape == (6, 20)
    np.testing.assert_allclose(m.full(), a, atol=tol(dtype) * 10)


def test_matvec_matmat_transpose_kron(rng, dtype):
    a = _random_matrix(rng, (2, 3, 2), (3, 2, 2), 2, dtype)
    b = _random_matrix(rng, (3, 2, 2), (2, 2, 3), 3, dtype)
    x = lorank.tt.random((3, 2, 2), 2, rng=rng, dtype=dtype)
    fa, fb, fx = a.full(), b.full(), x.full().ravel()
    t = tol(dtype) * 10
    y = a @ x
    assert isinstance(y, TT) and y.shape == (2, 3, 2)
    np.testing.assert_allclose(y.full().ravel(), fa @ fx, atol=t)
    c = a @ b
    assert isinstance(c, TTMatrix) and c.col_shape == (2, 2, 3)
    np.testing.assert_allclose(c.full(), fa @ fb, atol=t)
    np.testing.assert_allclose(a.T.full(), fa.T, atol=t)
    k = lorank.tt.kron(a, b)
    np.testing.assert_allclose(k.full(), np.kron(fa, fb), atol=t * 10)
    np.testing.assert_allclose(a.matvec_dense(fx), fa @ fx, atol=t)


def test_apply_rounds_the_product(rng):
    a = _random_matrix(rng, (2,) * 8, (2,) * 8, 3)
    x = lorank.tt.random((2,) * 8, 4, rng=rng)
    exact = a @ x
    y = a.apply(x, max_rank=5)
    assert max(y.ranks) <= 5
    best = exact.round(max_rank=5, method="svd")
    assert (y - exact).norm(accurate=True) == pytest.approx(
        (best - exact).norm(accurate=True), rel=1e-6)
    z = a.apply(x, rtol=1e-12)
    assert (z - exact).norm(accurate=True) <= 1e-11 * exact.norm()
    assert z.ranks == exact.round(rtol=1e-12, method="svd").ranks


@pytest.mark.parametrize("method", ["svd", "orth-gram", "gram"])
def test_apply_never_forming_the_product(rng, dtype, method):
    # Mixed mode sizes and ranks: the fused orthogonalization contracts the factors with
    # each triangular factor instead of forming A @ x; same result as rounding A @ x.
    if method != "svd" and dtype in (np.float32, np.complex64):
        pytest.skip("Gram-based methods are double precision")
    rows, cols = (2, 3, 2, 3), (3, 2, 2, 2)
    a = _random_matrix(rng, rows, cols, 3, dtype)
    x = lorank.tt.random(cols, [2, 4, 3], rng=rng, dtype=dtype)
    exact = a @ x
    t = tol(dtype)
    full = a.apply(x, rtol=0.0, method=method).full().ravel()
    fx = exact.full().ravel()
    np.testing.assert_allclose(full, a.full() @ x.full().ravel(), atol=t * 100 * np.abs(fx).max())
    capped = a.apply(x, max_rank=3, method=method)
    best = exact.round(max_rank=3, method="svd")
    assert capped.ranks == best.ranks
    err = (capped - exact).norm(accurate=True)
    assert err == pytest.approx((best - exact).norm(accurate=True), rel=t ** 0.5 * 10)


@pytest.mark.parametrize("method", ["svd", "orth-gram", "gram"])
def test_product_of_cores_beyond_the_double_range(rng, method):
    # A core of 1e250 times one of 1e300: the product cores are formed in balanced units and
    # the powers of two spread over the result (they overflowed to inf, and apply raised a
    # LAPACK error). The product's norm (~1e550) is beyond double; compare after scaling.
    a = _random_matrix(rng, (2, 3, 2), (3, 2, 2), 2)
    x = lorank.tt.random((3, 2, 2), 2, rng=rng)
    big_a = TTMatrix([a.cores[0], a.cores[1] * 1e250, a.cores[2]])
    big_x = TT([x.cores[0], x.cores[1] * 1e300, x.cores[2]])  # the same core: 1e550
    ref = a.full() @ x.full().ravel()  # the product divided by 1e550
    for y in (big_a @ big_x, big_a.apply(big_x, rtol=1e-12, method=method)):
        assert all(np.isfinite(c).all() for c in y.cores)
        assert y.norm(log=True) == pytest.approx(np.log(np.linalg.norm(ref)) + 550 * np.log(10),
                                                 rel=1e-12)
        scaled = (y * 1e-300) * 1e-250
        tol = 1e-7 if method == "gram" else 1e-11
        np.testing.assert_allclose(scaled.full().ravel(), ref, atol=tol * np.abs(ref).max())


def test_dense_products_between_cores_of_extreme_magnitude(rng):
    # Cores of 1e-200, 1e-200 and 1e300: full() and matvec_dense work in balanced units
    # (matvec_dense returned zeros).
    a = _random_matrix(rng, (2, 3, 2), (3, 2, 2), 2)
    b = TTMatrix([c * s for c, s in zip(a.cores, (1e-200, 1e-200, 1e300))])
    v = rng.standard_normal(12)
    np.testing.assert_allclose(b.full(), a.full() * 1e-100, rtol=1e-12)
    np.testing.assert_allclose(b.matvec_dense(v), a.full() @ v * 1e-100, rtol=1e-11)
    np.testing.assert_allclose(b.aslinearoperator().matvec(v), a.full() @ v * 1e-100,
                               rtol=1e-11)


def test_fused_product_rounding_of_two_tt_matrices(rng):
    from lorank import _core

    a = _random_matrix(rng, (2, 3, 2), (3, 2, 2), 2)
    b = _random_matrix(rng, (3, 2, 2), (2, 2, 3), 3)
    args = (list(a.cores), [2, 3, 2], [3, 2, 2], list(b.cores), [2, 2, 3])
    for method in ("svd", "orth-gram"):
        cores = _core.matmul(*args, rtol=1e-13, max_rank=[], method=method, round=True)[0]
        cores = [c.reshape(c.shape[0], m, q, c.shape[2]) for c, m, q in zip(cores, args[1], args[4])]
        np.testing.assert_allclose(TTMatrix(cores).full(), a.full() @ b.full(), atol=1e-11)


def test_matmul_matches_reference_twin(rng, dtype):
    from lorank import _core

    a = _random_matrix(rng, (2, 3), (3, 2), 2, dtype)
    x = lorank.tt.random((3, 2), 2, rng=rng, dtype=dtype)
    args = (list(a.cores), [2, 3], [3, 2], list(x.cores), [1, 1])
    ours = TT(_core.matmul(*args)[0])
    twin = TT(ref.matmul(*args)[0])
    np.testing.assert_allclose(ours.full(), twin.full(), atol=tol(dtype) * 10)


def test_identity_and_linear_operator(rng):
    e = TTMatrix.identity((2, 3, 2))
    np.testing.assert_array_equal(e.full(), np.eye(12))
    a = _random_matrix(rng, (2, 3), (3, 4), 2, np.complex128)
    op = a.aslinearoperator()
    v = rng.standard_normal(12) + 1j * rng.standard_normal(12)
    w = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    np.testing.assert_allclose(op.matvec(v), a.full() @ v, atol=1e-12)
    np.testing.assert_allclose(op.rmatvec(w), a.full().conj().T @ w, atol=1e-12)
    block = rng.standard_normal((12, 3))
    np.testing.assert_allclose(op.matmat(block), a.full() @ block, atol=1e-12)


def test_matrix_round(rng):
    a = _random_matrix(rng, (2, 2, 2), (2, 2, 2), 2)
    doubled = a.as_tt() + a.as_tt()
    s = TTMatrix([c.reshape(c.shape[0], 2, 2, c.shape[2]) for c in doubled.cores])
    assert s.ranks == (1, 4, 4, 1)
    r = s.round(rtol=1e-12)
    assert r.ranks == (1, 2, 2, 1)
    np.testing.assert_allclose(r.full(), 2 * a.full(), atol=1e-12)
