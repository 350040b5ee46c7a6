# SPDX-License-Identifier: MIT
"""Problem generators: Hamiltonians and grid operators as TT-matrices.

Spin chains (:func:`heisenberg`, :func:`ising`), vibrational Hamiltonians
(:func:`henon_heiles`, :func:`quartic_force_field` with the shipped acetonitrile field),
Laplace-type operators (:func:`laplace`), and :func:`sum_of_products` for your own.
"""

from __future__ import annotations

from lorank.models._mpo import sum_of_products
from lorank.models.grids import laplace, laplace_eigenvalues
from lorank.models.spins import heisenberg, ising
from lorank.models.vibrational import (
    ForceField,
    ch3cn_levels,
    henon_heiles,
    hermite_dvr,
    load_force_field,
    oscillator_position,
    quartic_force_field,
)

__all__ = [
    "ForceField", "ch3cn_levels", "heisenberg", "henon_heiles", "hermite_dvr", "ising",
    "laplace", "laplace_eigenvalues", "load_force_field", "oscillator_position",
    "quartic_force_field", "sum_of_products",
]
