# SPDX-License-Identifier: MIT
"""All singular values of the 512 x 512 x 3 x 3 layer of bench/conv_table.py (same kernel)
against PyTorch's route (full-grid fft2 + svdvals), one thread each, CPU time, with the
number of frequencies the Gram route hands to an SVD (run: python bench/conv_512.py [n ...],
default n = 32; about 3 minutes at n = 32 on a 2-core box). PyTorch runs only for n <= 32:
at n = 64 its full-grid FFT alone holds 16 GiB of complex128.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import lorank.spectral._gram_route as gram_route
from lorank.spectral import conv_singular_values


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [32]
    rng = np.random.default_rng(0)
    for c_out, c_in, k in [(16, 3, 5), (64, 64, 3), (256, 128, 3)]:  # conv_table's draws
        rng.standard_normal((c_out, c_in, k, k))
    kernel = rng.standard_normal((512, 512, 3, 3)) / np.sqrt(512 * 9)
    redone = [0]
    exact = gram_route._exact

    def counting(kern, h, w, where):  # count the frequencies sent to the SVD
        redone[0] += len(where)
        return exact(kern, h, w, where)

    gram_route._exact = counting
    for n in sizes:
        redone[0] = 0
        t = time.process_time()
        sv = conv_singular_values(kernel, (n, n))
        t_sv = time.process_time() - t
        print(f"n = {n}: lorank {t_sv:.1f} s, norm {sv[0]:.6f}, "
              f"{redone[0]} of {n * (n // 2 + 1)} frequencies by SVD", flush=True)
        if n > 32:
            continue
        import torch

        torch.set_num_threads(1)
        t = time.process_time()
        ref = torch.linalg.svdvals(torch.fft.fft2(torch.from_numpy(kernel), s=(n, n))
                                   .permute(2, 3, 0, 1))
        t_torch = time.process_time() - t
        ref = np.sort(ref.numpy().ravel())[::-1]
        print(f"n = {n}: torch {t_torch:.1f} s, ratio {t_torch / t_sv:.1f}x, "
              f"max |difference| / norm {np.abs(ref - sv).max() / sv[0]:.1e}", flush=True)


if __name__ == "__main__":
    main()
