# SPDX-License-Identifier: MIT
"""DyKAF, SOAP and Shampoo against NumPy computations of their steps."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lorank import dlr  # noqa: E402
from lorank.errors import ArgumentError  # noqa: E402
from lorank.nn import SOAP, DyKAF, Shampoo  # noqa: E402


def _feed(opt, params, grads):
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = g.clone()
        opt.step()


@pytest.fixture
def grads():
    g = torch.Generator().manual_seed(0)
    return [(torch.randn(6, 4, generator=g, dtype=torch.float64),
             torch.randn(4, generator=g, dtype=torch.float64)) for _ in range(8)]


@pytest.mark.parametrize("update", ["bug", "ksl"])
def test_dykaf_factors_follow_the_projector_splitting_tracker(grads, update):
    w = torch.zeros(6, 4, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    opt = DyKAF([w, b], lr=1e-3, shampoo_beta=0.9, precondition_frequency=3, update=update)
    _feed(opt, [w, b], grads)
    tracker = dlr.KroneckerFactors((6, 4), beta=0.9, scheme=update)
    for gw, _ in grads:
        tracker.update(gw.numpy())
    state = opt.state[w]
    np.testing.assert_allclose(np.kron(state["L"].numpy(), state["R"].numpy()), tracker.kron(),
                               rtol=1e-10, atol=1e-14)


def test_non_matrix_parameters_follow_adam(grads):
    b = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    ref = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    for cls in (DyKAF, SOAP, Shampoo):
        b.data.zero_()
        ref.data.zero_()
        opt = cls([b], lr=1e-2, betas=(0.9, 0.99), eps=1e-8)
        adam = torch.optim.Adam([ref], lr=1e-2, betas=(0.9, 0.99), eps=1e-8)
        _feed(opt, [b], [(gb,) for _, gb in grads])
        _feed(adam, [ref], [(gb,) for _, gb in grads])
        torch.testing.assert_close(b, ref, rtol=1e-12, atol=1e-14)


def test_soap_without_rotation_is_adam_after_its_first_step(grads):
    w = torch.zeros(6, 4, dtype=torch.float64, requires_grad=True)
    ref = torch.zeros(6, 4, dtype=torch.float64, requires_grad=True)
    opt = SOAP([w], lr=1e-2, betas=(0.9, 0.99), max_precond_dim=2)  # both sides above the cap
    adam = torch.optim.Adam([ref], lr=1e-2, betas=(0.9, 0.99), eps=1e-8)
    _feed(opt, [w], [(gw,) for gw, _ in grads])
    _feed(adam, [ref], [(gw,) for gw, _ in grads[1:]])  # SOAP's first step only sets the factors
    torch.testing.assert_close(w, ref, rtol=1e-12, atol=1e-14)


def test_soap_step_in_the_eigenbasis():
    # square gradients: G G^T and G^T G are generically nondegenerate, so the bases are
    # unique up to signs (which the step does not see)
    gen = torch.Generator().manual_seed(3)
    g0, g1 = (torch.randn(5, 5, generator=gen, dtype=torch.float64) for _ in range(2))
    w = torch.zeros(5, 5, dtype=torch.float64, requires_grad=True)
    opt = SOAP([w], lr=0.1, betas=(0.0, 0.0), shampoo_beta=0.5, eps=1e-12)
    _feed(opt, [w], [(g0,), (g1,)])
    # after the first step the bases are the eigenvectors of G0 G0^T and G0^T G0; with
    # betas = 0 the second step is sign-like in that basis: Q_L sign(Q_L^T G1 Q_R) Q_R^T
    a0, a1 = g0.numpy(), g1.numpy()
    ql = np.linalg.eigh(a0 @ a0.T)[1]
    qr = np.linalg.eigh(a0.T @ a0)[1]
    rot = ql.T @ a1 @ qr
    expected = -0.1 * ql @ (rot / (np.abs(rot) + 1e-12)) @ qr.T
    np.testing.assert_allclose(w.detach().numpy(), expected, atol=1e-9)


def test_shampoo_step_against_numpy(grads):
    w = torch.zeros(6, 4, dtype=torch.float64, requires_grad=True)
    opt = Shampoo([w], lr=0.1, betas=(0.0, 0.0), shampoo_beta=0.0, matrix_eps=1e-6, eps=1e-12)
    _feed(opt, [w], [(grads[0][0],)])
    g = grads[0][0].numpy()

    def inv_root(a):
        vals, vecs = np.linalg.eigh(a)
        vals = np.maximum(vals, 0) + 1e-6 * vals.max()
        return (vecs * vals**-0.25) @ vecs.T

    d = inv_root(g @ g.T) @ g @ inv_root(g.T @ g)
    adam = g / (np.abs(g) + 1e-12)
    expected = -0.1 * d * np.linalg.norm(adam) / np.linalg.norm(d)
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-8)


def test_nan_gradient_skips_the_step(grads):
    w = torch.zeros(6, 4, dtype=torch.float64, requires_grad=True)
    for cls in (DyKAF, SOAP, Shampoo):
        opt = cls([w], lr=1e-2)
        _feed(opt, [w], [(grads[0][0],), (grads[1][0],)])
        before_w = w.detach().clone()
        before = {k: (v.clone() if torch.is_tensor(v) else v) for k, v in opt.state[w].items()}
        bad = grads[2][0].clone()
        bad[0, 0] = float("nan")
        w.grad = bad
        with pytest.warns(RuntimeWarning, match="NaN or Inf"):
            opt.step()
        torch.testing.assert_close(w.detach(), before_w)
        for k, v in opt.state[w].items():
            if torch.is_tensor(v):
                torch.testing.assert_close(v, before[k])
            else:
                assert v == before[k]


def test_training_reduces_the_loss_and_float32_uses_the_kernel():
    torch.manual_seed(0)
    x = torch.randn(256, 20)
    y = (x[:, :3].sum(1) > 0).long()
    for cls in (DyKAF, SOAP, Shampoo):
        torch.manual_seed(1)
        net = torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Linear(32, 2))
        opt = cls(net.parameters(), lr=3e-3)
        first = None
        for _ in range(100):
            loss = torch.nn.functional.cross_entropy(net(x), y)
            first = loss.item() if first is None else first
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert loss.item() < 0.6 * first, cls.__name__
        if cls is DyKAF:
            state = opt.state[net[0].weight]
            assert state["L"].dtype == torch.float32 and torch.isfinite(state["L"]).all()


def test_bad_hyperparameters():
    w = torch.zeros(3, 3, requires_grad=True)
    for cls in (DyKAF, SOAP, Shampoo):
        with pytest.raises(ArgumentError, match="lr"):
            cls([w], lr=0)
        with pytest.raises(ArgumentError, match="betas"):
            cls([w], betas=(1.0, 0.9))
        with pytest.raises(ArgumentError, match="precondition_frequency"):
            cls([w], precondition_frequency=0)
        with pytest.raises(ArgumentError, match="shampoo_beta"):
            cls([w], shampoo_beta=1.5)
    with pytest.raises(ArgumentError, match="update"):
        DyKAF([w], update="adam")


def test_factored_second_moment_is_a_per_group_option():
    a = torch.nn.Parameter(torch.randn(4, 3))
    b = torch.nn.Parameter(torch.randn(4, 3))
    opt = DyKAF([{"params": [a]}, {"params": [b], "factored_second_moment": False}], lr=1e-3)
    for _ in range(3):
        a.grad, b.grad = torch.randn(4, 3), torch.randn(4, 3)
        opt.step()
    assert "l" in opt.state[a] and "l" not in opt.state[b]


def test_rank_one_second_moment_against_numpy():
    """The rank-one moment l r^T after a few steps, against a NumPy transcription of its
    update (basis update from the old vectors, Galerkin scale), fed the rotated squares."""
    torch.manual_seed(3)
    w = torch.nn.Parameter(torch.zeros(5, 3, dtype=torch.float64))
    opt = DyKAF([w], lr=1e-3, betas=(0.9, 0.8), eps=1e-6, precondition_frequency=100)
    l_ref, r_ref = np.full(5, 1e-6), np.full(3, 1e-6)
    for t in range(4):
        w.grad = torch.randn(5, 3, dtype=torch.float64)
        state = opt.state[w]
        if t > 0:  # the first step only initializes; later ones rotate by the fixed bases
            rot = (state["QL"].T @ w.grad @ state["QR"]).numpy()
            sq = rot * rot
            nl, nr = np.linalg.norm(l_ref), np.linalg.norm(r_ref)
            lh, rh = l_ref / nl, r_ref / nr
            ln = 0.8 * nl * nr * lh + 0.2 * sq @ rh
            rn = 0.8 * nl * nr * rh + 0.2 * sq.T @ lh
            ln, rn = ln / np.linalg.norm(ln), rn / np.linalg.norm(rn)
            c = 0.8 * (ln @ lh) * (rn @ rh) * nl * nr + 0.2 * ln @ sq @ rn
            l_ref, r_ref = ln * np.sqrt(c), rn * np.sqrt(c)
        opt.step()
    np.testing.assert_allclose(np.outer(opt.state[w]["l"].numpy(), opt.state[w]["r"].numpy()),
                               np.outer(l_ref, r_ref), rtol=1e-12)


@pytest.mark.parametrize("scheme", ["ksl", "bug"])
def test_factor_steps_on_tensors_match_the_compiled_kernel(scheme):
    """The steps DyKAF runs on tensors the kernel does not take (GPU, half precision) are
    the NumPy twin's code applied to tensors: same factors as the kernel."""
    from lorank import _core
    from lorank._reference.kron_ksl import bug_step, ksl_step

    rng = np.random.default_rng(4)
    g = rng.standard_normal((6, 4))
    a, b = rng.standard_normal((6, 6)), rng.standard_normal((4, 4))
    left, right = a @ a.T, b @ b.T / np.linalg.norm(b @ b.T)
    tl, tr = torch.from_numpy(left.copy()), torch.from_numpy(right.copy())
    (bug_step if scheme == "bug" else ksl_step)(torch.from_numpy(g), tl, tr, 0.9)
    _core.kron_ksl_update([g], [left], [right], 0.9, scheme)
    np.testing.assert_allclose(tl.numpy(), left, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tr.numpy(), right, rtol=1e-12, atol=1e-14)
