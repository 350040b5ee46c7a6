# SPDX-License-Identifier: MIT
"""Gradients of the differentiable cross against closed forms and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import lorank  # noqa: E402
import lorank.nn  # noqa: E402

SHAPE = (6, 5, 7, 6)


def total(cores):
    """Sum of all entries: each core contracted with a vector of ones."""
    v = torch.ones(1, dtype=cores[0].dtype)
    for c in cores:
        v = v @ c.sum(dim=1)
    return v[0]


def family(theta):
    h = torch.tensor([0.3, 0.2, 0.25, 0.1], dtype=torch.float64)
    return lambda idx: 1.0 / (theta + (idx.to(torch.float64) * h).sum(dim=1))


def dense_sums(theta):
    grid = np.indices(SHAPE).reshape(4, -1).T @ np.array([0.3, 0.2, 0.25, 0.1])
    return (1.0 / (theta + grid)).sum(), (-1.0 / (theta + grid) ** 2).sum()


@pytest.mark.parametrize("method", ["greedy", "maxvol"])
def test_gradient_matches_the_closed_form(method):
    theta = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    cores, res = lorank.nn.differentiable_cross(family(theta), SHAPE, rtol=1e-10, rng=0,
                                                method=method)
    value = total(cores)
    value.backward()
    want, dwant = dense_sums(1.5)
    assert res.converged
    assert abs(value.item() - want) <= 1e-8 * abs(want)
    assert abs(theta.grad.item() - dwant) <= 1e-6 * abs(dwant)


def test_gradient_matches_finite_differences_of_sampled_values():
    # Gradients with respect to the sampled values themselves: f = g(idx) + w[idx_0]. The
    # one-site sweeps keep the same index sets under a small perturbation (the greedy
    # search may not), so the finite differences see the same interpolation formula.
    w = torch.linspace(0.0, 1.0, SHAPE[0], dtype=torch.float64, requires_grad=True)
    base = family(torch.tensor(2.0, dtype=torch.float64))

    def f(idx):
        return base(idx) * (1.0 + w[idx[:, 0]])

    cores, _ = lorank.nn.differentiable_cross(f, SHAPE, rtol=1e-10, rng=1, method="maxvol")
    total(cores).backward()
    eps = 1e-6
    for i in range(SHAPE[0]):
        bump = torch.zeros_like(w)
        bump[i] = eps
        with torch.no_grad():
            up = total(lorank.nn.differentiable_cross(
                lambda idx: base(idx) * (1.0 + (w + bump)[idx[:, 0]]), SHAPE, rtol=1e-10, rng=1,
                method="maxvol")[0])
            down = total(lorank.nn.differentiable_cross(
                lambda idx: base(idx) * (1.0 + (w - bump)[idx[:, 0]]), SHAPE, rtol=1e-10, rng=1,
                method="maxvol")[0])
        fd = (up - down).item() / (2 * eps)
        assert abs(w.grad[i].item() - fd) <= 1e-5 * max(1.0, abs(fd))


@pytest.mark.parametrize("method", ["dmrg", "amen"])
def test_methods_without_fiber_cores_are_refused(method):
    with pytest.raises(lorank.errors.ArgumentError, match=method):
        lorank.nn.differentiable_cross(family(torch.tensor(1.0)), SHAPE, method=method)


def test_tt_at_matches_the_numpy_train():
    x = lorank.tt.random(SHAPE, 3, rng=0)
    cores = [torch.from_numpy(np.array(c)) for c in x.cores]
    idx = np.random.default_rng(0).integers(0, 5, (50, 4))
    np.testing.assert_allclose(lorank.nn.tt_at(cores, idx).numpy(), x.at(idx), atol=1e-13)
    with pytest.raises(lorank.errors.ShapeError, match="idx"):
        lorank.nn.tt_at(cores, idx[:, :3])


def test_example_fits_the_parameter(capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "differentiable_cross.py"
    spec = importlib.util.spec_from_file_location("differentiable_cross_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert abs(float(last.split()[2]) - 2.5) < 1e-8


def test_modes_of_size_one_keep_their_gradient():
    theta = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    h = torch.tensor([0.3, 0.2, 0.25, 0.1], dtype=torch.float64)

    def f(idx):  # the shape (6, 1, 5, 7, 1, 6): modes 1 and 4 of size 1
        return 1.0 / (theta + (idx[:, [0, 2, 3, 5]].to(torch.float64) * h).sum(dim=1))

    cores, res = lorank.nn.differentiable_cross(f, (6, 1, 5, 7, 1, 6), rtol=1e-10, rng=0)
    assert res.tt.shape == (6, 1, 5, 7, 1, 6) and [c.shape[1] for c in cores] == [6, 1, 5, 7, 1, 6]
    value = total(cores)
    value.backward()
    want, dwant = dense_sums(1.5)
    assert abs(value.item() - want) <= 1e-8 * abs(want)
    assert abs(theta.grad.item() - dwant) <= 1e-6 * abs(dwant)
