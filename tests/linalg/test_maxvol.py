# SPDX-License-Identifier: MIT
"""maxvol and rect_maxvol against brute-force volumes, pseudo-inverses and the array twin."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import lorank
from lorank._reference import maxvol as ref
from lorank.errors import ArgumentError, DTypeError, NumericalError, RankError, ShapeError
from tests.conftest import random_dense, tol


def test_maxvol_coefficients_and_bound(rng, dtype):
    a = random_dense(rng, (200, 7), dtype)
    rows, coef = lorank.linalg.maxvol(a, tol=1.01)
    assert rows.dtype == np.int64 and len(set(rows.tolist())) == 7
    assert np.abs(coef).max() <= 1.01 * (1 + 10 * tol(dtype))
    np.testing.assert_allclose(coef[rows], np.eye(7), atol=tol(dtype))
    np.testing.assert_allclose(coef @ a[rows], a, atol=50 * tol(dtype))
    np.testing.assert_allclose(coef, a @ np.linalg.inv(a[rows]), atol=50 * tol(dtype))


@pytest.mark.parametrize("seed", range(5))
def test_maxvol_is_locally_maximal_and_near_the_global_maximum(seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((10, 3)) * rng.uniform(0.1, 3, size=(10, 1))
    rows, _ = lorank.linalg.maxvol(a, tol=1.0)
    vol = abs(np.linalg.det(a[rows]))
    # No single swap increases the volume (tol = 1): a dominant submatrix.
    for j, i in itertools.product(range(3), range(10)):
        trial = rows.copy()
        trial[j] = i
        assert abs(np.linalg.det(a[trial])) <= vol * (1 + 1e-12)
    # A dominant submatrix has at least 1 / r^(r/2) of the largest volume (Goreinov et al.).
    best = max(abs(np.linalg.det(a[list(s)])) for s in itertools.combinations(range(10), 3))
    assert vol >= best / 3 ** 1.5
    assert vol <= best * (1 + 1e-12)


def test_rect_maxvol_pinv_row_norms_and_limits(rng, dtype):
    a = random_dense(rng, (300, 6), dtype)
    rows, coef = lorank.linalg.rect_maxvol(a, tol=1.0)
    k = len(rows)
    assert 6 < k <= 300 and len(set(rows.tolist())) == k
    np.testing.assert_allclose(coef, a @ np.linalg.pinv(a[rows]), atol=50 * tol(dtype))
    others = np.setdiff1d(np.arange(300), rows)
    assert np.linalg.norm(coef[others], axis=1).max() <= 1.0 + 10 * tol(dtype)
    capped, c2 = lorank.linalg.rect_maxvol(a, tol=0.0, max_rank=9)
    assert len(capped) == 9 and c2.shape == (300, 9)
    floor, _ = lorank.linalg.rect_maxvol(a, tol=100.0, min_rank=8)
    assert len(floor) == 8


@pytest.mark.parametrize("kind", ["maxvol", "rect_maxvol"])
def test_compiled_matches_twin(rng, dtype, kind):
    a = random_dense(rng, (150, 8), dtype)
    if kind == "maxvol":
        rows, coef = lorank.linalg.maxvol(a, tol=1.0)
        r_rows, r_coef, _ = ref.maxvol(a, 1.0, 100)
    else:
        rows, coef = lorank.linalg.rect_maxvol(a, tol=1.0, max_rank=20)
        r_rows, r_coef, _ = ref.rect_maxvol(a, 1.0, 0, 20, 100)
    np.testing.assert_array_equal(rows, r_rows)
    np.testing.assert_allclose(coef, r_coef, atol=50 * tol(dtype))


def test_square_and_integer_input():
    a = np.array([[2, 1], [1, 3]])
    rows, coef = lorank.linalg.maxvol(a)
    assert sorted(rows.tolist()) == [0, 1] and coef.dtype == np.float64
    np.testing.assert_allclose(coef @ a[rows], a, atol=1e-14)


def test_bad_input():
    a = np.random.default_rng(0).standard_normal((6, 3))
    with pytest.raises(ShapeError, match="2-d"):
        lorank.linalg.maxvol(a[:, 0])
    with pytest.raises(ShapeError, match="tall"):
        lorank.linalg.maxvol(a.T)
    with pytest.raises(ShapeError, match="tall"):
        lorank.linalg.rect_maxvol(np.zeros((3, 0)))
    bad = a.copy()
    bad[4, 1] = np.nan
    with pytest.raises(NumericalError, match="NaN"):
        lorank.linalg.maxvol(bad)
    dependent = np.column_stack([a[:, 0], a[:, 1], a[:, 0] + a[:, 1]])
    with pytest.raises(RankError, match="column 2"):
        lorank.linalg.maxvol(dependent)
    with pytest.raises(RankError, match="full column rank"):
        lorank.linalg.rect_maxvol(np.zeros((5, 2)))
    with pytest.raises(ArgumentError, match="tol"):
        lorank.linalg.maxvol(a, tol=0.5)
    with pytest.raises(ArgumentError, match="maxiter"):
        lorank.linalg.maxvol(a, maxiter=-1)
    with pytest.raises(ArgumentError, match="min_rank"):
        lorank.linalg.rect_maxvol(a, min_rank=5, max_rank=4)
    with pytest.raises(DTypeError):
        lorank.linalg.maxvol(np.array([["a"], ["b"]], dtype=object))


def test_start_rows_are_kept_when_good_and_improved_when_not(rng):
    a = rng.standard_normal((120, 5))
    rows, _ = lorank.linalg.maxvol(a, tol=1.0)
    again, coef = lorank.linalg.maxvol(a, tol=1.0, start=rows[::-1])
    assert again.tolist() == rows[::-1].tolist()  # already dominant: no swap
    np.testing.assert_allclose(coef @ a[again], a, atol=1e-12)
    poor = np.argsort(np.linalg.norm(a, axis=1))[:5]  # the five smallest rows
    better, coef = lorank.linalg.maxvol(a, tol=1.0, start=poor)
    assert abs(np.linalg.det(a[better])) > abs(np.linalg.det(a[poor]))
    assert np.abs(coef).max() <= 1.0 + 1e-12
    # A singular start is ignored rather than trusted.
    dup = np.vstack([a, a[:1]])
    single, _ = lorank.linalg.maxvol(dup, start=[0, 120, 1, 2, 3])
    assert len(set(single.tolist()) & {0, 120}) <= 1


def test_rect_maxvol_keeps_a_previous_choice(rng, dtype):
    a = random_dense(rng, (200, 6), dtype)
    first, _ = lorank.linalg.rect_maxvol(a, tol=0.0, max_rank=10, min_rank=10)
    again, coef = lorank.linalg.rect_maxvol(a, tol=0.0, max_rank=10, min_rank=10, start=first)
    assert sorted(again.tolist()) == sorted(first.tolist())
    np.testing.assert_allclose(coef, a @ np.linalg.pinv(a[again]), atol=50 * tol(dtype))
    r_rows, r_coef, _ = ref.rect_maxvol(a, 0.0, 10, 10, 100, first.tolist())
    np.testing.assert_array_equal(again, r_rows)
    np.testing.assert_allclose(coef, r_coef, atol=50 * tol(dtype))
    with pytest.raises(ArgumentError, match="distinct"):
        lorank.linalg.rect_maxvol(a, start=[1, 1])
    with pytest.raises(ArgumentError, match="start must hold"):
        lorank.linalg.maxvol(a, start=[0, 1])
