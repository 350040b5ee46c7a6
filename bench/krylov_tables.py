# SPDX-License-Identifier: MIT
"""Tables for the matrix-free norm estimators (run: python bench/krylov_tables.py).

1. ||A||_{2->inf} of 2000 x 1000 row-scaled matrices: mean relative error and how often the
   largest row was found, against the number of products, for the three estimators, 100 seeds.
2. ||A||_2 upper bounds of Halko-Martinsson-Tropp (failure probability 1e-3): overshoot
   factor against the number of products on the two spectra of the svd workloads.
"""

from __future__ import annotations

import numpy as np

from lorank._bench_krylov import known_spectrum
from lorank.linalg import norm_2inf, spectral_norm

SEEDS = 100


def row_scaled() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    scales = np.linspace(0.2, 1.0, 2000)
    scales[-1] *= 1.5  # a distinct largest row (norm gap ~30%)
    scales = rng.permutation(scales)[:, None]
    return {
        "gaussian, rows x (0.2..1, top 1.5x)": scales * rng.standard_normal((2000, 1000)),
        "s_i = 1/i, same row scales": scales * known_spectrum(2000, 1000, 1 / np.arange(1, 1001)),
    }


def main() -> None:
    print("||A||_{2->inf}: mean relative error / largest row found (of 100 seeds)")
    for name, a in row_scaled().items():
        true = np.linalg.norm(a, axis=1).max()
        print(f"  {name}")
        print(f"    {'products':>8} {'hutchinson':>22} {'hutch++':>22} {'factored++':>22}")
        for m in (9, 15, 30, 60, 120):
            cells = []
            for method in ("hutchinson", "hutch++", "factored++"):
                vals = np.array([norm_2inf(a, n_matvecs=m, method=method, rng=s).value
                                 for s in range(SEEDS)])
                found = int(np.sum(np.abs(vals - true) <= 1e-12 * true))
                cells.append(f"{np.mean((true - vals) / true):10.2e} {found:4d}/{SEEDS}")
            print(f"    {m:>8} " + " ".join(f"{c:>22}" for c in cells))
    print("||A||_2 <= HMT bound (failure probability 1e-3): bound / ||A||, mean over 100 seeds")
    for name, s in (("s_i = 1/i", 1 / np.arange(1, 1001)),
                    ("s_i = exp(-(i-1)/200)", np.exp(-np.arange(1000) / 200))):
        a = known_spectrum(2000, 1000, s)
        row = [np.mean([spectral_norm(a, method="hmt", n_matvecs=m, failure_probability=1e-3,
                                      rng=k).upper for k in range(SEEDS)]) for m in (5, 10, 20, 40)]
        print(f"  {name:24s} " + "  ".join(f"m={m}: {v:6.1f}x" for m, v in zip((5, 10, 20, 40), row)))


if __name__ == "__main__":
    main()
