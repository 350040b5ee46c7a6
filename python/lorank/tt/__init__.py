# SPDX-License-Identifier: MIT
"""Tensor trains: the TT and TTMatrix classes, their constructors, and cross approximation."""

from __future__ import annotations

from lorank.tt._cross import cross
from lorank.tt._cross_apps import cross_function, cross_map
from lorank.tt.construct import ones, random, rank1, zeros
from lorank.tt.matrix import TTMatrix, kron
from lorank.tt.sums import round_sum
from lorank.tt.tensor import TT

__all__ = [
    "TT", "TTMatrix", "cross", "cross_function", "cross_map", "kron", "ones", "random", "rank1",
    "round_sum", "zeros",
]
