# SPDX-License-Identifier: MIT
"""The spectral norm of the softmax Jacobian.

At logits z with p = softmax(z), the Jacobian is J = diag(p) - p p^T: symmetric, positive
semidefinite, with J 1 = 0. It is a rank-one downdate of diag(p), so its eigenvalues
interlace the p_i: the largest lies in [p_(2), p_(1)] (the two largest probabilities) and,
for p_(1) > p_(2), is the root there of the secular equation

    f(lam) = 1 - sum_i p_i^2 / (p_i - lam) = 0,

on which f decreases from +inf to -inf (Golub, "Some modified matrix eigenvalue problems",
SIAM Rev. 15, 1973). With a tie p_(1) = p_(2) the norm is p_(1) (eigenvector e_1 - e_2).
This norm is what local Lipschitz bounds of attention multiply in (Yudin, Gaponov,
Kudriashov, Rakhuba, "Pay attention to attention distribution", 2025); it never exceeds
1/2 and vanishes for a one-hot p.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lorank.errors import ArgumentError, NumericalError

__all__ = ["softmax_jacobian_norm"]


def softmax_jacobian_norm(p: Any, *, axis: int = -1) -> np.ndarray:
    """||diag(p) - p p^T||_2 for each probability vector along ``axis`` of ``p``.

    Exact to rounding: bisection for the root of the secular equation on
    (p_(2), p_(1)), 60 halvings of an interval shorter than 1. Cost O(60 n) per vector of
    length n, vectorized over the others (attention maps of any batch shape). Raises
    ArgumentError unless every vector is nonnegative and sums to 1 (to 1e-6).
    """
    a = np.moveaxis(np.asarray(p, dtype=np.float64), axis, -1)
    if a.ndim == 0 or a.shape[-1] == 0:
        msg = "softmax_jacobian_norm: p must have a non-empty axis of probabilities"
        raise ArgumentError(msg)
    if not np.isfinite(a).all():
        msg = "softmax_jacobian_norm: p contains NaN or Inf"
        raise NumericalError(msg)
    if (a < 0).any() or not np.allclose(a.sum(axis=-1), 1.0, rtol=0, atol=1e-6):
        msg = "softmax_jacobian_norm: each vector of p must be nonnegative and sum to 1"
        raise ArgumentError(msg)
    if a.shape[-1] == 1:
        return np.zeros(a.shape[:-1])
    top2 = -np.partition(-a, 1, axis=-1)[..., :2]
    hi, lo = top2[..., 0:1], top2[..., 1:2]
    tie = (hi - lo) <= 1e-15 * hi
    left, right = lo.copy(), hi.copy()
    sq = a * a
    for _ in range(60):
        mid = 0.5 * (left + right)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = 1.0 - np.sum(sq / (a - mid), axis=-1, keepdims=True)
        positive = f > 0  # the root lies to the right
        left = np.where(positive, mid, left)
        right = np.where(positive, right, mid)
    return np.where(tie, hi, 0.5 * (left + right))[..., 0]
