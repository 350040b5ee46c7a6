# SPDX-License-Identifier: MIT
"""QTT FFT against the dense FFT as the grid grows (run: python bench/qtt_fft_table.py).

A Gaussian exp(-x^2 / 0.005) on 2^L points of [-1, 1), L = 12..40: its QTT by cross, the
QTT FFT (rtol 1e-10), the error at 60 frequencies against the continuous transform (Poisson
summation), and the dense scipy.fft of the samples while they fit (L <= 24). CPU time, one
thread; the columns are plot-ready (time against L).
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.fft as sfft

from lorank import qtt

WIDTH = 0.005  # exp(-x^2 / WIDTH), Fourier transform sqrt(pi WIDTH) exp(-WIDTH k^2 / 4)


def main() -> None:
    print(f"{'L':>3} {'points':>9} {'ranks in/out':>13} {'QTT FFT ms':>11} {'dense FFT ms':>13} "
          f"{'max error':>10}")
    rng = np.random.default_rng(0)
    for levels in (12, 16, 20, 24, 28, 32, 36, 40):
        n = 2**levels
        h = 2.0 / n
        g = qtt.from_function(lambda t: np.exp(-(t**2) / WIDTH), (-1, 1), levels,
                              endpoint=False, rtol=1e-12, rng=0).tt
        t0 = time.process_time()
        y = qtt.fft(g, rtol=1e-10)
        t_qtt = (time.process_time() - t0) * 1e3
        dense = float("nan")
        if levels <= 24:
            v = np.exp(-((-1.0 + h * np.arange(n)) ** 2) / WIDTH)
            t0 = time.process_time()
            sfft.fft(v)
            dense = (time.process_time() - t0) * 1e3
        ms = np.concatenate([np.arange(30), n - np.arange(1, 21), rng.integers(0, n, 10)])
        digits = (ms[:, None] >> np.arange(levels - 1, -1, -1)[None, :]) & 1
        k = 2 * np.pi * np.where(ms < n // 2, ms, ms - n).astype(np.float64) / (n * h)
        want = np.exp(1j * k) / h * math.sqrt(math.pi * WIDTH) * np.exp(-WIDTH * k * k / 4)
        err = np.abs(y.at(digits) - want).max() / np.abs(want).max()
        print(f"{levels:>3} {float(n):>9.1e} {max(g.ranks):>6}/{max(y.ranks):<6} {t_qtt:>11.2f} "
              f"{dense:>13.2f} {err:>10.1e}", flush=True)


if __name__ == "__main__":
    main()
