# SPDX-License-Identifier: MIT
"""The CUDA DyKAF factor update (lorank._cuda.kron_update_*) against the compiled CPU kernel
and the NumPy twin, and DyKAF on CUDA tensors against DyKAF on the CPU (bench/gpu_check.sh
runs these on a lent GPU)."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import _core
from lorank._reference.kron_ksl import kron_ksl_update as twin

pytestmark = pytest.mark.gpu


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    pytest.importorskip("lorank._cuda")
    if not torch.cuda.is_available():
        pytest.skip("torch sees no CUDA device")
    return torch


def _pairs(rng, shapes, dtype):
    gs, lefts, rights = [], [], []
    for m, n in shapes:
        gs.append(rng.standard_normal((m, n)).astype(dtype))
        a, b = rng.standard_normal((m, m)), rng.standard_normal((n, n))
        lefts.append((a @ a.T / m).astype(dtype))
        r = b @ b.T
        rights.append((r / np.linalg.norm(r)).astype(dtype))
    return gs, lefts, rights


def _on_gpu(torch, arrays):
    return [torch.from_numpy(a).to("cuda") for a in arrays]


SHAPES = [(48, 32), (20, 70), (48, 32), (1, 5), (48, 32)]  # two groups and a 1-row layer


@pytest.mark.parametrize("scheme", ["ksl", "bug"])
def test_cuda_update_equals_the_cpu_kernel_float64(torch, scheme):
    from lorank._kernels import cuda_kron_update

    gs, lefts, rights = _pairs(np.random.default_rng(0), SHAPES, np.float64)
    tg, tl, tr = _on_gpu(torch, gs), _on_gpu(torch, lefts), _on_gpu(torch, rights)
    for _ in range(3):  # repeated steps: the factors keep matching
        assert all(cuda_kron_update(tg, tl, tr, 0.9, scheme))
        _core.kron_ksl_update(gs, lefts, rights, 0.9, scheme)
    torch.cuda.synchronize()
    for got, want in zip(tl + tr, lefts + rights):
        np.testing.assert_allclose(got.cpu().numpy(), want, rtol=1e-11, atol=1e-13 * np.abs(want).max())


@pytest.mark.parametrize("scheme", ["ksl", "bug"])
def test_cuda_update_float32_within_single_precision_of_the_float64_twin(torch, scheme):
    from lorank._kernels import cuda_kron_update

    gs, lefts, rights = _pairs(np.random.default_rng(1), [(256, 128)] * 3, np.float64)
    tg, tl, tr = (_on_gpu(torch, [a.astype(np.float32) for a in arrays]) for arrays in (gs, lefts, rights))
    assert all(cuda_kron_update(tg, tl, tr, 0.95, scheme))
    twin(gs, lefts, rights, 0.95, scheme)
    for got, want in zip(tl + tr, lefts + rights):
        assert np.abs(got.cpu().numpy() - want).max() <= 2e-5 * np.abs(want).max()


@pytest.mark.parametrize("scheme", ["ksl", "bug"])
def test_a_degenerate_pair_stays_unchanged_while_its_group_updates(torch, scheme):
    from lorank._kernels import cuda_kron_update

    gs, lefts, rights = _pairs(np.random.default_rng(2), [(16, 8)] * 3, np.float64)
    gs[1][:] = 0
    lefts[1][:] = 0  # K = 0 (KSL) and |L| = 0 (BUG): the CPU kernel leaves this pair alone
    tg, tl, tr = _on_gpu(torch, gs), _on_gpu(torch, lefts), _on_gpu(torch, rights)
    before = [x.clone() for x in (tl[1], tr[1])]
    assert all(cuda_kron_update(tg, tl, tr, 0.9, scheme))
    _core.kron_ksl_update(gs, lefts, rights, 0.9, scheme)
    assert torch.equal(tl[1], before[0]) and torch.equal(tr[1], before[1])
    for k in (0, 2):
        np.testing.assert_allclose(tl[k].cpu().numpy(), lefts[k], rtol=1e-11)
        np.testing.assert_allclose(tr[k].cpu().numpy(), rights[k], rtol=1e-11)


def test_half_precision_and_cpu_tensors_are_left_to_the_caller(torch):
    from lorank._kernels import cuda_kron_update

    half = [torch.ones(4, 3, device="cuda", dtype=torch.float16)]
    cpu = [torch.ones(4, 3, dtype=torch.float64)]
    assert cuda_kron_update(half, [torch.eye(4, device="cuda", dtype=torch.float16)],
                            [torch.eye(3, device="cuda", dtype=torch.float16)], 0.9, "ksl") == [False]
    assert cuda_kron_update(cpu, [torch.eye(4, dtype=torch.float64)], [torch.eye(3, dtype=torch.float64)],
                            0.9, "ksl") == [False]


@pytest.mark.parametrize("update", ["bug", "ksl"])
def test_dykaf_factors_on_cuda_equal_those_on_the_cpu(torch, update):
    # Fixed gradients, so that both runs fold the same ones in (the parameters themselves
    # may differ: eigh's basis of a factor's null space is not unique).
    from lorank.nn import DyKAF

    gen = torch.Generator().manual_seed(3)
    shapes = [(24, 12), (24, 12), (5, 24), (24,)]
    grads = [[torch.randn(*s, generator=gen, dtype=torch.float64) for s in shapes] for _ in range(6)]

    def run(device):
        params = [torch.zeros(*s, dtype=torch.float64, device=device, requires_grad=True) for s in shapes]
        opt = DyKAF(params, lr=1e-2, precondition_frequency=2, update=update)
        for step in grads:
            for p, g in zip(params, step):
                p.grad = g.to(device)
            opt.step()
        return [(opt.state[p]["L"], opt.state[p]["R"]) for p in params[:3]]

    for (lg, rg), (lc, rc) in zip(run("cuda"), run("cpu")):
        assert lg.is_cuda
        np.testing.assert_allclose(lg.cpu().numpy(), lc.numpy(), rtol=1e-10, atol=1e-12 * float(lc.abs().max()))
        np.testing.assert_allclose(rg.cpu().numpy(), rc.numpy(), rtol=1e-10, atol=1e-12 * float(rc.abs().max()))
