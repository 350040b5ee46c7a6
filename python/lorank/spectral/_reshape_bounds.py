# SPDX-License-Identifier: MIT
"""Two more resolution-independent upper bounds on the spectral norm of a convolution layer,
both certified (exact small matrix norms, no local optimization).

Reshaped-matrix bounds (Singla and Feizi, "Fantastic four: differentiable bounds on singular
values of convolution layers", ICLR 2021). The layer is y = sum_{p,q} S_pq K_pq x with
K_pq = K[:, :, p, q] acting on channels and S_pq the spatial shifts (unitary for circular
padding, contractions for zero padding or strides). Grouping the terms four ways and using
Cauchy-Schwarz on the sums of shifts gives ||A|| <= sqrt(kh kw) ||R_i|| for the reshapes

    R_1 = [K_pq] with block rows p, block columns q    (kh c_out x kw c_in)
    R_2 = [K_pq] with block rows q, block columns p    (kw c_out x kh c_in)
    R_3 = [K_11, ..., K_hw]                             (c_out x kh kw c_in)
    R_4 = [K_11; ...; K_hw]                             (kh kw c_out x c_in)

e.g. for R_3: y = R_3 (S_pq x)_pq and ||(S_pq x)_pq|| <= sqrt(kh kw) ||x||.

Torus-sampling bound (after Araujo, Negrevergne, Chevaleyre, Atif, "On Lipschitz
regularization of convolutional layers using Toeplitz matrix theory", AAAI 2021): every
circular or zero-padded layer's norm is at most sup over the torus of ||F(w)||, the symbol
F(w1, w2) = sum K_pq e^(-i (p w1 + q w2)). Sampled on an N x N grid (the kernel's DFT) and
certified by Bernstein's inequality: for unit u, v the function u^H F v is a trigonometric
polynomial of degree (kh - 1)/2 in w1 and (kw - 1)/2 in w2 after centering, so its partial
derivatives are at most those degrees times sup ||F||; every point of the torus lies within
pi/N of a grid point in each coordinate, so

    sup ||F|| <= max_grid ||F|| / (1 - pi (kh + kw - 2) / (2 N)).

We take the spectral norm of F at each grid point (Araujo et al. take the Frobenius norm
over the channel pairs, which is looser) but keep Bernstein's factor, cruder than the
1/(1 - (k - 1)/N) of the sampling theorem they cite: every step here is proven above.
"""

from __future__ import annotations

import math

import numpy as np

from lorank.linalg._results import NormEstimate

__all__ = ["reshape_bound", "torus_bound"]


def _reshapes(kern: np.ndarray) -> list[np.ndarray]:
    c_out, c_in, kh, kw = kern.shape
    return [kern.transpose(2, 0, 3, 1).reshape(kh * c_out, kw * c_in),
            kern.transpose(3, 0, 2, 1).reshape(kw * c_out, kh * c_in),
            kern.transpose(0, 2, 3, 1).reshape(c_out, kh * kw * c_in),
            kern.transpose(2, 3, 0, 1).reshape(kh * kw * c_out, c_in)]


def reshape_bound(kern: np.ndarray) -> NormEstimate:
    """sqrt(kh kw) min_i ||R_i||_2 (see the module); history holds the four bounds."""
    scale = math.sqrt(kern.shape[2] * kern.shape[3])
    bounds = tuple(scale * float(np.linalg.norm(r, 2)) for r in _reshapes(kern))
    value = min(bounds)
    return NormEstimate(value, 0.0, value, 0, True, bounds, "reshape", guaranteed=True)


def torus_bound(kern: np.ndarray, n_grid: int) -> NormEstimate:
    """The sampled symbol's largest spectral norm times the Bernstein factor (see the
    module); history holds (max on the grid, bound)."""
    from lorank.spectral._gram_route import gram_singular_values
    from lorank.spectral.conv import _frequency_blocks

    kh, kw = kern.shape[2:]
    shrink = 1.0 - math.pi * (kh + kw - 2) / (2.0 * n_grid)
    sv = gram_singular_values(kern, n_grid, n_grid, 0.5)  # only the top values are used
    if sv is not None:
        top = float(sv[..., 0].max())
    else:
        top = max(float(np.linalg.svd(m, compute_uv=False)[..., 0].max())
                  for m in _frequency_blocks(kern, n_grid, n_grid))
    value = top / shrink
    return NormEstimate(value, 0.0, value, 0, True, (top, value), "torus", guaranteed=True)
