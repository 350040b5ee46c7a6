# SPDX-License-Identifier: MIT
"""Matrix cross (skeleton) against dense matrices and their SVDs."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank.errors import ArgumentError, NumericalError, ShapeError


def test_recovers_a_low_rank_matrix_from_an_entry_function(rng):
    b = rng.standard_normal((200, 7)) @ rng.standard_normal((7, 150))
    calls = []

    def f(i, j):
        calls.append(len(i))
        return b[i, j]

    sk = lorank.linalg.skeleton(f, b.shape, rtol=1e-12, rng=1)
    assert len(sk.rows) == len(sk.cols) == 7
    np.testing.assert_allclose(sk.left @ sk.right, b, atol=1e-11 * np.abs(b).max())
    np.testing.assert_allclose(sk.left[sk.rows], np.eye(7), atol=1e-12)
    np.testing.assert_array_equal(sk.right, b[sk.rows])
    assert sk.n_evals == sum(calls) < b.size


def test_smooth_kernel_close_to_the_svd(rng):
    x = np.sort(rng.uniform(0, 1, 400))
    y = np.sort(rng.uniform(0, 2, 300))
    a = 1.0 / (1.0 + np.abs(x[:, None] - y[None, :]) ** 2)
    for rtol in (1e-4, 1e-8):
        sk = lorank.linalg.skeleton(a, rtol=rtol, rng=0)
        r = len(sk.rows)
        err = np.linalg.norm(sk.left @ sk.right - a) / np.linalg.norm(a)
        s = np.linalg.svd(a, compute_uv=False)
        best = np.sqrt((s[r:] ** 2).sum()) / np.linalg.norm(s)  # the best rank-r error
        assert err <= 30 * rtol and err <= (r + 1) * 10 * max(best, 1e-15)
        assert r <= 2 * (np.count_nonzero(s > rtol * s[0]) + 1)
    capped = lorank.linalg.skeleton(a, rtol=1e-12, max_rank=3)
    assert len(capped.rows) == 3


def test_complex_zero_and_tiny_matrices():
    rng = np.random.default_rng(2)
    c = (rng.standard_normal((30, 3)) + 1j * rng.standard_normal((30, 3))) @ rng.standard_normal((3, 20))
    sk = lorank.linalg.skeleton(c, rtol=1e-12)
    np.testing.assert_allclose(sk.left @ sk.right, c, atol=1e-12 * np.abs(c).max())
    zero = lorank.linalg.skeleton(np.zeros((5, 4)))
    assert np.abs(zero.left @ zero.right).max() == 0.0
    one = lorank.linalg.skeleton(np.array([[3.0]]))
    assert (one.left @ one.right)[0, 0] == 3.0


def test_bad_input():
    with pytest.raises(ShapeError, match="shape"):
        lorank.linalg.skeleton(lambda i, j: i + j)
    with pytest.raises(ShapeError, match="2-d"):
        lorank.linalg.skeleton(np.ones(4))
    with pytest.raises(ShapeError, match="empty"):
        lorank.linalg.skeleton(np.ones((0, 3)))
    with pytest.raises(NumericalError, match="NaN"):
        lorank.linalg.skeleton(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(NumericalError, match=r"\(i, j\)"):
        lorank.linalg.skeleton(lambda i, j: np.full(len(i), np.inf), (4, 4))
    with pytest.raises(ShapeError, match="numbers"):
        lorank.linalg.skeleton(lambda i, j: np.ones((len(i), 2)), (4, 4))
    with pytest.raises(ArgumentError, match="rtol"):
        lorank.linalg.skeleton(np.eye(3), rtol=2.0)
    with pytest.raises(ArgumentError, match="max_rank"):
        lorank.linalg.skeleton(np.eye(3), max_rank=0)
