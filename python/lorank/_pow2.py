# SPDX-License-Identifier: MIT
"""Exact powers of two for arrays of cores: what keeps products of cores far from 1 (1e-200,
1e300) inside the floating-point range, for the Python paths (dense tensors, Hadamard and
scalar products, the reference twin that also serves CuPy cores)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


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
    limit = 2.0 ** (np.finfo(cores[0].dtype).maxexp // 2.5)
    highs = [float(xp.abs(c).max()) if c.size else 0.0 for c in cores]
    if all(h == 0.0 or 1.0 / limit < h < limit for h in highs):
        return list(cores), 0
    out, total = [], 0
    for c, h in zip(cores, highs):
        e = math.frexp(h)[1] if h > 0.0 and math.isfinite(h) else 0
        out.append(times_pow2(c, -e))
        total += e
    return out, total


def spread_pow2(cores: list[Any], exponent: int, xp: Any) -> list[Any]:
    """Cores of the same train times 2^exponent with their magnitudes evened out: each core
    divided by the power of two of its largest entry, times an even share of the total
    (exact)."""
    own = []
    for c in cores:
        top = float(xp.abs(c).max()) if c.size else 0.0
        own.append(math.frexp(top)[1] if top > 0 and math.isfinite(top) else 0)
    q, rem = divmod(exponent + sum(own), len(cores))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return [times_pow2(c, q + (1 if k < rem else 0) - own[k]) for k, c in enumerate(cores)]
