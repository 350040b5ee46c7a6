# SPDX-License-Identifier: MIT
"""QTT workloads of ``lorank bench``.

QTT FFT and linear convolution of a smooth signal on 2^20 points (2^16 with --quick; a
chirped Gaussian plus a narrow Gaussian, QTT ranks <= 14) at rtol 1e-11, against the dense
transforms of the same vector (scipy.fft.fft, scipy.signal.fftconvolve): where the grid fits
in memory the QTT path should keep up with dense FFTs, and it goes on to grids (2^40) that do
not fit. Error: relative 2-norm error against the dense result.

Volume potentials: the Vico-Greengard-Ferrando Newton
potential on the 64^3 grid of [-1, 1]^3 (32^3 with --quick), precompute and apply timed
apart, against a plain scipy.fft implementation of the same method (the full complex
(4n)^3 inverse FFT of the truncated kernel's transform, a (2n)^3 complex FFT of the
circulant; complex (2n)^3 FFTs per apply). Error: relative max error of the potential of
exp(-|x|^2/0.15^2) against its closed form."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.fft as sfft
from scipy import special

from lorank import qtt
from lorank._bench_base import Workload
from lorank.qtt import newton_potential
from lorank.qtt._vgf_kernels import truncated_transform

_SIGMA = 0.15


def plain_vgf_spectrum(n: int, side: float = 2.0, oversample: int = 4) -> np.ndarray:
    """The (2n)^3 circulant spectrum by full complex FFTs, as a direct reading of Vico et al."""
    big, h, radius = oversample * n, side / n, math.sqrt(3) * side
    k = 2 * np.pi * sfft.fftfreq(big, d=h)
    kk = np.sqrt(sum(np.meshgrid(k**2, k**2, k**2, indexing="ij", sparse=True)))
    g = sfft.ifftn(truncated_transform(kk, 3, 0.0, radius)).real
    idx = np.r_[0:n, -n:0]
    return sfft.fftn(g[np.ix_(idx, idx, idx)])


def plain_vgf_apply(spectrum: np.ndarray, f: np.ndarray) -> np.ndarray:
    n = f.shape[0]
    full = sfft.ifftn(spectrum * sfft.fftn(f, s=(2 * n,) * 3, axes=(0, 1, 2)))
    return full[:n, :n, :n].real


class _VGF(Workload):
    has_twin = False
    min_repeat = 3
    max_error = 5e-9  # the method's error at n = 32 (--quick) is 1.3e-9, at 64 6e-16

    def setup(self, quick: bool) -> None:
        self.n = n = 32 if quick else 64
        x = -1.0 + 2.0 / n * np.arange(n)
        r = np.sqrt(sum(np.meshgrid(x**2, x**2, x**2, indexing="ij")))
        self.f = np.exp(-(r**2) / _SIGMA**2)
        rs = np.where(r == 0, 1.0, r)
        self.exact = np.where(r == 0, _SIGMA**2 / 2, math.pi**1.5 * _SIGMA**3 / (4 * math.pi)
                              * special.erf(rs / _SIGMA) / rs)
        self.op = newton_potential(n, workers=1)
        self.spectrum = plain_vgf_spectrum(n)

    def _err(self, u: np.ndarray) -> float:
        return float(np.abs(u - self.exact).max() / np.abs(self.exact).max())


class VGFPrecompute(_VGF):
    name = "vgf_precompute"
    description = "Newton potential kernel on a 64^3 grid (VGF, oversampled 4x)"

    def ours(self) -> Any:
        return newton_potential(self.n, workers=1)

    def peers(self) -> dict[str, Callable[[], Any]]:
        return {"scipy-plain": lambda: plain_vgf_spectrum(self.n)}

    def error(self, result: Any) -> float:
        if isinstance(result, np.ndarray):
            return self._err(plain_vgf_apply(result, self.f))
        return self._err(result(self.f))


class VGFApply(_VGF):
    name = "vgf_apply"
    description = "Newton potential of a Gaussian on a 64^3 grid (one apply, VGF kernel)"

    def ours(self) -> Any:
        return self.op(self.f)

    def peers(self) -> dict[str, Callable[[], Any]]:
        return {"scipy-plain": lambda: plain_vgf_apply(self.spectrum, self.f)}

    def error(self, result: Any) -> float:
        return self._err(result)


def _signal(n_levels: int) -> np.ndarray:
    t = -1.0 + 2.0 / 2**n_levels * np.arange(2**n_levels)
    return np.exp(-((t - 0.2) ** 2) / 0.01) * np.cos(40 * t * t) + np.exp(-((t + 0.5) ** 2) / 0.002)


class _QTTSignal(Workload):
    has_twin = False
    rtol = 1e-11
    max_error = 1e-10  # against the dense transform

    def setup(self, quick: bool) -> None:
        self.v = _signal(16 if quick else 20)
        self.x = qtt.quantize(self.v, rtol=1e-14)
        self.want = self.dense()

    def dense(self) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def peers(self) -> dict[str, Callable[[], Any]]:
        return {self.peer_name: self.dense}

    def error(self, result: Any) -> float:
        got = result if isinstance(result, np.ndarray) else qtt.dequantize(result)[: self.want.size]
        return float(np.linalg.norm(got - self.want) / np.linalg.norm(self.want))


class QTTFFT(_QTTSignal):
    name = "qtt_fft"
    description = "QTT FFT of a smooth signal on 2^20 points, rtol 1e-11"
    peer_name = "scipy.fft"

    def ours(self) -> Any:
        return qtt.fft(self.x, rtol=self.rtol)

    def dense(self) -> np.ndarray:
        return sfft.fft(self.v)


class QTTConvolve(_QTTSignal):
    name = "qtt_conv"
    description = "QTT linear convolution of two smooth signals on 2^20 points, rtol 1e-11"
    peer_name = "fftconvolve"

    def ours(self) -> Any:
        return qtt.convolve(self.x, self.x, mode="linear", rtol=self.rtol)

    def dense(self) -> np.ndarray:
        from scipy import signal

        return signal.fftconvolve(self.v, self.v)


class TuckerNewton(Workload):
    """The Newton potential of the same Gaussian on 4096^3 points (1024^3 with --quick) in
    Tucker format; no dense tool can hold the grid, so no peer. Error: relative max error
    at 300 sampled points against the closed form, in units of u(0)."""

    name = "vgf_tucker"
    description = "Newton potential of a Gaussian on 4096^3 points in Tucker format"
    has_twin = False
    min_repeat = 1
    max_error = 1e-9

    def setup(self, quick: bool) -> None:
        self.n = n = 1024 if quick else 4096
        x = -1.0 + 2.0 / n * np.arange(n)
        self.factor = np.exp(-(x**2) / _SIGMA**2)[:, None]
        self.idx = np.random.default_rng(n).integers(0, n, (300, 3))
        r = np.sqrt((x[self.idx] ** 2).sum(axis=1))
        rs = np.where(r == 0, 1.0, r)
        self.exact = np.where(r == 0, _SIGMA**2 / 2, math.pi**1.5 * _SIGMA**3 / (4 * math.pi)
                              * special.erf(rs / _SIGMA) / rs)

    def ours(self) -> Any:
        return qtt.newton_potential_tucker(np.ones((1, 1, 1)), [self.factor] * 3)

    def error(self, result: Any) -> float:
        return float(np.abs(result.at(self.idx) - self.exact).max() / (_SIGMA**2 / 2))


QTT_WORKLOADS = (QTTFFT, QTTConvolve, VGFPrecompute, VGFApply, TuckerNewton)
