# SPDX-License-Identifier: MIT
"""The rounding contract for every method: error <= rtol, ranks <= the SVD path's, error
reported, compared with dense NumPy and with the reference twin."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import TT
from lorank._reference import tt as ref
from tests.conftest import tol

METHODS = ["svd", "orth-gram", "gram", "auto"]


def _weighted_rank1_sum(rng, weights, n, dtype=np.float64):
    """sum_j w_j (rank-1 train of d = n random vectors of length n): singular values of
    every unfolding close to the weights."""
    terms = [lorank.tt.rank1([rng.standard_normal(n).astype(dtype) for _ in range(n)]) * w
             for w in weights]
    x = terms[0]
    for t in terms[1:]:
        x = x + t
    return x


def _noisy_sum(rng, dtype, shape=(3, 4, 5, 4, 3)):
    """A rank-2 TT plus a small rank-2 perturbation, written as a rank-6 sum."""
    x = lorank.tt.random(shape, 2, rng=rng, dtype=dtype)
    e = lorank.tt.random(shape, 2, rng=rng, dtype=dtype) * 1e-3
    return x + e + x


@pytest.mark.parametrize("method", METHODS)
def test_round_recovers_exact_rank(rng, dtype, method):
    x = lorank.tt.random((3, 4, 5, 4), 2, rng=rng, dtype=dtype)
    s = x + x * 0.5 + x
    rtol = 1e-4 if dtype == np.float32 else (1e-6 if method == "gram" else 1e-10)
    y, info = s.round(rtol=rtol, method=method, return_info=True)
    assert y.ranks == (1, 2, 2, 2, 1)
    err = np.linalg.norm(y.full() - s.full()) / np.linalg.norm(s.full())
    assert err <= max(rtol, 10 * tol(dtype))
    assert y.dtype == dtype


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("rtol", [1e-1, 1e-2, 2e-4])
def test_round_error_bound_and_reported_error(rng, method, rtol):
    s = _noisy_sum(rng, np.float64)
    full = s.full()
    y, info = s.round(rtol=rtol, method=method, return_info=True)
    err = np.linalg.norm(y.full() - full)
    assert err <= rtol * np.linalg.norm(full) * (1 + 1e-8)
    assert info.error == pytest.approx(err, rel=1e-4, abs=1e-9 * np.linalg.norm(full))
    assert info.norm == pytest.approx(np.linalg.norm(full), rel=1e-10)
    ranks_svd = s.round(rtol=rtol, method="svd").ranks
    assert all(a <= b for a, b in zip(y.ranks, ranks_svd))


@pytest.mark.parametrize("method", ["svd", "orth-gram", "gram", "randomized"])
def test_round_max_rank_matches_svd_error(rng, method):
    x = lorank.tt.random((4, 4, 4, 4, 4), 6, rng=rng)
    y, info = x.round(max_rank=3, method=method, rng=0, return_info=True)
    assert max(y.ranks) <= 3
    best = x.round(max_rank=3, method="svd")
    err_best = np.linalg.norm(best.full() - x.full())
    err = np.linalg.norm(y.full() - x.full())
    assert info.error == pytest.approx(err, rel=1e-6)
    if method == "randomized":
        assert err <= 2.0 * err_best  # near-optimal with high probability (fixed seed)
    else:
        assert err == pytest.approx(err_best, rel=1e-6)


def test_round_per_bond_max_rank(rng):
    x = lorank.tt.random((4, 4, 4, 4), 5, rng=rng)
    y = x.round(max_rank=[2, 3, 1])
    assert y.ranks == (1, 2, 3, 1, 1)
    z = x.round(max_rank=(1, 2, 3, 1, 1))
    assert z.ranks == (1, 2, 3, 1, 1)


def test_round_matches_reference_twin(rng, dtype):
    s = _noisy_sum(rng, dtype)
    rtol = 1e-2
    y, info = s.round(rtol=rtol, method="svd", return_info=True)
    cores, err, norm, _ = ref.round(list(s.cores), rtol, [0] * (s.ndim - 1))
    z = TT(cores)
    assert y.ranks == z.ranks
    np.testing.assert_allclose(y.full(), z.full(), atol=tol(dtype) * 100)
    assert info.error == pytest.approx(err, rel=1e-3)
    assert info.norm == pytest.approx(norm, rel=1e-5)


def test_tt_svd_matches_reference_twin(rng, dtype):
    a = (lorank.tt.random((3, 4, 5, 2), 2, rng=rng, dtype=dtype) * 10).full()
    x = TT.from_dense(a, rtol=1e-3)
    cores, _, _, _ = ref.tt_svd(a, 1e-3, [])
    z = TT(cores)
    assert x.ranks == z.ranks
    np.testing.assert_allclose(x.full(), z.full(), atol=tol(dtype) * 100)


def test_orthogonalize_matches_reference_twin(rng, dtype):
    x = lorank.tt.random((3, 4, 2), 3, rng=rng, dtype=dtype)
    for side in ("left", "right"):
        ours = x.orthogonalize(side)
        twin = TT(ref.orthogonalize(list(x.cores), side))
        np.testing.assert_allclose(ours.full(), twin.full(), atol=tol(dtype) * 10)
        assert ours.ranks == twin.ranks


def test_dot_sum_at_match_reference_twin(rng, dtype):
    from lorank import _core

    x = lorank.tt.random((3, 4, 5), 3, rng=rng, dtype=dtype)
    y = lorank.tt.random((3, 4, 5), 2, rng=rng, dtype=dtype)
    m1, s1 = _core.dot(list(x.cores), list(y.cores))
    m2, s2 = ref.dot(list(x.cores), list(y.cores))
    assert m1 * np.exp(s1) == pytest.approx(m2 * np.exp(s2), rel=tol(dtype) * 10)
    m1, s1 = _core.sum(list(x.cores))
    m2, s2 = ref.sum(list(x.cores))
    assert m1 * np.exp(s1) == pytest.approx(m2 * np.exp(s2), rel=tol(dtype) * 100)
    idx = np.array([[0, 1, 2], [2, 3, 4]], dtype=np.int64)
    np.testing.assert_allclose(_core.at(list(x.cores), idx), ref.at(list(x.cores), idx),
                               rtol=tol(dtype) * 10)


def test_round_zero_and_single_core(rng):
    z = lorank.tt.zeros((2, 3, 4)) + lorank.tt.zeros((2, 3, 4))
    for method in ("svd", "orth-gram", "gram"):
        y, info = z.round(method=method, return_info=True)
        assert y.norm() == 0.0
        assert info.rel_error == 0.0
    v = TT.from_dense(rng.standard_normal(6))
    np.testing.assert_allclose(v.round().full(), v.full())


def test_round_redundant_sum_to_machine_precision(rng):
    x = lorank.tt.random([4] * 12, 5, rng=rng)
    s = 0.5 * x + 1.5 * x + (-0.75) * x + 2.0 * x
    y = s.round(max_rank=5)
    assert y.ranks == (1, *[4, *[5] * 9, 4], 1)
    assert (y - 3.25 * x).norm(accurate=True) / (3.25 * x.norm()) < 1e-13


def test_randomized_needs_max_rank_or_a_checkable_rtol(rng):
    x = lorank.tt.random((2, 3, 4), 3, rng=rng)
    with pytest.raises(lorank.errors.ArgumentError, match="needs max_rank, or rtol >="):
        x.round(method="randomized")
    with pytest.raises(lorank.errors.ArgumentError, match="needs max_rank"):
        x.round(method="randomized", rtol=1e-9)


@pytest.mark.parametrize("rtol", [1e-1, 1e-3, 1e-5])
def test_randomized_adaptive_meets_rtol(rng, rtol):
    """Without max_rank the randomized method grows its sketch until the error meets rtol."""
    s = _noisy_sum(rng, np.float64, shape=(4, 4, 4, 4, 4, 4))
    full = s.full()
    y, info = s.round(rtol=rtol, method="randomized", rng=3, return_info=True)
    err = np.linalg.norm(y.full() - full) / np.linalg.norm(full)
    assert err <= rtol * (1 + 1e-6)
    assert info.rel_error == pytest.approx(err, rel=1e-3, abs=1e-7)
    ranks_svd = s.round(rtol=rtol / np.sqrt(2), method="svd").ranks
    assert all(a <= b for a, b in zip(y.ranks, ranks_svd))


@pytest.mark.parametrize("factor", [0.25, 4.0])
@pytest.mark.parametrize("method", ["svd", "orth-gram", "gram", "randomized"])
def test_round_long_train_outside_double_range(method, factor):
    """d = 1000 with norm 2^(+-1500): the running power-of-two scale keeps rounding exact
    where the norm itself under- or overflows."""
    x = lorank.tt.random([2] * 1000, 3, rng=0)
    y = TT([c * factor for c in x.cores])
    s = y + y
    z, info = s.round(rtol=1e-10, max_rank=3, method=method, rng=0, return_info=True)
    assert max(z.ranks) <= 3
    # compare in log space against the exact 2y
    assert z.norm(log=True) == pytest.approx((2 * y).norm(log=True), rel=1e-10)
    assert (z * (1 / 2) - y).norm(log=True) - y.norm(log=True) < np.log(1e-6)
    assert info.rel_error < 1e-6
    assert info.norm in (0.0, np.inf)


def test_orthogonalize_right_keeps_long_train_values():
    x = lorank.tt.random([2] * 200, 3, rng=1)
    y = TT([c * 0.5 for c in x.cores])
    z = y.orthogonalize("right")
    idx = np.random.default_rng(0).integers(0, 2, size=(5, 200))
    np.testing.assert_allclose(z.at(idx), y.at(idx), rtol=1e-9)


def _left_qr_right_svd(cores, max_rank):
    """Rounding as ttpy and teneva write it: QR sweep left to right, SVD sweep right to left."""
    cores = [c.copy() for c in cores]
    for k in range(len(cores) - 1):
        r0, n, r1 = cores[k].shape
        q, r = np.linalg.qr(cores[k].reshape(r0 * n, r1))
        cores[k] = q.reshape(r0, n, -1)
        cores[k + 1] = np.tensordot(r, cores[k + 1], axes=1)
    for k in range(len(cores) - 1, 0, -1):
        r0, n, r1 = cores[k].shape
        u, s, vh = np.linalg.svd(cores[k].reshape(r0, n * r1), full_matrices=False)
        rank = min(max_rank, len(s))
        cores[k] = vh[:rank].reshape(rank, n, r1)
        cores[k - 1] = np.tensordot(cores[k - 1], u[:, :rank] * s[:rank], axes=1)
    return cores


@pytest.mark.parametrize("method", ["svd", "orth-gram", "auto"])
def test_round_sweeps_like_the_peers(rng, method):
    # A flat spectrum cut hard: the two sweep orders give different (equally valid) trains,
    # and lorank's must be the one the peers compute.
    terms = [lorank.tt.random((4,) * 8, 6, rng=rng) for _ in range(3)]
    s = terms[0] + terms[1] + terms[2]
    y = s.round(max_rank=5, method=method)
    z = TT(_left_qr_right_svd(list(s.cores), 5))
    np.testing.assert_allclose(y.full(), z.full(), atol=1e-10 * np.abs(z.full()).max())
    backwards = TT(_left_qr_right_svd([c.transpose(2, 1, 0) for c in s.cores[::-1]], 5))
    assert np.abs(backwards.full().transpose(*range(7, -1, -1)) - z.full()).max() > 1e-3


def test_orth_gram_measures_small_capped_tails(rng):
    # Kept singular values down to 1e-2 and a cap that drops ~3e-6: a tail too small for the
    # Gram eigenvalues to resolve, so the Gram sweep measures the error it makes.
    x = _weighted_rank1_sum(rng, [1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 3e-6, 1e-6, 1e-7], 6)
    exact = x.full()
    results = {}
    for method in ("orth-gram", "svd"):
        y, info = x.round(max_rank=7, method=method, return_info=True)
        err = np.linalg.norm(y.full() - exact)
        assert 1e-9 < err / np.linalg.norm(exact) < 1e-5
        assert info.error == pytest.approx(err, rel=1e-4)
        results[method] = y.full()
    np.testing.assert_allclose(results["orth-gram"], results["svd"], atol=1e-12 * np.abs(exact).max())


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("scale", [1e200, 1e300, 1e-300])
@pytest.mark.parametrize("method", ["svd", "orth-gram", "auto"])
def test_round_core_entries_near_the_exponent_limits(rng, dtype, scale, method):
    # One core near the overflow (or underflow) threshold: Gram matrices of it overflow, so
    # its orthogonalization falls back to pivoted QR, whose rank test must not square the
    # entries (it used to drop every row but one and report a NaN error).
    x = lorank.tt.random((3, 3, 2, 2), 2, rng=rng, dtype=dtype)
    cores = list(x.cores)
    cores[0] = cores[0] * scale
    x = TT(cores)
    full = x.full()
    unit = np.abs(full).max()
    y, info = x.round(method=method, return_info=True)
    assert y.ranks == x.ranks
    err = np.linalg.norm((y.full() - full) / unit) / np.linalg.norm(full / unit)
    assert err < 1e-13
    assert np.isfinite(info.rel_error) and info.rel_error < 1e-13


def test_round_float32_core_below_the_normal_range(rng):
    # A float32 core of 1e-40 (subnormal): its R factor needs a 2^133 rescaling, more than a
    # float holds, so powers of two are applied in steps (one step gave inf, then NaN).
    x = lorank.tt.random((3, 3, 3), 2, rng=rng, dtype=np.float32)
    cores = [x.cores[0] * np.float32(1e35), x.cores[1] * np.float32(1e-40), x.cores[2]]
    x = TT(cores)
    as64 = TT([c.astype(np.float64) for c in x.cores])
    for method in ("svd", "auto"):
        y = x.round(method=method)
        assert all(np.isfinite(c).all() for c in y.cores)
        err = (TT([c.astype(np.float64) for c in y.cores]) - as64).norm(accurate=True)
        assert err <= 1e-3 * as64.norm()


@pytest.mark.parametrize("method", ["gram", "orth-gram", "svd", "randomized"])
def test_round_opposite_core_scales(rng, method):
    # Cores scaled by 1e-150 and 1e+250: the train's norm is ordinary, but Gram matrices
    # formed core by core overflow unless the cores are balanced first ('gram' used to
    # raise NumericalError from the eigensolver).
    x = lorank.tt.random((3, 3, 3, 3), 3, rng=rng)
    cores = list(x.cores)
    cores[1] = cores[1] * 1e-150
    cores[2] = cores[2] * 1e250
    x = TT(cores)
    full = x.full()
    if method == "randomized":  # capped: the sketch's measured error must be reported
        y, info = x.round(max_rank=2, method=method, return_info=True)
        err = np.linalg.norm(y.full() - full) / np.linalg.norm(full)
        assert err > 1e-3 and info.rel_error == pytest.approx(err, rel=1e-3)
    else:
        y, info = x.round(rtol=1e-12, method=method, return_info=True)
        assert y.ranks == x.ranks
        tol = 1e-7 if method == "gram" else 1e-12
        assert np.linalg.norm(y.full() - full) <= tol * np.linalg.norm(full)
    assert info.norm == pytest.approx(np.linalg.norm(full), rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_capped_rank_with_a_tail_at_the_noise_floor(rng, dtype):
    # Seven clear singular values, a tail near 1e-8 sigma_1 (below what the Gram eigenvalues
    # resolve) and a cap of 7 under a tiny rtol: the rank is the cap whatever the tail, so
    # the Gram sweep may keep going; it must give the SVD's train and measure its error.
    x = _weighted_rank1_sum(rng, [1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 3e-8, 1e-8], 6, dtype)
    exact = x.full()
    ys = {}
    for method in ("orth-gram", "svd"):
        y, info = x.round(rtol=1e-13, max_rank=7, method=method, return_info=True)
        assert max(y.ranks) == 7
        err = np.linalg.norm(y.full() - exact)
        assert 1e-10 < err / np.linalg.norm(exact) < 1e-7
        assert info.error == pytest.approx(err, rel=1e-3)
        ys[method] = y.full()
    np.testing.assert_allclose(ys["orth-gram"], ys["svd"], atol=1e-12 * np.abs(exact).max())


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_reported_error_counts_values_below_the_gram_noise_floor(rng, dtype):
    # Three clear singular values and three near 1e-8 sigma_1, below the noise floor of a Gram
    # matrix (~sqrt(k eps) sigma_1): rtol drops them and the error reported must count them.
    x = _weighted_rank1_sum(rng, [1.0, 0.5, 0.2, 3e-8, 2e-8, 1e-8], 5, dtype)
    exact = x.full()
    y, info = x.round(rtol=1e-4, method="orth-gram", return_info=True)
    assert max(y.ranks) == 3
    err = np.linalg.norm(y.full() - exact)
    assert 1e-9 < err / np.linalg.norm(exact) < 1e-7
    assert info.error == pytest.approx(err, rel=1e-3)


def test_randomized_error_estimate_does_not_depend_on_the_scale():
    # Cores scaled by exact powers of two (norms 2^(+-2000)): the reported relative error
    # must not change, as it did when the dot products went through a rounded exp(log).
    x = lorank.tt.random([2] * 1000, 3, rng=0)
    rel = []
    for f in (1.0, 0.25, 4.0):
        s = TT([c * f for c in x.cores])
        s = s + s
        _, info = s.round(rtol=1e-10, max_rank=3, method="randomized", rng=0, return_info=True)
        rel.append(info.rel_error)
    assert rel[1] == pytest.approx(rel[0], rel=1e-9, abs=1e-30)
    assert rel[2] == pytest.approx(rel[0], rel=1e-9, abs=1e-30)
