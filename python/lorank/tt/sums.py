# SPDX-License-Identifier: MIT
"""Rounding a sum of TTs without (or with) forming it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank._device import array_module
from lorank._kernels import tt_kernels
from lorank._results import RoundInfo
from lorank._validation import check_rtol, default_rtol, max_rank_list
from lorank.errors import ArgumentError, ShapeError
from lorank.tt.tensor import TT, _choose_method, _seed

__all__ = ["round_sum"]


def round_sum(
    terms: Sequence[TT], *, rtol: float | None = None, max_rank: Any = None,
    method: str = "auto", rng: Any = None, oversample: int = 10, return_info: bool = False,
) -> TT | tuple[TT, RoundInfo]:
    """Round ``terms[0] + terms[1] + ...`` with the contract of :meth:`TT.round`.

    With ``method='randomized'`` each term is sketched on its own (the sketch of a sum is
    the sum of the sketches), so the block-diagonal cores of the explicit sum are never
    formed: a randomize-then-orthogonalize sweep of rank ``max_rank + oversample`` and an
    exact truncation of its result. The other methods round the explicit sum.

    Parameters
    ----------
    terms : sequence of TT
        At least one TT; all with the same shape. Dtypes are promoted to a common one.
    rtol, max_rank, method, rng, return_info
        As in :meth:`TT.round`; ``'randomized'`` needs ``max_rank``.
    oversample : int
        Extra sketch rank for ``'randomized'`` (>= 0).

    Notes
    -----
    Complexity of ``'randomized'``: O(d n l sum_j r_j^2 + d n l^2 R), R = sum_j r_j,
    l = max_rank + oversample, against O(d n R^3) for rounding the explicit sum.

    References
    ----------
    H. Al Daas, G. Ballard, P. Cazeaux, E. Hallman, A. Miedlar, M. Pasha, T. W. Reid,
    A. K. Saibaba, "Randomized algorithms for rounding in the tensor-train format",
    SIAM J. Sci. Comput. 45(1), 2023.

    Examples
    --------
    >>> import lorank
    >>> xs = [lorank.tt.random((4,) * 6, 3, rng=i) for i in range(3)]
    >>> y = lorank.tt.round_sum(xs + xs, max_rank=9, method="randomized", rng=0)
    >>> bool((y - 2 * (xs[0] + xs[1] + xs[2])).norm(accurate=True) < 1e-10)
    True
    """
    if isinstance(terms, TT) or not isinstance(terms, Sequence) or len(terms) == 0:
        msg = "round_sum: terms must be a non-empty sequence of TT"
        raise ShapeError(msg)
    for k, t in enumerate(terms):
        if not isinstance(t, TT):
            msg = f"round_sum: term {k} is a {type(t).__name__}, expected TT"
            raise TypeError(msg)
        terms[0]._check_same(t, "round_sum")
    array_module(*(t.cores[0] for t in terms), who="round_sum")
    dt = np.result_type(*(t.dtype for t in terms))
    if isinstance(oversample, bool) or not isinstance(oversample, int) or oversample < 0:
        msg = f"round_sum: oversample must be an int >= 0, got {oversample!r}"
        raise ArgumentError(msg)
    rtol = default_rtol(dt) if rtol is None else check_rtol(rtol, "round_sum")
    caps = max_rank_list(max_rank, terms[0].ndim - 1, "round_sum")
    meth = _choose_method(method, rtol, dt, caps, "round_sum", terms[0].device)
    if meth == "gram-sim":  # a one-train method: the exact sum, then the bond-parallel sweep
        total = terms[0].astype(dt)
        for t in terms[1:]:
            total = total + t
        return total.round(rtol=rtol, max_rank=max_rank, method=meth, return_info=return_info)
    cores = [[c.astype(dt, copy=False) for c in t.cores] for t in terms]
    out, err, norm, rel = tt_kernels(cores[0][0]).round_sum(
        cores, rtol, caps, meth, _seed(rng), oversample
    )
    y = TT._trusted(out)
    if return_info:
        return y, RoundInfo(err, rel, norm, meth, y.ranks)
    return y
