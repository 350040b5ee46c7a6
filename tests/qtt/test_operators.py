# SPDX-License-Identifier: MIT
"""QTT shift, difference and Laplacians against dense matrices."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import qtt
from lorank.errors import ArgumentError


def _dense_shift(n, periodic):
    s = np.eye(n, k=1)
    if periodic:
        s[n - 1, 0] = 1.0
    return s


@pytest.mark.parametrize("levels", [1, 2, 3, 5])
@pytest.mark.parametrize("periodic", [False, True])
def test_shift_difference_laplacian(levels, periodic):
    n = 2**levels
    s = _dense_shift(n, periodic)
    got = qtt.shift(levels, periodic=periodic)
    np.testing.assert_array_equal(got.full(), s)
    assert max(got.as_tt().ranks) <= 2
    d = qtt.difference(levels, h=0.5, periodic=periodic)
    np.testing.assert_allclose(d.full(), (s - np.eye(n)) / 0.5, atol=1e-12)
    lap = qtt.laplacian(levels, h=0.25, periodic=periodic)
    want = (s + s.T - 2 * np.eye(n)) / 0.0625
    np.testing.assert_allclose(lap.full(), want, atol=1e-10)
    assert max(lap.as_tt().ranks) <= 3


def test_laplacian_applies_to_a_qtt_vector():
    # The Laplacian of sin on a periodic grid is -(2 - 2 cos(omega h)) / h^2 sin: an eigenvector.
    levels, omega = 12, 3.0
    h = 2 * np.pi / 2**levels
    x = qtt.sin(omega, (0.0, 2 * np.pi), levels, endpoint=False)
    y = qtt.laplacian(levels, h=h, periodic=True) @ x
    lam = -(2 - 2 * np.cos(omega * h)) / h**2
    np.testing.assert_allclose(qtt.dequantize(y), lam * qtt.dequantize(x), atol=1e-7)


@pytest.mark.parametrize("d", [2, 3])
def test_laplacian_nd(d):
    levels = 2
    one = qtt.laplacian(levels).full()
    eye = np.eye(4)
    want = sum(np.kron(np.kron(*(one if k == a else eye for k in range(2))) if d == 2 else
                       np.kron(np.kron(one if a == 0 else eye, one if a == 1 else eye),
                               one if a == 2 else eye), np.eye(1)) for a in range(d))
    np.testing.assert_allclose(qtt.laplacian_nd(levels, d).full(), want, atol=1e-10)


@pytest.mark.parametrize("d", [2, 3])
def test_interleaved_laplacian_acts_on_interleaved_quantized_arrays(d):
    levels = 3
    n = 2**levels
    rng = np.random.default_rng(d)
    a = rng.standard_normal((n,) * d)
    lap = qtt.laplacian_nd(levels, d, ordering="interleaved")
    got = qtt.dequantize(lap @ qtt.quantize(a, ordering="interleaved"), a.shape,
                         ordering="interleaved")
    want = qtt.dequantize(qtt.laplacian_nd(levels, d) @ qtt.quantize(a), a.shape)
    np.testing.assert_allclose(got, want, atol=1e-11)
    assert max(lap.ranks) <= 2 * d + 1  # low rank in the interleaved order too
    with pytest.raises(ArgumentError, match="ordering"):
        qtt.laplacian_nd(levels, d, ordering="zigzag")


def test_operator_arguments():
    with pytest.raises(ArgumentError, match="n_levels"):
        qtt.shift(0)
    with pytest.raises(ArgumentError, match="d must"):
        qtt.laplacian_nd(3, 0)


def test_diag_is_the_multiplication_operator():
    f = qtt.exp(-1.0, (0.0, 1.0), 6) + qtt.sin(4.0, (0.0, 1.0), 6)
    g = qtt.polynomial([1.0, 2.0], (0.0, 1.0), 6)
    op = qtt.diag(f)
    np.testing.assert_allclose(op.full(), np.diag(qtt.dequantize(f)), atol=1e-13)
    np.testing.assert_allclose(qtt.dequantize(op @ g), qtt.dequantize(f * g), atol=1e-12)
    assert op.as_tt().ranks == f.ranks
    with pytest.raises(TypeError, match="TT"):
        qtt.diag(np.ones(4))
