# SPDX-License-Identifier: MIT
"""Product (rank-1) starting vectors for the TT eigensolvers: the mean-field (Hartree, in
vibrational work VSCF) ground state of a TT-matrix and its lowest one-mode excitations."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank.solve._checks import check_count, check_hermitian, check_states, square_operator
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["product_states"]


def _mode_operator(left: np.ndarray, core: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``sum L[alpha] A[alpha, :, :, beta] R[beta]``, made exactly Hermitian."""
    a, n, m, b = core.shape
    h = ((left @ core.reshape(a, n * m * b)).reshape(n * m, b) @ right).reshape(n, m)
    return 0.5 * (h + h.conj().T)


def _expectation(env: np.ndarray, core: np.ndarray, psi: np.ndarray, side: str) -> np.ndarray:
    """The operator-bond vector one core further: ``<psi| A[alpha, :, :, beta] |psi>``
    contracted with env on the alpha side ('left') or the beta side ('right')."""
    a, n, m, b = core.shape
    if side == "left":
        t = (psi.conj() @ (env @ core.reshape(a, n * m * b)).reshape(n, m * b)).reshape(m, b)
        return psi @ t
    return ((core.reshape(a * n * m, b) @ env).reshape(a, n, m) @ psi) @ psi.conj()


def _fixed_environments(cores: list[np.ndarray], psi: list[np.ndarray], side: str) -> list[np.ndarray]:
    """Operator-bond environments of the product of the functions psi: entry j holds the
    cores left of j ('left') or right of j ('right')."""
    d = len(cores)
    envs = [np.ones(1, dtype=cores[0].dtype)] * d
    order = range(d - 1) if side == "left" else range(d - 1, 0, -1)
    for j in order:
        envs[j + 1 if side == "left" else j - 1] = _expectation(envs[j], cores[j], psi[j], side)
    return envs


def _lowest_configurations(excitations: list[np.ndarray], k: int) -> list[tuple[float, tuple[int, ...]]]:
    """The k index tuples with the smallest sums ``sum_j excitations[j][m_j]`` (each array
    ascending from 0), with their sums, by best-first search from the all-zero tuple."""
    first = (0,) * len(excitations)
    heap = [(0.0, first)]
    seen = {first}
    out: list[tuple[float, tuple[int, ...]]] = []
    while len(out) < k:
        energy, cfg = heapq.heappop(heap)
        out.append((energy, cfg))
        for j, m in enumerate(cfg):
            if m + 1 < excitations[j].size:
                nxt = cfg[:j] + (m + 1,) + cfg[j + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    energy = float(sum(e[i] for e, i in zip(excitations, nxt)))
                    heapq.heappush(heap, (energy, nxt))
    return out


def product_states(A: TTMatrix, k: int = 1, *, sweeps: int = 3) -> tuple[list[TT], np.ndarray]:
    """k product states of lowest mean-field energy: a start for the TT eigensolvers.

    The mean-field (Hartree; VSCF in vibrational structure theory) ground state
    ``psi_1 (x) ... (x) psi_d`` is found by sweeps over the modes: each ``psi_j`` becomes the
    lowest eigenvector of the mode operator ``h_j``, the operator averaged over the other
    modes' current functions (contracted through the operator's TT ranks), starting from
    uniform functions. Each mode's ``h_j`` then gives its functions (modals) and excitation
    energies; the k configurations (one modal per mode) of lowest summed excitation energy,
    ground first, are returned as rank-1 trains with their energies
    ``E_0 + sum_j (eps_j[m_j] - eps_j[0])``, E_0 the mean-field energy.

    States in other wells: the uniform start settles in one well of the potential, and its
    configurations miss states localized elsewhere (on a grid, valleys of an unbounded
    potential at its edge), which a block solver then finds only after several sweeps
    (Henon-Heiles d = 4: the valley level 3.845 entered at sweep 3 of 5). So the local
    minima of the operator's diagonal are searched too, by coordinate descent from the
    ground product's peak and from every point one index away (the diagonal is the
    potential plus a kinetic term on a grid; the lowest diagonal entries are the classic
    Davidson start). From each minimum outside the ground product's well, mean-field
    sweeps start at that grid point; a product state they reach below the k-th
    configuration's energy, unlike every state kept so far (overlap under 1/2), joins the
    list, which keeps the k lowest. Henon-Heiles d = 4 then starts with the valley state
    and converges in 3 sweeps instead of 5.

    For a Hamiltonian close to separable (vibrations near their harmonic limit, weakly
    coupled modes) these span most of the lowest eigenvectors, so the sweeps of
    :func:`eigsh` ('block') start near the answer; for strongly correlated operators
    (spin chains) they are merely a start. Reference: J. M. Bowman, "Self-consistent field
    energies and wavefunctions for coupled oscillators", J. Chem. Phys. 68, 608 (1978).

    Parameters
    ----------
    A : TTMatrix
        Hermitian, square modes (checked as in :func:`eigsh`).
    k : int
        Number of states, at most the dimension of the space.
    sweeps : int
        Mean-field sweeps (left to right and back); a few suffice for a start.

    Returns
    -------
    states : list of TT
        k normalized rank-1 trains, lowest estimated energy first.
    energies : ndarray
        Their mean-field energy estimates (an upper bound to the lowest eigenvalue for the first).

    Raises
    ------
    TypeError, ShapeError
        A is not a square TT-matrix.
    ArgumentError
        A is not Hermitian, or bad k or sweeps.

    Complexity: O(sweeps d (R^2 n^2 + n^3)) for d modes of size n and operator rank R, plus
    O(k d log k) for the configurations; the wells add O(10 d^2 n R^2) for the descent and
    at most k more mean-field searches.
    """
    who = "solve.product_states"
    shape = square_operator(A, who)
    k = check_states(k, shape, who)
    sweeps = check_count(sweeps, "sweeps", who, 1)
    check_hermitian(A, who)
    dtype = np.result_type(A.dtype, np.float64)
    return mean_field_states([np.asarray(c, dtype=dtype) for c in A.cores], k, sweeps)


def mean_field_states(cores: list[np.ndarray], k: int, sweeps: int = 3) -> tuple[list[TT], np.ndarray]:
    """:func:`product_states` on checked operator cores ``(R, n, n, R')`` of one dtype."""
    d = len(cores)
    psi, ground, right = _hartree(cores, [np.full(c.shape[1], 1.0, dtype=c.dtype) for c in cores], sweeps)
    left = _fixed_environments(cores, psi, "left")
    modes = [np.linalg.eigh(_mode_operator(left[j], cores[j], right[j])) for j in range(d)]
    excitations = [w - w[0] for w, _ in modes]
    configurations = _lowest_configurations(excitations, k)
    found = [(ground + energy, [modes[j][1][:, m] for j, m in enumerate(cfg)]) for energy, cfg in configurations]
    ceiling = found[-1][0]
    centre = [int(np.argmax(np.abs(f))) for f in psi]
    for seed in _diagonal_minima(cores, centre, k):
        if _amplitude(psi, seed) > INSIDE * _amplitude(psi, centre):
            continue  # inside the ground state's well: its configurations cover it
        start = [np.eye(c.shape[1], dtype=c.dtype)[i] for c, i in zip(cores, seed)]
        well = _hartree(cores, start, SEED_SWEEPS * sweeps, [funcs for _, funcs in found], ceiling)
        if well is not None and well[1] < ceiling:
            found.append((well[1], well[0]))
    found = sorted(found, key=lambda pair: pair[0])[:k]  # stable: ties keep the configurations' order
    states = [TT._trusted([f.reshape(1, -1, 1).copy() for f in funcs]) for _, funcs in found]
    return states, np.array([energy for energy, _ in found])


SAME_STATE = 0.5  # a well's product state overlapping a kept one by more is the same state
INSIDE = 1e-2  # a diagonal minimum where the ground product has this share of its peak is in its well
SEED_SWEEPS = 2  # a well's mean field starts from one grid point: twice the sweeps (HH d=4: 3 gave 3.975, 6 gave 3.933)
SEED_TOL = 1e-4  # ... and stops when a sweep gains less (a start needs no more)
DESCENT_SWEEPS = 10  # coordinate-descent sweeps over the diagonal (each lowers every start or stops it)


def _hartree(
    cores: list[np.ndarray], psi: list[np.ndarray], sweeps: int,
    known: Sequence[list[np.ndarray]] = (), ceiling: float = math.inf,
) -> Any:
    """Mean-field sweeps (left to right and back) from the functions psi: each becomes the
    lowest eigenvector of its mode operator, so the energy never rises. Returns the
    functions, their energy (the Rayleigh quotient of their product, the last mode
    problem's lowest eigenvalue) and the right environments of the product.

    A search from a seed (`known` or `ceiling` given) returns None once a sweep ends on a
    product overlapping one of `known` by more than SAME_STATE (it fell into a known well),
    or on an energy that the last sweep's drop, repeated for every sweep left, would keep
    above `ceiling`; and it stops early once a sweep lowers the energy by less than
    SEED_TOL of its scale."""
    d = len(cores)
    psi = [f / np.linalg.norm(f) for f in psi]
    right = _fixed_environments(cores, psi, "right")
    energy = math.nan
    for sweep in range(sweeps):
        before = energy
        left = [np.ones(1, dtype=cores[0].dtype)] * d
        for j in range(d):  # left to right: new psi_j from the updated left environment
            psi[j] = np.linalg.eigh(_mode_operator(left[j], cores[j], right[j]))[1][:, 0]
            if j + 1 < d:
                left[j + 1] = _expectation(left[j], cores[j], psi[j], "left")
        for j in range(d - 1, -1, -1):  # and back
            w, v = np.linalg.eigh(_mode_operator(left[j], cores[j], right[j]))
            psi[j], energy = v[:, 0], float(w[0])
            if j > 0:
                right[j - 1] = _expectation(right[j], cores[j], psi[j], "right")
        if any(_overlap(psi, other) > SAME_STATE for other in known):
            return None
        if sweep and ceiling < math.inf:  # a seed's search: hopeless, or done?
            drop = before - energy
            if energy - drop * (sweeps - 1 - sweep) > ceiling:
                return None
            if drop < SEED_TOL * max(1.0, abs(energy)):
                break
    return psi, energy, right


def _amplitude(psi: list[np.ndarray], index: Sequence[int]) -> float:
    """``|psi_1[i_1] ... psi_d[i_d]|``: the product state's magnitude at one grid point."""
    return float(math.prod(abs(f[i]) for f, i in zip(psi, index)))


def _overlap(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    """``|<a|b>|`` of two products of normalized functions."""
    return float(abs(math.prod(np.vdot(x, y) for x, y in zip(a, b))))


def _diagonal_minima(cores: list[np.ndarray], centre: list[int], limit: int) -> list[tuple[int, ...]]:
    """Up to `limit` index tuples that are coordinate-wise local minima of the operator's
    diagonal (the wells of a potential on a grid), lowest first, other than `centre`.

    Coordinate descent from `centre` and from every tuple differing from it in one index
    (``sum n_j`` starts, run as one batch): each mode in turn takes the index of the
    smallest diagonal entry along its fiber. O(sweeps d n S R^2) for S starts."""
    diag = [np.einsum("aiib->aib", c).real for c in cores]
    starts = [list(centre)]
    for j, g in enumerate(diag):
        for i in range(g.shape[1]):
            if i != centre[j]:
                starts.append(centre[:j] + [i] + centre[j + 1:])
    idx = np.array(starts)
    for _ in range(DESCENT_SWEEPS):
        before = idx.copy()
        right = [np.ones((idx.shape[0], 1))]
        for j in range(len(diag) - 1, 0, -1):
            right.append(np.einsum("asb,sb->sa", diag[j][:, idx[:, j], :], right[-1]))
        right.reverse()  # right[j]: the diagonal's cores right of j at the current indices
        left = np.ones((idx.shape[0], 1))
        for j, g in enumerate(diag):
            fibers = np.einsum("sa,aib,sb->si", left, g, right[j])
            idx[:, j] = np.argmin(fibers, axis=1)
            left = np.einsum("sa,asb->sb", left, g[:, idx[:, j], :])
        values = left[:, 0]
        if (idx == before).all():
            break
    minima, first = np.unique(idx, axis=0, return_index=True)
    order = np.argsort(values[first], kind="stable")
    return [tuple(int(i) for i in minima[o]) for o in order if list(minima[o]) != list(centre)][:limit]
