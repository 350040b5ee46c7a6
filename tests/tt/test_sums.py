# SPDX-License-Identifier: MIT
"""round_sum: structure-aware randomized rounding of sums against dense NumPy and the
explicit-sum SVD rounding."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank.errors import ArgumentError, RankError, ShapeError
from tests.conftest import tol


@pytest.mark.parametrize("method", ["randomized", "svd", "auto"])
def test_round_sum_of_low_rank_terms_is_exact(rng, dtype, method):
    base = [lorank.tt.random((3, 4, 5, 3), 2, rng=rng, dtype=dtype) for _ in range(2)]
    terms = [base[0], base[1], base[0] * 2.0, base[1] * -0.5]
    dense = sum(t.full() for t in terms)
    y, info = lorank.tt.round_sum(terms, max_rank=4, method=method, rng=1, return_info=True)
    assert max(y.ranks) <= 4
    err = np.linalg.norm(y.full() - dense) / np.linalg.norm(dense)
    assert err <= 100 * tol(dtype)
    assert info.norm == pytest.approx(np.linalg.norm(dense), rel=1e-4)


def test_round_sum_randomized_near_optimal(rng):
    terms = [lorank.tt.random((4,) * 6, 5, rng=rng) for _ in range(3)]
    dense = sum(t.full() for t in terms)
    exact = lorank.tt.round_sum(terms, max_rank=6, method="svd")
    y, info = lorank.tt.round_sum(terms, max_rank=6, method="randomized", rng=0,
                                  return_info=True)
    err_best = np.linalg.norm(exact.full() - dense)
    err = np.linalg.norm(y.full() - dense)
    assert max(y.ranks) <= 6
    assert err <= 1.5 * err_best
    assert info.error == pytest.approx(err, rel=1e-6)


def test_round_sum_matches_reference_twin(rng):
    from lorank import _core
    from lorank._reference import tt as ref

    terms = [list(lorank.tt.random((3, 4, 2), r, rng=rng).cores) for r in (1, 2, 3)]
    ours = _core.round_sum(terms, 1e-12, [0, 0], "svd")
    twin = ref.round_sum(terms, 1e-12, [0, 0], "svd")
    np.testing.assert_allclose(lorank.TT(ours[0]).full(), lorank.TT(twin[0]).full(), atol=1e-12)
    assert ours[2] == pytest.approx(twin[2], rel=1e-12)


def test_round_sum_single_mode_and_single_term(rng):
    a, b = (lorank.TT.from_dense(rng.standard_normal(5)) for _ in range(2))
    y = lorank.tt.round_sum([a, b], max_rank=1, method="randomized")
    np.testing.assert_allclose(y.full(), a.full() + b.full(), atol=1e-12)
    x = lorank.tt.random((3, 3, 3), 2, rng=rng)
    np.testing.assert_allclose(lorank.tt.round_sum([x], max_rank=2, method="randomized").full(),
                               x.full(), atol=1e-12)


def test_round_sum_bad_input(rng):
    x = lorank.tt.random((2, 3), 2, rng=rng)
    with pytest.raises(ShapeError, match="non-empty"):
        lorank.tt.round_sum([])
    with pytest.raises(TypeError, match="term 1"):
        lorank.tt.round_sum([x, np.ones((2, 3))])
    with pytest.raises(ShapeError, match="mode sizes differ"):
        lorank.tt.round_sum([x, lorank.tt.random((2, 4), 2, rng=rng)])
    with pytest.raises(ArgumentError, match="needs max_rank"):
        lorank.tt.round_sum([x, x], method="randomized")
    y = lorank.tt.round_sum([x, x], method="randomized", rtol=1e-4)
    np.testing.assert_allclose(y.full(), 2 * x.full(), atol=1e-4 * np.abs(x.full()).max() * 4)
    with pytest.raises(ArgumentError, match="oversample"):
        lorank.tt.round_sum([x, x], max_rank=2, method="randomized", oversample=-1)
    with pytest.raises(RankError):
        lorank.tt.round_sum([x, x], max_rank=0)


def test_round_sum_repeated_terms_randomized(rng):
    """Repeated terms make the stacked sketch rank-deficient; its blocks must share one
    scale for the sketch to span the sum (a regression test)."""
    x = lorank.tt.random((2, 4, 2, 3, 4, 2), 2, rng=rng)
    y = lorank.tt.random((2, 4, 2, 3, 4, 2), 1, rng=rng)
    terms = [x, 0.3 * y, x]
    dense = sum(t.full() for t in terms)
    for max_rank in (None, 3):
        z = lorank.tt.round_sum(terms, rtol=1e-3, max_rank=max_rank, method="randomized", rng=0)
        assert np.linalg.norm(z.full() - dense) <= 1e-10 * np.linalg.norm(dense)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("method", ["svd", "orth-gram"])
def test_round_skips_zero_blocks_exactly(rng, method, dtype):
    # Cores with zero rows, staircase column ranges and a block-diagonal sum: the QR sweep
    # multiplies only the nonzero blocks, and the result must match the dense computation.
    # Negative zeros count as zeros; a complex entry with only an imaginary part does not.
    shape = (3, 4, 4, 3)
    ranks = [1, 6, 8, 5, 1]
    cores = []
    for k, n in enumerate(shape):
        c = rng.standard_normal((ranks[k], n, ranks[k + 1])).astype(dtype)
        if dtype == np.complex128:
            c.imag = rng.standard_normal(c.shape)
            c[-1, :, -1] = 0.0
            c[-1, 0, -1] = 1j  # the row's last nonzero, an imaginary part alone
        for a in range(ranks[k]):
            lo = min(a, ranks[k + 1] - 1)
            c[a, :, :lo] = -0.0  # rows start further right as a grows
        if ranks[k] > 2:
            c[1] = 0.0  # a zero row
        cores.append(c)
    x = lorank.TT(cores)
    s = x + lorank.tt.random(shape, 3, rng=rng) + x * 0.25
    exact = s.full()
    y, info = s.round(rtol=1e-12, method=method, return_info=True)
    np.testing.assert_allclose(y.full(), exact, atol=1e-11 * np.abs(exact).max())
    z = s.round(max_rank=2, method=method)
    best = s.round(max_rank=2, method="svd")
    np.testing.assert_allclose(z.full(), best.full(), atol=1e-10 * np.abs(exact).max())
