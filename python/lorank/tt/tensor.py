# SPDX-License-Identifier: MIT
"""The TT (tensor-train) class: an immutable train of cores ``(r_{k-1}, n_k, r_k)``."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank._device import array_module, to_device
from lorank._kernels import tt_kernels
from lorank._pow2 import balanced_cores, beyond, ldexp_or_inf, spread_pow2, times_pow2
from lorank._reference import tt_bondwise as bondwise
from lorank._results import RoundInfo
from lorank._validation import (
    as_cores,
    check_finite,
    check_rtol,
    compute_dtype,
    default_rtol,
    max_rank_list,
)
from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.tt._base import TrainBase

__all__ = ["TT"]

ROUND_METHODS = ("auto", "svd", "orth-gram", "gram", "gram-sim", "randomized")
# The two-sided Gram path squares singular values: below this accuracy it cannot be trusted.
GRAM_MIN_RTOL = {np.dtype(np.float64): 1e-6, np.dtype(np.complex128): 1e-6}


def _scaled_value(mantissa: complex | float, log_scale: float) -> Any:
    """mantissa * exp(log_scale) without an OverflowError (inf when out of range)."""
    if mantissa == 0:
        return mantissa
    try:
        return mantissa * math.exp(log_scale)
    except OverflowError:
        return mantissa * math.inf


def _is_scalar(v: Any) -> bool:
    return isinstance(v, numbers.Number) or (isinstance(v, np.generic) and v.ndim == 0)


class TT(TrainBase):
    """A tensor in the tensor-train format.

    ``x[i1, ..., id] = G1[:, i1, :] @ G2[:, i2, :] @ ... @ Gd[:, id, :]`` with cores
    ``Gk`` of shape ``(r_{k-1}, n_k, r_k)``, ``r_0 = r_d = 1``. TT objects are immutable:
    every operation returns a new TT. Arithmetic is exact (ranks add or multiply); call
    :meth:`round` to compress. Cores are NumPy arrays (CPU, C++ kernels) or CuPy arrays
    (GPU): the device follows the data.

    Parameters
    ----------
    cores : sequence of arrays
        The cores. Integer cores are promoted to float64; float32, float64, complex64 and
        complex128 are kept.

    Raises
    ------
    ShapeError, RankError, DTypeError, NumericalError, DeviceMismatchError
        For cores that do not form a valid train (see :func:`TT.from_cores`).

    References
    ----------
    I. V. Oseledets, "Tensor-train decomposition", SIAM J. Sci. Comput. 33(5), 2011.

    Examples
    --------
    >>> import numpy as np, lorank
    >>> x = lorank.tt.random((4, 5, 6), 3, rng=0)
    >>> x.ranks
    (1, 3, 3, 1)
    >>> bool(np.allclose((x + x).round().full(), 2 * x.full()))
    True
    """

    __slots__ = ("_shape",)  # computed on first use: the cores never change
    __array_priority__ = 1000  # so ndarray * TT defers to TT.__rmul__

    def __init__(self, cores: Sequence[Any]) -> None:
        cs = as_cores(cores, 3, "TT")
        xp = array_module(*cs)
        self._cores = TT._trusted([xp.array(c, copy=True) for c in cs])._cores

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_cores(cls, cores: Sequence[Any]) -> TT:
        """A TT from its cores ``(r_{k-1}, n_k, r_k)``; the cores are copied.

        Raises ShapeError (not 3-d, empty mode), RankError (boundary ranks not 1, neighbours
        differ, zero rank), DTypeError (object/string), NumericalError (NaN/Inf).
        """
        return cls(cores)

    @classmethod
    def from_dense(
        cls, a: Any, *, rtol: float | None = None, max_rank: Any = None,
        return_info: bool = False,
    ) -> TT | tuple[TT, RoundInfo]:
        """TT-SVD: compress a dense tensor to a TT with ``||a - x|| <= rtol * ||a||``.

        Parameters
        ----------
        a : array
            Dense tensor with at least one mode (NumPy: C++ kernel; CuPy: on the GPU).
        rtol : float in [0, 1), optional
            Relative Frobenius accuracy; each of the d-1 truncations discards at most
            ``rtol * ||a|| / sqrt(d-1)``. Default: 100 machine epsilons.
        max_rank : int or sequence of d-1 ints, optional
            Caps on the ranks (a cap may make the error exceed rtol; the error is reported).
        return_info : bool
            Also return a :class:`RoundInfo`.

        Notes
        -----
        Complexity: O(N min(n_1, N/n_1)) for the first SVD, N = prod n_k, then cheaper steps.
        Algorithm 1 of Oseledets (2011).

        Examples
        --------
        >>> import numpy as np, lorank
        >>> g = np.add.outer(np.arange(4.0), np.arange(4.0))[:, :, None] * np.ones(3)
        >>> lorank.TT.from_dense(g).ranks
        (1, 2, 1, 1)
        """
        xp = array_module(a)
        a = xp.asarray(a)
        dt = compute_dtype([a.dtype], "TT.from_dense")
        if a.ndim == 0:
            msg = "TT.from_dense: a must have at least one mode, got a 0-d array"
            raise ShapeError(msg)
        if a.size == 0:
            msg = f"TT.from_dense: a is empty, shape {tuple(a.shape)}"
            raise ShapeError(msg)
        a = xp.ascontiguousarray(a, dtype=dt)
        check_finite(a, "TT.from_dense", "a")
        rtol = default_rtol(dt) if rtol is None else check_rtol(rtol, "TT.from_dense")
        caps = max_rank_list(max_rank, a.ndim - 1, "TT.from_dense")
        cores, err, norm, rel = tt_kernels(a).tt_svd(a, rtol, caps)
        x = cls._trusted(cores)
        if return_info:
            return x, RoundInfo(err, rel, norm, "svd", x.ranks)
        return x

    # ------------------------------------------------------------------ properties
    @property
    def shape(self) -> tuple[int, ...]:
        """Mode sizes ``(n_1, ..., n_d)``."""
        try:
            return self._shape
        except AttributeError:
            self._shape = tuple(int(c.shape[1]) for c in self._cores)
            return self._shape

    def __repr__(self) -> str:
        return (
            f"TT(shape={self.shape}, ranks={self.ranks}, dtype={self.dtype}, "
            f"device={self.device!r})"
        )

    # ------------------------------------------------------------------ conversion
    def full(self) -> Any:
        """The dense tensor of shape ``self.shape``. Memory O(prod n_k).

        Cores far from 1 (beyond 2^+-(maxexp / 2.5)) are contracted divided by powers of
        two, which go back into the result at the end: cores of 1e-200, 1e-200 and 1e300
        give entries near 1e-100, not the zeros of a plain product.
        """
        xp = array_module(*self._cores)
        cores, exponent = balanced_cores(self._cores, xp)
        res = cores[0].reshape(self.shape[0], -1)
        for c in cores[1:]:
            res = xp.tensordot(res, c, axes=1).reshape(-1, c.shape[2])
        return times_pow2(res, exponent).reshape(self.shape)

    def to(self, device: str) -> TT:
        """Copy to ``'cpu'`` (NumPy) or ``'cuda'`` (CuPy)."""
        return TT._trusted([to_device(c, device) for c in self._cores])

    def astype(self, dtype: Any) -> TT:
        """Cast the cores to another supported dtype.

        Cores beyond the target's range (1e200 and 1e-200 cast to float32) are evened out
        by powers of two first, so a tensor of ordinary entries stays one; NumericalError
        where even that cannot fit the dtype.
        """
        dt = compute_dtype([dtype], "TT.astype")
        xp = array_module(*self._cores)
        cores = list(self._cores)
        if beyond(cores, xp, 2.0 ** (np.finfo(dt).maxexp // 2)):
            cores = spread_pow2(cores, 0, xp)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            out = [c.astype(dt) for c in cores]
        if not all(bool(xp.isfinite(c).all()) for c in out):
            msg = f"TT.astype: this train overflows {np.dtype(dt).name} even spread over its cores"
            raise NumericalError(msg)
        return TT._trusted(out)

    # ------------------------------------------------------------------ compression
    def round(
        self, *, rtol: float | None = None, max_rank: Any = None, method: str = "auto",
        rng: Any = None, return_info: bool = False,
    ) -> TT | tuple[TT, RoundInfo]:
        """Compress to the smallest ranks with ``||x - y|| <= rtol * ||x||`` (and ``max_rank``).

        Parameters
        ----------
        rtol : float in [0, 1), optional
            Relative Frobenius accuracy of the whole train. Default: 100 machine epsilons.
        max_rank : int or sequence of d-1 ints, optional
            Rank caps; with a cap the error may exceed rtol (it is reported).
        method : {'auto', 'svd', 'orth-gram', 'gram', 'gram-sim', 'randomized'}
            ``'svd'``: left-to-right QR, right-to-left truncated SVD (exact, the reference;
            the order of ttpy, teneva and torchtt, so the same train as theirs).
            ``'orth-gram'``: the same sweeps, the QR of a well-conditioned core replaced by
            one Cholesky pass of its Gram matrix (orthonormal to eps cond^2 <= sqrt(eps),
            a relative perturbation of later singular values), each bond truncated through
            the eigendecomposition of its r x r Gram matrix (only the kept eigenvectors
            are computed) where the request tolerates that shortcut's sqrt(eps) accuracy,
            the SVD elsewhere; an error too small for the eigenvalues to resolve is
            measured. float64/complex128.
            ``'gram'``: Gram matrices of both sides and small SVDs (Al Daas, Ballard, Benner
            2022); accuracy about sqrt(eps) relative to ||x||: use it for rtol >= 1e-6.
            ``'gram-sim'``: every bond truncated at once from the Gram matrices of x
            (two sweeps of products, then two batched r x r eigendecompositions): a few
            large calls instead of d dependent small factorizations, for GPUs. Its error
            bound is the sequential sweep's, but each bond's tail is taken from x itself,
            so where rtol (not max_rank) decides, a rank can exceed the 'svd' path's.
            It declines requests below its accuracy (noise of the squared singular values
            above 1% of the error allowed at a bond, typically rtol below ~1e-4) and trains
            whose Gram matrices leave the double range: 'orth-gram' runs instead and
            ``RoundInfo.method`` says so. The error reported is measured where it exceeds
            ~1e-5 ||x|| (the bound sqrt(sum of the bonds' squared tails) below that).
            ``'randomized'``: randomize-then-orthogonalize sketch of rank max_rank + 10
            (Al Daas et al. 2023) followed by an exact truncation of the sketch. Without
            max_rank the sketch rank doubles until the measured error meets rtol (which must
            then be >= 100 sqrt(eps), the accuracy of that measurement).
            ``'auto'``: ``'gram-sim'`` for double-precision GPU trains, ``'orth-gram'`` for
            double-precision CPU trains, ``'svd'`` otherwise.
        rng : int or numpy.random.Generator, optional
            Seed of the randomized sketch.
        return_info : bool
            Also return a :class:`RoundInfo` with the error made.

        Notes
        -----
        Complexity: O(d n r^3) for 'svd', 'gram' and 'gram-sim'; O(d n r^2 l) for
        'randomized'. Ranks never exceed those the 'svd' path returns for the same request
        (except for 'gram-sim', above); for 'randomized' without max_rank, those it returns
        for rtol / sqrt(2) (half of the budget goes to the sketch).

        References
        ----------
        I. V. Oseledets, SIAM J. Sci. Comput. 33(5), 2011 (Alg. 2). H. Al Daas, G. Ballard,
        P. Benner, SIAM J. Sci. Comput. 44(1), 2022. H. Al Daas, G. Ballard, L. Manning,
        "Parallel tensor train rounding using Gram SVD", IPDPS 2022. H. Al Daas et al., "Randomized
        algorithms for rounding in the tensor-train format", SIAM J. Sci. Comput. 45(1), 2023.
        """
        rtol = default_rtol(self.dtype) if rtol is None else check_rtol(rtol, "TT.round")
        caps = max_rank_list(max_rank, self.ndim - 1, "TT.round")
        meth = _choose_method(method, rtol, self.dtype, caps, "TT.round", self.device)
        seed = _seed(rng)
        got = None
        if meth == "gram-sim":
            got = bondwise.round(list(self._cores), rtol, caps, measure=return_info)
            meth = "gram-sim" if got is not None else "orth-gram"
        if got is None:
            got = tt_kernels(self._cores[0]).round(list(self._cores), rtol, caps, meth, seed, 10)
        cores, err, norm, rel = got
        y = TT._trusted(cores)
        if return_info:
            return y, RoundInfo(err, rel, norm, meth, y.ranks)
        return y

    def orthogonalize(self, side: str = "left") -> TT:
        """Same tensor with cores 0..d-2 left-orthogonal (``side='left'``, norm in the last
        core) or cores 1..d-1 right-orthogonal (``side='right'``). O(d n r^3)."""
        if side not in ("left", "right"):
            msg = f"TT.orthogonalize: side must be 'left' or 'right', got {side!r}"
            raise ArgumentError(msg)
        return TT._trusted(tt_kernels(self._cores[0]).orthogonalize(list(self._cores), side))

    # ------------------------------------------------------------------ reductions
    def dot(self, other: TT) -> Any:
        """Inner product ``sum conj(x) * y`` (conjugate-linear in self). O(d n r^3).

        A running scale keeps long trains from under- or overflowing in between.
        """
        self._check_same(other, "TT.dot")
        x, y = _common(self, other, "TT.dot")
        m, s = tt_kernels(x._cores[0]).dot(list(x._cores), list(y._cores))
        return _scaled_value(m, s)

    def norm(self, *, log: bool = False, accurate: bool = False) -> float:
        """Frobenius norm (or its natural log with ``log=True``, for very long trains).

        The default contracts the Gram recursion of :meth:`dot` (O(d n r^3), running
        scale): relative accuracy ~eps for the norm of a train, but only ~sqrt(eps) of
        ``||x||``-sized terms when the train is a difference of nearly equal trains.
        ``accurate=True`` orthogonalizes first (QR sweep, also O(d n r^3) but slower) and
        is accurate to ~eps of the largest summand even then: use it to measure ``x - y``.
        """
        if accurate:
            # Balanced cores (powers of two set aside), then the first core's norm in units
            # of its largest entry: NumPy's norm squares entries, which 1e200 overflows.
            xp = array_module(*self._cores)
            cores, exponent = balanced_cores(self._cores, xp)
            c0 = TT._trusted(cores).orthogonalize("right").cores[0]
            top = float(xp.abs(c0).max())
            if top == 0.0 or not math.isfinite(top):
                value = top
            else:
                scaled = float(xp.linalg.norm((c0 / top).ravel()))
                if log:
                    return math.log(scaled) + math.log(top) + exponent * math.log(2.0)
                return ldexp_or_inf(scaled * top, exponent)
            if log:
                return math.log(value) if value > 0 else -math.inf
            return value
        m, s = tt_kernels(self._cores[0]).dot(list(self._cores), list(self._cores))
        m = abs(m)
        if m == 0:
            return -math.inf if log else 0.0
        if log:
            return 0.5 * (math.log(m) + s)
        return float(_scaled_value(math.sqrt(m), 0.5 * s))

    def sum(self) -> Any:
        """Sum of all entries. O(d n r^2)."""
        m, s = tt_kernels(self._cores[0]).sum(list(self._cores))
        return _scaled_value(m, s)

    # ------------------------------------------------------------------ entries
    def at(self, indices: Any) -> Any:
        """Entries at a batch of multi-indices, ``indices`` of shape (batch, d). O(batch d r^2)."""
        xp = array_module(*self._cores)
        idx = xp.asarray(indices)
        if idx.dtype.kind not in "iu":
            msg = f"TT.at: indices must be integers, got dtype {idx.dtype}"
            raise ShapeError(msg)
        if idx.ndim != 2 or idx.shape[1] != self.ndim:
            msg = f"TT.at: indices must have shape (batch, {self.ndim}), got {tuple(idx.shape)}"
            raise ShapeError(msg)
        sizes = xp.asarray(self.shape)
        if idx.size and bool(((idx < 0) | (idx >= sizes)).any()):
            msg = f"TT.at: indices out of range for shape {self.shape}"
            raise ShapeError(msg)
        idx = xp.ascontiguousarray(idx, dtype=xp.int64)
        if self.device == "cuda":
            from lorank._kernels import cuda_at

            out = cuda_at(list(self._cores), idx)
            if out is not None:
                return out
        return tt_kernels(self._cores[0]).at(list(self._cores), idx)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, tuple):
            index = (index,)
        if len(index) != self.ndim or not all(
            isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in index
        ):
            msg = f"TT[...]: expected {self.ndim} integer indices, got {index!r}"
            raise ShapeError(msg)
        norm_idx = []
        for k, (i, n) in enumerate(zip(index, self.shape)):
            if not -n <= i < n:
                msg = f"TT[...]: index {i} out of range for mode {k} of size {n}"
                raise ShapeError(msg)
            norm_idx.append(i % n)
        xp = array_module(*self._cores)
        return self.at(xp.asarray([norm_idx], dtype=xp.int64))[0].item()

    # ------------------------------------------------------------------ arithmetic
    def _check_same(self, other: Any, who: str) -> None:
        if not isinstance(other, TT):
            msg = f"{who}: expected a TT, got {type(other).__name__}"
            raise TypeError(msg)
        if other.ndim != self.ndim:
            msg = f"{who}: numbers of modes differ: {self.ndim} vs {other.ndim}"
            raise ShapeError(msg)
        if self.shape == other.shape:
            return
        for k, (a, b) in enumerate(zip(self.shape, other.shape)):
            if a != b:
                msg = f"{who}: mode sizes differ at mode {k}: {a} vs {b}"
                raise ShapeError(msg)

    def __add__(self, other: Any) -> TT:
        if not isinstance(other, TT):
            return NotImplemented
        self._check_same(other, "TT.__add__")
        x, y = _common(self, other, "TT.__add__")
        xp = array_module(*x._cores, *y._cores)
        d = self.ndim
        if d == 1:
            return TT._trusted([x._cores[0] + y._cores[0]])
        cores = []
        for k, (a, b) in enumerate(zip(x._cores, y._cores)):
            n = a.shape[1]
            if k == 0:
                c = xp.concatenate([a, b], axis=2)
            elif k == d - 1:
                c = xp.concatenate([a, b], axis=0)
            else:
                c = xp.zeros((a.shape[0] + b.shape[0], n, a.shape[2] + b.shape[2]), a.dtype)
                c[: a.shape[0], :, : a.shape[2]] = a
                c[a.shape[0]:, :, a.shape[2]:] = b
            cores.append(c)
        return TT._trusted(cores)

    def __neg__(self) -> TT:
        return self * -1

    def __sub__(self, other: Any) -> TT:
        if not isinstance(other, TT):
            return NotImplemented
        return self + (-other)

    def __mul__(self, other: Any) -> TT:
        if isinstance(other, TT):
            return self._hadamard(other)
        if _is_scalar(other):
            # NumPy's promotion: Python scalars are weak (float32 * 2.5 stays float32).
            dt = compute_dtype([np.result_type(self.dtype, other)], "TT.__mul__")
            if not np.isfinite(other):
                msg = f"TT.__mul__: scalar must be finite, got {other}"
                raise NumericalError(msg)
            return TT._trusted(_scaled_cores([c.astype(dt, copy=False) for c in self._cores], other))
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> TT:
        if _is_scalar(other):
            if other == 0:
                msg = "TT.__truediv__: division by zero"
                raise ZeroDivisionError(msg)
            return self * (1 / other)
        return NotImplemented

    def _hadamard(self, other: TT) -> TT:
        self._check_same(other, "TT.__mul__")
        x, y = _common(self, other, "TT.__mul__")
        xp = array_module(*x._cores, *y._cores)
        # Cores far from 1 multiply in balanced units (1e200 times 1e200 would overflow).
        xs, ex = balanced_cores(x._cores, xp)
        ys, ey = balanced_cores(y._cores, xp)
        cores = []
        for a, b in zip(xs, ys):
            c = xp.einsum("aic,bie->abice", a, b)
            cores.append(c.reshape(a.shape[0] * b.shape[0], a.shape[1], a.shape[2] * b.shape[2]))
        if ex + ey:
            cores = spread_pow2(cores, ex + ey, xp)
        return TT._trusted(cores)

    # ------------------------------------------------------------------ misc
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = to_device(self.full(), "cpu")
        return a.astype(dtype) if dtype is not None else a

    def __eq__(self, other: object) -> bool:
        msg = "TT.__eq__: compare TTs with (x - y).norm() instead"
        raise TypeError(msg)

    __hash__ = None  # type: ignore[assignment]


def _common(x: TT, y: TT, who: str) -> tuple[TT, TT]:
    """Both operands on one device in one dtype."""
    array_module(x._cores[0], y._cores[0], who=who)
    if x.dtype == y.dtype:
        return x, y
    dt = np.result_type(x.dtype, y.dtype)
    return x.astype(dt), y.astype(dt)


def _seed(rng: Any) -> int:
    if rng is None:
        return 0
    if isinstance(rng, numbers.Integral):
        return int(rng) % (2**63)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63))
    msg = f"rng must be None, an int or a numpy.random.Generator, got {type(rng).__name__}"
    raise ArgumentError(msg)


def _choose_method(method: str, rtol: float, dtype: np.dtype, caps: list[int], who: str,
                   device: str = "cpu") -> str:
    if method not in ROUND_METHODS:
        msg = f"{who}: method must be one of {ROUND_METHODS}, got {method!r}"
        raise ArgumentError(msg)
    if method == "randomized" and any(c == 0 for c in caps):
        floor = 100 * math.sqrt(float(np.finfo(dtype).eps))
        if rtol < floor:
            msg = (
                f"{who}: method='randomized' needs max_rank, or rtol >= {floor:.2g} (without a "
                f"cap it grows its sketch until a measured error, accurate to about sqrt(eps), "
                f"meets rtol); got rtol={rtol:.3g}"
            )
            raise ArgumentError(msg)
    if method != "auto":
        return method
    # On the GPU the bond-parallel sweep replaces d launch-bound factorizations by a few
    # batched calls; it declines requests its accuracy cannot serve (then orth-gram runs).
    if device == "cuda" and np.dtype(dtype) in GRAM_MIN_RTOL:
        return "gram-sim"
    # orth-gram checks per bond whether its Gram shortcut is accurate enough and falls back
    # to the SVD where not, so it is safe for every request; it pays off in double precision.
    return "orth-gram" if np.dtype(dtype) in GRAM_MIN_RTOL else "svd"


def _scaled_cores(cores: list[Any], scalar: Any) -> list[Any]:
    """The cores of scalar * train: the scalar goes into the first core, or, where that would
    overflow the dtype or push entries into its subnormal range, it is spread over all cores
    as powers of two that also even out their magnitudes. Raises NumericalError when even
    that overflows."""
    xp = array_module(*cores)
    dt = cores[0].dtype
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        first = cores[0] * dt.type(scalar)
    if _kept(xp, first, cores[0], abs(scalar)):
        return [first, *cores[1:]]
    # The scalar's power of two spread with the cores' own; only the mantissa is rounded.
    mag = abs(scalar)
    mantissa, total = math.frexp(mag)
    out = spread_pow2(cores, total, xp)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        out[0] = out[0] * dt.type(scalar / mag * mantissa)
    if not all(bool(xp.isfinite(o).all()) for o in out):
        msg = (f"TT.__mul__: {scalar!r} times this {dt} train overflows {dt} even spread "
               "over its cores; use a wider dtype")
        raise NumericalError(msg)
    return out


def _kept(xp: Any, scaled: Any, original: Any, mag: float) -> bool:
    """Finite, and (for |scalar| < 1) no entry newly subnormal or zero."""
    if not bool(xp.isfinite(scaled).all()):
        return False
    if mag >= 1.0 or mag == 0.0:
        return True
    tiny = np.finfo(scaled.dtype).tiny
    return int((xp.abs(scaled) >= tiny).sum()) == int((xp.abs(original) >= tiny).sum())
