# SPDX-License-Identifier: MIT
"""NumPy twin of ``lorank._core.kron_ksl_update`` (the fused DyKAF factor update)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def kron_ksl_update(gs: Sequence[Any], lefts: Sequence[Any], rights: Sequence[Any], beta: float) -> None:
    """In place, for each (G, L, R): one projector-splitting step of L (x) R towards
    beta L (x) R + (1 - beta) vec(G) vec(G)^T (see :class:`lorank.dlr.KroneckerFactors`)."""
    w = 1.0 - beta
    for g, left, right in zip(gs, lefts, rights):
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
