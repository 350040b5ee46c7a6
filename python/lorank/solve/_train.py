# SPDX-License-Identifier: MIT
"""A block tensor train under sweeping: one core (the center) carries p vectors in an extra
trailing index; the cores left of it are left-orthonormal, those right of it
right-orthonormal, so the center's columns are the coefficients of p orthonormal vectors.
Environments of an operator are kept in step with the orthonormal cores."""

from __future__ import annotations

import numpy as np

from lorank.solve._local import left_env, right_env, split_matrix, thin_qr


class BlockTrain:
    """Cores ``(r, n, r')`` and a center ``(r, n, r', p)``, with environments of ``op``."""

    def __init__(self, cores: list[np.ndarray], block: np.ndarray, op: list[np.ndarray],
                 max_rank: int, at: str) -> None:
        """`block` replaces the first core (``at='first'``, shape ``(1, n, r, p)``; the other
        cores are then right-orthogonalized by QR) or the last (``(r, n, 1, p)``; it is then
        brought to core 0 by SVDs truncated to max_rank, otherwise exact). Either way the
        center ends at core 0 with the other cores right-orthonormal."""
        d = len(cores)
        self.cores = list(cores)
        self.op = op
        self.p = block.shape[3]
        one = np.ones((1, 1, 1), dtype=block.dtype)
        self.left: list[np.ndarray | None] = [one] + [None] * (d - 1)
        self.right: list[np.ndarray | None] = [None] * (d - 1) + [one]
        if at == "first":
            self.cores[0], self.center = block, 0
            for k in range(d - 1, 0, -1):
                self._orthogonalize_into_left(k)
            return
        self.cores[d - 1], self.center = block, d - 1
        for k in range(d - 1, 0, -1):
            self.split(self.cores[k].reshape(-1, self.p), k, 1, "left", 1e-14, max_rank)

    def _orthogonalize_into_left(self, k: int) -> None:
        """QR of core k from the right; its factor goes into core k-1."""
        c = self.cores[k]
        r0, n, r1 = c.shape
        q, r = thin_qr(c.reshape(r0, n * r1).T)
        self.cores[k] = q.T.reshape(-1, n, r1)
        prev = self.cores[k - 1]
        moved = np.tensordot(prev, r.T, axes=([2], [0]))
        self.cores[k - 1] = moved.transpose(0, 1, 3, 2) if prev.ndim == 4 else moved
        self.right[k - 1] = right_env(self.right[k], self.cores[k], self.op[k], self.cores[k])

    # ------------------------------------------------------------------ moving the block
    def split(self, v: np.ndarray, k: int, sites: int, direction: str, rtol: float,
              max_rank: int, expand: float = 0.0) -> float:
        """Put the solved block ``v`` (size, p) back into the train at core k (sites=1) or
        cores k, k+1 (sites=2), move the center one step in `direction`, truncating the
        new bond by SVD; returns the relative norm discarded. With ``expand > 0`` (one site)
        the core is first enlarged by the subspace expansion of DMRG3S (below)."""
        p = self.p
        if sites == 2:
            a, n1, n2, b = self.cores[k].shape[0], self.cores[k].shape[1], self.cores[k + 1].shape[1], \
                self.cores[k + 1].shape[2]
            t = v.reshape(a, n1, n2, b, p)
            if direction == "right":
                q, c, cut = split_matrix(t.reshape(a * n1, n2 * b * p), rtol, max_rank, "left")
                r = q.shape[1]
                self.cores[k] = q.reshape(a, n1, r)
                self.cores[k + 1] = c.reshape(r, n2, b, p)
                self.center = k + 1
                self.left[k + 1] = left_env(self.left[k], self.cores[k], self.op[k], self.cores[k])
            else:
                c, q, cut = split_matrix(t.transpose(0, 1, 4, 2, 3).reshape(a * n1 * p, n2 * b), rtol,
                                         max_rank, "right")
                r = q.shape[0]
                self.cores[k + 1] = q.reshape(r, n2, b)
                self.cores[k] = c.reshape(a, n1, p, r).transpose(0, 1, 3, 2)
                self.center = k
                self.right[k] = right_env(self.right[k + 1], self.cores[k + 1], self.op[k + 1],
                                          self.cores[k + 1])
            return cut
        a, n, b = self.cores[k].shape[:3]
        t = v.reshape(a, n, b, p)
        if expand > 0:
            t, a, b = self._expand(t, k, direction, expand)
        if direction == "right":
            q, c, cut = split_matrix(t.reshape(a * n, b * p), rtol, max_rank, "left")
            r = q.shape[1]
            self.cores[k] = q.reshape(a, n, r)
            carry = c.reshape(r, b, p)
            self.cores[k + 1] = np.einsum("sbp,bic->sicp", carry, self.cores[k + 1], optimize=True)
            self.center = k + 1
            self.left[k + 1] = left_env(self.left[k], self.cores[k], self.op[k], self.cores[k])
        else:
            c, q, cut = split_matrix(t.transpose(0, 3, 1, 2).reshape(a * p, n * b), rtol, max_rank, "right")
            r = q.shape[0]
            self.cores[k] = q.reshape(r, n, b)
            carry = c.reshape(a, p, r)
            self.cores[k - 1] = np.einsum("cia,aps->cisp", self.cores[k - 1], carry, optimize=True)
            self.center = k - 1
            self.right[k - 1] = right_env(self.right[k], self.cores[k], self.op[k], self.cores[k])
        return cut

    def _expand(self, t: np.ndarray, k: int, direction: str, alpha: float) -> tuple[np.ndarray, int, int]:
        """Subspace expansion (Hubig, McCulloch, Schollwoeck, Wolf, "Strictly single-site
        DMRG algorithm with subspace expansion", PRB 91, 155115 (2015)): the core is joined
        along the bond about to be cut by ``alpha P``, P the core acted on by the operator
        and the environment behind it (``L A t`` moving right, ``A R t`` moving left, scaled to
        ``||t||``), and the neighbour is padded with zeros, so the state is unchanged but
        the SVD can pick directions the next local problem needs."""
        a, n, b, p = t.shape
        op = self.op[k]
        if direction == "right":
            e = np.einsum("xza,zijy,ajbp->xiybp", self.left[k], op, t, optimize=True)
            e = e.reshape(e.shape[0], n, -1, p)
            extra = e.shape[2]
            nxt = self.cores[k + 1]
            self.cores[k + 1] = np.concatenate(
                [nxt, np.zeros((extra,) + nxt.shape[1:], dtype=nxt.dtype)], axis=0)
        else:
            e = np.einsum("zijy,wyb,ajbp->aziwp", op, self.right[k], t, optimize=True)
            e = e.reshape(-1, n, e.shape[3], p)
            extra = e.shape[0]
            prev = self.cores[k - 1]
            self.cores[k - 1] = np.concatenate(
                [prev, np.zeros(prev.shape[:2] + (extra,), dtype=prev.dtype)], axis=2)
        scale = alpha * np.linalg.norm(t) / max(float(np.linalg.norm(e)), 1e-300)
        t = np.concatenate([t, scale * e], axis=2 if direction == "right" else 0)
        return t, t.shape[0], t.shape[2]

    def block(self, k: int, sites: int) -> np.ndarray:
        """The center's vectors as a matrix (size, p); for sites=2 merged with the next core."""
        c = self.cores[k]
        if sites == 1:
            return c.reshape(-1, self.p)
        nxt = self.cores[k + 1]
        if self.center == k:
            v = np.einsum("aisp,sjb->aijbp", c, nxt, optimize=True)
        else:
            v = np.einsum("ais,sjbp->aijbp", c, nxt, optimize=True)
        return v.reshape(-1, self.p)

    def vectors(self) -> list[list[np.ndarray]]:
        """The p trains (lists of cores) held by the block."""
        c, k = self.cores[self.center], self.center
        return [self.cores[:k] + [np.ascontiguousarray(c[..., j])] + self.cores[k + 1:]
                for j in range(self.p)]

    @property
    def ranks(self) -> tuple[int, ...]:
        return (1, *(int(c.shape[2]) for c in self.cores))
