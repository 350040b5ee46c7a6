# SPDX-License-Identifier: MIT
"""Singular values of a circular convolution through the Gram operator's symbol.

The Gram matrix of the frequency matrix K_hat(u, v) = sum_{p,q} K_pq w^(up, vq) is itself the
symbol of a small kernel: K_hat^H K_hat = sum_D N_D w^(u Dp, v Dq) with
N_D = sum_{(p,q)} K_pq^T K_{(p,q)+D} over the (2kh - 1)(2kw - 1) tap offsets D (the Gram
operator A^T A of the layer is the convolution with N). So all H (W/2 + 1) Gram matrices
come from one GEMM for the tap products (c_in kh kw)^2 c_out, one real FFT along W and one
GEMM against the phases along H, instead of a c_out x c_in product per frequency; their
eigenvalues (the compiled batched kernel lorank._core.batched_eigvalsh: Householder
tridiagonalization and sterf per matrix, GIL released) are the squared singular values,
about 3x cheaper than an SVD per frequency at c = 64-512. The blocks of Gram matrices are
16 MB, consumed by the eigensolver while still in cache.

The eigenvalues of a Gram matrix carry an absolute error of about kappa eps lambda_max, so
a small singular value s is off by about kappa eps s_max^2 / (2 s). kappa was measured on
Gaussian kernels (square c = 32-256, every frequency of 8 x 8 and 16 x 16 grids, against
the SVD of K_hat): at most 2.0-2.4 sqrt(c) (median 0.35). With kappa = 4 sqrt(c), a
frequency whose smallest singular value is too small for the requested absolute accuracy
``atol s_max`` is redone by an SVD of K_hat itself. Square layers have nearly singular
frequencies often (c s_min^2 is about exponentially distributed for random kernels): at
c = 512 and atol = 1e-10, about 1% of them; at atol = 1e-11, most.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from lorank import _core

__all__ = ["gram_singular_values"]

_KAPPA_PER_SQRT_C = 4.0  # the error model's kappa / sqrt(c), with margin over the measured 2.4
_SVD_BATCH_ENTRIES = 2**24  # frequencies redone by SVD go in batches of ~256 MB of matrices


def _offset_kernel(kern: np.ndarray) -> np.ndarray:
    """N[i, j, Dp + kh - 1, Dq + kw - 1] = sum_{p,q,o} K[o, i, p, q] K[o, j, p + Dp, q + Dq]."""
    c_out, c_in, kh, kw = kern.shape
    flat = kern.reshape(c_out, c_in * kh * kw)
    prod = (flat.T @ flat).reshape(c_in, kh, kw, c_in, kh, kw)
    out = np.zeros((c_in, c_in, 2 * kh - 1, 2 * kw - 1))
    for p in range(kh):
        for q in range(kw):
            out[:, :, kh - 1 - p : 2 * kh - 1 - p, kw - 1 - q : 2 * kw - 1 - q] += prod[:, p, q]
    return out


def _gram_blocks(kern: np.ndarray, h: int, w: int) -> Iterator[tuple[int, np.ndarray]]:
    """(first row u, Gram matrices (rows, W//2 + 1, c, c)) over the half grid, in blocks of
    at most ~2^20 complex entries (16 MB: the Gram matrices are consumed while in cache)."""
    _, _, kh, kw = kern.shape
    n = _offset_kernel(kern)
    c = n.shape[0]
    nv = w // 2 + 1
    shift = np.exp(2j * np.pi * np.arange(nv) * (kw - 1) / w)  # offsets start at -(kw - 1)
    along_w = np.fft.rfft(n, n=w, axis=3) * shift  # (c, c, 2kh - 1, nv)
    taps = along_w.transpose(2, 3, 0, 1).reshape(2 * kh - 1, -1)
    offsets = np.arange(2 * kh - 1) - (kh - 1)
    phases = np.exp(-2j * np.pi * np.outer(np.arange(h), offsets) / h)  # (H, 2kh - 1)
    block = max(1, 2**20 // (nv * c * c))
    out = np.empty((min(block, h), taps.shape[1]), dtype=np.complex128)  # reused: no page faults
    for start in range(0, h, block):
        rows = phases[start : start + block]
        gram = np.matmul(rows, taps, out=out[: rows.shape[0]])
        yield start, gram.reshape(rows.shape[0], nv, c, c)


def gram_singular_values(kern: np.ndarray, h: int, w: int, atol: float) -> np.ndarray | None:
    """Singular values (H, W//2 + 1, min(c_out, c_in)), descending per frequency, each within
    about ``atol`` times its frequency's largest; None when the grid is too small for the
    offsets (H < 2 kh - 1 or W < 2 kw - 1) or atol = 0 (then every frequency takes an SVD)."""
    if kern.shape[0] < kern.shape[1]:  # K K^H has the same spectrum: use the smaller side
        kern = kern.transpose(1, 0, 2, 3)
    _, c, kh, kw = kern.shape
    if h < 2 * kh - 1 or w < 2 * kw - 1 or atol == 0:
        return None
    # s_min / s_max below kappa eps / (2 atol): the Gram route cannot promise atol there
    ratio = (_KAPPA_PER_SQRT_C * np.sqrt(c) * np.finfo(np.float64).eps / (2.0 * atol)) ** 2
    # A real kernel's Gram matrices at (u, v) and (H - u, v) are conjugate for v = 0 and
    # v = W/2 (the columns that are their own mirror): those take u <= H/2 only.
    nv = w // 2 + 1
    half = h // 2
    edges = [0] + ([nv - 1] if w % 2 == 0 and nv > 1 else [])
    inner = slice(1, nv - 1 if w % 2 == 0 else nv)
    lam = np.empty((h, nv, c))
    for start, gram in _gram_blocks(kern, h, w):
        rows = gram.shape[0]
        lam[start : start + rows, inner] = _core.batched_eigvalsh(gram[:, inner])  # descending
        upto = min(rows, half + 1 - start)  # rows u <= H/2 in this block
        if upto > 0:
            for col in edges:
                lam[start : start + upto, col] = _core.batched_eigvalsh(gram[:upto, col])
    for col in edges:
        lam[half + 1 :, col] = lam[h - np.arange(half + 1, h), col]
    near = lam[..., -1] < ratio * lam[..., 0]
    sv = np.sqrt(np.maximum(lam, 0.0))
    where = np.argwhere(near)
    chunk = max(1, _SVD_BATCH_ENTRIES // (kern.shape[0] * c))
    for first in range(0, len(where), chunk):
        part = where[first : first + chunk]
        sv[part[:, 0], part[:, 1]] = _exact(kern, h, w, part)
    return sv


def _exact(kern: np.ndarray, h: int, w: int, where: np.ndarray) -> np.ndarray:
    """SVD singular values of K_hat at the frequencies (u, v) listed in ``where``."""
    _, _, kh, kw = kern.shape
    u = where[:, 0][:, None]
    v = where[:, 1][:, None]
    pu = np.exp(-2j * np.pi * u * np.arange(kh)[None, :] / h)  # (F, kh)
    pv = np.exp(-2j * np.pi * v * np.arange(kw)[None, :] / w)  # (F, kw)
    mats = np.einsum("fp,fq,oipq->foi", pu, pv, kern, optimize=True)
    return np.linalg.svd(mats, compute_uv=False)
