# SPDX-License-Identifier: MIT
"""Greedy (TCI-style) cross: nested pivots added one at a time where the interpolation error
found by rook search is largest. S. Dolgov, D. Savostyanov, "Parallel cross interpolation for
high-precision calculation of high-dimensional integrals", Comput. Phys. Commun. 246 (2020)
106869; Y. Nunez Fernandez et al., "Learning Feynman diagrams with tensor trains", Phys. Rev.
X 12 (2022) 041018.

State: for each bond k = 1..d-1 (between modes k-1 and k) pivots I_k (left multi-indices)
and J_k (right ones), equally many, with I_k inside I_{k-1} x [n_{k-1}] and J_k inside
[n_k] x J_{k+1}; fibers T_k = f(I_k x [n_k] x J_{k+1}); the interpolant is
T_0 P_1^{-1} T_1 P_2^{-1} ... T_{d-1} with P_k = f(I_k, J_k)."""

from __future__ import annotations

import numpy as np

from lorank.tt._cross_sets import extend_left, extend_right, fiber, positions
from lorank.tt._oracle import Oracle
from lorank.tt.tensor import TT

ROOK_STEPS = 3  # alternations of the rook search (row, column) per pivot
PROBES = 64  # random entries checked for a global pivot when the local searches stall
TRIES = 3  # global pivots tried (each refreshes the fibers) before giving up for a sweep


class GreedyState:
    """Nested pivots and the fibers built from them, grown one pivot at a time."""

    def __init__(self, oracle: Oracle, shape: tuple[int, ...], start: np.ndarray,
                 floor: float) -> None:
        d = len(shape)
        self.oracle, self.shape, self.d = oracle, shape, d
        self.floor = floor  # errors at most this large add no pivot
        self._interp: list = [None] * (d + 1)  # T_{k-1} inv(P_k) per bond, and its key
        self._interp_key: list = [None] * (d + 1)
        self._block: list = [None] * (d + 1)  # superblock row and column indices per bond
        self._block_key: list = [None] * (d + 1)
        self.left = [start[None, :k].copy() for k in range(d + 1)]
        self.right = [start[None, k:].copy() for k in range(d + 1)]
        self.fibers = [oracle(fiber(self.left[k], shape[k], self.right[k + 1])).reshape(1, shape[k], 1)
                       for k in range(d)]

    def pivots(self) -> int:
        return int(sum(len(a) for a in self.left[1:-1]))

    def superblock_indices(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Multi-indices of the superblock's rows (I_{k-1} x [n_{k-1}]) and columns
        ([n_k] x J_{k+1}) at bond k, cached while those sets keep their sizes."""
        key = (len(self.left[k - 1]), len(self.right[k + 1]))
        if self._block_key[k] != key:
            n0, n1 = self.shape[k - 1], self.shape[k]
            self._block[k] = (
                extend_left(self.left[k - 1], n0, np.arange(key[0] * n0)),
                extend_right(n1, self.right[k + 1], np.arange(n1 * key[1])))
            self._block_key[k] = key
        return self._block[k]

    def interpolation(self, k: int) -> np.ndarray:
        """T_{k-1} inv(P_k) as an (r_{k-1} n_{k-1}) x r_k matrix, computed as Q inv(Q[rows])
        with Q an orthonormal basis of T_{k-1}'s columns and rows the positions of I_k among
        I_{k-1} x [n_{k-1}] (T_{k-1}[rows] = P_k): the pivot matrices of smooth functions
        reach condition numbers of 1e10, their orthonormalized rows stay near 1."""
        t = self.fibers[k - 1]
        # The sets only grow, so the fiber's shape and |I_k| identify the result.
        key = (t.shape, len(self.left[k]))
        if self._interp_key[k] != key:
            rows = positions(self.left[k - 1], self.shape[k - 1], self.left[k], True)
            q, _ = np.linalg.qr(t.reshape(-1, t.shape[2]))
            self._interp[k] = _solve(q[rows].T, q.T).T
            self._interp_key[k] = key
        return self._interp[k]

    def sweep(self, max_rank: int, gen: np.random.Generator) -> float:
        """One rook search at every bond below max_rank, all bonds batched into each call of
        f (the parallel variant of Dolgov and Savostyanov), then one new pivot per bond where
        the search found a nonzero error. Returns the largest error found."""
        bonds = [k for k in range(1, self.d) if len(self.left[k]) < max_rank]
        if not bonds:
            return 0.0
        search = [_BondSearch(self, k, gen) for k in bonds]
        for _ in range(ROOK_STEPS):
            cols = self._batched([b.column_indices() for b in search])
            rows = self._batched([b.take_column(c) for b, c in zip(search, cols)])
            for b, r in zip(search, rows):
                b.take_row(r)
            if all(b.settled for b in search):
                break
        added = [b for b in search if b.best > self.floor and b.is_new()]
        # The superblock column at each new pivot (evaluated unless the search ended on it)
        # becomes fiber T_{k-1}'s new column, its row fiber T_k's new row.
        stale = [b for b in added if b.col_j != b.j]
        for b, v in zip(stale, self._batched([b.column_indices() for b in stale])):
            b.col_values, b.col_j = v, b.j
        by_bond = {b.k: b for b in added}
        # Between two new pivots a fiber also needs its corner: n entries, one batched call.
        corners = [k for k in range(self.d) if k in by_bond and k + 1 in by_bond]
        corner_values = dict(zip(corners, self._batched([
            fiber(by_bond[k].pivot_row[None, :], self.shape[k], by_bond[k + 1].pivot_col[None, :])
            for k in corners])))
        for k in sorted({b.k - 1 for b in added} | {b.k for b in added}):
            self.fibers[k] = self._grown(k, by_bond.get(k), by_bond.get(k + 1),
                                         corner_values.get(k))
        for b in added:
            self.left[b.k] = np.vstack([self.left[b.k], b.pivot_row])
            self.right[b.k] = np.vstack([self.right[b.k], b.pivot_col])
        return max((b.best for b in added), default=0.0)

    def _grown(self, k: int, row_from: _BondSearch | None, col_from: _BondSearch | None,
               corner: np.ndarray | None) -> np.ndarray:
        """Fiber T_k with the new row of the pivot at bond k and the new column of the
        pivot at bond k+1 (either may be absent)."""
        t = self.fibers[k]
        r0, n, r1 = t.shape
        if col_from is not None:
            t = np.concatenate([t, col_from.col_values.reshape(r0, n, 1)], axis=2)
        if row_from is not None:
            row = row_from.row_values.reshape(1, n, r1)
            if col_from is not None:
                row = np.concatenate([row, corner.reshape(1, n, 1)], axis=2)
            t = np.concatenate([t, row], axis=0)
        return t

    def add_global_pivot(self, max_rank: int, gen: np.random.Generator) -> float:
        """When the local searches stall, the worst of PROBES random entries (measured
        against the current train) becomes a pivot at every bond at once, its prefixes
        joining the I_k and its suffixes the J_k, so the sets stay nested (the global
        pivots of TCI, Nunez Fernandez et al. 2022). Returns its error (0 if none added)."""
        tries = 0
        for point, err in _candidates(self, gen):
            # Nested and square only if the point is new on both sides of every bond.
            if not all(len(self.left[k]) < max_rank and not _contains(self.left[k], point[:k])
                       and not _contains(self.right[k], point[k:]) for k in range(1, self.d)):
                continue
            if tries == TRIES:
                break
            tries += 1
            saved = ([a.copy() for a in self.left], [b.copy() for b in self.right],
                     list(self.fibers))
            for k in range(1, self.d):
                self.left[k] = np.vstack([self.left[k], point[:k]])
                self.right[k] = np.vstack([self.right[k], point[k:]])
            values = self._batched([fiber(self.left[k], self.shape[k], self.right[k + 1])
                                    for k in range(self.d)])
            for k, v in enumerate(values):
                self.fibers[k] = v.reshape(len(self.left[k]), self.shape[k],
                                           len(self.right[k + 1]))
            if self._well_conditioned():
                return err
            self.left, self.right, self.fibers = saved  # a bond it cannot interpolate through
        return 0.0

    def _well_conditioned(self) -> bool:
        """Every interpolation Q inv(Q[rows]) solvable: cond(Q[rows]) below 1e12."""
        for k in range(1, self.d):
            t = self.fibers[k - 1]
            q, _ = np.linalg.qr(t.reshape(-1, t.shape[2]))
            rows = positions(self.left[k - 1], self.shape[k - 1], self.left[k], True)
            if len(rows) != q.shape[1] or not np.linalg.cond(q[rows]) < 1e12:
                return False
        return True

    def _batched(self, requests: list[np.ndarray]) -> list[np.ndarray]:
        """One call of f for several index batches; the values split back."""
        if not requests:
            return []
        sizes = np.cumsum([len(r) for r in requests])[:-1]
        return np.split(self.oracle(np.ascontiguousarray(np.vstack(requests))), sizes)

    def cores(self) -> list[np.ndarray]:
        """T_k inv(P_{k+1}) for k < d-1, then T_{d-1}."""
        out = [self.interpolation(k + 1).reshape(self.fibers[k].shape) for k in range(self.d - 1)]
        out.append(self.fibers[-1])
        return out


class _BondSearch:
    """Rook search for the largest entry of E = Pi - T_{k-1} inv(P_k) T_k on the superblock
    Pi = f((I_{k-1} x [n_{k-1}]) x ([n_k] x J_{k+1})) at bond k."""

    def __init__(self, state: GreedyState, k: int, gen: np.random.Generator) -> None:
        self.k, self.state = k, state
        self.left_t = state.fibers[k - 1].reshape(-1, state.fibers[k - 1].shape[2])
        self.right_t = state.fibers[k].reshape(state.fibers[k].shape[0], -1)
        self.coef_left = state.interpolation(k)  # T_{k-1} inv(P_k)
        self.rows_all, self.cols_all = state.superblock_indices(k)
        self.j = int(gen.integers(0, self.right_t.shape[1]))  # the search starts at a random column
        self.i, self.best, self.settled = 0, 0.0, False
        self.col_values, self.col_j, self.row_values = None, -1, None

    def column_indices(self) -> np.ndarray:
        """The current column j of the superblock."""
        m, k = self.rows_all.shape
        out = np.empty((m, k + self.cols_all.shape[1]), dtype=np.int64)
        out[:, :k] = self.rows_all
        out[:, k:] = self.cols_all[self.j]
        return out

    def take_column(self, values: np.ndarray) -> np.ndarray:
        """Row of the largest error in the current column; returns that row's indices."""
        self.col_values, self.col_j = values, self.j
        if not self.settled:
            self.i = int(np.argmax(np.abs(values - self.coef_left @ self.right_t[:, self.j])))
        k = self.rows_all.shape[1]
        out = np.empty((len(self.cols_all), k + self.cols_all.shape[1]), dtype=np.int64)
        out[:, :k] = self.rows_all[self.i]
        out[:, k:] = self.cols_all
        return out

    def take_row(self, values: np.ndarray) -> None:
        if self.settled:
            return
        self.row_values = values
        err = np.abs(values - self.coef_left[self.i] @ self.right_t)
        j = int(np.argmax(err))
        self.best = float(err[j])
        self.settled = j == self.j
        self.j = j

    @property
    def pivot_row(self) -> np.ndarray:
        return self.rows_all[self.i]

    @property
    def pivot_col(self) -> np.ndarray:
        return self.cols_all[self.j]

    def is_new(self) -> bool:
        """Not already a pivot (there the error is rounding)."""
        return not (_contains(self.state.left[self.k], self.pivot_row)
                    or _contains(self.state.right[self.k], self.pivot_col))


def _candidates(state: GreedyState | CompiledGreedy, gen: np.random.Generator):
    """Global pivot candidates: the PROBES random entries above the floor, worst error of
    the current train first, with that error. Callers skip those not new at every bond (with
    few values per mode most are not, near the ends) and try at most TRIES of the rest."""
    idx = np.column_stack([gen.integers(0, n, PROBES) for n in state.shape]).astype(np.int64)
    err = np.abs(state.oracle(idx) - TT._trusted(state.cores()).at(idx))
    for cand in np.argsort(-err):
        if err[cand] <= state.floor:
            return
        yield idx[cand], float(err[cand])


def _contains(rows: np.ndarray, row: np.ndarray) -> bool:
    return bool((rows == row).all(axis=1).any())


def _solve(p: np.ndarray, b: np.ndarray) -> np.ndarray:
    """inv(p) b; for a singular pivot matrix (a function that is zero where the pivots
    started), the least-squares solution, which is 0 there."""
    try:
        return np.linalg.solve(p, b)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(p, b, rcond=None)[0]


class CompiledGreedy:
    """GreedyState's sweeps run by the compiled state machine (lorank::cross::GreedyCross,
    float64 values): Python only evaluates the batches of indices it asks for."""

    def __init__(self, oracle: Oracle, shape: tuple[int, ...], start: np.ndarray,
                 floor: float) -> None:
        from lorank import _core

        self.oracle, self.shape, self.d, self.floor = oracle, shape, len(shape), floor
        self.engine = _core.GreedyCross(list(shape), [int(i) for i in start], float(floor))
        self._drain()

    def _drain(self) -> None:
        engine = self.engine
        while engine.pending_rows() > 0:
            engine.feed(np.ascontiguousarray(self.oracle(engine.pending()), dtype=np.float64))

    def sweep(self, max_rank: int, gen: np.random.Generator) -> float:
        seeds = gen.integers(0, 2**62, self.d - 1)
        self.engine.begin_sweep([int(s) for s in seeds], max_rank)
        self._drain()
        return float(self.engine.largest())

    def pivots(self) -> int:
        return int(sum(self.engine.ranks()[1:-1]))

    def add_global_pivot(self, max_rank: int, gen: np.random.Generator) -> float:
        """As GreedyState.add_global_pivot (same probes, same acceptance)."""
        tries = 0
        for point, err in _candidates(self, gen):
            if tries == TRIES:
                break
            if not self.engine.begin_global_pivot([int(i) for i in point], max_rank):
                continue  # not new at some bond: nothing changed
            tries += 1
            self._drain()
            if self.engine.global_kept():
                return err
        return 0.0

    def cores(self) -> list[np.ndarray]:
        return list(self.engine.cores())

    @property
    def left(self) -> list[np.ndarray]:
        return list(self.engine.sets()[0])

    @property
    def right(self) -> list[np.ndarray]:
        return list(self.engine.sets()[1])
