# SPDX-License-Identifier: MIT
"""Result dataclasses returned by lorank algorithms."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RoundInfo"]


@dataclass(frozen=True)
class RoundInfo:
    """What a rounding (or TT-SVD) did.

    Attributes
    ----------
    error : float
        Frobenius norm of the error made, ``||x - round(x)||`` (from the discarded singular
        values; for ``method='randomized'`` measured against the input). ``inf`` or 0 when
        the value lies outside the double range (very long trains).
    rel_error : float
        ``error / ||x||`` (0 for a zero train), exact even when the two are not representable.
    norm : float
        ``||x||`` of the input (``inf`` or 0 outside the double range).
    method : str
        The method that ran (``'svd'``, ``'gram'`` or ``'randomized'``).
    ranks : tuple of int
        Ranks of the result.
    """

    error: float
    rel_error: float
    norm: float
    method: str
    ranks: tuple[int, ...] = field(repr=False)
