# SPDX-License-Identifier: MIT
"""The DyKAF factor steps written once for NumPy arrays and torch tensors alike (only ``@``,
``*``, ``.T``, ``.sum()`` and in-place ``[...]`` assignment): the twin of the compiled
``lorank._core.kron_ksl_update``, and the step DyKAF runs on tensors the kernel does not
take (GPU, half precision)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def _fro(x: Any) -> float:
    return float((x * x).sum()) ** 0.5


def ksl_step(g: Any, left: Any, right: Any, beta: float) -> None:
    """One projector-splitting step of L (x) R towards beta L (x) R + w vec(G) vec(G)^T,
    in place (see :class:`lorank.dlr.KroneckerFactors`); a zero or non-finite intermediate
    norm leaves the factors unchanged."""
    w = 1.0 - beta
    grg = g @ right @ g.T
    k = beta * left + w * grg
    knorm = _fro(k)
    if not (knorm > 0 and math.isfinite(knorm)):
        return
    l_hat = k / knorm
    s = knorm - w * float((l_hat * grg).sum())
    r_new = s * right + w * (g.T @ l_hat @ g)
    rnorm = _fro(r_new)
    if not (rnorm > 0 and math.isfinite(rnorm)):
        return
    left[...] = l_hat * rnorm
    right[...] = r_new / rnorm


def bug_step(g: Any, left: Any, right: Any, beta: float) -> None:
    """One basis-update-and-Galerkin step (K and L from the old factors, Galerkin S), in
    place; zero or non-finite norms, or S <= 0, leave the factors unchanged."""
    w = 1.0 - beta
    lnorm, rnorm = _fro(left), _fro(right)
    if not (lnorm > 0 and rnorm > 0 and math.isfinite(lnorm * rnorm)):
        return
    p, lh, rh = beta * lnorm * rnorm, left / lnorm, right / rnorm
    k = p * lh + w * (g @ rh @ g.T)
    m = p * rh + w * (g.T @ lh @ g)
    knorm, mnorm = _fro(k), _fro(m)
    if not (knorm > 0 and mnorm > 0 and math.isfinite(knorm * mnorm)):
        return
    u, v = k / knorm, m / mnorm
    s = p * float((lh * u).sum()) * float((rh * v).sum()) + w * float((u * (g @ v @ g.T)).sum())
    if not (s > 0 and math.isfinite(s)):
        return
    left[...] = s * u
    right[...] = v


def kron_ksl_update(gs: Sequence[Any], lefts: Sequence[Any], rights: Sequence[Any], beta: float,
                    scheme: str = "ksl") -> None:
    """NumPy twin of the compiled grouped update: in place, for each (G, L, R), one 'ksl'
    or 'bug' step."""
    step = bug_step if scheme == "bug" else ksl_step
    for g, left, right in zip(gs, lefts, rights):
        step(np.asarray(g, dtype=left.dtype), left, right, beta)
