# SPDX-License-Identifier: MIT
"""QTT FFT and convolution against numpy.fft / scipy.signal, and at 2^40 points against
closed forms; multi-dimensional quantization orders."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

import lorank
from lorank import qtt
from lorank.errors import ArgumentError, ShapeError


def _rel(a, b):
    return np.linalg.norm(np.ravel(a) - np.ravel(b)) / np.linalg.norm(np.ravel(b))


@pytest.mark.parametrize("levels", [1, 2, 3, 7, 10])
def test_fft_matches_numpy_on_full_rank_vectors(levels):
    rng = np.random.default_rng(levels)
    v = rng.standard_normal(2**levels) + 1j * rng.standard_normal(2**levels)
    x = qtt.quantize(v)
    assert _rel(qtt.dequantize(qtt.fft(x)), np.fft.fft(v)) < 1e-13
    assert _rel(qtt.dequantize(qtt.ifft(x)), np.fft.ifft(v)) < 1e-13


def _smooth(n_levels):
    """A sum of Gaussians with a chirp on [-1, 1): low QTT rank, a wide spectrum."""
    t = -1.0 + 2.0 / 2**n_levels * np.arange(2**n_levels)
    return np.exp(-((t - 0.2) ** 2) / 0.01) * np.cos(40 * t * t) + np.exp(-((t + 0.5) ** 2) / 0.002)


def test_fft_at_2_to_20_matches_numpy_to_1e_10():
    v = _smooth(20)
    x = qtt.quantize(v, rtol=1e-14)
    y = qtt.fft(x, rtol=1e-11)
    assert _rel(qtt.dequantize(y), np.fft.fft(v)) < 1e-10
    back = qtt.ifft(y, rtol=1e-11)
    assert _rel(qtt.dequantize(back), v) < 1e-10


def test_fft_at_2_to_40_matches_the_dirichlet_kernel():
    """x_j = exp(2 pi i f j / N) (rank 1) has y_m = (1 - e^{2 pi i (f - m)}) /
    (1 - e^{2 pi i (f - m) / N}); N = 2^40 is far beyond any dense transform."""
    levels, freq = 40, 3.3
    n = 2.0**levels
    x = lorank.TT.from_cores([np.exp(2j * np.pi * freq * np.arange(2) * 2.0 ** (levels - 1 - t) / n)
                              .reshape(1, 2, 1) for t in range(levels)])
    y = qtt.fft(x, rtol=1e-12)
    assert max(y.ranks) <= 40
    rng = np.random.default_rng(0)
    ms = np.concatenate([np.arange(6), 2**levels - np.arange(1, 6), rng.integers(0, 2**levels, 20)])
    digits = (ms[:, None] >> np.arange(levels - 1, -1, -1)[None, :]) & 1
    signed = np.where(ms >= 2 ** (levels - 1), ms - 2**levels, ms).astype(np.float64)
    want = np.expm1(2j * np.pi * freq) / np.expm1(2j * np.pi * (freq - signed) / n)
    got = y.at(digits)
    assert np.abs(got - want).max() <= 1e-10 * n  # n = ||y|| (Parseval)
    assert np.abs(got[:6] - want[:6]).max() <= 1e-10 * np.abs(want[:6]).max()


@pytest.mark.parametrize("ordering", ["sequential", "interleaved"])
def test_quantize_dequantize_nd_roundtrip(ordering):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 8, 2)) if ordering == "sequential" else rng.standard_normal((8, 8))
    x = qtt.quantize(a, ordering=ordering)
    np.testing.assert_allclose(qtt.dequantize(x, a.shape, ordering=ordering), a, atol=1e-13)
    if ordering == "interleaved":  # level 0 of both axes first
        assert x.at(np.array([[1, 0, 0, 0, 0, 0]]))[0] == pytest.approx(a[4, 0])
        assert x.at(np.array([[0, 1, 0, 0, 0, 0]]))[0] == pytest.approx(a[0, 4])


@pytest.mark.parametrize(("ordering", "shape"), [("sequential", (8, 16)), ("interleaved", (8, 8)),
                                                  ("sequential", (4, 2, 8)),
                                                  ("interleaved", (4, 4, 4))])
def test_nd_fft_matches_numpy_fftn(ordering, shape):
    rng = np.random.default_rng(2)
    a = rng.standard_normal(shape)
    levels = [int(np.log2(n)) for n in shape]
    y = qtt.fft(qtt.quantize(a, ordering=ordering), levels=levels, ordering=ordering)
    assert _rel(qtt.dequantize(y, shape, ordering=ordering), np.fft.fftn(a)) < 1e-12
    back = qtt.ifft(y, levels=levels, ordering=ordering)
    assert _rel(qtt.dequantize(back, shape, ordering=ordering), a) < 1e-12


def test_2d_fft_of_a_smooth_function_keeps_low_ranks():
    """A separable Gaussian on 2^10 x 2^10 (sequential): the transform, reordered by swaps,
    stays low-rank and matches numpy.fft.fft2."""
    t = np.linspace(-1, 1, 2**10, endpoint=False)
    a = np.outer(np.exp(-(t**2) / 0.02), np.exp(-((t - 0.1) ** 2) / 0.05))
    x = qtt.quantize(a, rtol=1e-13)
    y = qtt.fft(x, levels=[10, 10], rtol=1e-10)
    assert max(y.ranks) <= 4 * max(x.ranks)
    assert _rel(qtt.dequantize(y, a.shape), np.fft.fft2(a)) < 1e-9


def test_circular_and_linear_convolution_match_numpy():
    rng = np.random.default_rng(3)
    u, v = rng.standard_normal((2, 64))
    x, y = qtt.quantize(u), qtt.quantize(v)
    circ = qtt.dequantize(qtt.convolve(x, y))
    assert _rel(circ, np.fft.ifft(np.fft.fft(u) * np.fft.fft(v)).real) < 1e-12
    lin = qtt.convolve(x, y, mode="linear")
    assert lin.shape == (2,) * 7 and all(np.isrealobj(c) for c in lin.cores)
    full = qtt.dequantize(lin)
    assert _rel(full[:127], np.convolve(u, v)) < 1e-12 and abs(full[127]) < 1e-12


def test_convolution_at_2_to_20_matches_scipy():
    u, v = _smooth(20), _smooth(20)[::-1].copy()
    x, y = qtt.quantize(u, rtol=1e-14), qtt.quantize(v, rtol=1e-14)
    got = qtt.dequantize(qtt.convolve(x, y, mode="linear", rtol=1e-11))
    assert _rel(got[:-1], signal.fftconvolve(u, v)) < 1e-10


@pytest.mark.parametrize("ordering", ["sequential", "interleaved"])
def test_2d_linear_convolution_matches_scipy(ordering):
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((2, 8, 8))
    x, y = qtt.quantize(a, ordering=ordering), qtt.quantize(b, ordering=ordering)
    out = qtt.convolve(x, y, mode="linear", levels=[3, 3], ordering=ordering)
    got = qtt.dequantize(out, (16, 16), ordering=ordering)
    assert _rel(got[:15, :15], signal.fftconvolve(a, b)) < 1e-12
    assert np.abs(got[15]).max() < 1e-12 and np.abs(got[:, 15]).max() < 1e-12


def test_bad_input_is_refused():
    x = qtt.quantize(np.arange(8.0))
    with pytest.raises(TypeError):
        qtt.fft(np.arange(8.0))
    with pytest.raises(ShapeError, match="size 2"):
        qtt.fft(qtt.quantize(np.arange(9.0), base=3))
    with pytest.raises(ShapeError, match="levels"):
        qtt.fft(x, levels=[1, 1])
    with pytest.raises(ShapeError, match="interleaved"):
        qtt.fft(qtt.quantize(np.ones((2, 4))), levels=[1, 2], ordering="interleaved")
    with pytest.raises(ArgumentError, match="ordering"):
        qtt.fft(x, ordering="zigzag")
    with pytest.raises(ArgumentError, match="rtol"):
        qtt.fft(x, rtol=1.5)
    with pytest.raises(ShapeError, match="grids differ"):
        qtt.convolve(x, qtt.quantize(np.arange(16.0)))
    with pytest.raises(ArgumentError, match="mode"):
        qtt.convolve(x, x, mode="same")
    with pytest.raises(ShapeError, match="power"):
        qtt.quantize(np.ones((4, 6)))
    with pytest.raises(ShapeError, match="match"):
        qtt.dequantize(x, (4, 4))


@pytest.mark.parametrize(("levels", "ordering", "cap"), [([9], "sequential", None),
                                                         ([3, 4], "sequential", None),
                                                         ([3, 3], "interleaved", None),
                                                         ([8], "sequential", 3)])
def test_compiled_fft_matches_its_numpy_twin(levels, ordering, cap):
    from lorank import _core
    from lorank._reference.qtt_fft import qtt_fft as twin
    from lorank.qtt.fourier import _digit_positions

    rng = np.random.default_rng(5)
    x = lorank.tt.random([2] * sum(levels), 4, rng=rng).astype(np.complex128)
    axes = _digit_positions(levels, ordering)
    caps = [0 if cap is None else cap] * (x.ndim - 1)
    got = lorank.TT(_core.qtt_fft(list(x.cores), axes, -1.0, 1e-3, caps, "svd"))
    want = lorank.TT(twin(list(x.cores), axes, -1.0, 1e-3, caps, "svd"))
    assert got.ranks == want.ranks
    assert _rel(got.full(), want.full()) < 1e-12


def test_compiled_fft_refuses_bad_positions_and_real_cores():
    from lorank import _core

    cores = list(lorank.tt.random([2] * 4, 2, rng=0).astype(np.complex128).cores)
    with pytest.raises(ShapeError, match="increasing"):
        _core.qtt_fft(cores, [[0, 2, 1, 3]], -1.0, 0.0, [0] * 3, "svd")
    with pytest.raises(ShapeError, match="increasing"):
        _core.qtt_fft(cores, [[0, 1, 2, 7]], -1.0, 0.0, [0] * 3, "svd")
    with pytest.raises(lorank.errors.LorankError, match="complex"):
        _core.qtt_fft([c.real.copy() for c in cores], [[0, 1, 2, 3]], -1.0, 0.0, [0] * 3, "svd")
