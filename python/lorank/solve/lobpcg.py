# SPDX-License-Identifier: MIT
"""Manifold-preconditioned LOBPCG (MP LOBPCG): the lowest eigenpairs of a Hermitian
TT-matrix, each eigenvector a TT of its own rank, the residuals preconditioned by inexact
shifted solves restricted to the tangent space of the TT manifold at the current vector."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, ConvergenceWarning
from lorank.linalg._krylov_basis import generator
from lorank.solve._checks import (
    check_count,
    check_hermitian,
    check_max_rank,
    check_tol,
    progress_bar,
    record_step,
    square_operator,
    start_trains,
)
from lorank.solve._precond import shift_below
from lorank.solve._results import EigResult, SweepRecord
from lorank.solve._ritz import OVERSAMPLE, combine, rayleigh_ritz, unit
from lorank.solve._tangent import TangentSpace
from lorank.solve.eigen import residual_norms
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["lobpcg"]

STALL = 0.5  # a projected residual that fell by less than this factor has met its floor
LEVEL_DROP, LOOSEST = 0.1, 1e-2  # rounding tolerance of a vector: its relative gradient times 0.1


def _tangent_space(x: TT, op: list[np.ndarray]) -> TangentSpace:
    """The tangent space of the TT manifold at x (its left- and right-orthogonal chains)."""
    left = x.orthogonalize("left").cores[:-1]
    right = x.orthogonalize("right").cores[1:]
    return TangentSpace([np.asarray(c) for c in left], [np.asarray(c) for c in right], op)


def manifold_correction(x: TT, theta: float, block: np.ndarray, op: list[np.ndarray],
                        inner_steps: int, enrich: int, rng: np.random.Generator) -> tuple[TT | None, float, int]:
    """The manifold preconditioner applied to the residual of the unit vector x: an
    approximate solution z of ``P_T (A - sigma) P_T z = P_T (A x - theta x)`` in the
    tangent space T at x (enlarged by `enrich` residual directions per interface), sigma
    below the block's Ritz values (:func:`shift_below`). Block-Jacobi over the tangent
    components (the mode-block inverse of each one-core operator) preconditions
    ``inner_steps`` conjugate-gradient steps on the coupled projected system; z is then
    made orthogonal to x. Returns z as a TT (ranks 2r + enrich; None when z is zero), the
    norm of the projected residual and the number of tangent products."""
    space = _tangent_space(x, op)
    cores = [np.asarray(c) for c in x.cores]
    if enrich:
        space = space.enriched([cores], np.array([theta]), enrich, rng)
    xrow = space.project_train(cores)[0]
    res = space.project_train(cores, op)[0] - theta * xrow
    sigma, _ = shift_below(block)

    def shifted(v: np.ndarray) -> np.ndarray:
        return space.apply_rows(v[None])[0] - sigma * v

    def precondition(v: np.ndarray) -> np.ndarray:
        return space.precondition(v[None], block)[0]

    z = precondition(res)
    if inner_steps:
        r = res - shifted(z)
        p = precondition(r)
        rz = np.vdot(r, p).real
        for _ in range(inner_steps):
            q = shifted(p)
            curvature = np.vdot(p, q).real
            if curvature <= 0 or rz <= 0:  # sigma above the projected spectrum: stop
                break
            alpha = rz / curvature
            z, r = z + alpha * p, r - alpha * q
            t = precondition(r)
            rz, previous = np.vdot(r, t).real, rz
            p = t + (rz / previous) * p
    z = z - np.vdot(xrow, z) * xrow
    w = TT._trusted(space.train(z)) if np.any(z) else None
    return w, float(np.linalg.norm(res)), space.n_matvecs


def lobpcg(
    A: TTMatrix, x0: Sequence[TT], *, k: int | None = None, rtol: float = 1e-6, max_rank: int = 100, maxiter: int = 100,
    inner_steps: int = 3, enrich: int = 4, residuals: bool = True, rng: Any = None,
    callback: Callable[[SweepRecord], Any] | None = None, progress: bool = False,
) -> EigResult:
    """The k lowest eigenpairs of a Hermitian TT-matrix by the
    manifold-preconditioned LOBPCG of Rakhuba and Oseledets ("Calculating vibrational spectra
    of molecules using tensor train decomposition", J. Chem. Phys. 145, 124101, 2016).

    Each eigenvector is a TT of its own rank (no common block rank). One iteration:

    1. for every vector x_j of the block, the residual ``A x_j - theta_j x_j`` is
       projected onto the tangent space T_j of the TT manifold at x_j and preconditioned
       by an inexact solve of the shifted system restricted to T_j,
       ``P_T (A - sigma) P_T w_j = P_T r_j`` (:func:`manifold_correction`: block-Jacobi over
       the tangent components plus ``inner_steps`` CG steps; sigma below the block's Ritz
       values). The correction w_j is a tangent vector, a TT of rank ``2 r_j``: the
       manifold preconditioner keeps the search directions as small as the iterates;
    2. Rayleigh-Ritz for A on the span of ``[X, W, P]`` (Knyazev's LOBPCG, SIAM J. Sci.
       Comput. 23, 2001), its Gram and projected matrices from TT inner products
       ``<y, z>`` and ``<y, A z>`` (never forming ``A z``);
    3. the new vectors ``X C_X + W C_W + P C_P`` and the new directions ``W C_W + P C_P``
       to relative accuracy rtol under max_rank: terms whose norms add up to at most
       rtol / 2 are dropped (near convergence most coefficients are tiny), the rest is
       rounded to rtol / 2 (large sums by randomized rounding), under max_rank and at most
       twice the largest rank of the block plus 10 (ranks may double per iteration).
       While the projected residual g of x_j is large, its sums use the looser tolerance
       ``min(1e-2, 0.1 g / max(1, |theta|))`` in place of rtol: early iterates are not
       worth high ranks (without it the ranks of Henon-Heiles d = 10 hit the cap in the
       first iterations and the run took 1.5-2x longer).

    A pair has settled when its Ritz value fell by at most ``(d - 1) max(rtol**2, 1e-15)
    max(1, |theta|)`` in the iteration (exact LOBPCG lowers every Ritz value; a rise is the
    rounding's noise) and the norm g of its projected residual was at most
    ``sqrt(d - 1) rtol max(1, |theta|)`` or fell by less than half since the previous
    iteration (its floor: the rounding to rtol leaves a residual of about rtol times the
    operator's norm). A small decrease alone can precede a large one, while g is still
    large (g**2 / gap estimates the eigenvalue's error). The run has converged when the k
    wanted pairs have settled in the same iteration. Every vector of the block gets a
    correction in every iteration (no locking: a pair frozen early stops improving).

    Parameters
    ----------
    A : TTMatrix
        Hermitian, square modes (checked in the TT format, as in :func:`eigsh`).
    x0 : sequence of TT
        The starting block (m >= k vectors); a few loose sweeps of
        ``eigsh(A, m, rtol=1e-2)`` make a good start (LOBPCG from random trains needs many
        iterations).
    k : int, optional
        Number of wanted pairs (default m). The other m - k vectors are guards: they are
        iterated like the rest but not waited for and not returned. A block that ends
        inside a cluster of close eigenvalues converges slowly at its end and can miss a
        member of the cluster (LOBPCG's subspace is only as good as its start); two or
        three guards past the wanted levels avoid both.
    rtol : float
        Rounding tolerance of the iterates and the stopping test above.
    max_rank : int
        Cap on every TT rank of every vector.
    maxiter : int
        Cap on iterations (``converged=False`` and a :class:`ConvergenceWarning` when met).
    inner_steps : int
        CG steps of the tangent-space solve (0: the block-Jacobi preconditioner alone).
    enrich : int
        Residual directions added to the tangent space per interface (AMEn-style,
        :meth:`TangentSpace.enriched`), so that the corrections can raise the ranks; 0 keeps
        the plain tangent space, whose iterates can stall at a critical point of the
        Rayleigh quotient on the fixed-rank manifold (a small projected residual, a large
        true one).
    rng : int, Generator or None
        Seed of the enrichment's random sketches.
    residuals : bool
        Compute ``||A x - theta x||`` for each returned pair.
    callback, progress
        As in :func:`eigsh` (records per iteration, all m values; ``residual`` is the
        largest g relative to ``max(1, |theta|)``).

    Returns
    -------
    EigResult
        Ritz values ascending, unit vectors, residuals and the per-iteration history.

    Notes
    -----
    Cost per iteration for a block of m vectors of rank r, operator rank R: m tangent solves
    (``inner_steps + 2`` products with ``P_T A P_T``, each O(d n^2 R r^3)), (3m)^2 inner
    products and bilinear forms at ranks up to 2r, and 2m rounded sums.
    The paper's text beyond its abstract was not available to us: the tangent-space system,
    its block-Jacobi preconditioner and the CG steps follow the abstract's description
    (linear systems solved inexactly along the manifold) and are our choices.

    Examples
    --------
    >>> import lorank
    >>> h = lorank.models.henon_heiles(3, 10)
    >>> start = lorank.solve.eigsh(h, 4, rtol=1e-2, max_rank=10, rng=0).vectors
    >>> res = lorank.solve.lobpcg(h, start, rtol=1e-6, max_rank=20)
    >>> bool(res.converged and res.residuals.max() < 1e-3)
    True
    """
    who = "solve.lobpcg"
    shape = square_operator(A, who)
    xs = start_trains(x0, shape, who)
    rtol = check_tol(rtol, who)
    max_rank = check_max_rank(max_rank, who)
    maxiter = check_count(maxiter, "maxiter", who, 1)
    inner_steps = check_count(inner_steps, "inner_steps", who, 0)
    enrich = check_count(enrich, "enrich", who, 0)
    gen = generator(rng)
    m, d = len(xs), len(shape)
    k = m if k is None else check_count(k, "k", who, 1, m)
    if m > int(np.prod(shape, dtype=float)):
        msg = f"{who}: the block of {m} vectors exceeds the dimension {int(np.prod(shape))} of the space"
        raise ArgumentError(msg)
    check_hermitian(A, who)
    op = [np.asarray(c) for c in A.cores]
    threshold = max(rtol**2, 1e-15) * max(d - 1, 1)
    start, history, n_matvecs = time.perf_counter(), [], 0
    theta, coef, gram = rayleigh_ritz(A, xs, m)
    if theta.size < m:
        msg = f"{who}: the {m} starting vectors are linearly dependent"
        raise ArgumentError(msg)
    xs = [unit(combine(xs, coef[:, j], gram, rtol, max_rank)) for j in range(m)]
    ps: list[TT | None] = [None] * m
    converged = stop = False
    previous = np.full(m, np.inf)
    bar = progress_bar(progress, maxiter, who)
    for it in range(1, maxiter + 1):
        ws, gradients = [], np.zeros(m)
        for j in range(m):
            w, gradients[j], used = manifold_correction(xs[j], float(theta[j]), theta, op, inner_steps,
                                                        enrich, gen)
            n_matvecs += used
            if w is not None:
                ws.append(w)
        directions = ws + [p for p in ps if p is not None]
        basis = xs + directions
        new_theta, coef, gram = rayleigh_ritz(A, basis, m)
        n_matvecs += len(basis)
        # ranks may double per iteration: the sketches stay as small as the iterates allow
        cap = min(max_rank, 2 * max(max(x.ranks) for x in xs) + OVERSAMPLE)
        # while a residual is large its vector is rounded more loosely (as the sweeps do)
        tols = np.maximum(rtol, np.minimum(LOOSEST, LEVEL_DROP * gradients / np.maximum(1.0, np.abs(theta))))
        xs = [unit(combine(basis, coef[:, j], gram, tols[j], cap)) for j in range(m)]
        ps = [_direction(directions, coef[m:, j], gram[m:, m:], tols[j], cap) for j in range(m)]
        scale = np.maximum(1.0, np.abs(new_theta))
        small = (gradients <= np.sqrt(threshold) * scale) | (gradients >= STALL * previous)
        settled = (theta - new_theta <= threshold * scale) & small
        previous = gradients
        theta = new_theta
        record = SweepRecord(it, theta.copy(), float(np.max(gradients / scale)), 0.0,
                             max(max(x.ranks) for x in xs), n_matvecs, time.perf_counter() - start)
        stop = record_step(history, record, bar, callback, value=float(theta[0]), rank=record.max_rank)
        converged = bool(settled[:k].all())
        if converged or stop:
            break
    if bar is not None:
        bar.close()
    if not converged and not stop:
        warnings.warn(f"{who}: not converged after {maxiter} iterations ({int(np.sum(~settled[:k]))} of the "
                      f"{k} wanted pairs still moving)", ConvergenceWarning, stacklevel=2)
    theta, xs = theta[:k], xs[:k]
    res = residual_norms(A, xs, theta) if residuals else np.full(k, np.nan)
    return EigResult(np.asarray(theta), xs, converged, np.asarray(res), len(history), n_matvecs,
                     tuple(history))


def _direction(trains: list[TT], coef: np.ndarray, gram: np.ndarray, rtol: float, max_rank: int) -> TT | None:
    """LOBPCG's next search direction ``W C_W + P C_P`` (None when there is none)."""
    if not trains or not np.any(coef):
        return None
    return combine(trains, coef, gram, rtol, max_rank)
