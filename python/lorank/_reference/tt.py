# SPDX-License-Identifier: MIT
"""Reference TT kernels: TT-SVD, orthogonalization, SVD rounding, dot, sum, entries, products.

Cores far from 1 (1e-200, 1e300) are handled as the compiled kernels handle them: divided by
powers of two first, with the exponents carried aside and put back at the end.

Reference: I. V. Oseledets, "Tensor-train decomposition", SIAM J. Sci. Comput. 33(5), 2011.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from lorank._device import array_module, is_cupy
from lorank._kernels import cuda_dot
from lorank._pow2 import balanced_cores, ldexp_or_inf, pow2_exponent, spread_pow2, times_pow2


def _rank(s: Any, delta2: float, cap: int) -> tuple[int, float]:
    """Smallest rank with discarded squared tail <= delta2, capped, >= 1; and that tail."""
    sq = [float(v) ** 2 for v in s.tolist()]
    rank, tail = len(sq), 0.0
    while rank > 1 and tail + sq[rank - 1] <= delta2:
        tail += sq[rank - 1]
        rank -= 1
    if cap > 0:
        rank = min(rank, cap)
    return rank, builtins.sum(sq[rank:])


def _with_rel(cores: list[Any], err: float, norm: float) -> tuple[list[Any], float, float, float]:
    return cores, err, norm, (err / norm if norm else 0.0)


def _cap(max_rank: list[int], k: int) -> int:
    return max_rank[k] if k < len(max_rank) else 0


def tt_svd(a: Any, rtol: float, max_rank: list[int]) -> tuple[list[Any], float, float, float]:
    xp = array_module(a)
    shape, d = a.shape, a.ndim
    e = pow2_exponent(a)
    a = times_pow2(a, -e) if not -400 < e < 400 else a
    e = e if not -400 < e < 400 else 0
    norm = float(xp.linalg.norm(a.ravel()))
    delta2 = (rtol * norm) ** 2 / (d - 1) if d > 1 else 0.0
    cores, err2, r = [], 0.0, 1
    c = a.reshape(1, -1)
    for k in range(d - 1):
        c = c.reshape(r * shape[k], -1)
        u, s, vh = xp.linalg.svd(c, full_matrices=False)
        rank, tail = _rank(s, delta2, _cap(max_rank, k))
        err2 += tail
        cores.append(u[:, :rank].reshape(r, shape[k], rank))
        c = s[:rank, None] * vh[:rank]
        r = rank
    cores.append(c.reshape(r, shape[-1], 1))
    if e:
        cores = spread_pow2(cores, e, xp)
    return _with_rel(cores, ldexp_or_inf(math.sqrt(err2), e), ldexp_or_inf(norm, e))


def _right_orthogonalize(cores: list[Any]) -> tuple[list[Any], int]:
    """Cores d-1..1 right-orthogonal; the train is the result times 2^(returned exponent)."""
    xp = array_module(*cores)
    cores, exponent = balanced_cores(cores, xp)
    for k in range(len(cores) - 1, 0, -1):
        r0, n, r1 = cores[k].shape
        q, rr = xp.linalg.qr(cores[k].reshape(r0, n * r1).T)
        e = pow2_exponent(rr)
        cores[k] = q.T.reshape(-1, n, r1)
        cores[k - 1] = xp.tensordot(cores[k - 1], times_pow2(rr, -e).T, axes=1)
        exponent += e
    return cores, exponent


def _left_orthogonalize(cores: list[Any]) -> tuple[list[Any], int]:
    """Cores 0..d-2 left-orthogonal; the train is the result times 2^(returned exponent)."""
    xp = array_module(*cores)
    cores, exponent = balanced_cores(cores, xp)
    for k in range(len(cores) - 1):
        r0, n, r1 = cores[k].shape
        q, rr = xp.linalg.qr(cores[k].reshape(r0 * n, r1))
        e = pow2_exponent(rr)
        cores[k] = q.reshape(r0, n, -1)
        cores[k + 1] = xp.tensordot(times_pow2(rr, -e), cores[k + 1], axes=1)
        exponent += e
    return cores, exponent


def orthogonalize(cores: list[Any], side: str) -> list[Any]:
    if side == "left":
        out, e = _left_orthogonalize(cores)
        out[-1] = times_pow2(out[-1], e)
    else:
        out, e = _right_orthogonalize(cores)
        out[0] = times_pow2(out[0], e)
    return out


def round(  # noqa: A001  (mirrors the compiled function's name)
    cores: list[Any], rtol: float, max_rank: list[int], method: str = "svd", seed: int = 0,
    oversample: int = 10,
) -> tuple[list[Any], float, float, float]:
    """SVD rounding for every `method` (the twin of the exact path).

    Like the compiled kernel (and ttpy, teneva, torchtt) it orthogonalizes left to right and
    truncates right to left, written as the opposite sweeps of the mirrored train.
    """
    d = len(cores)
    caps = [_cap(max_rank, d - 2 - k) for k in range(d - 1)]
    # On the GPU (CuPy) the default 'orth-gram' truncates through Gram eigendecompositions
    # where that is as good as the SVD: a small SVD there costs ~4 ms, an eigh ~0.7 ms.
    gram = method == "orth-gram" and is_cupy(cores[0]) and cores[0].dtype == np.float64
    out, err, norm, rel = _round_right_to_left(_mirror(cores), rtol, caps, gram)
    return _mirror(out), err, norm, rel


def _mirror(cores: list[Any]) -> list[Any]:
    """The train read backwards: cores reversed, each (r0, n, r1) transposed to (r1, n, r0)."""
    return [c.transpose(2, 1, 0).copy() for c in reversed(cores)]


def _gram_bond(m: Any, delta2: float, cap: int) -> tuple[Any, Any, float] | None:
    """Truncation of the bond whose left unfolding is m (rows x r1, tall) through the
    eigendecomposition of its Gram matrix m^H m, or None where that shortcut could be less
    accurate than the SVD (the same tests as the compiled gram_bond): returns the new core
    (rows x rank), the factor for the next core (rank x r1) and the squared error."""
    xp = array_module(m)
    k = m.shape[1]
    if m.shape[0] < k:
        return None
    w, v = xp.linalg.eigh(m.conj().T @ m)
    lam = [float(x) for x in (w.get() if is_cupy(w) else w)[::-1]]  # one transfer
    eps = float(np.finfo(np.float64).eps)
    top = max(lam[0], 0.0)
    noise = k * eps * top
    sig = [math.sqrt(x) if x > noise else 0.0 for x in lam]
    rank, tail2 = _rank(np.asarray(sig), delta2, cap)
    s1, last = sig[0], sig[rank - 1]
    noise2 = 10.0 * k * eps * s1 * s1
    allowed = max(math.sqrt(delta2), math.sqrt(tail2))
    tail_resolved = allowed >= 1e3 * math.sqrt(eps) * s1
    cap_sets_rank = tail2 > delta2 + noise2
    rank_certain = last * last > delta2 + noise2 and (rank == k or (cap > 0 and rank == cap))
    if not (s1 > 0 and last > 0 and last >= 1e-4 * s1
            and (tail_resolved or cap_sets_rank or rank_certain)):
        return None
    vr = v[:, ::-1][:, :rank]
    s = xp.asarray(sig[:rank], dtype=m.dtype)
    core = (m @ vr) / s
    right = s[:, None] * vr.conj().T
    if rank < k and not (tail_resolved and tail2 >= 1e6 * k * eps * s1 * s1):
        tail2 = float(xp.linalg.norm(m - core @ right)) ** 2  # too small to read off lam
    return core, right, tail2


def _round_right_to_left(cores: list[Any], rtol: float, max_rank: list[int], gram: bool = False):
    xp = array_module(*cores)
    cores, exponent = _right_orthogonalize(cores)
    e0 = pow2_exponent(cores[0])
    cores[0] = times_pow2(cores[0], -e0)
    exponent += e0
    norm = float(xp.linalg.norm(cores[0].ravel()))
    d = len(cores)
    delta2 = (rtol * norm) ** 2 / (d - 1) if d > 1 else 0.0
    err2 = 0.0
    for k in range(d - 1):
        r0, n, r1 = cores[k].shape
        m = cores[k].reshape(r0 * n, r1)
        got = _gram_bond(m, delta2, _cap(max_rank, k)) if gram else None
        if got is not None:
            core, right, tail = got
            rank = core.shape[1]
        else:
            u, s, vh = xp.linalg.svd(m, full_matrices=False)
            rank, tail = _rank(s, delta2, _cap(max_rank, k))
            core, right = u[:, :rank], s[:rank, None] * vh[:rank]
        err2 += tail
        cores[k] = core.reshape(r0, n, rank)
        cores[k + 1] = xp.tensordot(right, cores[k + 1], axes=1)
    if exponent:
        cores = spread_pow2(cores, exponent, xp)
    return _with_rel(cores, ldexp_or_inf(math.sqrt(err2), exponent), ldexp_or_inf(norm, exponent))


def _add(terms: list[list[Any]]) -> list[Any]:
    xp = array_module(*terms[0])
    d = len(terms[0])
    if d == 1:
        return [builtins.sum(t[0] for t in terms)]
    cores = []
    for k in range(d):
        blocks = [t[k] for t in terms]
        if k == 0:
            cores.append(xp.concatenate(blocks, axis=2))
        elif k == d - 1:
            cores.append(xp.concatenate(blocks, axis=0))
        else:
            r0, r1 = builtins.sum(b.shape[0] for b in blocks), builtins.sum(b.shape[2] for b in blocks)
            c = xp.zeros((r0, blocks[0].shape[1], r1), dtype=blocks[0].dtype)
            o0 = o1 = 0
            for b in blocks:
                c[o0:o0 + b.shape[0], :, o1:o1 + b.shape[2]] = b
                o0, o1 = o0 + b.shape[0], o1 + b.shape[2]
            cores.append(c)
    return cores


def round_sum(
    terms: list[list[Any]], rtol: float, max_rank: list[int], method: str = "svd", seed: int = 0,
    oversample: int = 10,
) -> tuple[list[Any], float, float, float]:
    """SVD rounding of the explicit sum (the twin of the exact path)."""
    return round(_add(terms), rtol, max_rank, method, seed, oversample)


_round_train = round  # the parameter `round` of matmul shadows it there


class _RunningScale:
    """Divides each intermediate by its largest entry on the device and keeps the divisors
    there: one transfer at the end instead of a host synchronization per core."""

    def __init__(self, xp: Any, log_scale: float) -> None:
        self.xp, self.log_scale, self.divisors = xp, log_scale, []

    def __call__(self, v: Any) -> Any:
        xp = self.xp
        mx = xp.abs(v).max()
        mx = xp.where((mx > 0) & xp.isfinite(mx), mx, 1.0)
        self.divisors.append(mx)
        return v / mx

    def total(self) -> float:
        if not self.divisors:
            return self.log_scale
        d = self.xp.stack(self.divisors)
        d = d.get() if hasattr(d, "get") else np.asarray(d)
        return self.log_scale + float(np.log(d).sum())


def dot(x: list[Any], y: list[Any]) -> tuple[complex | float, float]:
    xp = array_module(*x, *y)
    x, ex = balanced_cores(x, xp)
    y, ey = balanced_cores(y, xp)
    fast = cuda_dot([xp.ascontiguousarray(c) for c in x], [xp.ascontiguousarray(c) for c in y])
    if fast is not None:  # float64 on a CUDA build: C++-issued cuBLAS, scale kept on device
        return fast[0], fast[1] + (ex + ey) * math.log(2.0)
    scale = _RunningScale(xp, (ex + ey) * math.log(2.0))
    v = xp.ones((1, 1), dtype=x[0].dtype)
    for a, b in zip(x, y):
        t = xp.tensordot(v, b, axes=1)  # (ra0, n, rb1)
        v = scale(xp.tensordot(a.conj(), t, axes=([0, 1], [0, 1])))
    return v[0, 0].item(), scale.total()


def sum(x: list[Any]) -> tuple[complex | float, float]:  # noqa: A001
    xp = array_module(*x)
    x, ex = balanced_cores(x, xp)
    scale = _RunningScale(xp, ex * math.log(2.0))
    v = xp.ones((1,), dtype=x[0].dtype)
    for c in x:
        v = scale(v @ c.sum(axis=1))
    return v[0].item(), scale.total()


def at(x: list[Any], indices: Any) -> Any:
    xp = array_module(*x)
    x, total = balanced_cores(x, xp)
    v = xp.ones((indices.shape[0], 1), dtype=x[0].dtype)
    shift = xp.zeros(indices.shape[0], dtype=xp.int64)  # each row is v * 2^shift
    for k, c in enumerate(x):
        v = xp.einsum("ba,bac->bc", v, c[:, indices[:, k], :].transpose(1, 0, 2))
        _, e = xp.frexp(xp.abs(v).max(axis=1))
        v = v * xp.ldexp(xp.ones(e.shape), -e).astype(v.real.dtype)[:, None]
        shift = shift + e
    out = v[:, 0]
    e = (shift + total).astype(xp.int32)
    if xp.iscomplexobj(out):
        return xp.ldexp(out.real, e) + 1j * xp.ldexp(out.imag, e)
    return xp.ldexp(out, e)


def matmul(
    a: list[Any], rows: list[int], inner: list[int], b: list[Any], cols: list[int],
    rtol: float = 0.0, max_rank: list[int] | None = None, method: str = "svd",
    round: bool = False,  # noqa: A002
) -> tuple[list[Any], float, float, float]:
    xp = array_module(*a, *b)
    a, ea = balanced_cores(a, xp)
    b, eb = balanced_cores(b, xp)
    out = []
    for ca, cb, m, n, q in zip(a, b, rows, inner, cols):
        ca4 = ca.reshape(ca.shape[0], m, n, ca.shape[-1])
        cb4 = cb.reshape(cb.shape[0], n, q, cb.shape[-1])
        c = xp.einsum("aijc,bjqe->abiqce", ca4, cb4)
        out.append(c.reshape(ca.shape[0] * cb.shape[0], m * q, ca.shape[-1] * cb.shape[-1]))
    if ea + eb:
        out = spread_pow2(out, ea + eb, xp)
    if round:
        return _round_train(out, rtol, max_rank or [], method)
    return out, 0.0, 0.0, 0.0
