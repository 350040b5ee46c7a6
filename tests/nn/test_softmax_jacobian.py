# SPDX-License-Identifier: MIT
"""The differentiable softmax-Jacobian norm: values against dense eigenvalues, gradients
against finite differences through softmax."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lorank.nn import softmax_jacobian_penalty, softmax_jacobian_spectral_norm  # noqa: E402


def test_values_match_dense_eigenvalues(rng):
    z = torch.as_tensor(rng.standard_normal((3, 4, 7)) * 2)
    p = torch.softmax(z, dim=-1)
    got = softmax_jacobian_spectral_norm(p).numpy()
    want = np.array([[np.linalg.eigvalsh(np.diag(r) - np.outer(r, r))[-1] for r in b]
                     for b in p.numpy()])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_gradient_through_softmax_matches_finite_differences(rng):
    z = torch.as_tensor(rng.standard_normal((2, 6)), dtype=torch.float64).requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda t: softmax_jacobian_spectral_norm(torch.softmax(t, dim=-1)), (z,),
        eps=1e-6, atol=1e-8)


def test_penalty_trains_attention_towards_smaller_norms(rng):
    z = torch.as_tensor(rng.standard_normal((4, 8)), dtype=torch.float64).requires_grad_(True)
    opt = torch.optim.SGD([z], lr=1.0)
    start = float(softmax_jacobian_penalty(torch.softmax(z, -1)).detach())
    for _ in range(50):
        opt.zero_grad()
        loss = softmax_jacobian_penalty(torch.softmax(z, -1))
        loss.backward()
        opt.step()
    assert float(loss.detach()) < 0.75 * start
