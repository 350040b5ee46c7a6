# SPDX-License-Identifier: MIT
"""Spin-1/2 chains as TT-matrices (MPOs of bond dimension 5 and 3)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from lorank.errors import ArgumentError
from lorank.models._mpo import sum_of_products
from lorank.tt.matrix import TTMatrix

__all__ = ["heisenberg", "ising"]

# Spin operators S = sigma / 2 in the basis (up, down).
_SP = np.array([[0.0, 1.0], [0.0, 0.0]])
_SM = _SP.T.copy()
_SZ = np.diag([0.5, -0.5])
_SX = np.array([[0.0, 0.5], [0.5, 0.0]])


def _length(L: Any, who: str) -> int:
    if isinstance(L, bool) or not isinstance(L, numbers.Integral) or L < 2:
        msg = f"{who}: L must be an integer >= 2, got {L!r}"
        raise ArgumentError(msg)
    return int(L)


def _real(value: Any, name: str, who: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        msg = f"{who}: {name} must be a finite real number, got {value!r}"
        raise ArgumentError(msg)
    return float(value)


def heisenberg(L: int, *, delta: float = 1.0, field: float = 0.0) -> TTMatrix:
    """The open spin-1/2 XXZ chain ``H = sum_i (Sx Sx + Sy Sy + delta Sz Sz) - field sum_i Sz``.

    Spin operators are ``S = sigma / 2``; ``delta = 1`` is the isotropic (XXX) antiferromagnet.
    The MPO has bond dimension 5 (2 x 2 modes, L of them).

    Reference values (``lorank/models/data/heisenberg_open_chain.txt``): E0 = -4.258035207283
    at L = 10 and -8.682473334399 at L = 20 (exact diagonalization), -21.97211028124 at L = 50.

    Examples
    --------
    >>> import numpy as np, lorank
    >>> h = lorank.models.heisenberg(4).full()
    >>> round(float(np.linalg.eigvalsh(h)[0]), 6)
    -1.616025
    """
    who = "models.heisenberg"
    L = _length(L, who)
    delta = _real(delta, "delta", who)
    field = _real(field, "field", who)
    terms = []
    for i in range(L - 1):
        terms += [(0.5, {i: _SP, i + 1: _SM}), (0.5, {i: _SM, i + 1: _SP})]
        if delta != 0.0:
            terms.append((delta, {i: _SZ, i + 1: _SZ}))
    if field != 0.0:
        terms += [(-field, {i: _SZ}) for i in range(L)]
    return sum_of_products([2] * L, terms, who=who)


def ising(L: int, *, h: float = 1.0, J: float = 1.0) -> TTMatrix:
    """The open transverse-field Ising chain ``H = -J sum_i Z_i Z_{i+1} - h sum_i X_i``.

    Pauli matrices (not spins); ``h = J`` is the critical point. The ground-state energy has
    a closed form through free fermions (the Jordan-Wigner transform), which the tests use.
    """
    who = "models.ising"
    L = _length(L, who)
    h = _real(h, "h", who)
    J = _real(J, "J", who)
    z, x = 2 * _SZ, 2 * _SX
    terms = [(-J, {i: z, i + 1: z}) for i in range(L - 1)]
    terms += [(-h, {i: x}) for i in range(L)]
    return sum_of_products([2] * L, terms, who=who)
