# SPDX-License-Identifier: MIT
"""Vibrational Hamiltonians in dimensionless normal coordinates: Henon-Heiles on a Hermite
DVR grid, and quartic force fields (acetonitrile ships with the package) in the harmonic
oscillator basis."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, ShapeError
from lorank.linalg._krylov_basis import check_count
from lorank.models._mpo import sum_of_products
from lorank.tt.matrix import TTMatrix

__all__ = [
    "ForceField", "ch3cn_levels", "henon_heiles", "hermite_dvr", "load_force_field",
    "oscillator_position", "quartic_force_field",
]


def oscillator_position(n: int) -> np.ndarray:
    """The position operator q on the first n harmonic-oscillator states (dimensionless):
    ``<k|q|k+1> = sqrt((k+1)/2)``."""
    off = np.sqrt(np.arange(1, n) / 2.0)
    return np.diag(off, 1) + np.diag(off, -1)


def hermite_dvr(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and kinetic matrix ``-1/2 d^2/dq^2`` of the n-point Hermite DVR.

    The nodes are the eigenvalues of the truncated position matrix, ``U`` its eigenvectors;
    the kinetic matrix is ``U^T T U`` with T the truncated oscillator kinetic matrix
    (diagonal ``(k + 1/2)/2``, ``-sqrt((k+1)(k+2))/4`` two off the diagonal).
    Reference: Light, Hamilton, Lill, J. Chem. Phys. 82, 1400 (1985).
    """
    n = check_count(n, "n", "models.hermite_dvr", 1)
    nodes, u = np.linalg.eigh(oscillator_position(n))
    k = np.arange(n)
    t = np.diag((k + 0.5) / 2.0)
    off = -np.sqrt((k[:-2] + 1.0) * (k[:-2] + 2.0)) / 4.0
    t += np.diag(off, 2) + np.diag(off, -2)
    return nodes, u.T @ t @ u


def henon_heiles(d: int, n: int, *, lam: float = 0.111803, quartic: bool = False) -> TTMatrix:
    """The d-dimensional Henon-Heiles Hamiltonian on an n-point Hermite DVR grid per mode.

    ``H = sum_k (-1/2 d^2/dq_k^2 + q_k^2/2) + lam sum_{k<d} (q_k^2 q_{k+1} - q_{k+1}^3/3)``,
    plus ``lam^2/16 sum_{k<d} (q_k^2 + q_{k+1}^2)^2`` when ``quartic`` (which makes the
    potential bounded below). MPO bond dimension 4 (3 without the quartic term).

    Without the quartic term the potential is unbounded below and a coarse grid holds
    spurious "valley" states (at d = 4, n = 28 the sixth level 3.8453108901830): the discrete
    operator is still a valid test of eigensolvers.

    References: Nestmann, Meyer (2002) and Rakhuba, Oseledets, J. Chem. Phys. 145, 124101
    (2016) use this operator as an eigensolver benchmark.
    """
    who = "models.henon_heiles"
    d = check_count(d, "d", who, 2)
    n = check_count(n, "n", who, 2)
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not math.isfinite(lam):
        msg = f"{who}: lam must be a finite real number, got {lam!r}"
        raise ArgumentError(msg)
    q, kinetic = hermite_dvr(n)
    diag = np.diag
    terms = []
    for k in range(d):
        onsite = 0.5 * q**2
        if k > 0:
            onsite = onsite - lam / 3.0 * q**3
        if quartic:
            onsite = onsite + lam**2 / 16.0 * q**4 * (int(k > 0) + int(k < d - 1))
        terms.append((1.0, {k: kinetic + diag(onsite)}))
    for k in range(d - 1):
        terms.append((lam, {k: diag(q**2), k + 1: diag(q)}))
        if quartic:
            terms.append((lam**2 / 8.0, {k: diag(q**2), k + 1: diag(q**2)}))
    return sum_of_products([n] * d, terms, who=who)


@dataclass(frozen=True)
class ForceField:
    """A polynomial potential in dimensionless normal coordinates (Taylor convention).

    ``V = sum_i omega_i/2 q_i^2 + sum_t k_t prod_i q_i^{p_ti} / prod_i p_ti!`` and kinetic
    energy ``sum_i omega_i/2 p_i^2``.

    Attributes
    ----------
    omega : array (d,)
        Harmonic frequencies.
    terms : tuple of (dict mode -> power, constant)
        The anharmonic terms.
    basis_hint : tuple of int
        Basis sizes suggested by the file.
    """

    omega: np.ndarray
    terms: tuple[tuple[dict[int, int], float], ...]
    basis_hint: tuple[int, ...]


def _data_text(name: str) -> str:
    return resources.files("lorank.models").joinpath("data", name).read_text()


def load_force_field(path: str | os.PathLike[str] | None = None) -> ForceField:
    """Read a force-field file (the format of ``lorank/models/data/ch3cn_force_field.txt``).

    ``path=None`` reads the shipped acetonitrile (CH3CN) field: 12 modes, 299 cubic and
    quartic constants (Begue, Carbonniere, Pouchan, J. Phys. Chem. A 109, 4611 (2005)).
    """
    who = "models.load_force_field"
    if path is None:
        text = _data_text("ch3cn_force_field.txt")
    else:
        with open(path) as fh:
            text = fh.read()
    lines = [ln.split() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    try:
        if lines[0][0] != "Modes:":
            raise ValueError("the first line must be 'Modes: d'")
        d = int(lines[0][1])
        modes = lines[1:1 + d]
        omega = np.array([float(m[1]) for m in modes])
        hint = tuple(int(m[2]) if len(m) > 2 else 10 for m in modes)
        header = lines[1 + d]
        if header[0] != "Force_constants:":
            raise ValueError("expected 'Force_constants: count' after the modes")
        count = int(header[1])
        terms = []
        for row in lines[2 + d:2 + d + count]:
            order = int(row[0])
            idx = [int(i) for i in row[1:1 + order]]
            if len(row) != order + 2 or any(not 0 <= i < d for i in idx):
                raise ValueError(f"bad force-constant line {' '.join(row)!r}")
            powers: dict[int, int] = {}
            for i in idx:
                powers[i] = powers.get(i, 0) + 1
            terms.append((powers, float(row[-1])))
        if len(terms) != count:
            raise ValueError(f"expected {count} force constants, found {len(terms)}")
    except (IndexError, ValueError) as exc:
        msg = f"{who}: cannot parse the force field: {exc}"
        raise ShapeError(msg) from exc
    return ForceField(omega, tuple(terms), hint)


def ch3cn_levels() -> tuple[float, np.ndarray]:
    """The published acetonitrile levels (A-VCI, Odunlami et al., J. Chem. Phys. 146, 214108
    (2017)): the zero-point energy and the excitation energies (cm^-1) with degenerate pairs
    repeated, in increasing order."""
    rows = [ln.split() for ln in _data_text("ch3cn_levels.txt").splitlines()
            if ln.strip() and not ln.startswith("#")]
    zpe = float(rows[0][0])
    levels = []
    for row in rows[1:]:
        levels += [float(row[0])] * (2 if len(row) > 1 and row[1] == "x2" else 1)
    return zpe, np.array(levels)


def _powers_of_q(n: int, top: int) -> list[np.ndarray]:
    """Exact matrix elements of q^p, p = 0..top, on the first n oscillator states (powers
    of a larger truncation, cut back to n, so no truncation error enters)."""
    big = oscillator_position(n + top)
    out, acc = [], np.eye(n + top)
    for _ in range(top + 1):
        out.append(acc[:n, :n].copy())
        acc = acc @ big
    return out


def quartic_force_field(
    path_or_data: str | os.PathLike[str] | ForceField | None = None,
    n_basis: int | Sequence[int] = 10, *, rtol: float = 1e-14,
) -> TTMatrix:
    """The vibrational Hamiltonian of a force field in the harmonic-oscillator product basis.

    ``H = sum_i omega_i (a_i^+ a_i + 1/2) + sum_t k_t prod_i q_i^{p_ti} / prod_i p_ti!``, with
    q^p given by exact matrix elements on the first ``n_basis`` oscillator states of each mode.
    ``path_or_data=None`` uses the shipped acetonitrile field (zero-point energy 9837.41 cm^-1).
    The exact sum of products is rounded to ``rtol`` (relative Frobenius accuracy) to remove
    redundant bond states.

    Reference: Rakhuba, Oseledets, "Calculating vibrational spectra of molecules using
    tensor train decomposition", J. Chem. Phys. 145, 124101 (2016).
    """
    who = "models.quartic_force_field"
    field = path_or_data if isinstance(path_or_data, ForceField) else load_force_field(path_or_data)
    d = field.omega.size
    sizes = [n_basis] * d if isinstance(n_basis, numbers.Integral) else list(n_basis)
    if len(sizes) != d:
        msg = f"{who}: n_basis needs {d} sizes, got {len(sizes)}"
        raise ShapeError(msg)
    sizes = [check_count(n, "n_basis", who, 1) for n in sizes]
    top = max([max(p.values()) for p, _ in field.terms] + [2])
    qp = [_powers_of_q(n, top) for n in sizes]
    terms: list[Any] = [
        (float(w), {i: np.diag(np.arange(sizes[i]) + 0.5)}) for i, w in enumerate(field.omega)
    ]
    for powers, const in field.terms:
        scale = const / math.prod(math.factorial(p) for p in powers.values())
        terms.append((scale, {i: qp[i][p] for i, p in powers.items()}))
    return sum_of_products(sizes, terms, who=who).round(rtol=rtol)
