# SPDX-License-Identifier: MIT
"""Bad input: each public entry point raises its documented class, naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import TT, TTMatrix
from lorank.errors import (
    ArgumentError,
    DTypeError,
    LorankError,
    NumericalError,
    RankError,
    ShapeError,
)


@pytest.fixture
def x():
    return lorank.tt.random((2, 3, 4), 2, rng=0)


def test_error_classes_are_builtins_too():
    assert issubclass(ShapeError, ValueError) and issubclass(ShapeError, LorankError)
    assert issubclass(RankError, ValueError)
    assert issubclass(NumericalError, ArithmeticError)
    assert issubclass(DTypeError, TypeError)
    assert issubclass(lorank.errors.NotBuiltError, RuntimeError)
    assert issubclass(lorank.errors.DeviceMismatchError, ValueError)


@pytest.mark.parametrize(
    ("cores", "cls", "match"),
    [
        ([], ShapeError, "at least one core"),
        ("abc", ShapeError, "sequence of arrays"),
        ([np.ones((1, 2))], ShapeError, "must be 3-d"),
        ([np.ones((1, 0, 1))], ShapeError, "empty mode"),
        ([np.ones((2, 2, 1))], RankError, "boundary ranks must be 1"),
        ([np.ones((1, 2, 2)), np.ones((3, 2, 1))], RankError, "ranks differ between cores 0 and 1: 2 vs 3"),
        ([np.ones((1, 2, 0)), np.ones((0, 2, 1))], RankError, "ranks must be positive"),
        ([np.array([[[np.nan]]])], NumericalError, "NaN or Inf"),
        ([np.array([[[np.inf, 1.0]]])], NumericalError, "NaN or Inf"),
        ([np.array([[["a"]]])], DTypeError, "unsupported dtype"),
        ([np.array([[[object()]]], dtype=object)], DTypeError, "unsupported dtype object"),
    ],
)
def test_bad_cores(cores, cls, match):
    with pytest.raises(cls, match=match):
        TT(cores)


def test_bad_dense_input():
    with pytest.raises(ShapeError, match="at least one mode"):
        TT.from_dense(np.float64(3.0))
    with pytest.raises(ShapeError, match="empty"):
        TT.from_dense(np.ones((2, 0, 3)))
    with pytest.raises(NumericalError, match="NaN or Inf"):
        TT.from_dense(np.array([[1.0, np.nan]]))
    with pytest.raises(DTypeError):
        TT.from_dense(np.array([["a", "b"]]))


@pytest.mark.parametrize("rtol", [-0.1, 1.0, 2.0, float("nan"), "1e-3", True])
def test_bad_rtol(x, rtol):
    with pytest.raises(ArgumentError, match="rtol"):
        x.round(rtol=rtol)
    with pytest.raises(ArgumentError, match="rtol"):
        TT.from_dense(np.ones((2, 2)), rtol=rtol)


@pytest.mark.parametrize("max_rank", [0, -3, [1], [2, 0], "a", 2.5])
def test_bad_max_rank(x, max_rank):
    with pytest.raises(RankError, match="max_rank"):
        x.round(max_rank=max_rank)


def test_bad_method_and_side(x):
    with pytest.raises(ArgumentError, match="method must be one of"):
        x.round(method="qr")
    with pytest.raises(ArgumentError, match="side"):
        x.orthogonalize("up")


def test_operand_mismatch(x):
    y = lorank.tt.random((2, 3, 5), 2, rng=1)
    with pytest.raises(ShapeError, match="mode sizes differ at mode 2: 4 vs 5"):
        x + y
    with pytest.raises(ShapeError, match="mode sizes differ"):
        x.dot(y)
    with pytest.raises(ShapeError, match="numbers of modes differ"):
        x * lorank.tt.random((2, 3), 2, rng=1)
    with pytest.raises(TypeError):
        x + 1.0
    with pytest.raises(TypeError):
        x.dot(np.ones((2, 3, 4)))
    with pytest.raises(NumericalError):
        x * np.inf
    with pytest.raises(ZeroDivisionError):
        x / 0


def test_bad_indices(x):
    with pytest.raises(ShapeError, match="out of range"):
        x[2, 0, 0]
    with pytest.raises(ShapeError, match="3 integer indices"):
        x[0, 0]
    with pytest.raises(ShapeError, match="shape \\(batch, 3\\)"):
        x.at(np.zeros((4, 2), dtype=np.int64))
    with pytest.raises(ShapeError, match="out of range"):
        x.at(np.array([[0, 0, 7]]))
    with pytest.raises(ShapeError, match="integers"):
        x.at(np.zeros((1, 3)))


def test_compiled_core_checks_ranks_itself():
    """The C++ layer validates too (a caller bypassing Python must not crash it)."""
    from lorank import _core

    with pytest.raises(RankError, match="ranks differ between cores 0 and 1"):
        _core.round([np.ones((1, 2, 2)), np.ones((3, 2, 1))], 0.0, [], "svd")
    with pytest.raises(ShapeError, match="at least one core"):
        _core.dot([], [])
    with pytest.raises(ShapeError, match="out of range"):
        _core.at([np.ones((1, 2, 1))], np.array([[5]], dtype=np.int64))
    with pytest.raises(LorankError, match="rtol"):
        _core.round([np.ones((1, 2, 1))], 1.5, [], "svd")
    with pytest.raises(LorankError, match="unsupported dtype"):
        _core.dot([np.ones((1, 2, 1), dtype=np.int64)], [np.ones((1, 2, 1))])
    with pytest.raises(LorankError, match="method must be"):
        _core.round([np.ones((1, 2, 1))], 0.1, [], "nope")


def test_matrix_bad_input():
    with pytest.raises(ShapeError, match="must have shape"):
        TTMatrix.from_dense(np.ones((6, 5)), (2, 3), (2, 2))
    with pytest.raises(ShapeError, match="must be 4-d"):
        TTMatrix([np.ones((1, 2, 1))])
    a = TTMatrix.identity((2, 3))
    with pytest.raises(ShapeError, match="inner mode sizes differ at mode 1: 3 vs 4"):
        a @ lorank.tt.random((2, 4), 2, rng=0)
    with pytest.raises(TypeError):
        a.apply(np.ones(6))
    with pytest.raises(ShapeError, match="rows"):
        a.matvec_dense(np.ones(5))


def test_constructor_bad_input():
    with pytest.raises(ShapeError):
        lorank.tt.random((2, 0), 2)
    with pytest.raises(RankError):
        lorank.tt.random((2, 3), 0)
    with pytest.raises(RankError):
        lorank.tt.random((2, 3, 4), [2])
    with pytest.raises(ArgumentError):
        lorank.tt.random((2, 3), 2, rng="seed")
    with pytest.raises(ShapeError):
        lorank.tt.rank1([np.ones((2, 2))])


def test_load_rejects_foreign_file(tmp_path):
    np.savez(tmp_path / "f.npz", a=np.ones(3))
    with pytest.raises(LorankError, match="not a lorank file"):
        lorank.load(tmp_path / "f.npz")


def test_failed_call_leaves_operand_unchanged(x):
    before = [c.copy() for c in x.cores]
    with pytest.raises(RankError):
        x.round(max_rank=[1])
    for a, b in zip(before, x.cores):
        np.testing.assert_array_equal(a, b)


def test_mixed_devices_raise_without_a_gpu(monkeypatch):
    """NumPy and CuPy operands in one call raise DeviceMismatchError before any GPU work
    (checked with a stand-in class from a module named like CuPy's)."""
    import sys
    import types

    from lorank._device import array_module
    from lorank.errors import DeviceMismatchError

    fake_mod = types.ModuleType("cupy")
    monkeypatch.setitem(sys.modules, "cupy", fake_mod)
    FakeArray = type("ndarray", (), {"__module__": "cupy._core.core"})
    gpu = FakeArray()
    with pytest.raises(DeviceMismatchError, match="different devices"):
        array_module(np.ones(3), gpu, who="TT.__add__")
    x = lorank.tt.random((2, 3), 2, rng=0)
    y = TT._trusted([gpu, gpu])
    with pytest.raises(DeviceMismatchError, match="TT.dot: operands are on different devices"):
        lorank.tt.tensor._common(x, y, "TT.dot")
