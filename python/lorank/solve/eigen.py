# SPDX-License-Identifier: MIT
"""The lowest eigenpairs of a Hermitian TT-matrix by DMRG-type sweeps: two-site DMRG for
one state or a few, and the one-site block TT-ALS (the block index travels with the
orthogonality center) for many states at once."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, ConvergenceWarning, RankError, ShapeError
from lorank.solve._block_residuals import block_residual_norms
from lorank.solve._checks import (
    check_count,
    check_hermitian,
    check_max_rank,
    check_states,
    check_tol,
    progress_bar,
    record_step,
    square_operator,
)
from lorank.solve._local import (
    DENSE_LIMIT,
    LocalOperator,
    lowest_eigs,
    merge_pair,
)
from lorank.solve._precond import ModeBasisPreconditioner
from lorank.solve._results import EigResult, SweepRecord
from lorank.solve._train import BlockTrain
from lorank.solve.product_start import mean_field_states
from lorank.solve.riemannian import riemannian_block
from lorank.tt.matrix import TTMatrix
from lorank.tt.sums import round_sum
from lorank.tt.tensor import TT

__all__ = ["eigsh", "residual_norms"]

METHODS = ("auto", "dmrg2", "dmrg1", "block", "riemannian")
STARTS = ("auto", "product", "random")
LEVEL_DROP = 0.1
WARMUP_RANK = 8  # rank cap of the first warm-up sweep, doubled each sweep
RIEMANNIAN_WARM_RTOL, RIEMANNIAN_WARM_SWEEPS = 1e-3, 3  # the ALS start of method='riemannian'
MODE_BLOCK_MIN, MODE_BLOCK_MAX = 8, 64  # local problems on modes of these sizes use the mode-block preconditioner
RIEMANNIAN_ENRICH = 4  # residual directions added to the tangent space's chain per interface


def _holds(shape: Sequence[int], k: int, rank: int) -> bool:
    """Whether TT ranks capped at `rank` leave every core's local problem
    ``r_{i-1} n_i r_i`` room for k orthonormal vectors."""
    return all(min(math.prod(shape[:i]), rank) * n * min(math.prod(shape[i + 1:]), rank) >= k
               for i, n in enumerate(shape))


def _given_trains(x0: Any, k: int, shape: Sequence[int], who: str) -> list[TT]:
    """x0 as a list of k trains on the operator's modes (checked)."""
    given = [x0] if isinstance(x0, TT) else list(x0)
    if len(given) != k or not all(isinstance(t, TT) for t in given):
        msg = f"{who}: x0 must be a TT (k = 1) or a sequence of k = {k} TTs"
        raise ArgumentError(msg)
    for t in given:
        if t.shape != tuple(shape):
            msg = f"{who}: x0 has shape {t.shape}, the operator acts on {tuple(shape)}"
            raise ShapeError(msg)
    return given


def _start_block(shape: Sequence[int], k: int, rank: int, max_rank: int, x0: Any,
                 rng: np.random.Generator, dtype: np.dtype, who: str) -> tuple[list[np.ndarray], np.ndarray]:
    """Cores and a block core holding k starting vectors.

    Random: one random train of the given rank whose last core, ``(r, n, 1, k)``, carries
    the k vectors. Given trains: the block train ``sum_j e_j (x) x_j`` (an extra first mode
    for the block index) rounded by the compiled TT rounding to near machine accuracy and
    max_rank, so k trains of rank r do not start the sweeps at rank k r; its block core is
    the first, ``(1, n, r, k)``."""
    d = len(shape)
    if x0 is None:
        ranks = [1] + [rank] * (d - 1) + [1]
        cores = [rng.standard_normal((ranks[i], n, ranks[i + 1])).astype(dtype)
                 for i, n in enumerate(shape)]
        block = rng.standard_normal((ranks[d - 1], shape[-1], 1, k)).astype(dtype)
        return cores, block
    given = _given_trains(x0, k, shape, who)
    # the block mode goes first: trains that share all cores but the first (as eigsh
    # returns them) then round back to their own ranks
    terms = []
    for j, t in enumerate(given):
        unit = np.zeros((1, k, 1), dtype=dtype)
        unit[0, j, 0] = 1.0 / max(float(t.norm()), 1e-300)
        terms.append(TT._trusted([unit] + [np.asarray(c, dtype=dtype) for c in t.cores]))
    stacked = round_sum(terms, rtol=1e-12, max_rank=max_rank) if k > 1 else terms[0]
    cores = [np.array(c) for c in stacked.cores]
    block = np.einsum("ps,sib->ibp", cores[0][0], cores[1])[None]
    return [block[..., 0]] + cores[2:], block


def eigsh(
    A: TTMatrix, k: int = 1, *, x0: Any = None, rtol: float = 1e-6, max_rank: int = 100,
    max_sweeps: int = 20, method: str = "auto", start: str = "auto", residuals: bool = True,
    rng: Any = None, callback: Callable[[SweepRecord], Any] | None = None, progress: bool = False,
) -> EigResult:
    """The k lowest eigenpairs of a Hermitian TT-matrix, by sweeps over its cores.

    Methods:

    - ``'dmrg2'``: two-site DMRG (White 1992; Schollwoeck 2011, Sec. 6): each pair of
      neighbouring cores is replaced by the lowest eigenvectors of the projected operator and
      split by a truncated SVD, so ranks adapt. With k > 1 the k vectors share all cores but
      the center, which carries the block index (the block TT format).
    - ``'block'``: the one-site block TT-ALS of Dolgov, Khoromskij, Oseledets, Savostyanov
      ("Computation of extreme eigenvalues in higher dimensions using block tensor train
      format", Comput. Phys. Commun. 185 (2014)): the local problem has the size of one core,
      and moving the block index by an SVD ``(r n) x (r' k)`` lets the ranks grow. Needs k > 1
      (with one vector the ranks could not change); the method of choice for large mode
      sizes (vibrational problems), where two-site problems are n times larger.
    - ``'dmrg1'``: one-site DMRG with the subspace expansion of Hubig et al. (DMRG3S, 2015):
      one-core local problems (n times smaller than two-site ones), and before each SVD the
      core is joined by a small multiple of the operator applied to it, which lets the ranks
      grow; the mixing factor is 0.3 at first, then the square root of the last sweep's
      relative eigenvalue change (at least 10 rtol).
    - ``'riemannian'``: all k vectors in one tangent space W of the TT manifold (one rank
      for the block), the approach of Rakhuba, Novikov, Oseledets ("Low-rank Riemannian
      eigensolver for high-dimensional Hamiltonians", J. Comput. Phys. 396, 2019). A vector
      of W is ``sum_k U_<k D_k V_>k``: common orthonormal chains U, V and its own core D_k
      at every site, so W holds block-TT vectors with the block index at any site. Each
      iteration is a Rayleigh-Ritz step for ``P_W A P_W`` by block Davidson (preconditioner:
      block-Jacobi over the sites, each one-core operator with its environments cut to
      their diagonals so that n x n mode blocks remain, inverted exactly with a shift below
      the Ritz values), then a retraction: the new chains are the truncated TT-SVDs of
      the block of Ritz vectors, enlarged by residual directions (AMEn-style) so ranks can
      grow, and the Ritz vectors are carried over by projection. Started from 3 loose block
      TT-ALS sweeps (rtol 1e-3) unless x0 is given. The paper's text was not available to
      us: the preconditioner, the retraction and the rank growth are our choices, not
      checked against it. Costs more per iteration than 'block' (every site at once, ranks
      ``2 r``), and gets more accuracy per rank.
    - ``'auto'``: 'dmrg2' for k = 1 or modes of size <= 4, else 'block'.

    Local problems are solved by block Davidson started from the current vectors (dense
    ``eigh`` up to 400 unknowns). In one-site problems ('block', 'dmrg1') on modes of
    size 8 to 64 (grids, vibrational bases) its preconditioner is the local operator with its
    environments cut to their diagonals, which leaves one n x n block per environment pair,
    each cut to its diagonal in one common mode basis (the eigenvectors of the block at the
    mean environment diagonals) and inverted with a shift below the Ritz values ('riemannian'
    inverts the blocks exactly); other problems (spins, two-site problems) use the point
    diagonal (Jacobi).

    Starts: 'block' and 'riemannian' begin by default (``start='auto'``) from the k product
    states of lowest mean-field energy (:func:`product_states`: Hartree/VSCF modals, then the
    lowest configurations of one modal per mode, joined by mean-field states of other wells
    of the diagonal), with no warm-up sweeps; near-separable problems (vibrations) then need
    fewer sweeps (Henon-Heiles d = 10: 3 instead of 6; d = 4: 3 instead of 9) and the run
    does not depend on ``rng``. ``start='random'`` (the default of 'dmrg2' and 'dmrg1')
    starts from a random train of rank 4 and warms up with loose sweeps at growing rank
    caps; for many states at a rank cap it can be the faster one (100 Henon-Heiles levels
    at d = 10, rank 150: 132 s in 8 sweeps vs 190 s in 3 from the product start, whose
    first sweep at full rank takes 125 s).

    Like every alternating (ALS/DMRG) method, the sweeps only find states that their
    current bases can reach: a state far from the others (displaced, or localized at a grid
    edge) can enter the block late, after sweeps at small residuals without it (the
    spurious valley state of the 28-point Henon-Heiles grid at d = 4 enters at sweep 7-17
    from random starts; the product start holds it from the outset, as a well of the
    diagonal), and a run can settle on a spectrum that misses it. Where that matters,
    compare runs from different starts (``start='random'`` with several ``rng``) or with
    more vectors than needed (k larger).

    Parameters
    ----------
    A : TTMatrix
        Hermitian, square modes. Checked: ``||A - A^H||_F <= 1e-10 ||A||_F`` in the TT
        format (cost of one TT norm at rank 2 R).
    k : int
        Number of eigenpairs (lowest first).
    x0 : TT or sequence of k TT, optional
        Starting vectors; overrides ``start``.
    rtol : float
        Relative accuracy asked of the eigenvectors: each SVD discards at most ``rtol`` of
        the local block's norm and local problems are solved to residual
        ``rtol * max(1, |theta|)``. Eigenvalues are then accurate to about ``d rtol**2``
        relative; the sweeps stop when no eigenvalue moved by more than
        ``(d - 1) max(rtol**2, 1e-15) max(1, |theta|)`` during a sweep (the size of the
        changes the truncations themselves cause).
    max_rank : int
        Cap on every TT rank.
    max_sweeps : int
        Cap on full sweeps (left to right and back; for 'riemannian', on tangent-space
        iterations); ``converged=False`` and a :class:`ConvergenceWarning` when reached.
    start : {'auto', 'product', 'random'}
        Start without x0: the k lowest mean-field product states, or a random train of rank
        min(max_rank, 4) (seeded by ``rng``); 'auto' is 'product' for 'block' and
        'riemannian', 'random' for the DMRG methods.
    residuals : bool
        Compute ``||A x - theta x||`` for each returned pair in the TT format: for the sweep
        methods, whose vectors share all cores but one, the whole block at about the cost of
        one pair (Henon-Heiles d = 10, ten levels: 30 ms instead of 0.5 s); for
        'riemannian', one TT product per pair.
    rng : int, Generator or None
        Seed of the random start (``start='random'``) and of the Riemannian method's sketches.
    callback : callable, optional
        Called with each :class:`SweepRecord`; returning True stops. For 'riemannian' it
        sees the tangent-space iterations (the records of its ALS start come first in the
        history but are not passed to it).
    progress : bool
        tqdm bar over sweeps.

    Returns
    -------
    EigResult

    Raises
    ------
    TypeError, ShapeError
        A is not a square TT-matrix.
    ArgumentError
        A is not Hermitian, or bad k, rtol, max_rank, max_sweeps, method, start, x0.
    RankError
        max_rank too small to hold k orthonormal vectors.

    Complexity: per local problem and column, O(r^3 R n^2 (1 + R n / r)) for rank r,
    operator rank R and (merged) mode size n; two-site problems merge n = n_k n_{k+1}.

    Examples
    --------
    >>> import lorank
    >>> res = lorank.solve.eigsh(lorank.models.heisenberg(10), max_rank=32, rng=0)
    >>> round(float(res.values[0]), 9)
    -4.258035207
    """
    who = "solve.eigsh"
    shape = square_operator(A, who)
    d = len(shape)
    k = check_states(k, shape, who)
    rtol = check_tol(rtol, who)
    max_rank = check_max_rank(max_rank, who)
    max_sweeps = check_count(max_sweeps, "max_sweeps", who, 1)
    if method not in METHODS:
        msg = f"{who}: method must be one of {METHODS}, got {method!r}"
        raise ArgumentError(msg)
    if method == "auto":
        method = "dmrg2" if k == 1 or max(shape) <= 4 or d == 2 else "block"
    if start not in STARTS:
        msg = f"{who}: start must be one of {STARTS}, got {start!r}"
        raise ArgumentError(msg)
    if start == "auto":
        start = "product" if method in ("block", "riemannian") else "random"
    if method == "block" and k == 1:
        msg = f"{who}: method='block' needs k > 1 (one vector cannot change the ranks); use 'dmrg2'"
        raise ArgumentError(msg)
    if d == 1:
        method = "block"
    if not _holds(shape, k, max_rank):  # the center core must be able to hold k independent vectors
        msg = f"{who}: max_rank = {max_rank} cannot represent k = {k} orthonormal vectors"
        raise RankError(msg)
    floor = next(r for r in range(1, max_rank + 1) if _holds(shape, k, r))
    check_hermitian(A, who)
    gen = np.random.default_rng(rng)
    dtype = np.result_type(A.dtype, np.float64)
    op = [np.asarray(c, dtype=dtype) for c in A.cores]
    if method == "riemannian":
        warm = None
        if x0 is None:  # a Riemannian method converges locally: start from a few loose ALS sweeps
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                warm = eigsh(A, k, rtol=max(rtol, RIEMANNIAN_WARM_RTOL), max_rank=max_rank,
                             max_sweeps=RIEMANNIAN_WARM_SWEEPS, method="block" if k > 1 else "dmrg2",
                             start=start, residuals=False, rng=gen)
        given = warm.vectors if warm is not None else _given_trains(x0, k, shape, who)
        return riemannian_block(op, k, given, rtol, max_rank, max_sweeps, residuals, callback, progress,
                                A, who, residual_norms, warm, RIEMANNIAN_WARM_RTOL, LEVEL_DROP,
                                RIEMANNIAN_ENRICH, gen)
    if x0 is None and start == "product":
        x0 = mean_field_states(op, k)[0]
    cores, block = _start_block(shape, k, max(min(max_rank, 4), floor), max_rank, x0, gen, dtype, who)
    train = BlockTrain(cores, block, op, max_rank, "last" if x0 is None else "first")
    sites = 2 if method == "dmrg2" and d > 1 else 1
    expand = method == "dmrg1"
    # warm-up sweeps (a loose tolerance, growing rank caps) only from a random start: a given
    # or product start is near the answer (Henon-Heiles d = 10, product start: 3 sweeps,
    # 0.9 s without warm-up, 5 sweeps, 1.1 s with it)
    warmup = 1e-2 if x0 is None else 0.0
    return _sweeps(train, sites, k, rtol, max_rank, max_sweeps, residuals, callback, progress,
                   A, who, warmup, expand, floor)


def _sweeps(train: BlockTrain, sites: int, k: int, rtol: float, max_rank: int, max_sweeps: int,
            want_residuals: bool, callback: Any, progress: bool, A: TTMatrix, who: str,
            warmup: float, expand: bool = False, floor: int = 1) -> EigResult:
    d = len(train.cores)
    start = time.perf_counter()
    history: list[SweepRecord] = []
    previous = None
    vals = np.full(k, np.nan)
    n_matvecs = 0
    converged = stop = False
    bar = progress_bar(progress, max_sweeps, who)
    # Each of the ~2d truncations of a sweep moves the eigenvalues by O(rtol^2): changes
    # below that size are noise, not progress.
    threshold = max(rtol**2, 1e-15) * max(d - 1, 1)
    if sites == 2:
        positions = list(range(d - 1)) + list(range(d - 3, 0, -1))
    else:
        positions = list(range(d)) + list(range(d - 2, 0, -1))
    # Early sweeps work to a looser tolerance tied to the last sweep's residual: truncating
    # a poor vector at rtol would keep large ranks full of noise and make every later local
    # problem expensive (the rank grows as the residual falls).
    level = warmup
    # DMRG3S mixing: large while the eigenvalues still move, shrinking with their change
    # (one-site local residuals say nothing about missing directions: the basis is frozen)
    mixing = 0.3
    for sweep in range(1, max_sweeps + 1):
        worst_res = worst_cut = 0.0
        tol = max(rtol, level)
        cap = max_rank if tol == rtol else min(max_rank, max(floor, WARMUP_RANK << (sweep - 1)))
        for j, i in enumerate(positions):
            vals, vecs, rel, used = _local_solve_at(train, i, k, sites, tol, 40 if tol == rtol else 10)
            n_matvecs += used
            worst_res = max(worst_res, rel)
            if d == 1:
                train.cores[0] = vecs.reshape(train.cores[0].shape)
                continue
            nxt = positions[(j + 1) % len(positions)]
            direction = "right" if nxt > i else "left"
            if sites == 1 and i == 0:
                direction = "right"
            mix = mixing if expand else 0.0
            worst_cut = max(worst_cut, train.split(vecs, i, sites, direction, tol, cap, mix))
        record = SweepRecord(sweep, vals.copy(), worst_res, worst_cut, max(train.ranks),
                             n_matvecs, time.perf_counter() - start)
        stop = record_step(history, record, bar, callback, value=float(vals[0]), rank=record.max_rank)
        level = min(level, LEVEL_DROP * worst_res)
        if previous is not None:
            change = float(np.max(np.abs(vals - previous) / np.maximum(1.0, np.abs(vals))))
            mixing = min(0.3, max(10 * rtol, np.sqrt(change)))
        if tol == rtol and previous is not None and np.all(np.abs(vals - previous) <= threshold * np.maximum(1.0, np.abs(vals))):
            converged = True
        previous = vals.copy()
        if converged or stop or d == 1:
            converged = converged or d == 1
            break
    if bar is not None:
        bar.close()
    if not converged and not stop:  # a callback's stop is the caller's choice, not a failure
        warnings.warn(f"{who}: not converged after {len(history)} sweeps (last change of the "
                      f"eigenvalues above {threshold:.1e} relative)",
                      ConvergenceWarning, stacklevel=3)
    vectors = [TT._trusted([np.ascontiguousarray(c) for c in cs]) for cs in train.vectors()]
    res = block_residual_norms(train.op, train.cores, train.center, vals) if want_residuals else np.full(k, np.nan)
    return EigResult(vals, vectors, converged, res, len(history), n_matvecs, tuple(history))


def _local_solve_at(train: BlockTrain, i: int, k: int, sites: int, rtol: float,
                    maxiter: int) -> tuple[Any, Any, float, int]:
    op = train.op[i] if sites == 1 else merge_pair(train.op[i], train.op[i + 1])
    right = train.right[i] if sites == 1 else train.right[i + 1]
    h = LocalOperator(train.left[i], op, right)
    # the mode blocks keep the couplings inside the mode (kinetic energy on a DVR grid) that
    # the point diagonal drops: fewer Davidson steps, and sweeps that converge in fewer passes
    # (Henon-Heiles d = 10 with exact blocks, six starts: median 1.8 s vs 2.6 s); the common
    # mode basis makes them cheap (0.44-0.51 vs 0.68-0.77 s with exact blocks). Small modes
    # keep the diagonal (CH3CN, modes of 6, 20 levels: 80 s vs 74 s; exact blocks on
    # Heisenberg, two-site blocks of 4: 7.0 s vs 3.8 s), and so do the merged modes of two-site
    # problems (Henon-Heiles d = 4 ground state, merged modes of 784: 28 s vs 1.1 s with
    # exact blocks).
    pre = None
    if sites == 1 and h.size > DENSE_LIMIT and MODE_BLOCK_MIN <= op.shape[1] <= MODE_BLOCK_MAX:
        pre = ModeBasisPreconditioner(train.left[i], op, right).apply
    vals, vecs, res = lowest_eigs(h, train.block(i, sites), k, rtol=rtol, maxiter=maxiter, precondition=pre)
    rel = float(np.max(res / np.maximum(1.0, np.abs(vals))))
    return vals, vecs, rel, h.n_matvecs


def residual_norms(A: TTMatrix, vectors: Sequence[TT], values: Any) -> np.ndarray:
    """``||A x_j - values[j] x_j||`` for each pair, computed in the TT format (exact product
    and sum, then an orthogonalizing norm). For unit x_j an eigenvalue of a Hermitian A lies
    within this distance of ``values[j]``."""
    out = []
    for x, v in zip(vectors, values):
        r = (A @ x) - x * float(v) if np.isrealobj(v) else (A @ x) - x * complex(v)
        out.append(float(r.norm(accurate=True)))
    return np.array(out)
