# SPDX-License-Identifier: MIT
"""Tensor trains: the TT and TTMatrix classes and their constructors."""

from __future__ import annotations

from lorank.tt._cross import cross
from lorank.tt.construct import ones, random, rank1, zeros
from lorank.tt.matrix import TTMatrix, kron
from lorank.tt.sums import round_sum
from lorank.tt.tensor import TT

__all__ = ["TT", "TTMatrix", "cross", "kron", "ones", "random", "rank1", "round_sum", "zeros"]
