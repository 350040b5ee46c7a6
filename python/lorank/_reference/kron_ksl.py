# SPDX-License-Identifier: MIT
"""NumPy twin of ``lorank._core.kron_ksl_update`` (the fused DyKAF factor update)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def kron_ksl_update(gs: Sequence[Any], lefts: Sequence[Any], rights: Sequence[Any], beta: float,
                    scheme: str = "ksl") -> None:
    """In place, for each (G, L, R): one projector-splitting ('ksl') or basis-update-and-
    Galerkin ('bug') step of L (x) R towards beta L (x) R + (1 - beta) vec(G) vec(G)^T (see
    :class:`lorank.dlr.KroneckerFactors`)."""
    w = 1.0 - beta
    for g, left, right in zip(gs, lefts, rights):
        if scheme == "bug":
            _bug_step(np.asarray(g, dtype=left.dtype), left, right, beta)
            continue
        g = np.asarray(g, dtype=left.dtype)
        grg = g @ right @ g.T
        k = beta * left + w * grg
        knorm = np.linalg.norm(k)
        if not (knorm > 0 and np.isfinite(knorm)):
            continue
        l_hat = k / knorm
        s = knorm - w * np.sum(l_hat * grg)
        r_new = s * right + w * (g.T @ l_hat @ g)
        rnorm = np.linalg.norm(r_new)
        if not (rnorm > 0 and np.isfinite(rnorm)):
            continue
        left[...] = l_hat * rnorm
        right[...] = r_new / rnorm


def _bug_step(g: np.ndarray, left: np.ndarray, right: np.ndarray, beta: float) -> None:
    w = 1.0 - beta
    lnorm, rnorm = np.linalg.norm(left), np.linalg.norm(right)
    if not (lnorm > 0 and rnorm > 0 and np.isfinite(lnorm * rnorm)):
        return
    p, lh, rh = beta * lnorm * rnorm, left / lnorm, right / rnorm
    k = p * lh + w * (g @ rh @ g.T)
    m = p * rh + w * (g.T @ lh @ g)
    knorm, mnorm = np.linalg.norm(k), np.linalg.norm(m)
    if not (knorm > 0 and mnorm > 0 and np.isfinite(knorm * mnorm)):
        return
    u, v = k / knorm, m / mnorm
    s = p * np.sum(lh * u) * np.sum(rh * v) + w * np.sum(u * (g @ v @ g.T))
    if not (s > 0 and np.isfinite(s)):
        return
    left[...] = s * u
    right[...] = v
