# SPDX-License-Identifier: MIT
"""The two-site projector-splitting sweeps (two-site TDVP): ranks adapt to a tolerance."""

from __future__ import annotations

import numpy as np

from lorank.dlr.tt_integrator import _flow, _Sweeper
from lorank.solve._local import LocalOperator, left_env, merge_pair, right_env, split_matrix


class TwoSiteSweeper(_Sweeper):
    """Haegeman, Lubich, Oseledets, Vandereycken, Verstraete, "Unifying time evolution and
    optimization with matrix product states", Phys. Rev. B 94, 165116 (2016), Sec. IV: the
    splitting runs over the two-site tangent spaces, so each pair of neighbouring cores
    evolves forward as one tensor (exact exponential of the two-site projected operator) and
    is split by a truncated SVD to ``rtol`` of its norm and ``max_rank`` (``split_matrix``,
    shared with the eigensolvers' sweeps); the new center core then evolves backward under
    the one-site operator."""

    def __init__(self, cores: list[np.ndarray], ops: list[np.ndarray], rtol: float, max_rank: int) -> None:
        self.rtol, self.max_rank = rtol, max_rank
        super().__init__(cores, ops)

    def _pair_flow(self, k: int, tau: float, center_right: bool) -> None:
        a, b = self.x[k], self.x[k + 1]
        r0, n1, _ = a.shape
        _, n2, r2 = b.shape
        pair = np.tensordot(a, b, axes=([2], [0])).reshape(-1)
        h = LocalOperator(self.left[k], merge_pair(self.op[k], self.op[k + 1]), self.right[k + 1])
        first, second, _ = split_matrix(_flow(h, pair, tau).reshape(r0 * n1, n2 * r2), self.rtol,
                                        self.max_rank, "left" if center_right else "right")
        rank = first.shape[1]
        self.x[k], self.x[k + 1] = first.reshape(r0, n1, rank), second.reshape(rank, n2, r2)
        if center_right:
            self.left[k + 1] = left_env(self.left[k], self.x[k], self.op[k], self.x[k])
        else:
            self.right[k] = right_env(self.right[k + 1], self.x[k + 1], self.op[k + 1], self.x[k + 1])

    def sweep_right(self, tau: float) -> None:
        """Pairs (k, k+1) forward, each new center k+1 backward (but the last), left to
        right; center from 0 to d-1."""
        d = len(self.x)
        if d == 1:
            self._core_flow(0, tau)
            return
        for k in range(d - 1):
            self._pair_flow(k, tau, center_right=True)
            if k < d - 2:
                self._core_flow(k + 1, -tau)

    def sweep_left(self, tau: float) -> None:
        """The adjoint sweep, right to left; center from d-1 to 0."""
        d = len(self.x)
        if d == 1:
            self._core_flow(0, tau)
            return
        for k in range(d - 2, -1, -1):
            self._pair_flow(k, tau, center_right=False)
            if k > 0:
                self._core_flow(k, -tau)
