# SPDX-License-Identifier: MIT
"""The black-box side of cross approximation: batched, cached, budgeted calls of f."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lorank.errors import NumericalError, ShapeError


class BudgetExhausted(Exception):
    """The next batch would take the evaluations past ``max_evals``."""


class Oracle:
    """Calls ``f(idx)`` on (batch, d) int64 multi-indices, at most ``max_evals`` distinct
    ones in all; with ``cache`` an index already evaluated is never asked again (the
    compiled ``IndexCache`` holds every value, keyed exactly by the packed multi-index)."""

    def __init__(self, f: Callable[[np.ndarray], Any], shape: tuple[int, ...], max_evals: int | None,
                 cache: bool, who: str) -> None:
        if not callable(f):
            msg = f"{who}: f must be callable, got {type(f).__name__}"
            raise ShapeError(msg)
        self.f, self.shape, self.who = f, shape, who
        self.max_evals = max_evals
        self.use_cache = cache
        self.n_evals = 0
        self.dtype: np.dtype | None = None
        self._cache: Any = None

    def remaining(self) -> float:
        return np.inf if self.max_evals is None else self.max_evals - self.n_evals

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        """Values at the rows of idx, as float64 or complex128."""
        if not self.use_cache:
            return self._evaluate(idx)
        if self._cache is None:  # nothing evaluated yet (the cache comes with the dtype)
            return self._evaluate_distinct(idx)
        values, found, first = self._cache.lookup(idx)
        if found.all():
            return values
        # A batch may repeat an index (random samples can): each new one is asked once.
        new = np.flatnonzero(~found & (first < 0))
        values[new] = self._evaluate(idx[new])  # cast to the cache's dtype there
        repeats = np.flatnonzero(first >= 0)
        values[repeats] = values[first[repeats]]
        return values

    def _evaluate_distinct(self, idx: np.ndarray) -> np.ndarray:
        """The first batch (no cache yet): repeated rows asked once."""
        rows = np.ascontiguousarray(idx)
        keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        if len(first) == len(rows):
            return self._evaluate(rows)
        return self._evaluate(rows[first])[inverse.ravel()]

    def _evaluate(self, idx: np.ndarray) -> np.ndarray:
        if len(idx) > self.remaining():
            raise BudgetExhausted
        out = self.f(idx)
        values = np.asarray(out)
        if values.shape != (len(idx),):
            msg = (f"{self.who}: f must return an array of shape ({len(idx)},) for indices of shape "
                   f"{idx.shape}, got shape {values.shape}")
            raise ShapeError(msg)
        if values.dtype.kind not in "biufc":
            msg = f"{self.who}: f must return numbers, got dtype {values.dtype}"
            raise ShapeError(msg)
        kind = np.complex128 if values.dtype.kind == "c" else np.float64
        values = values.astype(kind, copy=False)
        bad = ~np.isfinite(values)
        if bad.any():
            where = np.flatnonzero(bad)[:3]
            shown = "; ".join(str(tuple(int(i) for i in idx[w])) for w in where)
            msg = (f"{self.who}: f returned NaN or Inf at {int(bad.sum())} of {len(idx)} indices, "
                   f"e.g. {shown}")
            raise NumericalError(msg)
        self.n_evals += len(idx)
        if self.dtype is None:
            self.dtype = np.dtype(kind)
            if self.use_cache:
                from lorank import _core

                cls = _core.IndexCacheC128 if kind is np.complex128 else _core.IndexCacheF64
                self._cache = cls(list(self.shape))
        elif kind is np.complex128 and self.dtype == np.float64:
            msg = f"{self.who}: f returned complex values after real ones"
            raise NumericalError(msg)
        values = values.astype(self.dtype, copy=False)
        if self._cache is not None:
            self._cache.insert(idx, values)
        return values
