# SPDX-License-Identifier: MIT
"""One interface for every operator the Krylov solvers and norm estimators accept.

:func:`as_operator` wraps a NumPy or CuPy array, a SciPy sparse matrix, a
``scipy.sparse.linalg.LinearOperator``, a :class:`~lorank.TTMatrix` or a
:class:`~lorank.linalg.Conv2dOperator` as an :class:`Operator`: products with blocks of
vectors, the adjoint, a count of the products made, and a check that they stay finite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lorank._device import array_module, is_cupy
from lorank.errors import ArgumentError, NumericalError, ShapeError

__all__ = ["Operator", "as_operator"]


class Operator:
    """A linear map ``A`` (m x n) given by block products, with a product counter.

    Parameters
    ----------
    shape : (int, int)
    dtype : numpy dtype of the results
    matmat : callable
        ``X (n, k) -> A X (m, k)``.
    rmatmat : callable or None
        ``Y (m, k) -> A^H Y (n, k)``; None when the operator has no adjoint.
    xp : module
        ``numpy`` or ``cupy``: where the vectors live.

    Attributes
    ----------
    n_matvecs : int
        Products made so far, one per column (with A or its adjoint).
    """

    def __init__(self, shape: tuple[int, int], dtype: Any, matmat: Callable[[Any], Any],
                 rmatmat: Callable[[Any], Any] | None, xp: Any = np, name: str = "operator"):
        self.shape = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self._matmat, self._rmatmat = matmat, rmatmat
        self.xp, self.name = xp, name
        self.n_matvecs = 0
        self.iteration = 0  # set by the solvers: named in a NumericalError
        # ("dense", array) or ("csr", matrix) for float64 host data that the compiled
        # solvers take as a whole; None otherwise.
        self.native: tuple[str, Any] | None = None

    @property
    def has_adjoint(self) -> bool:
        return self._rmatmat is not None

    def matmat(self, x: Any) -> Any:
        """``A @ x`` for a vector (n,) or block (n, k)."""
        return self._apply(self._matmat, x, self.shape[1], "A")

    def rmatmat(self, y: Any) -> Any:
        """``A^H @ y`` for a vector (m,) or block (m, k)."""
        if self._rmatmat is None:
            msg = (f"{self.name} has no adjoint (a LinearOperator without rmatvec?); this "
                   "method needs products with A^H")
            raise ArgumentError(msg)
        return self._apply(self._rmatmat, y, self.shape[0], "A^H")

    def _apply(self, f: Callable[[Any], Any], x: Any, rows: int, which: str) -> Any:
        vec = x.ndim == 1
        block = x.reshape(rows, -1)
        out = f(block)
        out = self.xp.asarray(out).reshape(-1, block.shape[1])
        self.n_matvecs += block.shape[1]
        if not bool(self.xp.isfinite(out).all()):
            msg = (f"{self.name}: the product with {which} gave NaN or Inf at iteration "
                   f"{self.iteration} (after {self.n_matvecs} products)")
            raise NumericalError(msg)
        return out[:, 0] if vec else out


def _result_dtype(dtype: Any) -> np.dtype:
    dt = np.dtype(dtype)
    if dt.kind in "biu":
        return np.dtype(np.float64)
    if dt.kind not in "fc":
        from lorank.errors import DTypeError

        msg = f"operator dtype {dt} is not numeric"
        raise DTypeError(msg)
    return dt


def as_operator(a: Any, who: str = "lorank.linalg", *, square: bool = False) -> Operator:
    """Wrap ``a`` as an :class:`Operator` (see the module docstring for what is accepted).

    Raises ShapeError for arrays that are not 2-d (or not square when ``square=True``) and
    TypeError for anything else.
    """
    op = _wrap(a, who)
    if square and op.shape[0] != op.shape[1]:
        msg = f"{who}: the operator must be square, got shape {op.shape}"
        raise ShapeError(msg)
    if min(op.shape) == 0:
        msg = f"{who}: the operator is empty, shape {op.shape}"
        raise ShapeError(msg)
    return op


def _wrap(a: Any, who: str) -> Operator:
    if isinstance(a, Operator):
        a.n_matvecs = 0
        return a
    from lorank.linalg.conv import Conv2dOperator
    from lorank.tt.matrix import TTMatrix

    if isinstance(a, Conv2dOperator):
        op = Operator(a.shape, a.dtype, a.matmat, a.rmatmat, a.xp, "Conv2dOperator")
        if a.xp is np and a.dtype == np.float64:
            op.native = ("conv", a)
        return op
    if isinstance(a, TTMatrix):
        adj = a.T if a.dtype.kind != "c" else TTMatrix([c.conj() for c in a.T.cores])
        xp = array_module(*a.cores)
        op = Operator(a.shape, a.dtype, a.matvec_dense, adj.matvec_dense, xp, "TTMatrix")
        if xp is np and a.dtype == np.float64:
            op.native = ("ttmatrix", a)
        return op
    if _is_sparse(a):
        dt = _result_dtype(a.dtype)
        ah = a.conj().T.tocsr()
        op = Operator(a.shape, dt, lambda x: a @ x, lambda y: ah @ y, np, "sparse matrix")
        if dt == np.float64:
            csr = a.tocsr()
            if not np.isfinite(csr.data).all():
                msg = f"{who}: A contains NaN or Inf"
                raise NumericalError(msg)
            op.native = ("csr", csr)
        return op
    if _is_linear_operator(a):
        return _from_linear_operator(a)
    if is_cupy(a) or isinstance(a, np.ndarray):
        if a.ndim != 2:
            msg = f"{who}: A must be a 2-d array or an operator, got shape {tuple(a.shape)}"
            raise ShapeError(msg)
        xp = array_module(a)
        dt = _result_dtype(a.dtype)
        mat = xp.ascontiguousarray(a, dtype=dt)
        if not bool(xp.isfinite(mat).all()):
            msg = f"{who}: A contains NaN or Inf"
            raise NumericalError(msg)
        if dt.kind == "c":  # A^H y = conj(A^T conj(y)): no copy of A per product
            def adjoint(y: Any) -> Any:
                return (mat.T @ y.conj()).conj()
        else:
            def adjoint(y: Any) -> Any:
                return mat.T @ y
        op = Operator(mat.shape, dt, lambda x: mat @ x, adjoint, xp, "matrix")
        if xp is np and dt == np.float64:
            op.native = ("dense", mat)
        return op
    msg = (f"{who}: expected an array, a SciPy sparse matrix or LinearOperator, a TTMatrix or "
           f"a Conv2dOperator, got {type(a).__name__}")
    raise TypeError(msg)


def _is_sparse(a: Any) -> bool:
    try:
        import scipy.sparse as sp
    except ImportError:  # pragma: no cover - SciPy is a dependency of the tests only
        return False
    return sp.issparse(a)


def _is_linear_operator(a: Any) -> bool:
    try:
        from scipy.sparse.linalg import LinearOperator
    except ImportError:  # pragma: no cover
        return False
    return isinstance(a, LinearOperator)


def _from_linear_operator(a: Any) -> Operator:
    dt = _result_dtype(a.dtype if a.dtype is not None else np.float64)
    # scipy's LinearOperator(matvec=...) without rmatvec fails with a TypeError on A^H:
    # known up front, so the operator is marked as having no adjoint.
    if getattr(a, "_CustomLinearOperator__rmatvec_impl", False) is None and \
            getattr(a, "_CustomLinearOperator__rmatmat_impl", False) is None:
        return Operator(a.shape, dt, a.matmat, None, np, "LinearOperator")

    def rmatmat(y: Any) -> Any:
        try:
            return a.rmatmat(y)
        except NotImplementedError as exc:
            msg = ("LinearOperator has no adjoint (give it rmatvec or rmatmat); this method "
                   "needs products with A^H")
            raise ArgumentError(msg) from exc

    return Operator(a.shape, dt, a.matmat, rmatmat, np, "LinearOperator")
