# SPDX-License-Identifier: MIT
"""Product (rank-1) starting vectors for the TT eigensolvers: the mean-field (Hartree, in
vibrational work VSCF) ground state of a TT-matrix and its lowest one-mode excitations."""

from __future__ import annotations

import heapq
import math

import numpy as np

from lorank.solve._checks import check_count, check_hermitian, check_states, square_operator
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["product_states"]


def _mode_operator(left: np.ndarray, core: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``sum L[alpha] A[alpha, :, :, beta] R[beta]``, made exactly Hermitian."""
    h = np.einsum("a,aijb,b->ij", left, core, right)
    return 0.5 * (h + h.conj().T)


def _expectation(env: np.ndarray, core: np.ndarray, psi: np.ndarray, side: str) -> np.ndarray:
    """The operator-bond vector one core further: ``<psi| A[alpha, :, :, beta] |psi>``
    contracted with env on the alpha side ('left') or the beta side ('right')."""
    if side == "left":
        return np.einsum("a,i,aijb,j->b", env, psi.conj(), core, psi)
    return np.einsum("aijb,i,j,b->a", core, psi.conj(), psi, env)


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
    O(k d log k) for the configurations.
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
    dtype = cores[0].dtype
    shape = [c.shape[1] for c in cores]
    psi = [np.full(n, 1.0 / math.sqrt(n), dtype=dtype) for n in shape]
    right = _fixed_environments(cores, psi, "right")
    for _ in range(sweeps):
        left = [np.ones(1, dtype=dtype)] * d
        for j in range(d):  # left to right: new psi_j from the updated left environment
            psi[j] = np.linalg.eigh(_mode_operator(left[j], cores[j], right[j]))[1][:, 0]
            if j + 1 < d:
                left[j + 1] = _expectation(left[j], cores[j], psi[j], "left")
        for j in range(d - 1, -1, -1):  # and back
            psi[j] = np.linalg.eigh(_mode_operator(left[j], cores[j], right[j]))[1][:, 0]
            if j > 0:
                right[j - 1] = _expectation(right[j], cores[j], psi[j], "right")
    left = _fixed_environments(cores, psi, "left")  # of the final functions
    modes = [np.linalg.eigh(_mode_operator(left[j], cores[j], right[j])) for j in range(d)]
    ground = float(modes[0][0][0])  # psi_0 is the lowest eigenvector of its mode operator
    excitations = [w - w[0] for w, _ in modes]
    configurations = _lowest_configurations(excitations, k)
    states = [TT._trusted([modes[j][1][:, m].reshape(1, -1, 1).copy() for j, m in enumerate(cfg)])
              for _, cfg in configurations]
    return states, ground + np.array([energy for energy, _ in configurations])
