# SPDX-License-Identifier: MIT
"""The local mode-block preconditioners against dense NumPy constructions."""

from __future__ import annotations

import numpy as np

from lorank.solve._precond import ModeBasisPreconditioner, ModePreconditioner, shift_below


def _hermitian(rng, n):
    m = rng.standard_normal((n, n))
    return m + m.T


def _environment(rng, r, channels):
    return np.stack([_hermitian(rng, r) for _ in range(channels)], axis=1)  # (r, channel, r)


def _mode_blocks(left, op, right):
    """B_ab = sum L[a, z, a] A[z, :, :, y] R[b, y, b], by loops."""
    a_, b_, n = left.shape[0], right.shape[0], op.shape[1]
    blocks = np.zeros((a_, b_, n, n))
    for a in range(a_):
        for b in range(b_):
            for z in range(op.shape[0]):
                for y in range(op.shape[3]):
                    blocks[a, b] += left[a, z, a] * op[z, :, :, y] * right[b, y, b]
    return blocks


def test_basis_preconditioner_matches_dense(rng):
    left, right = _environment(rng, 3, 2), _environment(rng, 4, 3)
    op = np.stack([np.stack([_hermitian(rng, 5) for _ in range(3)], axis=-1) for _ in range(2)])
    pre = ModeBasisPreconditioner(left, op, right)
    blocks = _mode_blocks(left, op, right)
    mean = np.einsum("z,zijy,y->ij", np.einsum("aza->az", left).mean(0), op,
                     np.einsum("byb->by", right).mean(0))
    u = np.linalg.eigh(mean)[1]
    theta = np.array([-1.0, 0.5])
    sigma, delta = shift_below(theta)
    res = rng.standard_normal((2, 3 * 5 * 4))
    got = pre.apply(res, theta).reshape(2, 3, 5, 4)
    r = res.reshape(2, 3, 5, 4)
    for a in range(3):
        for b in range(4):
            d = np.maximum(np.diag(u.T @ blocks[a, b] @ u) - sigma, delta)
            want = (u / d) @ u.T @ r[:, a, :, b].T
            np.testing.assert_allclose(got[:, a, :, b], want.T, atol=1e-12)


def test_basis_preconditioner_is_exact_when_blocks_share_eigenvectors(rng):
    kinetic = _hermitian(rng, 6)
    eye = np.eye(6)
    op = np.zeros((2, 6, 6, 2))  # channel pairs: (0, 0) kinetic, (1, 1) and (0, 1) identities
    op[0, :, :, 0], op[1, :, :, 1], op[0, :, :, 1] = kinetic, eye, 2 * eye
    left, right = _environment(rng, 3, 2), _environment(rng, 2, 2)
    left[:, 0, :] = np.eye(3)  # identity environments on the kinetic channel: B_ab = K + c_ab I
    right[:, 0, :] = np.eye(2)
    res = rng.standard_normal((3, 3 * 6 * 2))
    theta = np.array([-20.0, -19.0, -18.5])
    exact = ModePreconditioner(left, op, right).apply(res, theta)
    np.testing.assert_allclose(ModeBasisPreconditioner(left, op, right).apply(res, theta), exact, atol=1e-10)
