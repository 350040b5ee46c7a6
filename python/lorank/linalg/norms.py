# SPDX-License-Identifier: MIT
"""Spectral norm estimates from products with A and A^H: :func:`spectral_norm`."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from lorank.errors import ArgumentError
from lorank.linalg._krylov_basis import check_count, check_tol, generator, host, random_vectors
from lorank.linalg._results import NormEstimate
from lorank.linalg.lanczos import lanczos_svd
from lorank.linalg.operators import Operator, as_operator

__all__ = ["spectral_norm"]

METHODS = ("lanczos", "power", "hmt")


def spectral_norm(
    A: Any, *, method: str = "lanczos", rtol: float = 1e-6, maxiter: int = 1000,
    n_matvecs: int = 10, failure_probability: float = 1e-3, rng: Any = None,
) -> NormEstimate:
    """Estimate ``||A||_2`` from products with A (and A^H).

    Parameters
    ----------
    method : {'lanczos', 'power', 'hmt'}
        ``'lanczos'``: Golub-Kahan-Lanczos (:func:`lanczos_svd`, k=1) to ``rtol``;
        ``'power'``: power iteration on A^H A to ``rtol`` (slower: rate (s_2/s_1)^2 per
        two products); both give a certain lower bound (``||A v||`` for a unit v) and no
        upper bound. ``'hmt'``: the randomized upper bound of Halko, Martinsson and Tropp
        (2011, Lemma 4.1, after Dixon 1983): with ``r = n_matvecs`` Gaussian vectors w_i,
        ``||A|| <= alpha sqrt(2/pi) max_i ||A w_i||`` except with probability alpha^-r;
        alpha is chosen so that this is ``failure_probability``. One batch of r products.
    rtol, maxiter : for the iterative methods.
    n_matvecs, failure_probability : for 'hmt'.

    Returns
    -------
    NormEstimate
        ``value`` (for 'hmt' the upper bound itself), ``lower``, ``upper``.
    """
    who = "spectral_norm"
    if method not in METHODS:
        msg = f"{who}: method must be one of {METHODS}, got {method!r}"
        raise ArgumentError(msg)
    op = as_operator(A, who)
    if method == "lanczos":
        res = lanczos_svd(op, 1, rtol=check_tol(rtol, who), maxiter=maxiter, rng=rng)
        value = float(res.s[0])
        return NormEstimate(value, value, math.inf, res.n_matvecs, res.converged,
                            tuple(value * (1 - h) for h in res.history), method)
    if method == "power":
        return _power_norm(op, check_tol(rtol, who), check_count(maxiter, "maxiter", who), rng)
    return _hmt(op, check_count(n_matvecs, "n_matvecs", who),
                _probability(failure_probability, who), rng)


def _probability(p: Any, who: str) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 < p < 1.0:
        msg = f"{who}: failure_probability must be in (0, 1), got {p!r}"
        raise ArgumentError(msg)
    return float(p)


def _power_norm(op: Operator, rtol: float, maxiter: int, rng: Any) -> NormEstimate:
    """Power iteration on A^H A; lower bound ||A x|| for the unit iterate x."""
    from lorank.linalg.power import power_iteration

    normal = Operator((op.shape[1], op.shape[1]), op.dtype,
                      lambda x: op.rmatmat(op.matmat(x)), None, op.xp, op.name)
    res = power_iteration(normal, rtol=rtol, maxiter=maxiter, rng=rng)
    x = res.vectors[:, 0]
    value = float(op.xp.linalg.norm(op.matmat(x)))
    history = tuple(math.sqrt(max(abs(float(v)), 0.0)) for v in [res.values[0]])
    return NormEstimate(value, value, math.inf, op.n_matvecs, res.converged, history, "power")


def _hmt(op: Operator, r: int, delta: float, rng: Any) -> NormEstimate:
    """Upper bound from r Gaussian products: ||A w|| >= s_1 |v_1^H w| for the top right
    singular vector v_1, and the law of v_1^H w bounds the chance that all r fall short."""
    gen = generator(rng)
    w = random_vectors(op, op.shape[1], r, gen)
    if op.dtype.kind == "c":
        w = w / math.sqrt(2.0)  # unit-variance complex entries: v^H w ~ CN(0, 1)
    aw = op.matmat(w)
    xp = op.xp
    norms = np.asarray(host(xp.linalg.norm(aw, axis=0)))
    w_norms = np.asarray(host(xp.linalg.norm(w, axis=0)))
    if op.dtype.kind == "c":
        # P(|v^H w| < t) = 1 - exp(-t^2) <= t^2: factor delta^(-1/(2r)).
        factor = delta ** (-0.5 / r)
    else:
        # P(|v^T w| < t) <= sqrt(2/pi) t (HMT Lemma 4.1): factor alpha sqrt(2/pi), alpha^-r = delta.
        factor = delta ** (-1.0 / r) * math.sqrt(2.0 / math.pi)
    upper = float(factor * norms.max())
    lower = float((norms / w_norms).max())
    running = tuple(float(factor * norms[: j + 1].max()) for j in range(r))
    return NormEstimate(upper, lower, upper, op.n_matvecs, True, running, "hmt")
