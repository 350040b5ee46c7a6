# SPDX-License-Identifier: MIT
"""Riemannian autodiff against the explicit projection of the dense Euclidean gradient, and
the optimizers on problems with a closed-form answer."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import lorank  # noqa: E402
from lorank.errors import ArgumentError, NumericalError  # noqa: E402
from lorank.manifold import (  # noqa: E402
    FixedRankMatrix,
    FixedRankTT,
    minimize,
    riemannian_grad,
)


def _loss_matrix(target):
    t = torch.as_tensor(target)
    return lambda x: 0.5 * ((x.full() - t) ** 2).sum() + (x.full() ** 3).sum() / 30


def test_matrix_gradient_equals_the_projected_euclidean_gradient(rng):
    man = FixedRankMatrix(8, 6, 2)
    x = man.random_point(rng)
    target = rng.standard_normal((8, 6))
    f = _loss_matrix(target)
    value, grad = riemannian_grad(f, man, x)
    dense = torch.as_tensor(x.full()).requires_grad_(True)
    loss = 0.5 * ((dense - torch.as_tensor(target)) ** 2).sum() + (dense**3).sum() / 30
    (g,) = torch.autograd.grad(loss, dense)
    want = man.tangent_full(x, man.project(x, g.numpy()))
    np.testing.assert_allclose(man.tangent_full(x, grad), want, atol=1e-10)
    assert value == pytest.approx(float(loss.detach()), rel=1e-12)


def test_tt_gradient_equals_the_projected_euclidean_gradient(rng):
    shape = (3, 4, 3, 2)
    man = FixedRankTT(shape, (1, 2, 3, 2, 1))
    x = man.random_point(rng)
    idx = np.column_stack([rng.integers(0, n, 25) for n in shape])
    vals = torch.as_tensor(rng.standard_normal(25))

    def f(t):
        return 0.5 * ((t.at(idx) - vals) ** 2).sum() + 0.1 * t.norm() ** 2 + t.full().sum() ** 2

    value, grad = riemannian_grad(f, man, x)
    dense = torch.as_tensor(x.tt.full()).requires_grad_(True)
    at = dense[tuple(torch.as_tensor(idx).T)]
    loss = 0.5 * ((at - vals) ** 2).sum() + 0.1 * (dense**2).sum() + dense.sum() ** 2
    (g,) = torch.autograd.grad(loss, dense)
    want = man.tangent_tt(x, man.project(x, g.numpy())).full()
    np.testing.assert_allclose(man.tangent_tt(x, grad).full(), want, atol=1e-10)
    assert value == pytest.approx(float(loss.detach()), rel=1e-12)


@pytest.mark.parametrize("method", ["rcg", "rgd", "rtr"])
def test_minimize_finds_the_best_rank_r_approximation(rng, method):
    # min 1/2 ||X - A||^2 over rank 3: the truncated SVD of A (Eckart-Young).
    a = rng.standard_normal((20, 15)) @ np.diag(0.7 ** np.arange(15)) @ rng.standard_normal((15, 15))
    man = FixedRankMatrix(20, 15, 3)
    t = torch.as_tensor(a)
    res = minimize(lambda x: 0.5 * ((x.full() - t) ** 2).sum(), man, man.random_point(rng),
                   method=method, rtol=1e-9, maxiter=2000)
    assert res.converged, res.message
    u, s, vh = np.linalg.svd(a)
    np.testing.assert_allclose(res.x.full(), (u[:, :3] * s[:3]) @ vh[:3], atol=1e-7)
    assert res.fun == pytest.approx(0.5 * (s[3:] ** 2).sum(), rel=1e-9)


def test_minimize_on_tt_recovers_a_low_rank_tensor(rng):
    shape = (4, 4, 4, 4)
    truth = lorank.tt.random(shape, 2, rng=3)
    man = FixedRankTT(shape, (1, 2, 2, 2, 1))
    t = torch.as_tensor(truth.full())
    res = minimize(lambda x: 0.5 * ((x.full() - t) ** 2).sum(), man, man.random_point(4),
                   rtol=1e-8, maxiter=500)
    assert res.converged
    assert (res.x.tt - truth).norm(accurate=True) <= 1e-6 * truth.norm()


def test_bad_losses_are_reported(rng):
    man = FixedRankMatrix(4, 3, 1)
    x = man.random_point(rng)
    with pytest.raises(ArgumentError, match="scalar"):
        riemannian_grad(lambda p: p.full(), man, x)
    with pytest.raises(NumericalError, match="nan"):
        riemannian_grad(lambda p: p.full().sum() * float("nan"), man, x)
    with pytest.raises(ArgumentError, match="method"):
        minimize(lambda p: p.full().sum(), man, x, method="newton")


def test_hvp_matches_finite_differences_of_the_riemannian_gradient(rng):
    # d/dt [transport of grad f(R_x(t xi)) back to x] at t = 0 equals Hess f(x)[xi] for the
    # projection transport (Absil et al. 2008, Prop. 5.5.4 / 8.1.2 style): checked by a
    # central difference of the projected gradients.
    from lorank.manifold import riemannian_hvp

    man = FixedRankMatrix(9, 7, 3)
    x = man.random_point(rng)
    xi = man.random_tangent(x, rng)
    target = torch.as_tensor(rng.standard_normal((9, 7)))

    def f(p):
        full = p.full()
        return 0.5 * ((full - target) ** 2).sum() + (full**4).sum() / 12

    hv = riemannian_hvp(f, man, x, xi)
    h = 1e-5
    grads = []
    for t in (h, -h):
        y = man.retract(x, xi, t)
        _, g = riemannian_grad(f, man, y)
        grads.append(man.tangent_full(x, man.transport(x, y, g)))
    fd = (grads[0] - grads[1]) / (2 * h)
    np.testing.assert_allclose(man.tangent_full(x, hv), fd, atol=1e-6 * np.abs(fd).max())
    # Symmetric: <eta, Hess xi> = <Hess eta, xi>.
    eta = man.random_tangent(x, 9)
    assert man.inner(x, eta, hv) == pytest.approx(man.inner(x, riemannian_hvp(f, man, x, eta), xi),
                                                  rel=1e-10)


def test_trust_region_converges_in_few_iterations(rng):
    a = rng.standard_normal((20, 15)) @ np.diag(0.7 ** np.arange(15)) @ rng.standard_normal((15, 15))
    man = FixedRankMatrix(20, 15, 3)
    t = torch.as_tensor(a)
    x0 = man.random_point(rng)
    loss = lambda x: 0.5 * ((x.full() - t) ** 2).sum() + (x.full() ** 4).sum() / 40  # noqa: E731
    newton = minimize(loss, man, x0, method="rtr", rtol=1e-10, maxiter=200)
    # (CG to 1e-7: below that its Armijo test runs into the rounding of f.)
    cg = minimize(loss, man, x0, method="rcg", rtol=1e-7, maxiter=2000)
    assert newton.converged and cg.converged
    assert newton.fun == pytest.approx(cg.fun, rel=1e-9)
    assert newton.n_iter < cg.n_iter / 2
    h = [rec.grad_norm for rec in newton.history]
    assert h[-1] <= 1e-3 * h[-2] or h[-2] <= 1e-6 * h[0]  # superlinear at the end


def _tt_quartic(rng, shape):
    """(f on TorchTT points, the same loss on dense tensors)."""
    target = torch.as_tensor(rng.standard_normal(shape))

    def dense_loss(full):
        return 0.5 * ((full - target) ** 2).sum() + (full**4).sum() / 12

    return (lambda p: dense_loss(p.full())), dense_loss


def test_tt_hvp_is_the_derivative_of_the_riemannian_gradient(rng):
    """Central differences of P_x grad f(R_x(t xi)) converge to it at rate h^2 (so the
    curvature term is in); the projected Euclidean Hessian alone is far off."""
    from lorank.manifold import riemannian_hvp

    shape = (3, 4, 3, 2)
    man = FixedRankTT(shape, (1, 2, 3, 2, 1))
    x = man.random_point(rng)
    xi = man.project(x, rng.standard_normal(shape))
    f, dense_loss = _tt_quartic(rng, shape)
    got = man.tangent_tt(x, riemannian_hvp(f, man, x, xi)).full()
    errors = []
    for h in (1e-3, 1e-4):
        grads = []
        for t in (h, -h):
            y = man.retract(x, xi, t)
            _, g = riemannian_grad(f, man, y)
            grads.append(man.tangent_tt(x, man.transport(x, y, g)).full())
        fd = (grads[0] - grads[1]) / (2 * h)
        errors.append(np.abs(got - fd).max() / np.abs(fd).max())
    assert errors[1] < 1e-4 and errors[1] < 0.02 * errors[0]  # O(h^2): exact limit
    dense = torch.as_tensor(x.tt.full())
    xi_full = torch.as_tensor(man.tangent_tt(x, xi).full())
    hess_xi = torch.autograd.functional.hvp(dense_loss, dense, xi_full)[1]
    euclid = man.tangent_tt(x, man.project(x, hess_xi.numpy())).full()
    assert np.abs(euclid - got).max() > 0.1 * np.abs(got).max()
    eta = man.project(x, rng.standard_normal(shape))
    assert man.inner(x, eta, riemannian_hvp(f, man, x, xi)) == pytest.approx(
        man.inner(x, riemannian_hvp(f, man, x, eta), xi), rel=1e-10)


def test_trust_region_on_tt_beats_cg_in_iterations(rng):
    shape = (4, 3, 4, 3)
    man = FixedRankTT(shape, (1, 2, 2, 2, 1))
    f, _ = _tt_quartic(rng, shape)
    x0 = man.random_point(rng)
    newton = minimize(f, man, x0, method="rtr", rtol=1e-9, maxiter=100)
    cg = minimize(f, man, x0, method="rcg", rtol=1e-7, maxiter=3000)
    assert newton.converged and cg.converged
    assert newton.n_iter < cg.n_iter / 2
    h = [rec.grad_norm for rec in newton.history]
    assert h[-1] <= 1e-3 * h[-2] or h[-2] <= 1e-6 * h[0]  # superlinear at the end
