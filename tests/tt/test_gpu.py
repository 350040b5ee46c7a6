# SPDX-License-Identifier: MIT
"""TTs with CuPy cores: results on the GPU equal the CPU results (run by bench/gpu_check.sh)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import lorank

pytestmark = pytest.mark.gpu


@pytest.fixture
def cp():
    import cupy

    return cupy


def test_gpu_roundtrip_and_round(cp):
    x = lorank.tt.random([4] * 12, 8, rng=0)
    s = x + x * 0.5
    g = s.to("cuda")
    assert g.device == "cuda"
    y = g.round(rtol=1e-10)
    cpu = s.round(rtol=1e-10)
    assert y.ranks == cpu.ranks == x.round(rtol=1e-10).ranks  # 8, capped by the modes at the ends
    np.testing.assert_allclose(y.to("cpu").full(), cpu.full(), atol=1e-10)
    assert g.norm() == pytest.approx(s.norm(), rel=1e-12)
    assert g.dot(g) == pytest.approx(s.dot(s), rel=1e-12)


def test_gpu_tt_svd(cp):
    a = lorank.tt.random((4, 5, 6, 3), 3, rng=1).full()
    x = lorank.TT.from_dense(cp.asarray(a), rtol=1e-10)
    assert x.device == "cuda" and x.ranks == (1, 3, 3, 3, 1)
    np.testing.assert_allclose(x.to("cpu").full(), a, atol=1e-10)


def test_gpu_entries_kernel(cp):
    x = lorank.tt.random([3] * 10, 7, rng=2)
    idx = np.random.default_rng(0).integers(0, 3, size=(1000, 10))
    want = x.at(idx)
    got = x.to("cuda").at(cp.asarray(idx))
    np.testing.assert_allclose(cp.asnumpy(got), want, rtol=1e-12)


def test_cuda_module_built_when_cupy_present():
    assert importlib.util.find_spec("lorank._cuda") is not None
    from lorank import _cuda

    assert _cuda.device_count() >= 1


def test_mixing_devices_raises(cp):
    x = lorank.tt.random((2, 3), 2, rng=0)
    with pytest.raises(lorank.errors.DeviceMismatchError):
        x + x.to("cuda")


def test_gpu_maxvol_matches_the_cpu(cp):
    rng = np.random.default_rng(5)
    a = rng.standard_normal((500, 12)) * rng.uniform(0.1, 3.0, size=(500, 1))
    rows, coef = lorank.linalg.maxvol(a, tol=1.0)
    g_rows, g_coef = lorank.linalg.maxvol(cp.asarray(a), tol=1.0)
    np.testing.assert_array_equal(cp.asnumpy(g_rows), rows)
    np.testing.assert_allclose(cp.asnumpy(g_coef), coef, atol=1e-10)
    dependent = np.column_stack([a[:, 0], a[:, 1], a[:, 0] - a[:, 1]])
    with pytest.raises(lorank.errors.RankError, match="column 2"):
        lorank.linalg.maxvol(cp.asarray(dependent))


def test_gpu_default_round_is_the_bond_parallel_sweep(cp):
    x = lorank.tt.random([4] * 20, 12, rng=3)
    g = x.to("cuda")
    y, info = g.round(max_rank=6, return_info=True)
    assert info.method == "gram-sim" and y.device == "cuda"
    want, want_info = x.round(max_rank=6, method="gram-sim", return_info=True)
    assert y.ranks == want.ranks
    host = y.to("cpu")
    assert (host - want).norm(accurate=True) <= 1e-10 * want.norm()
    err = (x - host).norm(accurate=True)
    assert info.error == pytest.approx(err, rel=1e-6)
    assert want_info.error == pytest.approx(err, rel=1e-6)
    # Below its accuracy the request goes to the sequential sweep, as on the CPU.
    z, info2 = g.round(rtol=1e-10, return_info=True)
    assert info2.method == "orth-gram"
    assert z.ranks == x.round(rtol=1e-10).ranks


def test_gpu_norm_and_sum_one_transfer_paths(cp):
    x = lorank.tt.random([3] * 40, 9, rng=4) * 1e3
    g = x.to("cuda")
    assert g.norm() == pytest.approx(x.norm(), rel=1e-12)
    assert g.sum() == pytest.approx(x.sum(), rel=1e-10)
    assert g.dot(g * 2.0) == pytest.approx(x.dot(x * 2.0), rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_gpu_bond_parallel_round_mixed_shapes(cp, dtype):
    # float64 runs the C++-issued cuBLAS sweeps, complex128 the CuPy ones: both against NumPy.
    x = lorank.tt.random((3, 5, 2, 4, 6, 3), [3, 7, 6, 9, 4], rng=5, dtype=dtype)
    want, want_info = x.round(max_rank=[2, 4, 3, 5, 3], method="gram-sim", return_info=True)
    y, info = x.to("cuda").round(max_rank=[2, 4, 3, 5, 3], method="gram-sim", return_info=True)
    assert info.method == want_info.method == "gram-sim"
    assert y.ranks == want.ranks
    np.testing.assert_allclose(y.to("cpu").full(), want.full(), atol=1e-10)
    assert info.error == pytest.approx(want_info.error, rel=1e-8)


def test_gpu_dot_of_a_long_train_keeps_its_scale(cp):
    # The same tensor with the first 200 cores times 8 and the last 200 over 8: the partial
    # Gram products reach 8^400 ~ 1e361, beyond double, unless rescaled as they go.
    base = lorank.tt.random([2] * 400, 5, rng=6)
    x = lorank.TT.from_cores([c * (8.0 if k < 200 else 0.125) for k, c in enumerate(base.cores)])
    g = x.to("cuda")
    assert g.norm() == pytest.approx(base.norm(), rel=1e-11)
    assert g.dot(base.to("cuda") * 0.5) == pytest.approx(base.dot(base) * 0.5, rel=1e-11)
    huge = lorank.TT.from_cores([c * 8.0 for c in base.cores])  # ||huge|| ~ 8^400 ||base||
    assert huge.to("cuda").norm(log=True) == pytest.approx(huge.norm(log=True), rel=1e-12)


def test_gpu_volume_potential_equals_the_cpu_one(cp):
    from lorank.qtt import newton_potential

    rng = np.random.default_rng(3)
    for kwargs in ({}, {"wavenumber": 4.0}):
        op = newton_potential(24, **kwargs)
        f = rng.standard_normal((24, 24, 24))
        got = op(cp.asarray(f))
        assert isinstance(got, cp.ndarray)
        np.testing.assert_allclose(cp.asnumpy(got), op(f), atol=1e-12 * np.abs(op(f)).max())
