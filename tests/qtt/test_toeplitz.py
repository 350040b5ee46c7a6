# SPDX-License-Identifier: MIT
"""Toeplitz and circulant QTT matrices against scipy.linalg's dense ones."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg

from lorank import qtt
from lorank.errors import ShapeError


def test_circulant_matches_scipy_with_twice_the_rank():
    rng = np.random.default_rng(0)
    c = rng.standard_normal(32)
    x = qtt.quantize(c)
    m = qtt.circulant(x)
    np.testing.assert_allclose(_dense(m, 32), linalg.circulant(c), atol=1e-12)
    assert all(r <= 2 * q for r, q in zip(m.ranks, x.ranks))


def _dense(m, n):
    return np.asarray(m.full()).reshape(n, n)


def test_toeplitz_matches_scipy():
    rng = np.random.default_rng(1)
    n = 16
    col, row = rng.standard_normal((2, n))
    row[0] = col[0]
    gen = np.zeros(2 * n)
    gen[n:] = col  # x[N + m] = c[m]
    gen[n - np.arange(1, n)] = row[1:]  # x[N - m] = r[m]
    t = qtt.toeplitz(qtt.quantize(gen))
    np.testing.assert_allclose(_dense(t, n), linalg.toeplitz(col, row), atol=1e-12)


def test_toeplitz_matvec_is_a_linear_convolution_of_low_rank_signals():
    levels = 12
    n = 2**levels
    s = np.linspace(0, 1, n)
    a, v = np.exp(-3 * s), np.cos(7 * s)
    gen = qtt.quantize(np.concatenate([np.zeros(n), a]), rtol=1e-14)
    t = qtt.toeplitz(gen)
    assert max(t.ranks) <= 2 * max(gen.ranks)
    got = qtt.dequantize(t @ qtt.quantize(v, rtol=1e-14))
    want = np.convolve(a, v)[:n]
    assert np.linalg.norm(got - want) <= 1e-11 * np.linalg.norm(want)


def test_two_level_circulant_and_toeplitz():
    rng = np.random.default_rng(2)
    g = rng.standard_normal((4, 8))
    m = qtt.circulant(qtt.quantize(g), levels=[2, 3])
    # block circulant with circulant blocks: C[(i1,i2),(j1,j2)] = g[(i1-j1)%4, (i2-j2)%8]
    i1, i2, j1, j2 = np.meshgrid(range(4), range(8), range(4), range(8), indexing="ij")
    want = g[(i1 - j1) % 4, (i2 - j2) % 8].reshape(32, 32)
    np.testing.assert_allclose(_dense(m, 32), want, atol=1e-12)
    gen = rng.standard_normal((8, 16))
    t = qtt.toeplitz(qtt.quantize(gen), levels=[2, 3])
    want = gen[4 + i1 - j1, 8 + i2 - j2].reshape(32, 32)
    np.testing.assert_allclose(_dense(t, 32), want, atol=1e-12)


def test_bad_generators_are_refused():
    with pytest.raises(TypeError):
        qtt.circulant(np.ones(8))
    with pytest.raises(ShapeError, match="levels"):
        qtt.circulant(qtt.quantize(np.ones(8)), levels=[2, 2])
    with pytest.raises(ShapeError, match="levels"):
        qtt.toeplitz(qtt.quantize(np.ones(2)))  # needs at least 2 levels
    with pytest.raises(ShapeError, match="size 2"):
        qtt.circulant(qtt.quantize(np.ones(9), base=3))
