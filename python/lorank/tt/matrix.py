# SPDX-License-Identifier: MIT
"""TT-matrices: operators with cores ``(r_{k-1}, m_k, n_k, r_k)``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank._device import array_module, to_device
from lorank._kernels import tt_kernels
from lorank._pow2 import balanced_cores, times_pow2
from lorank._validation import (
    as_cores,
    check_finite,
    check_rtol,
    compute_dtype,
    default_rtol,
    max_rank_list,
)
from lorank.errors import ShapeError
from lorank.tt._base import TrainBase
from lorank.tt.tensor import TT, _choose_method, _common

__all__ = ["TTMatrix", "kron"]


class TTMatrix(TrainBase):
    """A matrix of size ``prod m_k x prod n_k`` in the TT format.

    ``A[(i1..id), (j1..jd)] = G1[:, i1, j1, :] @ ... @ Gd[:, id, jd, :]``, rows and columns
    ordered C-style over the mode indices. Immutable; ``A @ x`` is exact (ranks multiply),
    :meth:`apply` multiplies and rounds in one compiled call.

    Examples
    --------
    >>> import numpy as np, lorank
    >>> a = lorank.TTMatrix.identity((2, 3))
    >>> x = lorank.tt.random((2, 3), 2, rng=0)
    >>> bool(np.allclose((a @ x).full(), x.full()))
    True
    """

    __slots__ = ()
    __array_priority__ = 1000

    def __init__(self, cores: Sequence[Any]) -> None:
        cs = as_cores(cores, 4, "TTMatrix")
        xp = array_module(*cs)
        self._cores = tuple(xp.array(c, copy=True) for c in cs)

    @classmethod
    def from_cores(cls, cores: Sequence[Any]) -> TTMatrix:
        """A TT-matrix from cores ``(r_{k-1}, m_k, n_k, r_k)`` (copied)."""
        return cls(cores)

    @classmethod
    def from_dense(
        cls, a: Any, row_shape: Sequence[int], col_shape: Sequence[int], *,
        rtol: float | None = None, max_rank: Any = None,
    ) -> TTMatrix:
        """Compress a dense ``(prod m, prod n)`` matrix by TT-SVD of its interleaved modes.

        Complexity: that of :meth:`TT.from_dense` on the tensor of modes ``m_k n_k``.
        """
        xp = array_module(a)
        a = xp.asarray(a)
        rows, cols = tuple(int(m) for m in row_shape), tuple(int(n) for n in col_shape)
        d = len(rows)
        if d == 0 or len(cols) != d:
            msg = f"TTMatrix.from_dense: row_shape and col_shape need equal non-zero lengths, got {rows} and {cols}"
            raise ShapeError(msg)
        if any(m <= 0 for m in rows + cols):
            msg = f"TTMatrix.from_dense: mode sizes must be positive, got {rows} and {cols}"
            raise ShapeError(msg)
        if a.ndim != 2 or a.shape != (math.prod(rows), math.prod(cols)):
            msg = f"TTMatrix.from_dense: a must have shape {(math.prod(rows), math.prod(cols))}, got {tuple(a.shape)}"
            raise ShapeError(msg)
        dt = compute_dtype([a.dtype], "TTMatrix.from_dense")
        check_finite(a, "TTMatrix.from_dense", "a")
        t = a.astype(dt, copy=False).reshape(rows + cols)
        perm = [ax for k in range(d) for ax in (k, d + k)]
        t = t.transpose(perm).reshape([m * n for m, n in zip(rows, cols)])
        x = TT.from_dense(t, rtol=rtol, max_rank=max_rank)
        return cls._trusted(
            [c.reshape(c.shape[0], m, n, c.shape[2]) for c, m, n in zip(x.cores, rows, cols)]
        )

    @classmethod
    def identity(cls, shape: Sequence[int], *, dtype: Any = np.float64) -> TTMatrix:
        """Identity of size prod(shape), rank 1."""
        dt = compute_dtype([dtype], "TTMatrix.identity")
        shape = tuple(int(n) for n in shape)
        if not shape or any(n <= 0 for n in shape):
            msg = f"TTMatrix.identity: shape must be non-empty and positive, got {shape}"
            raise ShapeError(msg)
        return cls._trusted([np.eye(n, dtype=dt).reshape(1, n, n, 1) for n in shape])

    # ------------------------------------------------------------------ properties
    @property
    def row_shape(self) -> tuple[int, ...]:
        """Row mode sizes ``(m_1, ..., m_d)``."""
        return tuple(int(c.shape[1]) for c in self._cores)

    @property
    def col_shape(self) -> tuple[int, ...]:
        """Column mode sizes ``(n_1, ..., n_d)``."""
        return tuple(int(c.shape[2]) for c in self._cores)

    @property
    def shape(self) -> tuple[int, int]:
        """Matrix size ``(prod m, prod n)``."""
        return (math.prod(self.row_shape), math.prod(self.col_shape))

    def __repr__(self) -> str:
        return (
            f"TTMatrix(row_shape={self.row_shape}, col_shape={self.col_shape}, "
            f"ranks={self.ranks}, dtype={self.dtype})"
        )

    # ------------------------------------------------------------------ conversion
    def full(self) -> Any:
        """The dense ``(prod m, prod n)`` matrix."""
        xp = array_module(*self._cores)
        d = self.ndim
        t = self.as_tt().full().reshape([s for c in self._cores for s in c.shape[1:3]])
        perm = list(range(0, 2 * d, 2)) + list(range(1, 2 * d, 2))
        return xp.ascontiguousarray(t.transpose(perm)).reshape(self.shape)

    def as_tt(self) -> TT:
        """The same cores read as a TT with modes ``m_k n_k``."""
        return TT._trusted(
            [c.reshape(c.shape[0], c.shape[1] * c.shape[2], c.shape[3]) for c in self._cores]
        )

    def to(self, device: str) -> TTMatrix:
        """Copy to ``'cpu'`` or ``'cuda'``."""
        return TTMatrix._trusted([to_device(c, device) for c in self._cores])

    @property
    def T(self) -> TTMatrix:  # noqa: N802
        """Transpose (not conjugated)."""
        xp = array_module(*self._cores)
        return TTMatrix._trusted([xp.ascontiguousarray(c.transpose(0, 2, 1, 3)) for c in self._cores])

    def round(self, *, rtol: float | None = None, max_rank: Any = None, method: str = "auto") -> TTMatrix:
        """Round as a TT over the modes ``m_k n_k`` (see :meth:`TT.round`)."""
        y = self.as_tt().round(rtol=rtol, max_rank=max_rank, method=method)
        return TTMatrix._trusted(
            [c.reshape(c.shape[0], m, n, c.shape[2])
             for c, m, n in zip(y.cores, self.row_shape, self.col_shape)]
        )

    # ------------------------------------------------------------------ products
    def _product(self, other: Any, who: str, **round_args: Any) -> tuple[Any, list[int]]:
        if isinstance(other, TT):
            other_cores, inner, cols = other.cores, list(other.shape), [1] * other.ndim
            other_dtype = other.dtype
        elif isinstance(other, TTMatrix):
            other_cores, inner, cols = other.cores, list(other.row_shape), list(other.col_shape)
            other_dtype = other.dtype
        else:
            msg = f"{who}: expected a TT or TTMatrix, got {type(other).__name__}"
            raise TypeError(msg)
        if len(inner) != self.ndim:
            msg = f"{who}: numbers of modes differ: {self.ndim} vs {len(inner)}"
            raise ShapeError(msg)
        for k, (a, b) in enumerate(zip(self.col_shape, inner)):
            if a != b:
                msg = f"{who}: inner mode sizes differ at mode {k}: {a} vs {b}"
                raise ShapeError(msg)
        array_module(self._cores[0], other_cores[0], who=who)
        dt = np.result_type(self.dtype, other_dtype)
        a = [c.astype(dt, copy=False) for c in self._cores]
        b = [c.astype(dt, copy=False) for c in other_cores]
        cores = tt_kernels(a[0]).matmul(
            a, list(self.row_shape), inner, b, cols, **round_args
        )[0]
        return cores, cols

    def __matmul__(self, other: Any) -> TT | TTMatrix:
        if not isinstance(other, (TT, TTMatrix)):
            return NotImplemented
        cores, cols = self._product(other, "TTMatrix.__matmul__")
        if isinstance(other, TT):
            return TT._trusted(cores)
        return TTMatrix._trusted(
            [c.reshape(c.shape[0], m, q, c.shape[2]) for c, m, q in zip(cores, self.row_shape, cols)]
        )

    def apply(
        self, x: TT, *, rtol: float | None = None, max_rank: Any = None, method: str = "auto"
    ) -> TT:
        """``round(A @ x)`` in one compiled call, the same train as rounding ``A @ x``.

        With 'svd' and 'orth-gram' (the default in double precision) the product is never
        formed: the orthogonalization sweep contracts each triangular factor with x's core,
        then A's, O(d r_A r_x R (n r_x + m n r_A)) for R = r_A r_x instead of the
        O(d m r_A^2 r_x^2 R) of multiplying the product's cores; the truncation sweep then
        costs O(d m R^2 max_rank) as for any rank-R train. 'gram' and 'randomized' round the
        explicit product.
        """
        if not isinstance(x, TT):
            msg = f"TTMatrix.apply: expected a TT, got {type(x).__name__}"
            raise TypeError(msg)
        dt = np.result_type(self.dtype, x.dtype)
        rtol = default_rtol(dt) if rtol is None else check_rtol(rtol, "TTMatrix.apply")
        caps = max_rank_list(max_rank, self.ndim - 1, "TTMatrix.apply")
        meth = _choose_method(method, rtol, dt, caps, "TTMatrix.apply", x.device)
        if meth == "gram-sim":  # a one-train method: the exact product, then that sweep
            return (self @ x).round(rtol=rtol, max_rank=max_rank, method=meth)
        cores, _ = self._product(
            x, "TTMatrix.apply", rtol=rtol, max_rank=caps, method=meth, round=True
        )
        return TT._trusted(cores)

    def matvec_dense(self, v: Any) -> Any:
        """``A @ v`` for a dense vector (or (prod n, k) block), without forming A.

        Complexity: O(d r^2 prod(n) max(m_k)) per column.
        """
        xp = array_module(self._cores[0], v)
        v = xp.asarray(v)
        vec = v.ndim == 1
        if v.ndim not in (1, 2) or v.shape[0] != self.shape[1]:
            msg = f"TTMatrix.matvec_dense: v must have {self.shape[1]} rows, got shape {tuple(v.shape)}"
            raise ShapeError(msg)
        block = v.reshape(self.shape[1], -1)
        k = block.shape[1]
        # Cores far from 1 are applied divided by powers of two, put back at the end.
        cores, exponent = balanced_cores(self._cores, xp)
        # state (P, r, rest): P = row modes done, r = bond, rest = column modes left times k.
        state = block.reshape(1, 1, -1)
        for c in cores:
            r0, m, n, r1 = c.shape
            p = state.shape[0]
            s = state.reshape(p, r0, n, -1)
            state = xp.einsum("pajq,aijb->pibq", s, c).reshape(p * m, r1, -1)
        out = times_pow2(state.reshape(self.shape[0], k), exponent)
        return out[:, 0] if vec else out

    def aslinearoperator(self) -> Any:
        """A :class:`scipy.sparse.linalg.LinearOperator` applying A to dense vectors."""
        from scipy.sparse.linalg import LinearOperator

        adjoint = TTMatrix._trusted([c.conj() for c in self.T.cores])
        return LinearOperator(
            self.shape, matvec=self.matvec_dense, rmatvec=adjoint.matvec_dense,
            matmat=self.matvec_dense, rmatmat=adjoint.matvec_dense, dtype=self.dtype,
        )


def kron(a: TTMatrix | TT, b: TTMatrix | TT) -> TTMatrix | TT:
    """Kronecker product: the modes of `a` followed by those of `b` (ranks join with 1).

    For TT-matrices ``kron(A, B).full() == numpy.kron(A.full(), B.full())``.
    """
    if isinstance(a, TTMatrix) and isinstance(b, TTMatrix):
        x, y = _common(a.as_tt(), b.as_tt(), "kron")
        return TTMatrix._trusted(
            [c.reshape(c.shape[0], m, n, c.shape[2]) for c, m, n in zip(
                x.cores + y.cores, a.row_shape + b.row_shape, a.col_shape + b.col_shape)]
        )
    if isinstance(a, TT) and isinstance(b, TT):
        x, y = _common(a, b, "kron")
        return TT._trusted(x.cores + y.cores)
    msg = f"kron: expected two TTs or two TTMatrix objects, got {type(a).__name__} and {type(b).__name__}"
    raise TypeError(msg)
