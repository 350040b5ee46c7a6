# SPDX-License-Identifier: MIT
"""Dynamical low-rank approximation: projector-splitting (KSL) and rank-adaptive BUG
integrators for matrix ODEs (:func:`integrate`) and tensor trains (:func:`integrate_tt`), the nearest Kronecker product
(:func:`nearest_kronecker`) and its dynamical version (:class:`KroneckerFactors`)."""

from __future__ import annotations

from lorank.dlr._fields import LinearField, TTField
from lorank.dlr.integrators import DLRResult, DLRStep, integrate
from lorank.dlr.kronecker import KroneckerFactors, nearest_kronecker, rearrange
from lorank.dlr.tt_integrator import integrate_tt

__all__ = [
    "DLRResult", "DLRStep", "KroneckerFactors", "LinearField", "TTField", "integrate", "integrate_tt",
    "nearest_kronecker",
    "rearrange",
]
