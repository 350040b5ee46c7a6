# SPDX-License-Identifier: MIT
"""Bond-parallel Gram rounding (``method='gram-sim'``): every bond truncated at once.

The sequential sweeps factor one bond after another (d dependent small QRs and SVDs), which on
a GPU is d launch-bound steps. Here the Gram matrices of the *input* train come from two
sweeps of plain products (no factorization, no host synchronization), and all bonds are then
factored together by two batched eigendecompositions: the GPU does a few large calls.

For bond k (between cores k and k+1) let GL = X_{<=k}^H X_{<=k}, GR = X_{>k} X_{>k}^H and
GR = V diag(lam) V^H = F F^H with F = V lam^(1/2) (numerically zero eigenpairs dropped). Then
X_(k) = (X_{<=k} F) Q^H with Q orthonormal, and the right singular vectors W of X_{<=k} F
are the eigenvectors of N = F^H GL F, whose eigenvalues are the squared singular values of
the unfolding X_(k). Keeping the top rho of them, the bond gets A = F W_rho (r x rho) and
B = W_rho^H lam^(-1/2) V^H (rho x r): X_{<=k} A B X_{>k} is the best rank-rho approximation
of X_(k), i.e. x times the orthogonal projector P_k onto its top rho right singular vectors.
The new core k is B_{k-1} C_k A_k, so the result is y = x P_0 P_1 ... P_{d-2} and, peeling one
projector at a time (each step splits into two orthogonal parts),
``||x - y||^2 <= sum_k ||x (I - P_k)||^2``: the bound of the sequential sweep, with each bond's
tail taken from x itself. That also means a tolerance can keep a rank or so more than the
sequential sweep, which truncates a train already truncated at the bonds before.

Squared singular values carry the Gram matrices' rounding, about eps ||X_{<=k}||^2 ||X_{>k}||^2:
a request is taken only where that noise, summed over the bonds, stays below 1% of the error
allowed (or made); otherwise :func:`round` returns None and the caller runs a sequential sweep. A train
whose Gram matrices leave the double range (no running scale here) is also declined.

Reference: the Gram-SVD rounding of H. Al Daas, G. Ballard, L. Manning, "Parallel tensor
train rounding using Gram SVD", IPDPS 2022, whose bond-parallel variant this is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lorank._device import array_module
from lorank._kernels import cuda_bond_apply, cuda_gram_stacks
from lorank._pow2 import balanced_cores, ldexp_or_inf, spread_pow2


def left_products(x: list[Any], y: list[Any]) -> list[Any]:
    """M_k = X_{<=k}^H Y_{<=k} for k = 0..d-1 (the last is 1 x 1: <x, y>), without host
    synchronization and without a running scale. O(d n r^3)."""
    out, m = [], None
    for cx, cy in zip(x, y):
        r0, n, r1 = cy.shape
        right = cy.reshape(r0, n * r1) if m is None else m @ cy.reshape(r0, n * r1)
        m = cx.reshape(-1, cx.shape[2]).conj().T @ right.reshape(-1, r1)
        out.append(m)
    return out


def right_grams(cores: list[Any]) -> list[Any]:
    """H_k = X_{>k} X_{>k}^H for the bonds k = 0..d-2, like :func:`left_products`."""
    xp = array_module(*cores)
    h = xp.ones((1, 1), dtype=cores[0].dtype)
    out = []
    for c in reversed(cores[1:]):
        r0, n, r1 = c.shape
        t = (c.reshape(r0 * n, r1) @ h).reshape(r0, n * r1)
        h = t @ c.reshape(r0, n * r1).conj().T
        out.append(h)
    return out[::-1]


def _stack(mats: list[Any], size: int, xp: Any) -> Any:
    """The square matrices zero-padded to size x size and stacked (padding adds zero
    eigenvalues, which are dropped)."""
    out = xp.zeros((len(mats), size, size), dtype=mats[0].dtype)
    for k, m in enumerate(mats):
        out[k, : m.shape[0], : m.shape[1]] = m
    return out


def _hermitian(a: Any) -> Any:
    return (a + a.conj().transpose(0, 2, 1)) * 0.5


def _bond_ranks(s2: np.ndarray, trace_l: np.ndarray, top_r: np.ndarray, bond_dims: list[int],
                delta2: float, caps: list[int], eps: float) -> tuple[list[int], float] | None:
    """Per bond the smallest rank whose discarded squared singular values (plus a margin for
    their rounding) fit delta2, within its cap; and the sum of the discarded squares. None
    where the rounding margins exceed 1% of the error allowed or made."""
    ranks, err2, margins = [], 0.0, 0.0
    for k, r in enumerate(bond_dims):
        sig2 = np.maximum(s2[k, ::-1][:r], 0.0)  # descending
        # N's eigenvalues carry ~ r eps ||GL|| ||GR|| of rounding: ones below that are noise
        # and always dropped; a rank-rho truncation misses the optimal tail by at most
        # 2 rho times that (Ky Fan), rho <= r.
        noise = 4.0 * r * eps * float(trace_l[k]) * float(top_r[k])
        margin = 2.0 * r * noise
        budget = max(delta2 - margin, 0.0)
        rank, tail2 = max(1, int(np.count_nonzero(sig2 > noise))), 0.0
        tail2 = float(sig2[rank:].sum())
        while rank > 1 and tail2 + sig2[rank - 1] <= budget:
            tail2 += float(sig2[rank - 1])
            rank -= 1
        cap = caps[k] if k < len(caps) else 0
        if 0 < cap < rank:
            rank, tail2 = cap, float(sig2[cap:].sum())
        ranks.append(rank)
        err2 += tail2
        margins += margin
    if margins > 1e-2 * max(delta2 * len(bond_dims), err2):
        return None
    return ranks, err2


def round(  # noqa: A001  (mirrors the other kernels' name)
    cores: list[Any], rtol: float, max_rank: list[int], measure: bool = False,
) -> tuple[list[Any], float, float, float] | None:
    """Bond-parallel Gram rounding of a train (NumPy or CuPy cores): (cores, error, norm,
    relative error) like the other kernels, or None where this shortcut is not accurate
    enough for the request (the caller then runs a sequential sweep).

    The error is the bound sqrt(sum of the bonds' discarded squared singular values), or with
    ``measure=True`` the measured ||x - y|| where that is above the rounding of the
    measurement (||x||^2 - 2 Re<x, y> + ||y||^2, accurate to ~1e3 eps ||x||^2).
    Cost: O(d n r^3) in products and two batched r x r eigendecompositions; one host
    synchronization (two with ``measure``).
    """
    xp = array_module(*cores)
    d = len(cores)
    if d < 2:
        return None
    cores, exponent = balanced_cores(cores, xp)
    cores = [xp.ascontiguousarray(c) for c in cores]
    dt = np.dtype(cores[0].dtype)
    high = float(np.finfo(dt).max) ** 0.4  # Gram entries beyond (and GL GR products): unsafe
    with np.errstate(all="ignore"):  # out-of-range trains are detected after the transfer
        f, w, right, summary = _factor_bonds(cores, high, xp)
    host = summary.get() if hasattr(summary, "get") else np.asarray(summary)  # the transfer
    size = f.shape[1]
    s2, rest = host[: (d - 1) * size].reshape(d - 1, size), host[(d - 1) * size :]
    trace_l, top_r, ranges, n2 = rest[: d - 1], rest[d - 1 : 2 * d - 2], rest[2 * d - 2 : -1], rest[-1]
    if not (np.all(np.isfinite(host)) and 1 / high < n2 < high
            and np.all((ranges > 1 / high) & (ranges < high))):
        return None  # zero, or out of the range this sweep keeps accurate
    got = _bond_ranks(s2, trace_l, top_r, [c.shape[2] for c in cores[:-1]],
                      rtol * rtol * n2 / (d - 1), max_rank, float(np.finfo(dt).eps))
    if got is None:
        return None
    ranks, err2 = got
    out = _truncated(cores, ranks, f, w, right, xp)
    if measure:
        err2 = _measured_err2(cores, out, n2, err2)
    norm, err = math.sqrt(n2), math.sqrt(err2)
    if exponent:
        out = spread_pow2(out, exponent, xp)
    return out, ldexp_or_inf(err, exponent), ldexp_or_inf(norm, exponent), err / norm


def _factor_bonds(cores: list[Any], high: float, xp: Any) -> tuple[Any, Any, Any, Any]:
    """Device work up to the transfer: per bond F = V lam^(1/2), the eigenvectors W of
    N = F^H GL F (ascending), lam^(-1/2) V^H, and one real vector for the host: N's
    eigenvalues, trace(GL), max(lam), the Gram matrices' largest entries, ||x||^2."""
    size = max(c.shape[2] for c in cores[:-1])
    stacks = cuda_gram_stacks(cores, size)  # float64 on a CUDA build: C++-issued cuBLAS
    if stacks is None:
        gl = left_products(cores, cores)
        gl_stack, gr_stack = _stack(gl[:-1], size, xp), _stack(right_grams(cores), size, xp)
        norm2 = gl[-1].real.ravel()
    else:
        gl_stack, gr_stack, norm2 = stacks
    ranges = xp.concatenate([xp.abs(gl_stack).max(axis=(1, 2)), xp.abs(gr_stack).max(axis=(1, 2))])
    # Entries out of range (or NaN) zeroed: the eigensolver gets tame input either way.
    gl_stack = xp.where(xp.abs(gl_stack) < high, gl_stack, 0.0)
    gr_stack = xp.where(xp.abs(gr_stack) < high, gr_stack, 0.0)
    lam, v = xp.linalg.eigh(_hermitian(gr_stack))  # ascending
    top_r = lam[:, -1]
    kept = lam > (size * np.finfo(lam.dtype).eps) * top_r[:, None]
    root = xp.where(kept, xp.sqrt(xp.where(kept, lam, 1.0)), 0.0)
    inv_root = xp.where(kept, 1.0 / xp.where(kept, root, 1.0), 0.0)
    f = v * root[:, None, :].astype(v.dtype)
    right = inv_root[:, :, None].astype(v.dtype) * v.conj().transpose(0, 2, 1)
    s2, w = xp.linalg.eigh(_hermitian(f.conj().transpose(0, 2, 1) @ gl_stack @ f))
    trace_l = xp.trace(gl_stack, axis1=1, axis2=2).real
    parts = [s2.ravel(), trace_l, top_r, ranges, norm2]
    return f, w, right, xp.concatenate([p.astype(np.float64) for p in parts])


def _truncated(cores: list[Any], ranks: list[int], f: Any, w: Any, right: Any,
               xp: Any) -> list[Any]:
    """New cores B_{k-1} C_k A_k with A = F W_rho and B = W_rho^H lam^(-1/2) V^H."""
    top = max(ranks)
    # Top eigenvectors first, columns beyond each bond's rank zeroed.
    mask = np.arange(top)[None, :] < np.asarray(ranks)[:, None]
    w_top = w[:, :, ::-1][:, :, :top] * xp.asarray(mask, dtype=w.dtype)[:, None, :]
    a = xp.ascontiguousarray(f @ w_top)
    b = xp.ascontiguousarray(w_top.conj().transpose(0, 2, 1) @ right)
    out = cuda_bond_apply(cores, ranks, a, b)  # float64 on a CUDA build
    if out is not None:
        return out
    out = []
    for k, c in enumerate(cores):
        r0, n, r1 = c.shape
        mat = c.reshape(r0, n * r1)
        if k > 0:
            r0 = ranks[k - 1]
            mat = b[k - 1, :r0, : c.shape[0]] @ mat
        mat = mat.reshape(r0 * n, r1)
        if k < len(cores) - 1:
            r1 = ranks[k]
            mat = mat @ a[k, : c.shape[2], :r1]
        out.append(xp.ascontiguousarray(mat.reshape(r0, n, r1)))
    return out


def _measured_err2(x: list[Any], y: list[Any], n2: float, bound2: float) -> float:
    """||x - y||^2 from ||x||^2 - 2 Re<x, y> + ||y||^2 where the cancellation leaves digits
    (above ~1e3 eps ||x||^2 per unit of the result), else the bound."""
    xp = array_module(*x)
    with np.errstate(all="ignore"):  # a non-finite result falls back to the bound
        both = xp.concatenate([left_products(x, y)[-1].ravel(), left_products(y, y)[-1].ravel()])
    both = both.get() if hasattr(both, "get") else np.asarray(both)
    xy, yy = float(both[0].real), float(both[1].real)
    measured = n2 - 2.0 * xy + yy
    eps = float(np.finfo(x[0].dtype).eps)
    if not math.isfinite(measured) or measured < 1e6 * eps * n2:
        return bound2
    return measured
