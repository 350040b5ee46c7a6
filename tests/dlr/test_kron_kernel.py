# SPDX-License-Identifier: MIT
"""The compiled fused factor update against its NumPy twin."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import _core
from lorank._reference.kron_ksl import kron_ksl_update as twin
from lorank.errors import LorankError, ShapeError


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-13), (np.float32, 2e-5)])
def test_grouped_update_matches_the_twin(rng, dtype, tol):
    shapes = [(7, 5), (3, 9), (16, 16), (1, 4)]
    gs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    lefts = [(lambda a: a @ a.T)(rng.standard_normal((m, m))).astype(dtype) for m, _ in shapes]
    rights = []
    for _, n in shapes:
        r = (lambda a: a @ a.T)(rng.standard_normal((n, n)))
        rights.append((r / np.linalg.norm(r)).astype(dtype))
    ref_l, ref_r = [x.copy() for x in lefts], [x.copy() for x in rights]
    for _ in range(3):
        _core.kron_ksl_update(gs, lefts, rights, 0.9)
        twin(gs, ref_l, ref_r, 0.9)
    for a, b in zip(lefts + rights, ref_l + ref_r):
        assert a.dtype == dtype
        assert np.abs(a - b).max() <= tol * np.abs(b).max()


def test_zero_gradient_and_bad_input():
    left, right = np.eye(3), np.eye(2) / np.sqrt(2)
    _core.kron_ksl_update([np.zeros((3, 2))], [left], [right], 0.5)
    np.testing.assert_allclose(np.kron(left, right), 0.5 * np.kron(np.eye(3), np.eye(2) / np.sqrt(2)))
    with pytest.raises(ShapeError, match="writeable C-contiguous"):
        _core.kron_ksl_update([np.ones((3, 2))], [np.ones((3, 3), np.float32)], [np.eye(2)], 0.5)
    with pytest.raises(ShapeError, match="writeable C-contiguous"):
        _core.kron_ksl_update([np.ones((3, 2))], [np.eye(3)[:, ::-1]], [np.eye(2)], 0.5)
    with pytest.raises(ShapeError, match="equal lengths"):
        _core.kron_ksl_update([np.ones((3, 2))], [], [], 0.5)
    with pytest.raises(LorankError, match="beta"):
        _core.kron_ksl_update([np.ones((3, 2))], [np.eye(3)], [np.eye(2)], 1.0)
