# SPDX-License-Identifier: MIT
"""Rayleigh-Ritz on the span of a few TTs: Gram and projected matrices from TT inner
products, Ritz vectors as rounded TT sums (LOBPCG and block inverse iteration)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lorank.tt.matrix import TTMatrix
from lorank.tt.sums import round_sum
from lorank.tt.tensor import TT

OVERSAMPLE = 10  # extra columns of the randomized rounding's sketch


def forms(A: TTMatrix | None, ys: Sequence[TT]) -> np.ndarray:
    """``M[a, b] = <y_a, A y_b>`` for Hermitian A (None: the identity) by compiled TT inner
    products with the exact products ``A y_b`` (ranks R r, never rounded); one triangle."""
    out = np.empty((len(ys), len(ys)), dtype=np.result_type(*(y.dtype for y in ys), *(() if A is None else (A.dtype,))))
    for b, z in enumerate(ys):
        az = z if A is None else A @ z
        for a in range(b + 1):
            out[a, b] = ys[a].dot(az)
            out[b, a] = np.conj(out[a, b])
    return out


def combine(trains: Sequence[TT], coef: np.ndarray, gram: np.ndarray, rtol: float, max_rank: int) -> TT:
    """``sum_a coef[a] trains[a]`` to relative accuracy rtol under max_rank (gram: the
    trains' Gram matrix). The smallest terms are dropped while their norms add up to at most
    half the tolerance (near convergence most coefficients are tiny: this is what keeps the
    sums short), the rest is rounded to the other half: exactly where that costs less
    (O(d n R^3), R the sum of the ranks) than the randomized rounding of Al Daas et al.,
    which never forms the sum (O(d n l (sum r^2 + l R)), l = max_rank + 10)."""
    sizes = np.abs(coef) * np.sqrt(np.maximum(np.diagonal(gram).real, 0.0))
    norm = float(np.sqrt(max(np.vdot(coef, gram @ coef).real, 0.0)))
    order = np.argsort(sizes)
    dropped = order[np.cumsum(sizes[order]) <= 0.5 * rtol * norm]
    kept = np.setdiff1d(np.arange(len(trains)), dropped)
    real = not np.iscomplexobj(coef)
    terms = [trains[a] * (float(coef[a].real) if real else complex(coef[a])) for a in kept]
    if len(terms) == 1:
        return terms[0].round(rtol=0.5 * rtol, max_rank=max_rank)
    ranks = np.array([max(t.ranks) for t in terms], dtype=float)
    total, sketch = ranks.sum(), max_rank + OVERSAMPLE
    if total**3 <= sketch * (np.sum(ranks**2) + sketch * total):  # the explicit sum is cheaper
        return round_sum(terms, rtol=0.5 * rtol, max_rank=max_rank)
    return round_sum(terms, rtol=0.5 * rtol, max_rank=max_rank, method="randomized", rng=len(terms),
                     oversample=OVERSAMPLE)


def rayleigh_ritz(A: TTMatrix, basis: list[TT], k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k lowest Ritz pairs of A on span(basis): values, coefficients (m, k) and the
    basis' Gram matrix.
    Directions the Gram matrix cannot resolve (below 1e-12 of its largest eigenvalue) are
    dropped, so a basis that lost independence keeps its span."""
    gram = forms(None, basis)
    proj = forms(A, basis)
    w, v = np.linalg.eigh(gram)
    keep = w > 1e-12 * w.max()
    whiten = v[:, keep] / np.sqrt(w[keep])
    theta, c = np.linalg.eigh(whiten.conj().T @ proj @ whiten)
    return theta[:k], whiten @ c[:, :k], gram


def unit(x: TT) -> TT:
    return x / x.norm()
