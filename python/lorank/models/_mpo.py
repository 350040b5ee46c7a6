# SPDX-License-Identifier: MIT
"""Sums of operator products as TT-matrices (matrix product operators).

A term ``c * O_a (x) O_{a+1} (x) ... (x) O_b`` (identities outside ``[a, b]``) lives on the
bonds it crosses. The bond between modes k and k+1 carries one state for "nothing applied
yet" (identities so far), one for "a term is complete", and one per term crossing the bond,
so the rank there is 2 plus the number of crossing terms: the automaton construction of
McCulloch (2007), exact for any list of terms. Redundant states (terms sharing factors) are
removed by rounding the result where the caller asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from lorank.errors import ShapeError
from lorank.tt.matrix import TTMatrix

Term = tuple[float, Mapping[int, np.ndarray]]


def sum_of_products(shape: Sequence[int], terms: Sequence[Term], *, who: str) -> TTMatrix:
    """``sum_t c_t prod_k O_t^k`` as a TT-matrix on modes of sizes ``shape``.

    Each term is ``(c_t, {mode: matrix})``; modes absent from the mapping hold identities.
    Complexity: O(d n^2 R^2) memory for bond ranks R = 2 + (terms crossing the bond).
    """
    d = len(shape)
    spans = []
    for coef, factors in terms:
        if not factors:
            msg = f"{who}: every term needs at least one factor"
            raise ShapeError(msg)
        for k, op in factors.items():
            if not 0 <= k < d or np.shape(op) != (shape[k], shape[k]):
                msg = f"{who}: factor on mode {k} must be {shape[k]} x {shape[k]}, got {np.shape(op)}"
                raise ShapeError(msg)
        spans.append((min(factors), max(factors)))
    dtype = np.result_type(float, *[np.asarray(op).dtype for _, f in terms for op in f.values()])
    # Bond k sits between modes k and k+1; states: 0 = identities so far, 1 = complete, 2.. = terms.
    crossing = [[t for t, (a, b) in enumerate(spans) if a <= k < b] for k in range(d - 1)]
    slot = [{t: 2 + i for i, t in enumerate(ts)} for ts in crossing]
    cores = []
    for k in range(d):
        n = shape[k]
        eye = np.eye(n, dtype=dtype)
        r0 = 1 if k == 0 else 2 + len(crossing[k - 1])
        r1 = 1 if k == d - 1 else 2 + len(crossing[k])
        core = np.zeros((r0, n, n, r1), dtype=dtype)
        start = 0
        done0 = None if k == 0 else 1
        done1 = 0 if k == d - 1 else 1
        if k < d - 1:
            core[start, :, :, 0] = eye
        if done0 is not None:
            core[done0, :, :, done1] = eye
        for t, ((coef, factors), (a, b)) in enumerate(zip(terms, spans)):
            if not a <= k <= b:
                continue
            op = np.asarray(factors.get(k, eye), dtype=dtype)
            left = start if k == a else slot[k - 1][t]
            right = done1 if k == b else slot[k][t]
            core[left, :, :, right] += coef * op if k == a else op
        cores.append(core)
    return TTMatrix._trusted(cores)
