# SPDX-License-Identifier: MIT
"""The compiled fused factor update against its NumPy twin."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import _core
from lorank._reference.kron_ksl import kron_ksl_update as twin
from lorank.errors import LorankError, ShapeError


@pytest.mark.parametrize("scheme", ["ksl", "bug"])
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-13), (np.float32, 2e-5)])
def test_grouped_update_matches_the_twin(rng, dtype, tol, scheme):
    shapes = [(7, 5), (3, 9), (16, 16), (1, 4)]
    gs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    lefts = [(lambda a: a @ a.T)(rng.standard_normal((m, m))).astype(dtype) for m, _ in shapes]
    rights = []
    for _, n in shapes:
        r = (lambda a: a @ a.T)(rng.standard_normal((n, n)))
        rights.append((r / np.linalg.norm(r)).astype(dtype))
    ref_l, ref_r = [x.copy() for x in lefts], [x.copy() for x in rights]
    for _ in range(3):
        _core.kron_ksl_update(gs, lefts, rights, 0.9, scheme)
        twin(gs, ref_l, ref_r, 0.9, scheme)
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
    with pytest.raises(LorankError, match="scheme"):
        _core.kron_ksl_update([np.ones((3, 2))], [np.eye(3)], [np.eye(2)], 0.5, "dmrg")
    # the Galerkin step leaves zero-gradient factors at their decayed product too
    left, right = np.eye(3), np.eye(2) / np.sqrt(2)
    _core.kron_ksl_update([np.zeros((3, 2))], [left], [right], 0.5, "bug")
    np.testing.assert_allclose(np.kron(left, right), 0.5 * np.kron(np.eye(3), np.eye(2) / np.sqrt(2)))


def test_galerkin_step_is_the_projection_of_the_new_fisher(rng):
    """The 'bug' step's S is <U (x) V, F_new> for the bases it computed: check it against
    the dense F_new = beta L (x) R + w vec(G) vec(G)^T, and the bases against the K- and
    L-step products written with dense Kronecker algebra."""
    g = rng.standard_normal((5, 3))
    a, b = rng.standard_normal((5, 5)), rng.standard_normal((3, 3))
    left, right = a @ a.T, b @ b.T / np.linalg.norm(b @ b.T)
    f_new = 0.8 * np.kron(left, right) + 0.2 * np.outer(g.ravel(), g.ravel())
    new_l, new_r = left.copy(), right.copy()
    _core.kron_ksl_update([g], [new_l], [new_r], 0.8, "bug")
    u = new_l / np.linalg.norm(new_l)
    v = new_r / np.linalg.norm(new_r)
    s = float(np.sum(np.kron(u, v) * f_new))
    np.testing.assert_allclose(np.kron(new_l, new_r), s * np.kron(u, v), rtol=1e-12)
    # K = F_new applied (in the rearrangement) to the old R^, M likewise to the old L^
    def rearranged_apply(f, x, side):
        r = f.reshape(5, 3, 5, 3).transpose(0, 2, 1, 3).reshape(25, 9)
        return (r @ x.ravel()).reshape(5, 5) if side == "left" else (r.T @ x.ravel()).reshape(3, 3)
    k = rearranged_apply(f_new, right / np.linalg.norm(right), "left")
    m = rearranged_apply(f_new, left / np.linalg.norm(left), "right")
    np.testing.assert_allclose(u, k / np.linalg.norm(k), atol=1e-12)
    np.testing.assert_allclose(v, m / np.linalg.norm(m), atol=1e-12)
