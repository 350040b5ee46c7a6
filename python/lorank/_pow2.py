# SPDX-License-Identifier: MIT
"""Exact powers of two for arrays of cores: what keeps products of cores far from 1 (1e-200,
1e300) inside the floating-point range, for the Python paths (dense tensors, Hadamard and
scalar products, the reference twin that also serves CuPy cores)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def pow2_exponent(a: Any) -> int:
    """The exponent e of the power of two just above max|a| (math.frexp): dividing by 2^e
    brings the largest entry into [1/2, 1). 0 for a zero, empty or non-finite array."""
    top = float(abs(a).max()) if a.size else 0.0
    return math.frexp(top)[1] if top > 0.0 and math.isfinite(top) else 0


def ldexp_or_inf(v: float, e: int) -> float:
    """v * 2^e for a Python float; +-inf where that overflows (math.ldexp raises)."""
    try:
        return math.ldexp(v, max(-100000, min(100000, e)))
    except OverflowError:
        return math.copysign(math.inf, v)


def beyond(cores: Sequence[Any], xp: Any, limit: float) -> bool:
    """Whether some core's largest entry lies outside (1/limit, limit) (zero cores aside)."""
    tops = [xp.abs(c).max() for c in cores if c.size]
    if not tops:
        return False
    highs = xp.stack(tops)  # one transfer for all cores (a GPU synchronizes once)
    highs = highs.get() if hasattr(highs, "get") else np.asarray(highs)
    return any(not (h == 0.0 or 1.0 / limit < h < limit) for h in highs.tolist())


def times_pow2(c: Any, e: int) -> Any:
    """c * 2^e, exact: steps of at most 2^(+-64), each a representable power of two; the
    magnitudes move one way, so no step over- or underflows unless the result does."""
    step = 64 if e > 0 else -64
    while e != 0:
        k = step if abs(e) > 64 else e
        c = c * c.dtype.type(math.ldexp(1.0, k))
        e -= k
    return c


def balanced_cores(cores: Sequence[Any], xp: Any) -> tuple[list[Any], int]:
    """The cores, or where one is far from 1 copies divided by the power of two nearest
    their largest entries, and the total exponent taken out."""
    if not beyond(cores, xp, 2.0 ** (np.finfo(cores[0].dtype).maxexp // 2.5)):
        return list(cores), 0
    exponents = [pow2_exponent(c) for c in cores]
    return [times_pow2(c, -e) for c, e in zip(cores, exponents)], sum(exponents)


def spread_pow2(cores: list[Any], exponent: int, xp: Any) -> list[Any]:
    """Cores of the same train times 2^exponent with their magnitudes evened out: each core
    divided by the power of two of its largest entry, times an even share of the total
    (exact)."""
    own = [pow2_exponent(c) for c in cores]
    q, rem = divmod(exponent + sum(own), len(cores))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return [times_pow2(c, q + (1 if k < rem else 0) - own[k]) for k, c in enumerate(cores)]
