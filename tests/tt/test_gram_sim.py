# SPDX-License-Identifier: MIT
"""method='gram-sim' (bond-parallel Gram rounding) against dense SVDs of every unfolding of
the input: its ranks, its error bound and the error it reports. Runs on NumPy here; the GPU
run (tests/tt/test_gpu.py) checks CuPy against these CPU results."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank._reference import tt_bondwise


def _unfolding_spectra(full: np.ndarray) -> list[np.ndarray]:
    """Singular values of every unfolding X_(k), k = 1..d-1, by dense SVD."""
    return [np.linalg.svd(full.reshape(int(np.prod(full.shape[: k + 1])), -1), compute_uv=False)
            for k in range(full.ndim - 1)]


def _dense_bound(spectra: list[np.ndarray], ranks: tuple[int, ...]) -> float:
    """sqrt(sum over bonds of the squared singular values beyond each bond's rank)."""
    return float(np.sqrt(sum(float((s[r:] ** 2).sum()) for s, r in zip(spectra, ranks[1:-1]))))


def _graded(rng, dtype=np.float64):
    """A rank-3 train plus two smaller ones: gaps in every unfolding's spectrum."""
    shape = (4, 5, 3, 6, 4)
    x = lorank.tt.random(shape, 3, rng=rng, dtype=dtype)
    return x + lorank.tt.random(shape, 2, rng=rng, dtype=dtype) * 0.05 \
        + lorank.tt.random(shape, 2, rng=rng, dtype=dtype) * 1e-3


@pytest.mark.parametrize("rtol", [0.3, 0.03, 3e-3])
def test_ranks_and_error_follow_the_unfoldings_of_x(rng, rtol):
    x = _graded(rng)
    full = x.full()
    spectra = _unfolding_spectra(full)
    y, info = x.round(rtol=rtol, method="gram-sim", return_info=True)
    assert info.method == "gram-sim"
    # Each bond's rank: the smallest whose tail of x's own unfolding fits rtol^2 ||x||^2/(d-1).
    delta2 = rtol**2 * np.linalg.norm(full) ** 2 / (x.ndim - 1)
    want = [int(np.argmax([(s[r:] ** 2).sum() <= delta2 for r in range(1, len(s) + 1)])) + 1
            for s in spectra]
    assert list(y.ranks[1:-1]) == want
    err = np.linalg.norm(y.full() - full)
    bound = _dense_bound(spectra, y.ranks)
    assert err <= bound * (1 + 1e-6) + 1e-12
    assert err <= rtol * np.linalg.norm(full)
    assert info.norm == pytest.approx(np.linalg.norm(full), rel=1e-12)
    if err > 1e-5 * np.linalg.norm(full):
        assert info.error == pytest.approx(err, rel=1e-6)


def test_max_rank_error_is_measured_and_within_the_bound(rng):
    x = lorank.tt.random((4, 4, 4, 4, 4, 4), 8, rng=rng)
    full = x.full()
    y, info = x.round(max_rank=3, method="gram-sim", return_info=True)
    assert info.method == "gram-sim" and max(y.ranks) <= 3
    err = np.linalg.norm(y.full() - full)
    assert info.error == pytest.approx(err, rel=1e-8)
    assert err <= _dense_bound(_unfolding_spectra(full), y.ranks) * (1 + 1e-8)
    # Without measuring, the bound itself is reported (the dense one, to Gram accuracy).
    _, err_bound, _, _ = tt_bondwise.round(list(x.cores), 1e-14, [3] * 5)
    assert err_bound == pytest.approx(_dense_bound(_unfolding_spectra(full), y.ranks), rel=1e-6)
    best = np.linalg.norm(x.round(max_rank=3, method="svd").full() - full)
    assert best <= err <= np.sqrt(x.ndim - 1) * best  # quasi-optimal like the SVD sweep


def test_complex_trains(rng):
    x = _graded(rng, np.complex128)
    full = x.full()
    y, info = x.round(rtol=0.03, method="gram-sim", return_info=True)
    assert info.method == "gram-sim" and y.dtype == np.complex128
    err = np.linalg.norm(y.full() - full)
    assert err <= 0.03 * np.linalg.norm(full)
    assert info.error == pytest.approx(err, rel=1e-6)
    assert y.ranks == x.round(rtol=0.03, method="svd").ranks


@pytest.mark.parametrize("make", [
    lambda x: x.round(rtol=1e-10, method="gram-sim", return_info=True),  # below its accuracy
    lambda x: (x * 0.0).round(method="gram-sim", return_info=True),  # a zero train
])
def test_declined_requests_run_orth_gram(rng, make):
    x = _graded(rng)
    y, info = make(x)
    assert info.method == "orth-gram"
    ref = make(x)[0] if info.norm == 0 else x.round(rtol=1e-10, method="orth-gram")
    np.testing.assert_allclose(y.full(), ref.full(), atol=1e-12)


def test_long_train_out_of_gram_range_is_declined(rng):
    # Cores of norm ~8: the Gram matrices reach 8^(2*200) = 1e361, beyond double.
    x = lorank.tt.random([2] * 200, 3, rng=rng) * 1.0
    x = lorank.TT.from_cores([c * 8.0 for c in x.cores])
    assert tt_bondwise.round(list(x.cores), 0.1, [2] * 199) is None
    y, info = x.round(max_rank=2, method="gram-sim", return_info=True)
    assert info.method == "orth-gram" and max(y.ranks) <= 2


def test_float32_coarse_request(rng):
    x = _graded(rng, np.float32)
    full = x.full().astype(np.float64)
    y, info = x.round(max_rank=2, method="gram-sim", return_info=True)
    assert y.dtype == np.float32 and max(y.ranks) <= 2
    err = np.linalg.norm(y.full() - full)
    best = np.linalg.norm(x.round(max_rank=2, method="svd").full() - full)
    assert err <= 1.01 * np.sqrt(x.ndim - 1) * best
    assert info.error == pytest.approx(err, rel=1e-2)


def test_round_sum_and_apply_take_the_method(rng):
    xs = [lorank.tt.random((3, 4, 3, 4), 3, rng=rng) for _ in range(3)]
    total = xs[0] + xs[1] + xs[2]
    y, info = lorank.tt.round_sum(xs, max_rank=4, method="gram-sim", return_info=True)
    assert info.method == "gram-sim"
    np.testing.assert_allclose(y.full(), total.round(max_rank=4, method="gram-sim").full(),
                               atol=1e-12)
    a = lorank.TTMatrix.from_dense(rng.standard_normal((144, 144)), (3, 4, 3, 4), (3, 4, 3, 4),
                                   max_rank=4)
    z = a.apply(xs[0], max_rank=5, method="gram-sim")
    np.testing.assert_allclose(z.full(), (a @ xs[0]).round(max_rank=5, method="gram-sim").full(),
                               atol=1e-12)


def test_unknown_method_names_the_choices(rng):
    x = lorank.tt.random((2, 3), 2, rng=rng)
    with pytest.raises(lorank.errors.ArgumentError, match="gram-sim"):
        x.round(method="gram_sim")
