# SPDX-License-Identifier: MIT
"""TT construction, conversion, arithmetic, reductions and entries against dense NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import TT
from lorank.errors import NumericalError
from tests.conftest import low_rank_dense, random_dense, tol


def test_from_dense_exact_reconstruction(rng, dtype):
    a = random_dense(rng, (3, 4, 5, 2), dtype)
    x = TT.from_dense(a, rtol=0.0)
    assert x.dtype == dtype
    assert x.shape == a.shape
    assert x.ranks == (1, 3, 10, 2, 1)
    np.testing.assert_allclose(x.full(), a, atol=tol(dtype) * np.abs(a).max())


def test_from_dense_finds_low_ranks(rng, dtype):
    a = low_rank_dense(rng, (4, 5, 6, 3), 2, dtype)
    x, info = TT.from_dense(a, rtol=1e-3 if dtype == np.float32 else 1e-10, return_info=True)
    assert x.ranks == (1, 2, 2, 2, 1)
    err = np.linalg.norm(x.full() - a) / np.linalg.norm(a)
    assert err <= 10 * tol(dtype)
    assert info.rel_error <= 1e-3
    assert info.norm == pytest.approx(np.linalg.norm(a), rel=1e-5)


def test_from_dense_truncation_error_is_reported_and_bounded(rng):
    a = rng.standard_normal((4, 4, 4, 4, 4))
    for rtol in (0.5, 0.2, 0.05):
        x, info = TT.from_dense(a, rtol=rtol, return_info=True)
        err = np.linalg.norm(x.full() - a)
        assert err / np.linalg.norm(a) <= rtol + 1e-12
        assert info.error == pytest.approx(err, rel=1e-8)


@pytest.mark.parametrize("scale", [1e200, 1e300, 1e-200, 1e-300])
def test_from_dense_far_from_one(rng, scale):
    # The squared singular values of such tensors leave the double range: TT-SVD works on
    # the tensor divided by a power of two (it used to return rank 1 with a 60% error).
    a = rng.standard_normal((3, 3, 2))
    x, info = TT.from_dense(a * scale, rtol=1e-12, return_info=True)
    assert x.ranks == (1, 3, 2, 1)
    np.testing.assert_allclose(x.full() / scale, a, atol=1e-13)
    assert info.norm == pytest.approx(np.linalg.norm(a) * scale, rel=1e-13)
    assert info.rel_error < 1e-12


def test_from_dense_one_mode_and_max_rank(rng):
    v = rng.standard_normal(7)
    x = TT.from_dense(v)
    assert x.ranks == (1, 1)
    np.testing.assert_allclose(x.full(), v)
    a = rng.standard_normal((5, 6, 7))
    y = TT.from_dense(a, max_rank=2)
    assert max(y.ranks) == 2


def test_full_cores_properties(rng):
    x = lorank.tt.random((2, 3, 4), [2, 3], rng=rng)
    assert x.ndim == 3
    assert x.ranks == (1, 2, 3, 1)
    assert x.n_params == 1 * 2 * 2 + 2 * 3 * 3 + 3 * 4 * 1
    assert x.device == "cpu"
    assert "TT(shape=(2, 3, 4)" in repr(x)
    with pytest.raises(ValueError):
        x.cores[0][0, 0, 0] = 1.0  # cores are read-only


def test_constructor_copies_input(rng):
    cores = [rng.standard_normal((1, 2, 2)), rng.standard_normal((2, 3, 1))]
    x = TT(cores)
    before = x.full().copy()
    cores[0][...] = 0.0
    np.testing.assert_array_equal(x.full(), before)
    assert cores[0].flags.writeable


def test_arithmetic_matches_dense(rng, dtype):
    x = lorank.tt.random((3, 4, 2, 3), 3, rng=rng, dtype=dtype)
    y = lorank.tt.random((3, 4, 2, 3), 2, rng=rng, dtype=dtype)
    fx, fy = x.full(), y.full()
    t = tol(dtype)
    np.testing.assert_allclose((x + y).full(), fx + fy, atol=t)
    np.testing.assert_allclose((x - y).full(), fx - fy, atol=t)
    np.testing.assert_allclose((x * y).full(), fx * fy, atol=t)
    np.testing.assert_allclose((2.5 * x).full(), 2.5 * fx, atol=t)
    np.testing.assert_allclose((x * 2.5).full(), 2.5 * fx, atol=t)
    np.testing.assert_allclose((x / 4).full(), fx / 4, atol=t)
    np.testing.assert_allclose((-x).full(), -fx, atol=t)
    assert (x + y).ranks == (1, 5, 5, 5, 1)
    assert (x * y).ranks == (1, 6, 6, 6, 1)


def test_scalar_promotion_follows_numpy(rng):
    x = lorank.tt.random((2, 3), 2, rng=rng)
    y = x * (1 + 2j)
    assert y.dtype == np.complex128
    np.testing.assert_allclose(y.full(), (1 + 2j) * x.full())
    x32 = x.astype(np.float32)
    assert (x32 * 2.5).dtype == np.float32  # Python scalars are weak
    assert (x32 * 1j).dtype == np.complex64
    assert (x32 * np.float64(2.0)).dtype == np.result_type(np.float32, np.float64(2.0))
    assert (x * 3).dtype == np.float64


def test_mixed_dtypes_promote(rng):
    x = lorank.tt.random((2, 3), 2, rng=rng, dtype=np.float32)
    y = lorank.tt.random((2, 3), 2, rng=rng, dtype=np.complex128)
    assert (x + y).dtype == np.complex128
    np.testing.assert_allclose((x + y).full(), x.full() + y.full(), atol=1e-6)


def test_single_mode_arithmetic(rng):
    x = TT.from_dense(rng.standard_normal(5))
    y = TT.from_dense(rng.standard_normal(5))
    np.testing.assert_allclose((x + y).full(), x.full() + y.full())
    assert (x + y).ranks == (1, 1)


def test_dot_norm_sum_match_dense(rng, dtype):
    x = lorank.tt.random((3, 4, 5), 3, rng=rng, dtype=dtype)
    y = lorank.tt.random((3, 4, 5), 2, rng=rng, dtype=dtype)
    fx, fy = x.full(), y.full()
    rel = tol(dtype)
    assert x.dot(y) == pytest.approx(np.vdot(fx, fy), rel=rel * 10)
    assert x.norm() == pytest.approx(np.linalg.norm(fx), rel=rel * 10)
    assert x.norm(accurate=True) == pytest.approx(np.linalg.norm(fx), rel=rel * 10)
    assert x.sum() == pytest.approx(fx.sum(), rel=rel * 100, abs=rel)


def test_long_train_norm_neither_underflows_nor_overflows():
    # 0.25 per mode: the norm 0.25**1000 * 2**500 underflows double; the log does not.
    d = 1000
    x = lorank.tt.ones([2] * d) * 1.0
    x = TT([c * 0.25 for c in x.cores])
    assert x.norm(log=True) == pytest.approx(d * np.log(0.25) + 0.5 * d * np.log(2), rel=1e-12)
    big = TT([c * 4.0 for c in lorank.tt.ones([2] * d).cores])
    assert big.norm(log=True) == pytest.approx(d * np.log(4.0) + 0.5 * d * np.log(2), rel=1e-12)
    assert big.norm() == np.inf  # the value itself is out of range, reported as inf
    # dot of two long trains whose partial products would underflow: still exact ratio
    y = TT([c * 0.5 for c in lorank.tt.ones([2] * 600).cores])
    # each partial contraction is 0.5**k: computed with a running scale, the result is exact
    assert y.dot(y) == pytest.approx(0.5**600, rel=1e-12)
    assert y.norm(log=True) == pytest.approx(600 * np.log(0.5) + 300 * np.log(2))


def test_entries_and_batch(rng, dtype):
    x = lorank.tt.random((3, 4, 5), 3, rng=rng, dtype=dtype)
    f = x.full()
    assert x[1, 2, 3] == pytest.approx(f[1, 2, 3], rel=tol(dtype) * 10)
    assert x[-1, 0, -2] == pytest.approx(f[-1, 0, -2], rel=tol(dtype) * 10)
    idx = np.stack([rng.integers(0, n, 50) for n in x.shape], axis=1)
    np.testing.assert_allclose(x.at(idx), f[tuple(idx.T)], rtol=tol(dtype) * 10)
    assert x.at(np.zeros((0, 3), dtype=np.int64)).shape == (0,)


def test_orthogonalize(rng, dtype):
    x = lorank.tt.random((3, 4, 5, 2), 3, rng=rng, dtype=dtype)
    left = x.orthogonalize("left")
    right = x.orthogonalize("right")
    for y in (left, right):
        np.testing.assert_allclose(y.full(), x.full(), atol=tol(dtype) * 10)
    eye_tol = tol(dtype) * 10
    for c in left.cores[:-1]:
        m = c.reshape(-1, c.shape[2])
        np.testing.assert_allclose(m.conj().T @ m, np.eye(m.shape[1]), atol=eye_tol)
    for c in right.cores[1:]:
        m = c.reshape(c.shape[0], -1)
        np.testing.assert_allclose(m @ m.conj().T, np.eye(m.shape[0]), atol=eye_tol)


def test_constructors():
    z = lorank.tt.zeros((2, 3))
    assert z.norm() == 0.0
    assert z.norm(log=True) == -np.inf
    o = lorank.tt.ones((2, 3), dtype=np.complex64)
    assert o.dtype == np.complex64
    np.testing.assert_allclose(o.full(), np.ones((2, 3)))
    v = [np.arange(2.0), np.arange(3.0) + 1]
    np.testing.assert_allclose(lorank.tt.rank1(v).full(), np.outer(*v))
    r = lorank.tt.random((2, 3, 4), [1, 2, 3, 1], rng=0)
    assert r.ranks == (1, 2, 3, 1)
    again = lorank.tt.random((2, 3, 4), [1, 2, 3, 1], rng=0)
    np.testing.assert_array_equal(r.full(), again.full())


def test_integer_cores_are_promoted():
    x = TT([np.ones((1, 2, 1), dtype=np.int32), np.arange(3).reshape(1, 3, 1)])
    assert x.dtype == np.float64
    np.testing.assert_allclose(x.full(), np.outer(np.ones(2), np.arange(3)))


def test_save_load_roundtrip(tmp_path, rng):
    x = lorank.tt.random((2, 3, 4), 2, rng=rng, dtype=np.complex128)
    lorank.save(tmp_path / "x.npz", x)
    y = lorank.load(tmp_path / "x.npz")
    assert isinstance(y, TT)
    np.testing.assert_array_equal(y.full(), x.full())
    a = lorank.TTMatrix.identity((2, 3))
    lorank.save(tmp_path / "a.npz", a)
    b = lorank.load(tmp_path / "a.npz")
    assert isinstance(b, lorank.TTMatrix)
    np.testing.assert_array_equal(b.full(), np.eye(6))


def test_to_cpu_and_array_protocol(rng):
    x = lorank.tt.random((2, 3), 2, rng=rng)
    y = x.to("cpu")
    np.testing.assert_array_equal(np.asarray(y), x.full())


@pytest.mark.parametrize("cond", [1e2, 1e6, 1e12])
def test_orthogonalize_ill_conditioned_cores(rng, cond):
    """Graded cores exercise both the CholeskyQR2 path and its Householder fallback."""
    d, n, r = 6, 3, 5
    cores = [rng.standard_normal((1 if k == 0 else r, n, 1 if k == d - 1 else r))
             for k in range(d)]
    scale = np.logspace(0, -np.log10(cond), r)
    cores = [c * scale[: c.shape[2]][None, None, :] for c in cores]
    x = TT(cores)
    for side in ("left", "right"):
        y = x.orthogonalize(side)
        assert (y - x).norm(accurate=True) <= 1e-12 * x.norm(accurate=True)
        inner = y.cores[:-1] if side == "left" else y.cores[1:]
        for c in inner:
            m = c.reshape(-1, c.shape[2]) if side == "left" else c.reshape(c.shape[0], -1).T
            np.testing.assert_allclose(m.conj().T @ m, np.eye(m.shape[1]), atol=1e-13)


def test_scalar_products_beyond_the_dtype_range(rng):
    x = lorank.tt.random((3, 4, 5), 2, rng=rng, dtype=np.float32)
    wide = lorank.TT([c.astype(np.float64) for c in x.cores])
    # 1e30 and 1e-40 do not fit the first core of a float32 train: spread over the cores
    for s in (1e30, -1e30, 1e-40):
        y = x * s
        assert y.dtype == np.float32
        assert all(np.isfinite(c).all() and np.abs(c).max() > 1e-30 for c in y.cores)
        ywide = lorank.TT([c.astype(np.float64) for c in y.cores])
        np.testing.assert_allclose(ywide.full(), s * wide.full(), rtol=1e-5, atol=0)
    with pytest.raises(NumericalError, match="overflows float32"):
        x * 1e300


def test_norm_and_dot_of_a_core_near_the_overflow_threshold(rng):
    z = lorank.tt.random((2,) * 30, 3, rng=rng)
    w = z * 1e300 * 1e300  # the second factor no longer fits the first core
    assert max(np.abs(c).max() for c in w.cores) < 1e308
    assert w.norm(log=True) == pytest.approx(z.norm(log=True) + 600 * np.log(10), rel=1e-12)
    big = lorank.TT([z.cores[0] * 1e305, *z.cores[1:]])  # one core near the threshold
    assert big.norm(log=True) == pytest.approx(z.norm(log=True) + 305 * np.log(10), rel=1e-12)
    assert big.dot(z) == pytest.approx(z.norm() ** 2 * 1e305, rel=1e-10)


def test_norm_and_dot_of_a_core_near_the_underflow_threshold(rng):
    # One core of 1e-300: its square underflows inside a contraction step, which must not
    # return 0 (it used to, and the randomized rounding then reported a zero error).
    z = lorank.tt.random((2,) * 6, 3, rng=rng)
    tiny = lorank.TT([z.cores[0], z.cores[1] * 1e-300, *z.cores[2:]])
    assert tiny.norm(log=True) == pytest.approx(z.norm(log=True) - 300 * np.log(10), rel=1e-12)
    assert tiny.dot(z) == pytest.approx(z.norm() ** 2 * 1e-300, rel=1e-10)
    balanced = lorank.TT([z.cores[0] * 1e300, z.cores[1] * 1e-300, *z.cores[2:]])
    assert balanced.norm() == pytest.approx(z.norm(), rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize(
    "scales, factor", [((1e-200, 1e-200, 1e300), 1e-100), ((1e200, 1e200, 1e-300), 1e100)])
def test_entries_between_cores_of_extreme_magnitude(rng, dtype, scales, factor):
    # Entries of ordinary size (1e-100, 1e100) from cores whose plain products leave the
    # range: at() keeps a running scale and full() contracts balanced cores (they returned
    # zeros, or NaN).
    x = lorank.tt.random((2, 3, 2), 2, rng=rng, dtype=dtype)
    y = TT([c * s for c, s in zip(x.cores, scales)])
    np.testing.assert_allclose(y.full(), x.full() * factor, rtol=1e-12)
    idx = np.array([[0, 1, 1], [1, 2, 0]])
    np.testing.assert_allclose(y.at(idx), x.at(idx) * factor, rtol=1e-12)
    assert y[1, 0, 1] == pytest.approx(x[1, 0, 1] * factor, rel=1e-12)


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("scales", [(1e200, 1e200, 1e-300, 1.0), (1e-200, 1e-200, 1e300, 1.0)])
def test_orthogonalize_cores_of_extreme_magnitude(rng, side, scales):
    # R factors pushed along the train keep powers of two aside until the end (left to
    # right, 1e200 times 1e200 overflowed and 1e-200 times 1e-200 flushed to zero).
    x = lorank.tt.random((2, 3, 2, 2), 2, rng=rng)
    y = TT([c * s for c, s in zip(x.cores, scales)])
    z = y.orthogonalize(side)
    assert all(np.isfinite(c).all() for c in z.cores)
    factor = scales[0] * (scales[1] * scales[2])  # 1e100 or 1e-100
    np.testing.assert_allclose(z.full(), x.full() * factor, rtol=1e-12)


@pytest.mark.parametrize("sx, sy", [((1e200, 1, 1e-200), (1e200, 1e-200, 1)),
                                     ((1e-200, 1, 1e200), (1e-200, 1e200, 1))])
def test_hadamard_product_of_cores_of_extreme_magnitude(rng, sx, sy):
    # Ordinary trains whose cores multiply to 1e400 or 1e-400: the Kronecker cores are
    # formed in balanced units (they overflowed to inf, or flushed to zero).
    x = lorank.tt.random((2, 3, 2), 2, rng=rng)
    y = lorank.tt.random((2, 3, 2), 2, rng=rng)
    big_x = TT([c * s for c, s in zip(x.cores, sx)])
    big_y = TT([c * s for c, s in zip(y.cores, sy)])
    z = big_x * big_y
    assert all(np.isfinite(c).all() for c in z.cores)
    np.testing.assert_allclose(z.full(), x.full() * y.full(), rtol=1e-12)


@pytest.mark.parametrize("scales", [(1e200, 1.0, 1.0), (1e-250, 1.0, 1.0), (1e200, 1e200, 1.0)])
def test_accurate_norm_of_cores_of_extreme_magnitude(rng, scales):
    # norm(accurate=True) squared the entries of the first core after orthogonalization
    # (inf at 1e200, 0 at 1e-250); it works in balanced, scaled units now, like norm().
    x = lorank.tt.random((2, 3, 2), 2, rng=rng)
    y = TT([c * s for c, s in zip(x.cores, scales)])
    expect = x.norm(log=True) + sum(np.log(s) for s in scales)
    assert y.norm(log=True, accurate=True) == pytest.approx(expect, abs=1e-12)
    assert np.log(y.norm(accurate=True)) == pytest.approx(expect, abs=1e-12) or (
        expect > 709 and y.norm(accurate=True) == np.inf)


def test_astype_evens_out_cores_beyond_the_target_range(rng):
    # Cores of 1e200 and 1e-200 (a tensor of ordinary entries) cast to float32: evened out
    # by powers of two first (the cast gave inf and 0 cores); a train whose even share per
    # core still overflows float32 raises.
    x = lorank.tt.random((2, 3, 2), 2, rng=rng)
    y = TT([x.cores[0] * 1e200, x.cores[1] * 1e-200, x.cores[2]])
    z = y.astype(np.float32)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.full(), x.full(), rtol=1e-5, atol=1e-6)
    with pytest.raises(NumericalError, match="overflows float32"):
        TT([x.cores[0] * 1e200, x.cores[1] * 1e100, x.cores[2]]).astype(np.float32)


@pytest.mark.parametrize("s", [1e300, 1e-300, 1e-320, -1e308])
def test_scalar_products_rebalance_cores_of_extreme_magnitude(s):
    x = lorank.TT([np.full((1, 2, 1), 1e-300), np.full((1, 2, 1), 1e300)])  # entries: 1
    y = x * s
    assert all(np.isfinite(c).all() and np.abs(c).min() > 0 for c in y.cores)
    assert np.prod([c[0, 0, 0] for c in y.cores]) == pytest.approx(s, rel=1e-12)
