# SPDX-License-Identifier: MIT
"""Torch conv-norm regularizers against lorank.spectral, gradients by finite differences."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from lorank.nn import clip_conv_singular_values, conv_gram_bound, conv_tn_bound  # noqa: E402
from lorank.spectral import conv_norm, conv_norm_bound, conv_singular_values  # noqa: E402


def _weight(seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(4, 3, 3, 3, dtype=torch.float64, generator=g)


def test_tn_bound_value_and_gradient():
    w = _weight(0).requires_grad_(True)
    value = conv_tn_bound(w, rng=0)
    want = conv_norm_bound(w.detach().numpy(), rng=0).value
    assert float(value.detach()) == pytest.approx(want, rel=1e-8)
    (grad,) = torch.autograd.grad(value, w)
    # Directional derivative against a central difference of the (recomputed) bound.
    d = _weight(1)
    h = 1e-5
    fd = (conv_norm_bound((w + h * d).detach().numpy(), rng=0).value
          - conv_norm_bound((w - h * d).detach().numpy(), rng=0).value) / (2 * h)
    assert float((grad * d).sum()) == pytest.approx(fd, rel=1e-5)


def test_gram_bound_matches_numpy_and_its_gradient_is_exact():
    w = _weight(2).requires_grad_(True)
    value = conv_gram_bound(w, (6, 6), n_iter=5)
    want = conv_norm_bound(w.detach().numpy(), method="gram", input_shape=(6, 6), n_iter=5).value
    assert float(value.detach()) == pytest.approx(want, rel=1e-10)
    assert torch.autograd.gradcheck(lambda x: conv_gram_bound(x, (5, 5), n_iter=3),
                                    (_weight(3)[:2, :2].clone().requires_grad_(True),))
    zeros = conv_gram_bound(w, (6, 6), n_iter=5, padding="zeros")
    want = conv_norm_bound(w.detach().numpy(), method="gram", input_shape=(6, 6), n_iter=5,
                           padding="zeros").value
    assert float(zeros.detach()) == pytest.approx(want, rel=1e-10)


def test_gram_bound_of_a_laplacian_is_finite_with_a_finite_gradient():
    # The symbol vanishes at the zero frequency: no 0/0 in the value or the gradient.
    lap = torch.zeros(2, 2, 3, 3, dtype=torch.float64)
    for c in range(2):
        lap[c, c] = torch.tensor([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]])
    lap.requires_grad_(True)
    value = conv_gram_bound(lap, (8, 8), n_iter=10)
    value.backward()
    assert float(value.detach()) == pytest.approx(8.0, rel=1e-3)
    assert torch.isfinite(lap.grad).all()


def test_clipping_caps_the_singular_values():
    w = _weight(4).numpy()
    top = conv_norm(w, (8, 8)).value
    full = clip_conv_singular_values(w, (8, 8), 0.5 * top, keep_support=False)
    assert conv_singular_values(full, (8, 8))[0] <= 0.5 * top * (1 + 1e-10)
    cut = clip_conv_singular_values(w, (8, 8), 0.5 * top)
    assert cut.shape == w.shape
    assert conv_norm(cut, (8, 8)).value < top  # the truncated kernel is still much smaller
