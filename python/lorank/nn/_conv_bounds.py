# SPDX-License-Identifier: MIT
"""Differentiable spectral-norm bounds of convolution kernels (torch regularizers), and
Sedghi's singular-value clipping of a circular convolution.

``conv_tn_bound`` finds the kernel tensor's norming vectors by the higher-order power method
without gradients, then evaluates ``sqrt(kh kw) |K(x1, x2, x3, x4)|`` with the kernel in the
graph: at the maximum the vectors are stationary, so this is the gradient of the bound
(Danskin's theorem). ``conv_gram_bound`` runs the Gram iteration of every frequency matrix in
torch, so its gradient is exact.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lorank.errors import ArgumentError
from lorank.linalg._krylov_basis import generator
from lorank.spectral.conv import _gram_grid, _kernel, _tensor_spectral_norm

__all__ = ["clip_conv_singular_values", "conv_gram_bound", "conv_tn_bound",
           "spectral_normalize_conv"]


def conv_tn_bound(weight: Any, *, n_iter: int = 200, n_starts: int = 4, rng: Any = None) -> Any:
    """Differentiable TN bound ``sqrt(kh kw) ||K||_sigma`` of a conv weight (torch tensor
    ``(c_out, c_in, kh, kw)``): an upper bound of the layer's spectral norm for every input
    size and padding (see :func:`lorank.spectral.conv_norm_bound`). Returns a 0-d tensor.
    Cost: the power method (no graph) plus one contraction in the graph."""
    import torch

    kern = _kernel(weight.detach().cpu().numpy(), "conv_tn_bound")
    _, _, vs = _tensor_spectral_norm(kern, n_iter, n_starts, 1e-12, generator(rng))
    value = weight.to(torch.complex128)
    for j in range(3, -1, -1):
        value = torch.tensordot(value, torch.as_tensor(vs[j], device=weight.device), dims=([j], [0]))
    return math.sqrt(kern.shape[2] * kern.shape[3]) * value.abs().to(weight.dtype)


def conv_gram_bound(weight: Any, input_shape: Any, *, n_iter: int = 6,
                    padding: str = "circular") -> Any:
    """Differentiable Gram-iteration bound of the layer on ``input_shape`` (H, W): the
    maximum over frequencies of ``||G_t||_F^(1/2^t)`` (a certain upper bound; see
    :func:`lorank.spectral.conv_norm_bound`), computed in torch end to end. With
    ``padding='zeros'`` the frequencies are those of the (H + kh - 1) x (W + kw - 1) torus,
    whose circular layer bounds the zero-padded one."""
    import torch

    h, w = _gram_grid(tuple(int(s) for s in input_shape[-2:]), tuple(weight.shape[2:]), padding,
                     "conv_gram_bound")
    mats = torch.fft.fft2(weight.to(torch.float64), s=(h, w)).permute(2, 3, 0, 1)
    if weight.shape[1] > weight.shape[0]:
        mats = mats.conj().transpose(-2, -1)
    log_scale = torch.zeros(mats.shape[:2], dtype=torch.float64, device=weight.device)
    g = mats
    for t in range(n_iter + 1):
        fro = torch.linalg.matrix_norm(g)  # Frobenius
        live = fro > 0  # a zero frequency matrix (a Laplacian's at 0) stays zero
        fro = torch.where(live, fro, torch.ones_like(fro))
        if t == n_iter:
            bound = torch.where(live, torch.exp((torch.log(fro) + log_scale) / 2.0**t),
                                torch.zeros_like(fro))
            return bound.max().to(weight.dtype)
        g = g / fro[..., None, None]
        log_scale = 2.0 * (log_scale + torch.log(fro))
        g = g.conj().transpose(-2, -1) @ g
    return None  # unreachable: the loop returns at t == n_iter


def clip_conv_singular_values(kernel: Any, input_shape: Any, max_sv: float, *,
                              keep_support: bool = True) -> np.ndarray:
    """Sedghi, Gupta and Long's projection: the circular layer's singular values above
    ``max_sv`` set to ``max_sv`` (per frequency: SVD, clip, recompose; inverse DFT).

    With ``keep_support=False`` the result is the exact projection, a kernel of full
    H x W support whose singular values are all <= max_sv. With ``keep_support=True``
    (default) it is truncated back to the original kh x kw taps, the step Sedghi et al.
    alternate with training; the truncation can move the singular values again (usually
    a little above the clip). Returns a NumPy array."""
    kern = _kernel(kernel, "clip_conv_singular_values")
    h, w = (int(s) for s in input_shape[-2:])
    c_out, c_in, kh, kw = kern.shape
    mats = np.fft.fft2(kern, s=(h, w), axes=(2, 3)).transpose(2, 3, 0, 1)
    u, s, vh = np.linalg.svd(mats, full_matrices=False)
    clipped = (u * np.minimum(s, max_sv)[..., None, :]) @ vh
    full = np.real(np.fft.ifft2(clipped.transpose(2, 3, 0, 1), axes=(2, 3)))
    return full[:, :, :kh, :kw].copy() if keep_support else full



def spectral_normalize_conv(weight: Any, *, target: float = 1.0, input_shape: Any = None,
                            rng: Any = None) -> Any:
    """``weight`` scaled down (never up) so that the layer's spectral norm is at most
    ``target``: by the exact circular norm on ``input_shape`` when given, else by the
    resolution-independent TN bound. Works on torch tensors (the scale is computed without
    gradients, as in spectral normalization) and NumPy arrays."""
    from lorank.spectral import conv_norm, conv_norm_bound

    host = weight.detach().cpu().numpy() if hasattr(weight, "detach") else np.asarray(weight)
    kern = _kernel(host, "spectral_normalize_conv")
    if not (isinstance(target, (int, float)) and target > 0 and math.isfinite(target)):
        msg = f"spectral_normalize_conv: target must be a positive number, got {target!r}"
        raise ArgumentError(msg)
    norm = (conv_norm(kern, input_shape).value if input_shape is not None
            else conv_norm_bound(kern, rng=rng).value)
    return weight * min(1.0, target / norm) if norm > 0 else weight
