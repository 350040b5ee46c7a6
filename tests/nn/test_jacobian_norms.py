# SPDX-License-Identifier: MIT
"""Jacobian 2->inf and 1->2 penalties against the dense Jacobian, gradients included."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lorank.nn import jacobian_norm_2inf, jacobian_norm_12  # noqa: E402


def _net(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(12, 16), torch.nn.Tanh(),
                               torch.nn.Linear(16, 5)).double()


def _dense(net, x):
    return torch.autograd.functional.jacobian(net, x, create_graph=True)  # (5, 12)


@pytest.mark.parametrize(("penalty", "axis"), [(jacobian_norm_2inf, 1), (jacobian_norm_12, 0)])
def test_penalty_value_and_gradient_match_the_dense_jacobian(penalty, axis):
    net = _net(0)
    x = torch.randn(12, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    # A small Jacobian and a generous budget: the search finds the largest row/column.
    got = penalty(net, x, n_matvecs=61, rng=0)
    jac = _dense(net, x)
    norms = jac.norm(dim=axis)
    want = norms.max()
    assert float(got.detach()) == pytest.approx(float(want.detach()), rel=1e-12)
    params = list(net.parameters())  # the last bias does not enter the Jacobian: no gradient
    g_got = torch.autograd.grad(got, params, allow_unused=True)
    g_want = torch.autograd.grad(want, params, allow_unused=True)
    assert g_got[3] is None and g_want[3] is None
    for a, b in zip(g_got[:3], g_want[:3]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-12)


def test_penalty_is_a_lower_bound_with_a_small_budget():
    net = _net(2)
    x = torch.randn(12, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    true = float(_dense(net, x).detach().norm(dim=1).max())
    for seed in range(10):
        assert float(jacobian_norm_2inf(net, x, n_matvecs=3, rng=seed).detach()) <= true * (1 + 1e-12)
