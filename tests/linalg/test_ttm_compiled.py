# SPDX-License-Identifier: MIT
"""The compiled TT-matrix map against TTMatrix.matvec_dense and the dense matrix, and the
compiled Lanczos loop through it."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import _core
from lorank.linalg import lanczos_svd


def _random_ttm(rng, rows, cols, rank):
    d = len(rows)
    ranks = [1] + [rank] * (d - 1) + [1]
    return lorank.TTMatrix.from_cores([rng.standard_normal((ranks[k], rows[k], cols[k], ranks[k + 1]))
                                       for k in range(d)])


@pytest.mark.parametrize(("rows", "cols", "rank"), [((2, 3, 4), (3, 2, 2), 3), ((4,), (5,), 1),
                                                     ((2, 2, 2, 2), (2, 2, 2, 2), 4)])
def test_compiled_products_match_the_dense_matrix(rng, rows, cols, rank):
    a = _random_ttm(rng, rows, cols, rank)
    dense = np.asarray(a.full()).reshape(int(np.prod(rows)), int(np.prod(cols)))
    x, y = rng.standard_normal(dense.shape[1]), rng.standard_normal(dense.shape[0])
    cores = [np.ascontiguousarray(c) for c in a.cores]
    np.testing.assert_allclose(_core.ttm_apply(cores, list(rows), list(cols), x, False), dense @ x,
                               atol=1e-11 * np.abs(dense).max() * dense.shape[1])
    np.testing.assert_allclose(_core.ttm_apply(cores, list(rows), list(cols), y, True), dense.T @ y,
                               atol=1e-11 * np.abs(dense).max() * dense.shape[0])
    np.testing.assert_allclose(a.matvec_dense(x), dense @ x, atol=1e-10 * np.abs(dense @ x).max())


def test_lanczos_on_a_tt_matrix_runs_compiled(rng):
    a = _random_ttm(rng, (3, 4, 3), (2, 5, 3), 3)
    dense = np.asarray(a.full()).reshape(36, 30)
    want = np.linalg.svd(dense, compute_uv=False)[:2]
    res = lanczos_svd(a, 2, rtol=1e-11, rng=0)
    assert res.converged
    np.testing.assert_allclose(res.s, want, rtol=1e-10)
    # a train scaled far beyond the double range per core still works (balanced first)
    scales = [2.0**600, 2.0**-600, 1.0]  # each beyond what products of two cores can hold
    big = lorank.TTMatrix.from_cores([c * f for c, f in zip(a.cores, scales)])
    np.testing.assert_allclose(lanczos_svd(big, 1, rtol=1e-11, rng=0).s, want[:1], rtol=1e-10)


def test_bad_maps_are_refused(rng):
    a = _random_ttm(rng, (2, 3), (2, 2), 2)
    cores = [np.ascontiguousarray(c) for c in a.cores]
    with pytest.raises(lorank.errors.ShapeError):
        _core.ttm_apply(cores, [2, 3], [2, 3], np.ones(6), False)
    with pytest.raises(lorank.errors.ShapeError):
        _core.ttm_apply(cores, [2, 3], [2, 2], np.ones(5), False)
