# SPDX-License-Identifier: MIT
"""One tangent space of the TT manifold holding a whole block of vectors.

A left-orthonormal chain ``U_0 .. U_{d-2}`` and a right-orthonormal chain
``V_1 .. V_{d-1}`` span the linear space

    W = { sum_k U_<k D_k V_>k  :  U_k^H D_k = 0 for k < d-1 },

the tangent space of the TT manifold at a point whose interface subspaces the chains are
(Holtz, Rohwedder, Schneider 2012; Lubich, Oseledets, Vandereycken 2015). The gauge makes
the d terms mutually orthogonal, so ``x -> (D_0, ..., D_{d-1})`` is an isometry: vectors of W
are stored as the concatenated flattened cores ("rows"), inner products are plain dot
products, and every vector of W is a TT of ranks ``r_U + r_V``. W contains every block-TT
vector ``U_<k C V_>k`` whatever the position k of the block index.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from lorank.solve._local import _lead, left_env, right_env, svd, truncation_rank
from lorank.solve._precond import ModePreconditioner


def _identity_cores(shape: tuple[int, ...], dtype: Any) -> list[np.ndarray]:
    return [np.eye(n, dtype=dtype).reshape(1, n, n, 1) for n in shape]


def _local_apply(left: np.ndarray, op: np.ndarray, right: np.ndarray, core: np.ndarray) -> np.ndarray:
    """``sum L[a, alpha, a'] A[alpha, i, j, beta] R[b, beta, b'] X[a', j, b']``, any of
    L, R, X with a leading batch axis (broadcast): result ``(..., a, i, b)``. Unlike
    :class:`LocalOperator` (one pair of environments, many vectors, the operator core split
    into sparse blocks) the environments here differ per vector, so the core stays dense."""
    a, alpha, a2 = left.shape[-3:]
    _, m, n, beta = op.shape
    b, _, b2 = right.shape[-3:]
    t = left.reshape(*_lead(left, 3), a * alpha, a2) @ core.reshape(*_lead(core, 3), a2, n * b2)
    lead = t.shape[:-2]
    t = np.moveaxis(t.reshape(*lead, a, alpha, n, b2), -1, -3).reshape(-1, alpha * n)
    t = t @ op.transpose(0, 2, 1, 3).reshape(alpha * n, m * beta)
    t = np.moveaxis(t.reshape(*lead, a, b2, m, beta), -3, -1).reshape(*lead, a * m, beta * b2)
    r = right.reshape(*_lead(right, 3), b, beta * b2)
    out = t @ np.swapaxes(r, -1, -2)
    return out.reshape(*out.shape[:-2], a, m, b)


class TangentSpace:
    """W at the chains ``left`` (d-1 cores) and ``right`` (d-1 cores, V_1..V_{d-1}), with
    the operator cores ``op`` (TT-matrix cores ``(R, n, n, R')``)."""

    def __init__(self, left: list[np.ndarray], right: list[np.ndarray], op: list[np.ndarray]) -> None:
        self.left, self.right, self.op = left, right, op
        self.d = len(op)
        self.dtype = np.result_type(op[0], *left, *right) if left else op[0].dtype
        self.modes = tuple(int(c.shape[1]) for c in op)
        self.rl = (1, *(int(u.shape[2]) for u in left))  # rl[k]: rank left of core k
        self.rr = (*(int(v.shape[0]) for v in right), 1)  # rr[k]: rank right of core k
        self.core_shapes = [(self.rl[k], n, self.rr[k]) for k, n in enumerate(self.modes)]
        sizes = [int(np.prod(s)) for s in self.core_shapes]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.size = int(self.offsets[-1])
        self.n_matvecs = 0
        self._identity = _identity_cores(self.modes, self.dtype)

    @cached_property
    def _envs(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Operator environments of the chains with themselves (left: U, right: V)."""
        one = np.ones((1, 1, 1), dtype=self.dtype)
        lenv, renv = [one], [one]
        for k in range(self.d - 1):
            lenv.append(left_env(lenv[-1], self.left[k], self.op[k], self.left[k]))
        for k in range(self.d - 1, 0, -1):
            renv.append(right_env(renv[-1], self.right[k - 1], self.op[k], self.right[k - 1]))
        renv.reverse()
        return lenv, renv

    @cached_property
    def _precond(self) -> list[ModePreconditioner]:
        lenv, renv = self._envs
        return [ModePreconditioner(lenv[k], self.op[k], renv[k]) for k in range(self.d)]

    # ------------------------------------------------------------------ coordinates
    def cores_of(self, row: np.ndarray) -> list[np.ndarray]:
        """The gauge cores D_k of one row."""
        return [row[self.offsets[k]:self.offsets[k + 1]].reshape(s) for k, s in enumerate(self.core_shapes)]

    def gauge(self, rows: np.ndarray) -> np.ndarray:
        """Rows projected onto the gauge ``U_k^H D_k = 0`` (k < d-1): the orthogonal
        projection of the coordinate space onto W's coordinates."""
        out = np.array(rows, dtype=np.result_type(rows, self.dtype), copy=True)
        for k in range(self.d - 1):
            a, n, b = self.core_shapes[k]
            u = self.left[k].reshape(a * n, -1)
            seg = out[:, self.offsets[k]:self.offsets[k + 1]].reshape(-1, a * n, b)
            seg -= u @ (u.conj().T @ seg)
            out[:, self.offsets[k]:self.offsets[k + 1]] = seg.reshape(out.shape[0], -1)
        return out

    def random_rows(self, p: int, rng: np.random.Generator) -> np.ndarray:
        return self.gauge(rng.standard_normal((p, self.size)).astype(self.dtype))

    def train(self, row: np.ndarray) -> list[np.ndarray]:
        """The vector of W as TT cores of ranks ``rl + rr``:
        ``[[U_k, D_k], [0, V_k]]`` (first core ``[U_0, D_0]``, last ``[D; V]``)."""
        d, dcores = self.d, self.cores_of(row)
        if d == 1:
            return [dcores[0]]
        out = [np.concatenate([self.left[0], dcores[0]], axis=2)]
        for k in range(1, d - 1):
            v = self.right[k - 1]
            top = np.concatenate([self.left[k], dcores[k]], axis=2)
            bottom = np.concatenate([np.zeros((v.shape[0], v.shape[1], self.rl[k + 1]), dtype=v.dtype), v], axis=2)
            out.append(np.concatenate([top, bottom.astype(top.dtype)], axis=0))
        out.append(np.concatenate([dcores[d - 1], self.right[d - 2].astype(dcores[d - 1].dtype)], axis=0))
        return out

    # ------------------------------------------------------------------ projections
    def _local_parts(self, cores: list[np.ndarray], op: list[np.ndarray] | None,
                     right: list[np.ndarray]) -> list[np.ndarray]:
        """``U_<k^H (op x) B_>k^H`` for each core k, with the right bras ``right``
        (B_1 .. B_{d-1}): the chain V (projection) or a random train (sketch)."""
        op = self._identity if op is None else op
        d = self.d
        one = np.ones((1, 1, 1), dtype=np.result_type(cores[0], self.dtype))
        lenv = [one]
        for k in range(d - 1):
            lenv.append(left_env(lenv[-1], self.left[k], op[k], cores[k]))
        renv = [one]
        for k in range(d - 1, 0, -1):
            renv.append(right_env(renv[-1], right[k - 1], op[k], cores[k]))
        renv.reverse()
        return [_local_apply(lenv[k], op[k], renv[k], cores[k]) for k in range(d)]

    def project_train(self, cores: list[np.ndarray], op: list[np.ndarray] | None = None) -> np.ndarray:
        """The coordinates of ``P_W (op x)`` for a train x (op None: the identity)."""
        parts = self._local_parts(cores, op, self.right)
        return self.gauge(np.concatenate([c.reshape(1, -1) for c in parts], axis=1))

    def enriched(self, trains: list[list[np.ndarray]], values: np.ndarray, rank: int,
                 rng: np.random.Generator) -> TangentSpace:
        """W with its left chain enlarged by `rank` directions per interface taken from the
        residuals ``A x_p - theta_p x_p`` of the trains: at core k the residuals are
        projected on ``U_<k`` from the left and sketched by a random train of rank `rank`
        from the right; the part outside ``U_k`` is orthonormalized and its leading columns
        join ``U_k`` (the next core gets zero rows, so the chain's old interfaces stay).
        The result contains W, plus the directions a fixed-rank step cannot reach: the
        residual-based rank growth of AMEn (Dolgov, Savostyanov, SIAM J. Sci. Comput. 36,
        2014) applied to the block's common chain. Cost: two sketched projections per
        train."""
        d = self.d
        sketch = [rng.standard_normal((rank, n, rank if k < d - 1 else 1)).astype(self.dtype) / np.sqrt(n * rank)
                  for k, n in enumerate(self.modes)][1:]
        stacks: list[list[np.ndarray]] = [[] for _ in range(d - 1)]
        for cores, theta in zip(trains, values):
            applied = self._local_parts(cores, self.op, sketch)
            plain = self._local_parts(cores, None, sketch)
            for k in range(d - 1):
                z = applied[k] - theta * plain[k]
                stacks[k].append(z.reshape(-1, z.shape[2]))
        left = [np.array(u) for u in self.left]
        added = 0
        for k in range(d - 1):
            u = self.left[k].reshape(-1, self.left[k].shape[2])
            z = np.hstack(stacks[k])
            z = z - u @ (u.conj().T @ z)
            z = z - u @ (u.conj().T @ z)
            q, s, _ = svd(z)
            keep = int(np.sum(s > 1e-12 * max(float(s.max(initial=0.0)), 1e-300)))
            keep = min(keep, rank, u.shape[0] - u.shape[1])
            core = left[k]  # old left rank, possibly padded by the previous step
            new = q[:, :keep].reshape(self.left[k].shape[0], self.modes[k], keep)
            if added:
                new = np.concatenate([new, np.zeros((added, self.modes[k], keep), dtype=new.dtype)], axis=0)
            left[k] = np.concatenate([core, new], axis=2)
            if k + 1 < d - 1:
                left[k + 1] = np.concatenate(
                    [left[k + 1], np.zeros((keep, self.modes[k + 1], left[k + 1].shape[2]), dtype=left[k + 1].dtype)], axis=0)
            added = keep
        return TangentSpace(left, self.right, self.op)

    def apply_rows(self, rows: np.ndarray) -> np.ndarray:
        """``P_W A P_W`` on the rows (the Rayleigh-Ritz operator of the tangent space),
        all rows at once. The environments of a vector of W split into the chains' own
        (shared, precomputed) and the parts that hold one D core: left
        ``<U_<k| A |sum_{j<k} U_<j D_j V_j..>`` and right ``<V_>k| A |sum_{j>k} ..U_j D_j V_>j>``,
        each updated by two rank-r steps per core."""
        self.n_matvecs += rows.shape[0]
        d, op, p = self.d, self.op, rows.shape[0]
        dc = [rows[:, self.offsets[k]:self.offsets[k + 1]].reshape(p, *s)
              for k, s in enumerate(self.core_shapes)]
        luu, rvv = self._envs
        if d == 1:
            return _local_apply(luu[0], op[0], rvv[0], dc[0]).reshape(p, -1)
        lud: list[Any] = [None] * d  # lud[k]: left of core k, ket channel holding a D
        lud[1] = left_env(luu[0], self.left[0], op[0], dc[0])
        for k in range(1, d - 1):
            lud[k + 1] = (left_env(luu[k], self.left[k], op[k], dc[k])
                          + left_env(lud[k], self.left[k], op[k], self.right[k - 1]))
        rdu: list[Any] = [None] * d  # rdu[k]: right of core k, D still to come
        rdu[d - 2] = right_env(rvv[d - 1], self.right[d - 2], op[d - 1], dc[d - 1])
        for k in range(d - 2, 0, -1):
            rdu[k - 1] = (right_env(rvv[k], self.right[k - 1], op[k], dc[k])
                          + right_env(rdu[k], self.right[k - 1], op[k], self.left[k]))
        parts = []
        for k in range(d):
            c = _local_apply(luu[k], op[k], rvv[k], dc[k])
            if k < d - 1:
                c = c + _local_apply(luu[k], op[k], rdu[k], self.left[k])
            if k > 0:
                c = c + _local_apply(lud[k], op[k], rvv[k], self.right[k - 1])
            parts.append(c.reshape(p, -1))
        return self.gauge(np.concatenate(parts, axis=1))

    def precondition(self, res: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """Block-Jacobi over the d components of W (the manifold preconditioner: each
        component solves with its one-core operator ``U_<k^H A U_<k (x) A_k (x) V_>k A V_>k^H``,
        here approximated by :class:`ModePreconditioner`), projected back onto the gauge."""
        out = np.empty_like(res)
        for k, pre in enumerate(self._precond):
            lo, hi = self.offsets[k], self.offsets[k + 1]
            out[:, lo:hi] = pre.apply(res[:, lo:hi], theta)
        return self.gauge(out)


OVERSAMPLE = 10


def _dominant_range(mat: np.ndarray, rtol: float, max_rank: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Orthonormal columns spanning the dominant left singular subspace of `mat`: the
    fewest that leave at most rtol of its Frobenius norm outside, at most max_rank; also the
    relative norm left outside. A wide matrix is first sketched (max_rank + 10 Gaussian
    columns, one power step; Halko, Martinsson, Tropp 2011, Alg. 4.4); the norm outside is
    then measured against the exact total, so the tolerance holds as stated."""
    m, n = mat.shape
    width = max_rank + OVERSAMPLE
    if width >= min(m, n):
        u, s, _ = svd(mat)
        r, cut = truncation_rank(s, rtol, max_rank)
        return u[:, :r], cut
    y = mat @ rng.standard_normal((n, width)).astype(mat.dtype)
    q, _ = np.linalg.qr(y)
    q, _ = np.linalg.qr(mat @ (mat.conj().T @ q))
    small = q.conj().T @ mat
    if rtol >= 1e-7:  # the Gram matrix resolves singular values down to ~1e-8 of the largest
        w, ub = np.linalg.eigh(small @ small.conj().T)
        s, ub = np.sqrt(np.maximum(w[::-1], 0.0)), ub[:, ::-1]
    else:
        _, s, ubh = svd(small.T)
        ub = ubh.T
    total = float(np.vdot(mat, mat).real)
    unseen = np.sqrt(max(total - float(np.sum(s**2)), 0.0))
    r, cut = truncation_rank(np.append(s, unseen), rtol, min(max_rank, s.size))
    return q @ ub[:, :r], cut


def left_chain(trains: list[list[np.ndarray]], rtol: float, max_rank: int) -> tuple[list[np.ndarray], float]:
    """Left-orthonormal cores ``U_0 .. U_{d-2}`` of the truncated TT-SVD of the block
    ``sum_p e_p (x) x_p`` (block index last), computed train by train through the Gram
    matrices of the trains' right parts: at core k the stacked matrix
    ``[T_p F_p]_p`` (T_p the train projected on the chain so far, ``F_p F_p^H`` the Gram of
    its right part) has the block's unfolding's left singular vectors. Each SVD discards at
    most rtol of the block's norm. Returns the chain and the largest relative cut.
    Cost O(d n r^2 (k r + n r')) for k trains of rank r."""
    d = len(trains[0])
    rng = np.random.default_rng(d)
    factors = []
    for cores in trains:
        q = np.ones((1, 1), dtype=cores[0].dtype)
        fs = [None] * (d - 1)
        for k in range(d - 1, 0, -1):
            c = cores[k]
            q = np.einsum("aib,bc,dic->ad", c, q, c.conj(), optimize=True)
            q = 0.5 * (q + q.conj().T)
            jitter = 1e-14 * max(float(np.trace(q).real), 1e-300)  # Gram of a rank-deficient part
            try:
                fs[k - 1] = np.linalg.cholesky(q + jitter * np.eye(q.shape[0]))
            except np.linalg.LinAlgError:
                w, v = np.linalg.eigh(q)
                fs[k - 1] = v * np.sqrt(np.maximum(w, 0.0))
        factors.append(fs)
    proj = [np.ones((1, 1), dtype=trains[0][0].dtype) for _ in trains]
    chain, worst = [], 0.0
    for k in range(d - 1):
        ts = [np.tensordot(pr, cores[k], axes=(1, 0)) for pr, cores in zip(proj, trains)]
        a, n = ts[0].shape[:2]
        stacked = np.hstack([t.reshape(a * n, -1) @ f[k] for t, f in zip(ts, factors)])
        u, cut = _dominant_range(stacked, rtol, max_rank, rng)
        worst = max(worst, cut)
        r = u.shape[1]
        chain.append(u.reshape(a, n, r))
        proj = [u.conj().T @ t.reshape(a * n, -1) for t in ts]
    return chain, worst


def right_chain(trains: list[list[np.ndarray]], rtol: float, max_rank: int) -> tuple[list[np.ndarray], float]:
    """Right-orthonormal cores ``V_1 .. V_{d-1}``: the left chain of the reversed trains."""
    flipped = [[c.transpose(2, 1, 0) for c in reversed(cores)] for cores in trains]
    chain, worst = left_chain(flipped, rtol, max_rank)
    return [c.transpose(2, 1, 0) for c in reversed(chain)], worst
