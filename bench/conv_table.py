# SPDX-License-Identifier: MIT
"""Exact norms and bounds of convolution layers, with times (run: python bench/conv_table.py
[--all]; --all adds 512 x 512 x 3 x 3, about half an hour on a 2-core box, without its
Gram-iteration column: six c^3 products per frequency, hours at c = 512).

For each layer (Gaussian kernel / sqrt(fan-in)) and grid n: the exact circular norm (DFT),
the zero-padding norm (Lanczos on the operator), the TN bound and the Gram-iteration bound
with their ratios to the larger exact norm, and lorank's time for all circular singular
values against PyTorch's route (full-grid fft2 + svdvals), one thread each, CPU time.
A second table puts the resolution-independent bounds side by side: TN (power method),
reshape (Singla-Feizi, certified) and torus (64 x 64 symbol samples with the Bernstein
factor, certified), each over the largest exact norm found at n = 32 and 64.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from lorank.spectral import conv_norm, conv_norm_bound, conv_singular_values

LAYERS = [(16, 3, 5), (64, 64, 3), (256, 128, 3)]


def timed(f):
    t = time.process_time()
    out = f()
    return out, time.process_time() - t


def main() -> None:
    layers = LAYERS + ([(512, 512, 3)] if "--all" in sys.argv else [])
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    print(f"{'layer':>14} {'n':>3} {'circular':>9} {'zeros':>9} {'TN/exact':>9} {'TN s':>6} "
          f"{'Gram/exact':>10} {'Gram s':>7} {'all sv s':>8} {'torch s':>8} {'ratio':>6}")
    rng = np.random.default_rng(0)
    summary = []
    for c_out, c_in, k in layers:
        kernel = rng.standard_normal((c_out, c_in, k, k)) / np.sqrt(c_in * k * k)
        tn, t_tn = timed(lambda: conv_norm_bound(kernel, rng=0).value)
        best = 0.0
        for n in (32, 64):
            sv, t_sv = timed(lambda: conv_singular_values(kernel, (n, n)))
            circ = float(sv[0])
            zero = conv_norm(kernel, (n, n), padding="zeros", rng=0).value
            exact = max(circ, zero)
            gram, t_gram = float("nan"), float("nan")
            if c_out * c_in <= 256 * 128:
                gram, t_gram = timed(lambda: conv_norm_bound(kernel, method="gram",
                                                             input_shape=(n, n), n_iter=6).value)
            t_torch = float("nan")
            if torch is not None:
                kt = torch.from_numpy(kernel)
                _, t_torch = timed(lambda: torch.linalg.svdvals(
                    torch.fft.fft2(kt, s=(n, n)).permute(2, 3, 0, 1)))
            name = f"{c_out}x{c_in}x{k}x{k}"
            print(f"{name:>14} {n:>3} {circ:>9.4f} {zero:>9.4f} {tn / exact:>9.3f} {t_tn:>6.2f} "
                  f"{gram / exact:>10.4f} {t_gram:>7.2f} {t_sv:>8.2f} {t_torch:>8.2f} "
                  f"{t_torch / t_sv:>5.1f}x", flush=True)
            best = max(best, exact)
        reshape, t_reshape = timed(lambda: conv_norm_bound(kernel, method="reshape").value)
        torus, t_torus = timed(lambda: conv_norm_bound(kernel, method="torus", n_grid=64).value)
        summary.append((name, tn / best, t_tn, reshape / best, t_reshape, torus / best, t_torus))
    print(f"\n{'layer':>14} {'TN':>7} {'s':>6} {'reshape':>8} {'s':>6} {'torus64':>8} {'s':>6}")
    for name, *vals in summary:
        print(f"{name:>14} " + " ".join(f"{v:>7.3f}" if i % 2 == 0 else f"{v:>6.2f}"
                                        for i, v in enumerate(vals)))


if __name__ == "__main__":
    main()
