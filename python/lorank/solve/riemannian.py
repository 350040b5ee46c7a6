# SPDX-License-Identifier: MIT
"""A block of eigenvectors in one tangent space of the TT manifold: the Riemannian block
eigensolver (``eigsh(..., method='riemannian')``)."""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np

from lorank.errors import ConvergenceWarning
from lorank.solve._checks import progress_bar, record_step
from lorank.solve._local import lowest_eigs
from lorank.solve._results import EigResult, SweepRecord
from lorank.solve._tangent import TangentSpace, left_chain, right_chain
from lorank.tt.tensor import TT

INNER_ITERATIONS = 20  # Davidson iterations per tangent space


def _chains(trains: list[list[np.ndarray]], rtol: float, cap: int) -> tuple[list, list, float]:
    left, cut_l = left_chain(trains, rtol, cap)
    right, cut_r = right_chain(trains, rtol, cap)
    return left, right, max(cut_l, cut_r)


def riemannian_block(op: list[np.ndarray], k: int, x0: list[TT], rtol: float, max_rank: int,
                     max_iters: int, want_residuals: bool, callback: Any, progress: bool, A: Any,
                     who: str, residual_norms: Any, warm: EigResult | None, warm_rtol: float,
                     level_drop: float, enrich: int, rng: np.random.Generator) -> EigResult:
    """The loop of :func:`lorank.solve.eigsh` with ``method='riemannian'`` (documented there),
    started from the trains x0; `warm` is the ALS run that made them (its sweeps open the
    history).

    Each iteration: Rayleigh-Ritz of ``P_W A P_W`` on the tangent space W by preconditioned
    block Davidson, started from the previous Ritz vectors transported to W by orthogonal
    projection; then the retraction: the new point's chains are the truncated TT-SVD of the
    block of Ritz vectors (left chain with the block index last, right chain with it first),
    the left chain enlarged by `enrich` residual directions per interface
    (:meth:`TangentSpace.enriched`), so that ranks can grow. The last iteration (converged
    or at the cap) skips the retraction; its record has truncation 0 and the rank of the
    tangent space it searched.
    """
    d = len(op)
    dtype = np.result_type(op[0], np.float64)
    trains = [[np.asarray(c, dtype=dtype) for c in t.cores] for t in x0]
    left, right, _ = _chains(trains, 1e-12, max_rank)
    space = TangentSpace(left, right, op)
    rows = np.vstack([space.project_train(t) for t in trains])
    threshold = max(rtol**2, 1e-15) * max(d - 1, 1)
    start = time.perf_counter() - (warm.history[-1].seconds if warm is not None and warm.history else 0.0)
    history: list[SweepRecord] = list(warm.history) if warm is not None else []
    first = len(history)
    previous = None
    n_matvecs = warm.n_matvecs if warm is not None else 0
    converged = stop = False
    bar = progress_bar(progress, max_iters, who)
    # as in the sweeps, work to a looser tolerance tied to the last residual while it is large
    level = 0.0 if warm is None else float(warm_rtol)
    for it in range(1, max_iters + 1):
        tol = max(rtol, level)
        vals, vecs, res = lowest_eigs(space, rows.T, k, rtol=tol, maxiter=INNER_ITERATIONS,
                                      precondition=space.precondition)
        n_matvecs += space.n_matvecs
        worst_res = float(np.max(res / np.maximum(1.0, np.abs(vals))))
        trains = [space.train(v) for v in vecs.T]
        if tol == rtol and previous is not None and np.all(
                np.abs(vals - previous) <= threshold * np.maximum(1.0, np.abs(vals))):
            converged = True
        previous = vals.copy()
        cut, rank = 0.0, max(space.rl + space.rr)
        if not converged and it < max_iters:  # the last Ritz vectors need no new point
            left, right, cut = _chains(trains, tol, max_rank)
            space = TangentSpace(left, right, op)
            if enrich:
                space = space.enriched(trains, vals, enrich, rng)
            rows = np.vstack([space.project_train(t) for t in trains])
            rank = max(space.rl + space.rr)
        record = SweepRecord(first + it, vals.copy(), worst_res, cut, rank, n_matvecs, time.perf_counter() - start)
        stop = record_step(history, record, bar, callback, value=float(vals[0]), rank=record.max_rank)
        level = min(level, level_drop * worst_res)
        if converged or stop:
            break
    if bar is not None:
        bar.close()
    if not converged and not stop:
        warnings.warn(f"{who}: not converged after {len(history)} iterations (last change of the "
                      f"eigenvalues above {threshold:.1e} relative)", ConvergenceWarning, stacklevel=3)
    vectors = [TT._trusted([np.ascontiguousarray(c) for c in t]).round(rtol=rtol, max_rank=max_rank)
               for t in trains]
    res = residual_norms(A, vectors, vals) if want_residuals else np.full(k, np.nan)
    return EigResult(vals, vectors, converged, res, len(history), n_matvecs, tuple(history))
