# SPDX-License-Identifier: MIT
"""Exact singular values and norms of 2-d convolution layers.

A circularly padded convolution of c_in x H x W inputs is block-diagonalized by the 2-d DFT:
its singular values are those of the c_out x c_in matrices ``K_hat[:, :, u, v]``, the
kernel's DFT on the H x W grid at each frequency (Sedghi, Gupta, Long, "The singular values
of convolutional layers", ICLR 2019). A real kernel has ``K_hat(-u, -v) = conj(K_hat(u, v))``,
so the real-FFT half grid holds every distinct matrix; the others repeat its singular values.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.linalg import Conv2dOperator, lanczos_svd
from lorank.linalg._results import NormEstimate
from lorank.spectral._gram_route import gram_singular_values
from lorank.spectral._reshape_bounds import reshape_bound, torus_bound

__all__ = ["conv_norm", "conv_norm_bound", "conv_singular_values"]


def _kernel(kernel: Any, who: str) -> np.ndarray:
    k = np.asarray(kernel)
    if k.ndim != 4:
        msg = f"{who}: kernel must be 4-d (c_out, c_in, kh, kw), got shape {k.shape}"
        raise ShapeError(msg)
    if k.dtype.kind not in "biuf":
        msg = f"{who}: kernel must be real, got dtype {k.dtype}"
        raise ArgumentError(msg)
    k = k.astype(np.float64)
    if not np.isfinite(k).all():
        msg = f"{who}: kernel contains NaN or Inf"
        raise NumericalError(msg)
    return k


def _grid(input_shape: Any, kernel: np.ndarray, who: str) -> tuple[int, int]:
    shape = tuple(int(s) for s in input_shape)
    if len(shape) == 3:
        if shape[0] != kernel.shape[1]:
            msg = f"{who}: input_shape has {shape[0]} channels, the kernel {kernel.shape[1]}"
            raise ShapeError(msg)
        shape = shape[1:]
    if len(shape) != 2:
        msg = f"{who}: input_shape must be (H, W) or (c_in, H, W), got {tuple(input_shape)}"
        raise ShapeError(msg)
    h, w = shape
    if h < kernel.shape[2] or w < kernel.shape[3]:
        msg = f"{who}: the input {h} x {w} is smaller than the kernel {kernel.shape[2:]}"
        raise ShapeError(msg)
    return h, w


def _polyphase(kern: np.ndarray, grid: tuple[int, int], stride: Any,
               who: str) -> tuple[np.ndarray, tuple[int, int]]:
    """A stride-s circular layer as a stride-1 one on the (H/s, W/s) grid with c_in s^2
    input channels: x'[(c, a, b)][i, j] = x[c, s i + a, s j + b] is a permutation of the
    input, and y[o, i, j] = sum K'[o, (c, a, b), p1, q1] x'[(c, a, b)][i + p1, j + q1] with
    K'[o, (c, a, b), p1, q1] = K[o, c, s p1 + a, s q1 + b] (Sedghi et al. 2019, Sec. 3)."""
    if isinstance(stride, bool) or not isinstance(stride, numbers.Integral) or stride < 1:
        msg = f"{who}: stride must be a positive integer, got {stride!r}"
        raise ArgumentError(msg)
    if stride == 1:
        return kern, grid
    h, w = grid
    if h % stride or w % stride:
        msg = f"{who}: stride {stride} must divide the input size {h} x {w}"
        raise ArgumentError(msg)
    c_out, c_in, kh, kw = kern.shape
    th, tw = -(-kh // stride), -(-kw // stride)
    padded = np.zeros((c_out, c_in, th * stride, tw * stride))
    padded[:, :, :kh, :kw] = kern
    # [o, c, p1, a, q1, b] -> [o, c, a, b, p1, q1] -> (c_out, c_in s^2, th, tw)
    poly = padded.reshape(c_out, c_in, th, stride, tw, stride).transpose(0, 1, 3, 5, 2, 4)
    return poly.reshape(c_out, c_in * stride * stride, th, tw), (h // stride, w // stride)


def _frequency_blocks(kern: np.ndarray, h: int, w: int) -> Any:
    """The kernel's DFT matrices on the H x W grid, half grid in v, as blocks of rows u of
    shape (rows, W//2 + 1, c_out, c_in): a real FFT along W, then the kh taps against the
    phases of each u, so that at most ~2^26 complex entries (1 GiB) are held at once."""
    c_out, c_in, kh, _ = kern.shape
    along_w = np.fft.rfft(kern, n=w, axis=3)  # (c_out, c_in, kh, nv)
    nv = along_w.shape[3]
    phases = np.exp(-2j * np.pi * np.outer(np.arange(h), np.arange(kh)) / h)  # (H, kh)
    block = max(1, 2**26 // (nv * c_out * c_in))
    for start in range(0, h, block):
        yield np.einsum("up,oipv->uvoi", phases[start : start + block], along_w)


def conv_singular_values(
    kernel: Any, input_shape: Any, *, stride: int = 1, padding: str = "circular",
    k: int | None = None, atol: float = 1e-10,
) -> np.ndarray:
    """All singular values (descending) of the circularly padded convolution with ``kernel``
    on inputs of spatial size ``input_shape`` (H, W), or the ``k`` largest.

    Parameters
    ----------
    kernel : array (c_out, c_in, kh, kw), real
    input_shape : (H, W) or (c_in, H, W); H >= kh, W >= kw
    stride : int
        A stride s (dividing H and W) is reduced to stride 1 on the (H/s, W/s) grid with
        c_in s^2 input channels by the polyphase reshape.
    padding : 'circular' (zero padding has no such formula: use :func:`conv_norm`)
    atol : float in [0, 1)
        Absolute accuracy of every value, in units of the largest singular value at its
        frequency. Squared singular values come from Gram eigenvalues, which lose accuracy on
        small values (error about 4 sqrt(c) eps s_max^2 / (2 s), measured); a frequency whose
        smallest value is too small for ``atol`` takes an SVD instead. 0 means an SVD at every
        frequency (working accuracy for all values, about 2x the time); the default 1e-10
        serves norms, clipping and condition numbers up to 1e9.

    Returns
    -------
    array of (H W / s^2) min(c_out, c_in s^2) values (or k), descending.

    Notes
    -----
    Cost: one GEMM of O((c kh kw)^2 C) for the Gram operator's kernel (c = min, C = max of
    c_out, c_in), its real FFT and a GEMM against the phases (O(c^2 kh H W)), then
    H (W/2 + 1) Hermitian eigenvalue problems of size c (an SVD of the c_out x c_in
    frequency matrix where one is nearly singular).
    """
    who = "conv_singular_values"
    kern = _kernel(kernel, who)
    kern, (h, w) = _polyphase(kern, _grid(input_shape, kern, who), stride, who)
    if padding != "circular":
        msg = (f"{who}: padding must be 'circular' (got {padding!r}); for zero padding use "
               "conv_norm, which runs Lanczos on the convolution operator")
        raise ArgumentError(msg)
    # Squared singular values as eigenvalues of the Gram matrices, formed for all
    # frequencies at once from the Gram operator's kernel (see _gram_route); an SVD per
    # frequency where the grid is smaller than the offsets.
    if isinstance(atol, bool) or not isinstance(atol, numbers.Real) or not 0.0 <= atol < 1.0:
        msg = f"{who}: atol must be a number in [0, 1), got {atol!r}"
        raise ArgumentError(msg)
    sv = gram_singular_values(kern, h, w, float(atol))
    if sv is None:
        parts = [np.linalg.svd(m, compute_uv=False) for m in _frequency_blocks(kern, h, w)]
        sv = np.concatenate(parts, axis=0)  # (H, nv, min(c_out, c_in))
    # Columns v with a distinct mirror -v (not 0, not W/2 for even W) stand for two.
    counts = np.full(sv.shape[1], 2)
    counts[0] = 1
    if w % 2 == 0:
        counts[-1] = 1
    values = np.repeat(sv.reshape(h, sv.shape[1], -1), counts, axis=1).ravel()
    values = np.sort(values)[::-1]
    if k is not None:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= values.size:
            msg = f"{who}: k must be an integer in [1, {values.size}], got {k!r}"
            raise ArgumentError(msg)
        values = values[:k]
    return values


def conv_norm(
    kernel: Any, input_shape: Any, *, padding: str = "circular", stride: int = 1,
    rtol: float = 1e-10, rng: Any = None,
) -> NormEstimate:
    """Spectral norm of a convolution layer: exact by the DFT for circular padding, by
    Lanczos (:func:`lorank.linalg.lanczos_svd`) on the :class:`Conv2dOperator` for zero
    padding ('zeros', padding (k - 1) // 2, as torch's ``padding=k//2`` for odd k).

    Returns a :class:`NormEstimate` whose ``lower`` is the value (an attained ``||A v||``)
    and ``upper`` the value too for the exact circular route, ``inf`` for Lanczos.
    """
    who = "conv_norm"
    kern = _kernel(kernel, who)
    h, w = _grid(input_shape, kern, who)
    if padding == "circular":
        top = float(conv_singular_values(kern, (h, w), stride=stride, k=1)[0])
        return NormEstimate(top, top, top, 0, True, (top,), "fft", guaranteed=True)
    if padding != "zeros":
        msg = f"{who}: padding must be 'circular' or 'zeros', got {padding!r}"
        raise ArgumentError(msg)
    op = Conv2dOperator(kern, (kern.shape[1], h, w), padding="zeros", stride=stride)
    res = lanczos_svd(op, 1, rtol=rtol, rng=rng)
    top = float(res.s[0])
    return NormEstimate(top, top, math.inf, res.n_matvecs, res.converged,
                        tuple(top * (1 - r) for r in res.history), "lanczos")


def _hopm(k: np.ndarray, n_iter: int, rtol: float,
          gen: np.random.Generator) -> tuple[float, list[np.ndarray], list[float]]:
    """One run of the higher-order power method for max |K(x1, x2, x3, x4)| over complex
    unit vectors: each vector in turn set to the conjugate of the contraction with the
    others (then |K(x..)| equals that contraction's norm). (value, vectors, per sweep)."""
    vs = []
    for n in k.shape:
        v = gen.standard_normal(n) + 1j * gen.standard_normal(n)
        vs.append(v / np.linalg.norm(v))
    value, history = 0.0, []
    for _ in range(n_iter):
        nrm = 0.0
        for m in range(4):
            t = k
            for j in range(3, -1, -1):  # contract the others, last axis first
                if j != m:
                    t = np.tensordot(t, vs[j], axes=([j], [0]))
            nrm = float(np.linalg.norm(t))
            if nrm == 0.0:
                return 0.0, vs, history
            vs[m] = np.conj(t) / nrm
        history.append(nrm)
        if abs(nrm - value) <= rtol * nrm:
            return nrm, vs, history
        value = nrm
    return value, vs, history


def _tensor_spectral_norm(kernel: np.ndarray, n_iter: int, n_starts: int, rtol: float,
                          gen: np.random.Generator) -> tuple[float, list[float], list[np.ndarray]]:
    """Best of ``n_starts`` power-method runs: (value, running best per sweep, vectors)."""
    best, history, best_vs = 0.0, [], None
    k = kernel.astype(np.complex128)
    for _ in range(n_starts):
        value, vs, runs = _hopm(k, n_iter, rtol, gen)
        history.extend(max(best, r) for r in runs)
        if best_vs is None or value > best:
            best, best_vs = value, vs
    return best, history, best_vs


def conv_norm_bound(
    kernel: Any, *, method: str = "tn", input_shape: Any = None, n_iter: int = 200,
    n_starts: int = 4, rtol: float = 1e-10, rng: Any = None, n_grid: int = 64,
    padding: str = "circular",
) -> NormEstimate:
    """Upper bound on the spectral norm of a convolution layer that holds for every input
    size and for zero and circular padding.

    ``method='tn'``: ``sqrt(kh kw) ||K||_sigma`` with ``||K||_sigma`` the spectral norm of the
    4-d kernel tensor (max |K(x1, x2, x3, x4)| over unit complex vectors), computed by the
    higher-order power method from ``n_starts`` random starts (Grishina, Gorbunov, Rakhuba,
    "Tight and efficient upper bound on spectral norm of convolutional layers", ECCV 2024).
    The inequality is proven for the exact tensor norm; the power method finds a local
    maximum, so ``guaranteed`` is False (several starts make a miss unlikely). Exact for
    separable kernels with constant taps (a b^T times an all-equal filter).

    ``method='gram'``: Gram iteration on every frequency matrix of the circular layer on
    ``input_shape`` (Delattre, Barthelemy, Araujo, Allauzen, "Efficient bound of Lipschitz
    constant for convolutional layers by Gram iteration", ICML 2023): with G_0 = K_hat(u, v)
    and G_{t+1} = G_t^H G_t, ``s_max(K_hat) <= ||G_t||_F^(1 / 2^t)`` for every t, so the
    maximum over frequencies after ``n_iter`` steps (at most 30) is a certain upper bound for
    the circular layer on that grid (``guaranteed=True``), converging to the exact norm
    super-linearly. Cost: O(n_iter H W c^3). With ``padding='zeros'`` it bounds the
    zero-padded layer on ``input_shape`` instead, through the circular layer on the
    (H + kh - 1) x (W + kw - 1) torus: an input supported on H x W, convolved circularly on
    that torus, never wraps onto its own support, so the zero-padded layer (any padding of at
    most k - 1 per axis, any stride) is that circular operator between an isometric embedding
    and a coordinate restriction, and its norm is at most the circular one (the bridge from
    circular to zero padding of Delattre, Barthelemy, Allauzen, "Spectral norm of
    convolutional layers with circular and zero paddings", 2024; this step and its proof are
    ours).

    ``method='reshape'``: ``sqrt(kh kw)`` times the smallest spectral norm of four reshapes
    of the kernel (Singla and Feizi, ICLR 2021); ``history`` holds all four. Certified, for
    every size, padding and stride. Cost: four small SVDs.

    ``method='torus'``: the largest spectral norm of the kernel's symbol on an
    ``n_grid`` x ``n_grid`` grid of the torus, divided by ``1 - pi (kh + kw - 2) / (2 n_grid)``
    (Bernstein's inequality; after Araujo et al., AAAI 2021): certified for every size and
    padding, tending to the circular norm's supremum as n_grid grows. Cost: n_grid^2 / 2
    SVDs of c_out x c_in. See :mod:`lorank.spectral._reshape_bounds` for the proofs.

    Cost of 'tn': O(n_starts n_iter c_out c_in kh kw).
    """
    from lorank.linalg._krylov_basis import check_count, check_tol, generator

    who = "conv_norm_bound"
    kern = _kernel(kernel, who)
    if method not in ("tn", "gram", "reshape", "torus"):
        msg = f"{who}: method must be 'tn', 'gram', 'reshape' or 'torus', got {method!r}"
        raise ArgumentError(msg)
    if method == "reshape":
        return reshape_bound(kern)
    if method == "torus":
        n_grid = check_count(n_grid, "n_grid", who)
        if n_grid < max(kern.shape[2:]) or n_grid <= math.pi * (sum(kern.shape[2:]) - 2) / 2:
            msg = (f"{who}: n_grid must be >= the kernel size and > pi (kh + kw - 2) / 2 = "
                   f"{math.pi * (sum(kern.shape[2:]) - 2) / 2:.3g}, got {n_grid}")
            raise ArgumentError(msg)
        return torus_bound(kern, n_grid)
    n_iter = check_count(n_iter, "n_iter", who)
    if method == "gram":
        if input_shape is None:
            msg = f"{who}: method='gram' bounds the layer on a grid: give input_shape"
            raise ArgumentError(msg)
        grid = _gram_grid(_grid(input_shape, kern, who), kern.shape[2:], padding, who)
        return _gram_iteration(kern, grid, min(n_iter, 30))
    n_starts = check_count(n_starts, "n_starts", who)
    rtol = check_tol(rtol, who)
    sigma, history, _ = _tensor_spectral_norm(kern, n_iter, n_starts, rtol, generator(rng))
    scale = math.sqrt(kern.shape[2] * kern.shape[3])
    bound = scale * sigma
    return NormEstimate(bound, 0.0, bound, 0, True, tuple(scale * h for h in history), "tn",
                        guaranteed=False)


def _gram_grid(grid: tuple[int, int], kernel_size: tuple[int, int], padding: str,
              who: str) -> tuple[int, int]:
    """The grid of the circular layer whose Gram-iteration bound covers the layer with
    ``padding`` on ``grid``: the grid itself, or the (H + kh - 1) x (W + kw - 1) torus for
    zero padding (see :func:`conv_norm_bound`)."""
    if padding not in ("circular", "zeros"):
        msg = f"{who}: padding must be 'circular' or 'zeros', got {padding!r}"
        raise ArgumentError(msg)
    if padding == "circular":
        return grid
    return grid[0] + kernel_size[0] - 1, grid[1] + kernel_size[1] - 1


def _gram_iteration(kern: np.ndarray, grid: tuple[int, int], n_iter: int) -> NormEstimate:
    """Per frequency: rescaled Gram powers, the bound exp(log||G_t||_F / 2^t); max over all."""
    h, w = grid
    c_out, c_in = kern.shape[:2]
    history = np.zeros(n_iter + 1)
    for mats in _frequency_blocks(kern, h, w):
        g = mats if c_in <= c_out else mats.conj().transpose(0, 1, 3, 2)  # same s_max
        log_scale = np.zeros(g.shape[:2])  # g = G_t / exp(log_scale)
        for t in range(n_iter + 1):
            fro = np.linalg.norm(g, axis=(2, 3))
            live = fro > 0  # a zero frequency matrix stays zero and bounds nothing
            fro = np.where(live, fro, 1.0)
            bound = np.where(live, np.exp((np.log(fro) + log_scale) / 2.0**t), 0.0)
            history[t] = max(history[t], float(bound.max()))
            if t == n_iter:
                break
            g = g / fro[..., None, None]  # rescale before squaring: no overflow
            log_scale = 2.0 * (log_scale + np.log(fro))
            g = g.conj().transpose(0, 1, 3, 2) @ g
    value = float(history[-1])
    return NormEstimate(value, 0.0, value, 0, True, tuple(history.tolist()), "gram",
                        guaranteed=True)
