# SPDX-License-Identifier: MIT
"""The compiled batched Hermitian eigenvalue kernel against its NumPy twin: both the AVX2
reduction (orders <= 80) and LAPACK's hetrd route (larger orders, extreme scales, the
baseline instruction set)."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import _core, errors
from lorank._reference.eigvalsh import batched_eigvalsh as twin
from tests.core._baseline import run_without_avx2


def _hermitian_stack(count: int, n: int, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal((count, n, n)) + 1j * rng.standard_normal((count, n, n))
    return x @ x.conj().transpose(0, 2, 1)


def _check(a: np.ndarray, rtol: float = 1e-13) -> None:
    got = _core.batched_eigvalsh(a)
    want = twin(a)
    assert got.shape == want.shape and got.dtype == np.float64
    scale = np.maximum(np.abs(want).max(axis=-1, keepdims=True), 1e-300)
    assert np.all(np.abs(got - want) <= rtol * scale)


@pytest.mark.parametrize("n", [1, 2, 3, 17, 64, 80, 81, 160])
def test_random_gram_stacks(n: int, rng: np.random.Generator) -> None:
    _check(_hermitian_stack(6, n, rng))


def test_leading_axes_and_only_the_lower_triangle_is_read(rng: np.random.Generator) -> None:
    a = _hermitian_stack(12, 20, rng).reshape(3, 4, 20, 20)
    lower = np.tril(a) + np.triu(np.full_like(a, 7.0 + 3.0j), 1)  # garbage above
    _check(lower)
    assert _core.batched_eigvalsh(lower).shape == (3, 4, 20)
    np.testing.assert_allclose(_core.batched_eigvalsh(lower), twin(a), rtol=0,
                               atol=1e-13 * np.abs(twin(a)).max())


def test_strided_stacks_are_read_in_place(rng: np.random.Generator) -> None:
    a = _hermitian_stack(24, 9, rng).reshape(4, 6, 9, 9)
    view = a[1:4, ::2]  # a strided stack of contiguous matrices
    np.testing.assert_array_equal(_core.batched_eigvalsh(view),
                                  _core.batched_eigvalsh(np.ascontiguousarray(view)))
    _check(view)
    transposed = a.transpose(0, 1, 3, 2)  # matrices not contiguous: copied, conj(A) = A^T
    np.testing.assert_allclose(_core.batched_eigvalsh(transposed), twin(a), rtol=0,
                               atol=1e-13 * np.abs(twin(a)).max())


@pytest.mark.parametrize("kind", ["diagonal", "repeated", "graded", "rank_one", "zero"])
def test_structured_spectra(kind: str, rng: np.random.Generator) -> None:
    n = 40
    q, _ = np.linalg.qr(rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)))
    if kind == "diagonal":  # already tridiagonal: every reflector is the identity
        a = np.diag(rng.standard_normal(n)).astype(complex)
    elif kind == "zero":
        a = np.zeros((n, n), complex)
    else:
        vals = {"repeated": np.r_[np.full(6, 2.0), np.linspace(0, 1, n - 6)],
                "graded": np.logspace(-12, 0, n),
                "rank_one": np.r_[1.0, np.zeros(n - 1)]}[kind]
        a = (q * vals) @ q.conj().T
    _check(a[None])


@pytest.mark.parametrize("scale", [2.0**600, 2.0**-600])
def test_extreme_scales_take_lapack(scale: float, rng: np.random.Generator) -> None:
    _check(_hermitian_stack(3, 30, rng) * scale)


def test_real_input_is_converted_and_bad_input_rejected(rng: np.random.Generator) -> None:
    b = rng.standard_normal((5, 9, 9))
    _check((b @ b.transpose(0, 2, 1)).astype(float))
    assert _core.batched_eigvalsh(np.zeros((0, 4, 4), complex)).shape == (0, 4)
    with pytest.raises(errors.ShapeError, match=r"\(\.\.\., n, n\)"):
        _core.batched_eigvalsh(np.ones((3, 4), complex))
    bad = np.eye(4, dtype=complex)
    bad[2, 1] = np.nan
    with pytest.raises(errors.NumericalError, match="non-finite"):
        _core.batched_eigvalsh(bad[None])


def test_baseline_instruction_set() -> None:
    code = (
        "import numpy as np; from lorank import _core; "
        "from tests.core.test_batched_eigvalsh import _check, _hermitian_stack; "
        "assert _core._simd_level() == 'baseline'; "
        "rng = np.random.default_rng(3); "
        "[_check(_hermitian_stack(4, n, rng)) for n in (5, 64, 100)]"
    )
    run_without_avx2(code)
