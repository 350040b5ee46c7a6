# SPDX-License-Identifier: MIT
"""Low-rank matrix completion by Riemannian CG: recovery of planted low-rank matrices."""

from __future__ import annotations

import numpy as np
import pytest

from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.manifold import complete_matrix


def _planted(rng, m, n, r, n_obs, n_test):
    u, v = rng.standard_normal((m, r)), rng.standard_normal((n, r))
    idx = rng.choice(m * n, size=n_obs + n_test, replace=False)
    rows, cols = idx // n, idx % n
    vals = np.einsum("kr,kr->k", u[rows], v[cols])
    return u @ v.T, rows, cols, vals


def test_recovers_a_planted_matrix_to_rtol(rng):
    full, rows, cols, vals = _planted(rng, 150, 120, 4, 3000, 500)
    tr, te = slice(0, 3000), slice(3000, None)
    res = complete_matrix(rows[tr], cols[tr], vals[tr], shape=(150, 120), rank=4, rtol=1e-9,
                          validation=(rows[te], cols[te], vals[te]), rng=0)
    assert res.converged and res.message == "tolerance reached"
    err = np.linalg.norm(res.x.full() - full) / np.linalg.norm(full)
    assert err < 1e-8
    h = res.history
    assert h[-1].validation_error <= 1e-9 and len(h) == res.n_iter
    assert all(b.fun <= a.fun for a, b in zip(h, h[1:]))  # Armijo: monotone cost


def test_without_validation_it_stops_on_the_observed_residual(rng):
    _, rows, cols, vals = _planted(rng, 80, 90, 3, 2000, 0)
    res = complete_matrix(rows, cols, vals, shape=(80, 90), rank=3, rtol=1e-10, rng=1)
    assert res.converged
    assert np.linalg.norm(res.x.at(rows, cols) - vals) <= 1e-10 * np.linalg.norm(vals)


def test_callback_and_maxiter(rng):
    _, rows, cols, vals = _planted(rng, 60, 50, 3, 900, 0)
    seen = []
    res = complete_matrix(rows, cols, vals, shape=(60, 50), rank=3, rtol=1e-12, maxiter=50,
                          callback=lambda rec, x: seen.append(rec.iteration) or rec.iteration == 3)
    assert res.message == "stopped by callback" and seen == [1, 2, 3] and not res.converged
    res = complete_matrix(rows, cols, vals, shape=(60, 50), rank=3, rtol=1e-15, maxiter=2)
    assert res.n_iter == 2 and res.message == "maxiter reached"


def test_completion_input_errors(rng):
    with pytest.raises(ShapeError, match="one nonzero length"):
        complete_matrix([0, 1], [0], [1.0, 2.0], shape=(3, 3), rank=1)
    with pytest.raises(ShapeError, match="outside"):
        complete_matrix([0, 3], [0, 1], [1.0, 2.0], shape=(3, 3), rank=1)
    with pytest.raises(ArgumentError, match="more than once"):
        complete_matrix([0, 0], [1, 1], [1.0, 2.0], shape=(3, 3), rank=1)
    with pytest.raises(NumericalError, match="NaN"):
        complete_matrix([0, 1], [0, 1], [1.0, np.nan], shape=(3, 3), rank=1)
    with pytest.raises(ArgumentError, match="integer"):
        complete_matrix([0.0, 1.0], [0, 1], [1.0, 2.0], shape=(3, 3), rank=1)
