# SPDX-License-Identifier: MIT
"""QTT Fourier transforms at 2^40 points and Newton potentials from 32^3 to 4096^3 points.

1. The QTT FFT of a Gaussian sampled on 2^40 points of [-1, 1) (built by cross), checked
   against its continuous Fourier transform, and the QTT linear convolution of two Gaussians
   checked against the closed form: no dense array of that length fits in memory.
2. The Newton potential of exp(-|x|^2/0.15^2) on [-1, 1]^3 with the Vico-Greengard-Ferrando
   kernel (dense FFT) against a naive periodic 1/k^2 kernel, n = 16, 32, 64.
3. The same potential through the Tucker path at n = 1024 and 4096 per axis (10^9 and
   7 10^10 points).
Prints tables (columns are plot-ready).

Run: python examples/qtt_fourier_potentials.py
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy import special

from lorank import qtt

SIGMA = 0.15


def fft_at_2_to_40() -> None:
    levels, s = 40, 0.05
    n, h = 2**levels, 2.0 / 2**levels
    t0 = time.perf_counter()
    g = qtt.from_function(lambda x: np.exp(-(x**2) / (2 * s * s)), (-1, 1), levels,
                          endpoint=False, rtol=1e-12).tt
    t1 = time.perf_counter()
    y = qtt.fft(g, rtol=1e-10)
    t2 = time.perf_counter()
    rng = np.random.default_rng(0)
    ms = np.concatenate([np.arange(20), n - np.arange(1, 20), rng.integers(0, n, 20)])
    digits = (ms[:, None] >> np.arange(levels - 1, -1, -1)[None, :]) & 1
    k = 2 * np.pi * np.where(ms < n // 2, ms, ms - n).astype(np.float64) / (n * h)
    # sum_j g(x_j) e^{-2 pi i j m / N} = e^{-i k a} / h * ghat(k), a = -1 (Poisson summation)
    want = np.exp(1j * k) / h * s * math.sqrt(2 * math.pi) * np.exp(-(s * k) ** 2 / 2)
    err = np.abs(y.at(digits) - want).max() / np.abs(want).max()
    print("QTT FFT of a Gaussian on 2^40 points")
    print(f"  input ranks <= {max(g.ranks)} (cross {t1 - t0:.2f} s), output ranks <= "
          f"{max(y.ranks)}, FFT {t2 - t1:.3f} s, max error vs continuous transform {err:.1e}")
    t0 = time.perf_counter()
    c = qtt.convolve(g, g, mode="linear", rtol=1e-10)
    t1 = time.perf_counter()
    # c_m = sum_j g(x_j) g(x_{m-j}) ~ (1/h) (g * g)(2a + m h), (g * g)(z) = sqrt(pi) s e^{-z^2/4s^2}
    m = np.concatenate([n + rng.integers(-n // 50, n // 50, 20), rng.integers(0, 2 * n - 1, 5)])
    z = -2.0 + m * h
    want = math.sqrt(math.pi) * s * np.exp(-(z**2) / (4 * s * s)) / h
    digits = (m[:, None] >> np.arange(levels, -1, -1)[None, :]) & 1
    err = np.abs(c.at(digits) - want).max() / np.abs(want).max()
    print(f"  linear convolution: ranks <= {max(c.ranks)}, {t1 - t0:.3f} s, "
          f"max error vs closed form {err:.1e}")


def _exact(r: np.ndarray) -> np.ndarray:
    rs = np.where(r == 0, 1.0, r)
    return np.where(r == 0, SIGMA**2 / 2,
                    math.pi**1.5 * SIGMA**3 / (4 * math.pi) * special.erf(rs / SIGMA) / rs)


def dense_potentials() -> None:
    print("Newton potential of a Gaussian, dense grids (relative max error)")
    print(f"  {'n':>5} {'VGF':>10} {'naive 1/k^2':>12} {'precompute s':>13} {'apply s':>8}")
    for n in (16, 32, 64):
        op = qtt.newton_potential(n)
        x = op.grid()
        r = np.sqrt(sum(np.meshgrid(x**2, x**2, x**2, indexing="ij")))
        f, want = np.exp(-(r**2) / SIGMA**2), _exact(r)
        t0 = time.perf_counter()
        u = op(f)
        apply_s = time.perf_counter() - t0
        k = 2 * np.pi * np.fft.fftfreq(2 * n, d=op.h)
        ksq = sum(np.meshgrid(k**2, k**2, k**2, indexing="ij"))
        naive_kernel = np.where(ksq == 0, 0.0, 1.0 / np.where(ksq == 0, 1.0, ksq))
        naive = np.fft.ifftn(naive_kernel * np.fft.fftn(f, s=(2 * n,) * 3, axes=(0, 1, 2)))
        errs = [np.abs(v - want).max() / np.abs(want).max() for v in (u, naive[:n, :n, :n].real)]
        print(f"  {n:>5} {errs[0]:>10.1e} {errs[1]:>12.1e} {op.precompute_seconds:>13.3f} "
              f"{apply_s:>8.3f}")


def tucker_potentials() -> None:
    print("Newton potential through the Tucker path (300 sampled points)")
    print(f"  {'n':>5} {'points':>9} {'seconds':>8} {'ranks':>13} {'max rel error':>14}")
    for n in (1024, 4096):
        x = -1 + 2 / n * np.arange(n)
        g = np.exp(-(x**2) / SIGMA**2)[:, None]
        t0 = time.perf_counter()
        u = qtt.newton_potential_tucker(np.ones((1, 1, 1)), [g, g, g])
        sec = time.perf_counter() - t0
        idx = np.random.default_rng(n).integers(n // 4, 3 * n // 4, (300, 3))
        want = _exact(np.sqrt((x[idx] ** 2).sum(axis=1)))
        err = np.abs(u.at(idx) - want).max() / (SIGMA**2 / 2)
        print(f"  {n:>5} {float(n)**3:>9.1e} {sec:>8.2f} {str(u.ranks):>13} {err:>14.1e}")


if __name__ == "__main__":
    fft_at_2_to_40()
    dense_potentials()
    tucker_potentials()
