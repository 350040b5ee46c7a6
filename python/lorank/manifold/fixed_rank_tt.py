# SPDX-License-Identifier: MIT
"""The manifold of tensors of fixed TT ranks (Holtz, Rohwedder, Schneider 2012; Lubich,
Oseledets, Vandereycken 2015; Steinlechner 2016).

A point keeps two orthogonal representations of one train X: left-orthogonal cores
U_1..U_{d-1} with the last core C_d (X = U_1 ... U_{d-1} C_d) and right-orthogonal cores
V_2..V_d. A tangent vector at X is ``sum_k U_1 .. U_{k-1} dC_k V_{k+1} .. V_d`` stored as the
delta-cores dC_k, with the gauge ``U_k^L^H dC_k^L = 0`` for k < d (left unfoldings): the d
terms are then mutually orthogonal, so inner products are sums over the delta-cores, and the
tangent vector is a TT of ranks 2r with cores [[V_k, 0], [dC_k, U_k]].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lorank.errors import ShapeError
from lorank.tt.tensor import TT

__all__ = ["FixedRankTT", "TTPoint", "TTTangent"]


@dataclass(frozen=True)
class TTPoint:
    """A train in both orthogonal forms: ``left`` (U_1..U_{d-1} left-orthogonal, then C_d)
    and ``right`` (V_1, then V_2..V_d right-orthogonal)."""

    left: tuple[Any, ...]
    right: tuple[Any, ...]

    @staticmethod
    def from_tt(x: TT) -> TTPoint:
        left = x.orthogonalize("left")
        return TTPoint(tuple(left.cores), tuple(left.orthogonalize("right").cores))

    @property
    def tt(self) -> TT:
        return TT.from_cores(list(self.left))

    @property
    def ranks(self) -> tuple[int, ...]:
        return (1, *(c.shape[2] for c in self.left))


@dataclass(frozen=True)
class TTTangent:
    """Delta-cores dC_1..dC_d (shapes of the point's cores), gauge-conditioned."""

    cores: tuple[Any, ...]

    def __add__(self, other: TTTangent) -> TTTangent:
        return TTTangent(tuple(a + b for a, b in zip(self.cores, other.cores)))

    def __sub__(self, other: TTTangent) -> TTTangent:
        return TTTangent(tuple(a - b for a, b in zip(self.cores, other.cores)))

    def __mul__(self, alpha: Any) -> TTTangent:
        return TTTangent(tuple(alpha * c for c in self.cores))

    __rmul__ = __mul__

    def __neg__(self) -> TTTangent:
        return self * -1.0


def _gauge(u: Any, dc: Any) -> Any:
    """dC minus its component along U's left unfolding: (I - U^L U^L^H) dC^L (NumPy, CuPy
    or torch arrays)."""
    r0, n, r1 = u.shape
    ul = u.reshape(r0 * n, r1)
    dl = dc.reshape(r0 * n, -1)
    return (dl - ul @ (ul.conj().T @ dl)).reshape(dc.shape)


def _gauged(left: Any, cores: Any) -> list[Any]:
    """Delta-cores with the gauge applied to all but the last."""
    d = len(cores)
    return [_gauge(left[k], c) if k < d - 1 else c for k, c in enumerate(cores)]


def _project_cores(left: Any, right: Any, zc: Any, one: Any) -> list[Any]:
    """Gauged delta-cores of the projection of the train with cores zc on the tangent space
    at the point (left, right), by matrix products only (NumPy or torch arrays; ``one`` is
    a 1 x 1 array of the kind to start the interface recursions with)."""
    d = len(zc)
    # phi_l[k]: (r_k of X, r_k of Z) = U_1..U_k (left) against Z_1..Z_k.
    phi_l = [one]
    for k in range(d - 1):
        phi_l.append(_advance_left(phi_l[-1], left[k], zc[k]))
    phi_r = [one]
    for k in range(d - 1, 0, -1):
        phi_r.append(_advance_right(phi_r[-1], right[k], zc[k]))
    phi_r = phi_r[::-1]
    cores = []
    for k in range(d):
        r0, n, r1 = zc[k].shape
        # dC[a, i, d] = sum_bc phi_l[a, b] Z[b, i, c] phi_r[d, c]
        dc = (phi_l[k] @ zc[k].reshape(r0, n * r1)).reshape(-1, r1) @ phi_r[k].T
        cores.append(dc.reshape(phi_l[k].shape[0], n, phi_r[k].shape[0]))
    return _gauged(left, cores)


def _advance_left(phi: Any, u: Any, z: Any) -> Any:
    """phi'[c, d] = sum_{a,b,i} conj(U[a, i, c]) phi[a, b] Z[b, i, d]: two matrix products."""
    r0, n, r1 = z.shape
    t = (phi @ z.reshape(r0, n * r1)).reshape(-1, r1)  # (a i, d)
    return u.reshape(-1, u.shape[2]).conj().T @ t


def _advance_right(phi: Any, v: Any, z: Any) -> Any:
    """phi'[a, b] = sum_{c,d,i} conj(V[a, i, c]) Z[b, i, d] phi[c, d]: two matrix products."""
    r0, n, r1 = z.shape
    t = (z.reshape(r0 * n, r1) @ phi.T).reshape(r0, n * phi.shape[0])  # (b, i c)
    return v.reshape(v.shape[0], -1).conj() @ t.T


class SampledFrame:
    """A point's interfaces at N multi-indices (see :meth:`FixedRankTT.sampled_frame`):
    compiled for float64 points and real data, the NumPy twin otherwise."""

    def __init__(self, manifold: FixedRankTT, x: TTPoint, idx: np.ndarray, compiled: bool):
        self.x, self.idx, self._manifold = x, idx, manifold
        self._fast = None
        if compiled:
            from lorank import _core

            self._fast = _core.TTSampledFrame(list(x.left), list(x.right), idx)
        self._twin: _FrameTwin | None = None

    def _slow(self) -> _FrameTwin:
        if self._twin is None:
            self._twin = _FrameTwin(self._manifold, self.x, self.idx)
        return self._twin

    def entries(self) -> Any:
        """The point's entries at the samples."""
        return self._fast.entries() if self._fast is not None else self._slow().entries()

    def project(self, values: Any) -> TTTangent:
        """Projection of the sparse tensor with ``values`` at the samples (gauge applied)."""
        v = np.asarray(values)
        if self._fast is not None and v.dtype.kind in "biuf":
            raw = self._fast.project(np.ascontiguousarray(v, dtype=np.float64))
        else:
            raw = self._slow().project(v)
        return TTTangent(tuple(_gauged(self.x.left, raw)))

    def tangent(self, xi: TTTangent) -> Any:
        """Entries of the tangent vector xi at the samples."""
        if self._fast is not None and all(isinstance(c, np.ndarray) and c.dtype == np.float64
                                          for c in xi.cores):
            return self._fast.tangent(list(xi.cores))
        return self._slow().tangent(list(xi.cores))


class _FrameTwin:
    """NumPy twin of the compiled frame (any dtype)."""

    def __init__(self, manifold: FixedRankTT, x: TTPoint, idx: np.ndarray):
        self.x, self.idx, self.shape = x, idx, manifold.shape
        self.left, self.right = FixedRankTT._left_rows(x, idx), FixedRankTT._right_rows(x, idx)

    def entries(self) -> Any:
        last = self.x.left[-1]
        return np.einsum("Na,aN->N", self.left[-1], last[:, self.idx[:, -1], 0])

    def project(self, values: Any) -> list[Any]:
        cores = []
        for k, core in enumerate(self.x.left):
            weighted = values[:, None] * self.right[k]
            dc = np.zeros(core.shape, dtype=np.result_type(core.dtype, values.dtype))
            # dC_k[a, i, b] = sum over samples with w_k = i of L[a] z R[b]
            order = np.argsort(self.idx[:, k], kind="stable")
            bounds = np.searchsorted(self.idx[order, k], np.arange(self.shape[k] + 1))
            for i in range(self.shape[k]):
                sel = order[bounds[i] : bounds[i + 1]]
                if sel.size:
                    dc[:, i, :] = self.left[k][sel].conj().T @ weighted[sel]
            cores.append(dc)
        return cores

    def tangent(self, deltas: list[Any]) -> Any:
        total = 0.0
        for k, dc in enumerate(deltas):
            total = total + np.einsum("Na,aNb,Nb->N", self.left[k], dc[:, self.idx[:, k], :],
                                      self.right[k])
        return total


class FixedRankTT:
    """TT tensors of shape ``shape`` and TT ranks ``ranks`` (d + 1 entries, ends 1).

    Operations: :meth:`project` of a TT (O(d n r^3)), of a dense tensor (O(n^d r)) or of a
    sparse tensor given by values at multi-indices (O(|Omega| d r^2), compiled for float64);
    :meth:`retract`
    (the rank-2r sum X + t xi rounded back to the ranks); :meth:`transport` (projection);
    :meth:`inner`; :meth:`tangent_tt` (the tangent vector as a TT of ranks 2r);
    :meth:`tangent_at` (its entries at multi-indices).
    """

    def __init__(self, shape: Any, ranks: Any):
        self.shape = tuple(int(n) for n in shape)
        self.ranks = tuple(int(r) for r in ranks)
        if len(self.ranks) != len(self.shape) + 1 or self.ranks[0] != 1 or self.ranks[-1] != 1:
            msg = f"FixedRankTT: ranks must have d + 1 = {len(self.shape) + 1} entries with ends 1"
            raise ShapeError(msg)

    def check_point(self, x: TTPoint, who: str = "FixedRankTT", tol: float = 1e-8) -> None:
        """Raise ShapeError when x's shape or ranks differ from the manifold's and RankError
        when its left cores are not left-orthogonal."""
        shape = tuple(c.shape[1] for c in x.left)
        if shape != self.shape or x.ranks != self.ranks:
            msg = (f"{who}: point of shape {shape} and ranks {x.ranks}, the manifold has "
                   f"shape {self.shape} and ranks {self.ranks}")
            raise ShapeError(msg)
        for k, u in enumerate(x.left[:-1]):
            r0, n, r1 = u.shape
            ul = u.reshape(r0 * n, r1)
            gap = float(np.abs(ul.conj().T @ ul - np.eye(r1)).max())
            if gap > tol:
                from lorank.errors import RankError

                msg = f"{who}: core {k} of the point is not left-orthogonal (gap {gap:.1e})"
                raise RankError(msg)

    def check_tangent(self, x: TTPoint, xi: TTTangent, who: str = "FixedRankTT") -> None:
        """ShapeError when the delta-cores do not match the point's cores."""
        if len(xi.cores) != len(x.left) or any(a.shape != b.shape for a, b in zip(xi.cores, x.left)):
            msg = (f"{who}: tangent delta-cores {[c.shape for c in xi.cores]} do not match the "
                   f"point's cores {[c.shape for c in x.left]}")
            raise ShapeError(msg)

    def random_point(self, rng: Any = None) -> TTPoint:
        from lorank.tt import random

        return TTPoint.from_tt(random(self.shape, list(self.ranks[1:-1]), rng=rng))

    # ------------------------------------------------------------------ interfaces
    @staticmethod
    def _left_rows(x: TTPoint, idx: np.ndarray) -> list[Any]:
        """L_k[w] = U_1[w_1] .. U_k[w_k] for k = 0..d-1 (L_0 = 1): each (N, r_k)."""
        out = [np.ones((idx.shape[0], 1), dtype=x.left[0].dtype)]
        for k, u in enumerate(x.left[:-1]):
            out.append(np.einsum("Na,aNb->Nb", out[-1], u[:, idx[:, k], :]))
        return out

    @staticmethod
    def _right_rows(x: TTPoint, idx: np.ndarray) -> list[Any]:
        """R_k[w] = V_{k+1}[w_{k+1}] .. V_d[w_d] for k = 0..d-1 (R_{d-1} = 1): (N, r_k)."""
        d = len(x.right)
        out = [np.ones((idx.shape[0], 1), dtype=x.right[0].dtype)]
        for k in range(d - 1, 0, -1):
            out.append(np.einsum("aNb,Nb->Na", x.right[k][:, idx[:, k], :], out[-1]))
        return out[::-1]

    # ------------------------------------------------------------------ projections
    def sampled_frame(self, x: TTPoint, idx: Any, _twin: bool = False) -> SampledFrame:
        """The interfaces of x at the rows of ``idx`` (N x d), computed once: entries of x,
        projections of sampled tensors and entries of tangent vectors from them (compiled
        for float64; ``_twin=True`` runs the NumPy twin, for tests)."""
        idx = np.ascontiguousarray(idx, dtype=np.int64)
        compiled = not _twin and all(isinstance(c, np.ndarray) and c.dtype == np.float64
                                     for c in x.left)
        return SampledFrame(self, x, idx, compiled)

    def project_sampled(self, x: TTPoint, idx: Any, values: Any, _twin: bool = False) -> TTTangent:
        """Projection of the sparse tensor with ``values`` at the rows of ``idx`` (N x d)."""
        return self.sampled_frame(x, idx, _twin).project(values)

    def project(self, x: TTPoint, z: Any, _twin: bool = False) -> TTTangent:
        """Projection of a TT (O(d n r^3); compiled for float64) or of a dense tensor onto
        the tangent space (``_twin=True``: the NumPy twin, for tests)."""
        if not isinstance(z, TT):
            z = np.asarray(z)
            if z.shape != self.shape:
                msg = f"FixedRankTT.project: z has shape {z.shape}, expected {self.shape}"
                raise ShapeError(msg)
            z = TT.from_dense(z, rtol=0.0)
        if z.shape != self.shape:
            msg = f"FixedRankTT.project: z has shape {z.shape}, expected {self.shape}"
            raise ShapeError(msg)
        zc = z.cores
        if not _twin and all(isinstance(c, np.ndarray) and c.dtype == np.float64
                             for c in (*x.left, *x.right, *zc)):
            from lorank import _core

            raw = _core.tt_project(list(x.left), list(x.right), list(zc))
            return TTTangent(tuple(_gauged(x.left, raw)))
        return TTTangent(tuple(_project_cores(x.left, x.right, zc, np.ones((1, 1)))))

    def add_n_projected(self, x: TTPoint, terms: Any, coefficients: Any = None) -> TTTangent:
        """``P_X(sum_i c_i Z_i)`` for trains Z_i without forming their sum (whose ranks
        would add up): the projection is linear, so the delta-cores of the terms are summed.
        O(sum_i d n r r_i (r + r_i))."""
        terms = list(terms)
        if not terms:
            msg = "FixedRankTT.add_n_projected: terms must not be empty"
            raise ShapeError(msg)
        coefficients = [1.0] * len(terms) if coefficients is None else list(coefficients)
        if len(coefficients) != len(terms):
            msg = (f"FixedRankTT.add_n_projected: {len(coefficients)} coefficients for "
                   f"{len(terms)} terms")
            raise ShapeError(msg)
        total = self.project(x, terms[0]) * coefficients[0]
        for c, z in zip(coefficients[1:], terms[1:]):
            total = total + self.project(x, z) * c
        return total

    # ------------------------------------------------------------------ tangent vectors
    def tangent_tt(self, x: TTPoint, xi: TTTangent, shift: Any = None) -> TT:
        """The tangent vector as a TT of ranks 2r (plus ``shift`` times X when given)."""
        d = len(self.shape)
        if d == 1:
            last = xi.cores[0] if shift is None else xi.cores[0] + shift * x.left[0]
            return TT.from_cores([last])
        cores = [np.concatenate([xi.cores[0], x.left[0]], axis=2)]
        for k in range(1, d - 1):
            v, dc, u = x.right[k], xi.cores[k], x.left[k]
            top = np.concatenate([v, np.zeros((v.shape[0], v.shape[1], u.shape[2]), v.dtype)], axis=2)
            bottom = np.concatenate([dc, u], axis=2)
            cores.append(np.concatenate([top, bottom], axis=0))
        last = xi.cores[-1] if shift is None else xi.cores[-1] + shift * x.left[-1]
        cores.append(np.concatenate([x.right[-1], last], axis=0))
        return TT.from_cores(cores)

    def tangent_at(self, x: TTPoint, xi: TTTangent, idx: Any, _twin: bool = False) -> Any:
        """Entries of a tangent vector at the rows of ``idx``: O(N d r^2)."""
        return self.sampled_frame(x, idx, _twin).tangent(xi)

    def inner(self, x: TTPoint, xi: TTTangent, eta: TTTangent) -> float:
        """Inner product: the sum over the delta-cores (the terms are orthogonal)."""
        return float(sum(np.vdot(a, b).real for a, b in zip(xi.cores, eta.cores)))

    def norm(self, x: TTPoint, xi: TTTangent) -> float:
        return float(np.sqrt(max(self.inner(x, xi, xi), 0.0)))

    def retract(self, x: TTPoint, xi: TTTangent, t: float = 1.0) -> TTPoint:
        """``X + t xi`` (a TT of ranks 2r) rounded back to the manifold's ranks (TT-SVD
        rounding: quasi-optimal, a second-order retraction)."""
        self.check_tangent(x, xi, "FixedRankTT.retract")
        y = self.tangent_tt(x, xi * t, shift=1.0)
        return TTPoint.from_tt(y.round(max_rank=list(self.ranks[1:-1]), method="svd"))

    def transport(self, x_new: TTPoint, x_old: TTPoint, xi: TTTangent) -> TTTangent:
        """Projection of xi (tangent at x_old, a rank-2r TT) onto the tangent space at x_new."""
        return self.project(x_new, self.tangent_tt(x_old, xi))
