# SPDX-License-Identifier: MIT
"""Differentiable cross approximation: the TT interpolant as a torch function of the values
it samples (Usvyatsov, Makarova, Ballester-Ripoll, Rakhuba, Krause, Schindler,
"Cherry-Picking Gradients: Learning Low-Rank Embeddings of Visual Data via Differentiable
Cross-Approximation", ICCV 2021)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lorank._results import CrossResult
from lorank.errors import ArgumentError, ShapeError
from lorank.tt._cross import _cross_with_sets, _expanded
from lorank.tt._cross_sets import fiber, positions

__all__ = ["differentiable_cross", "tt_at"]


def differentiable_cross(f: Callable[[Any], Any], shape: Sequence[int],
                         **options: Any) -> tuple[list[Any], CrossResult]:
    """TT-cross whose cores are differentiable (torch autograd) in the sampled values.

    The index sets are chosen by :func:`lorank.tt.cross` on values computed without
    gradients; the cores of its last sweep are then rebuilt from ``f`` with autograd on: for
    the fiber ``Z_k = f(I_k x [n_k] x J_{k+1})`` and the rows the cross chose, core k is
    ``(Z_k W) inv(Z_k[rows] W)``, W the top right singular vectors of Z_k held constant,
    which is the cross's ``Q inv(Q[rows])`` written in the values (mirrored for a
    right-to-left sweep); the sweep's last core is its fiber. The selection is discrete and carries no gradient; the interpolant is a
    smooth function of the values, so gradients reach whatever ``f``'s values depend on
    (parameters of a model, an image).

    Parameters
    ----------
    f : callable
        ``f(idx)`` takes a torch int64 tensor ``(batch, d)`` and returns ``batch`` values as
        a torch tensor (real or complex).
    shape : sequence of int
    **options
        Passed to :func:`lorank.tt.cross` (``rtol``, ``max_rank``, ``rng``, ``method``:
        'greedy' or 'maxvol'; ArgumentError for 'dmrg' and 'amen').

    Returns
    -------
    cores : list of torch.Tensor
        Cores ``(r_{k-1}, n_k, r_k)`` of the interpolant (unrounded), differentiable.
    result : CrossResult
        The cross that chose the indices (its ``tt`` is the rounded NumPy train).

    Notes
    -----
    Rebuilding costs one more sweep of evaluations of ``f`` with autograd on (the fibers of
    the last sweep). See ``examples/differentiable_cross.py``.
    """
    import torch

    if options.get("method", "greedy") in ("dmrg", "amen"):
        msg = (f"differentiable_cross: method={options['method']!r} builds cores from more than "
               "the final fibers (two-site supercores, error samples); use 'greedy' (default) "
               "or 'maxvol'")
        raise ArgumentError(msg)

    def values(idx: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            out = f(torch.from_numpy(idx))
        return out.detach().cpu().numpy()

    dims = tuple(int(n) for n in shape)
    if 1 in dims and len(dims) > 1:
        # As cross does: without the size-1 modes, then identity cores put back.
        keep = [k for k, n in enumerate(dims) if n > 1]

        def reduced(idx: Any) -> Any:
            full = torch.zeros((idx.shape[0], len(dims)), dtype=torch.int64)
            full[:, keep] = idx
            return f(full)

        if not keep:  # a single entry
            value = f(torch.zeros((1, len(dims)), dtype=torch.int64)).reshape(1, 1, 1)
            ones = torch.ones((1, 1, 1), dtype=value.dtype)
            result = _cross_with_sets(values, dims, stacklevel=3, **options)[0]
            return [value] + [ones] * (len(dims) - 1), result
        inner, result = differentiable_cross(reduced, [dims[k] for k in keep], **options)
        cores, it, rank = [], iter(inner), 1
        for k in range(len(dims)):
            if k in keep:
                cores.append(next(it))
                rank = cores[-1].shape[2]
            else:
                cores.append(torch.eye(rank, dtype=inner[0].dtype).reshape(rank, 1, rank))
        return cores, dataclasses.replace(result, tt=_expanded(result.tt, dims, keep))

    result, sets = _cross_with_sets(values, shape, stacklevel=3, **options)
    dims = result.tt.shape
    if sets is None:  # one mode: the values are the train
        idx = torch.arange(dims[0], dtype=torch.int64)[:, None]
        return [f(idx).reshape(1, dims[0], 1)], result
    left, right, kind = sets
    if kind == "greedy":
        return _greedy_cores(f, dims, left, right), result
    forward = kind == "forward"
    d = len(dims)
    cores = []
    for k, n in enumerate(dims):
        r0, r1 = len(left[k]), len(right[k + 1])
        z = f(torch.from_numpy(fiber(left[k], n, right[k + 1]))).reshape(r0, n, r1)
        if (forward and k == d - 1) or (not forward and k == 0):
            cores.append(z)  # the sweep's last core: its values
            continue
        if forward:
            m = z.reshape(r0 * n, r1)
            rows = positions(left[k], n, left[k + 1], True)
            w = _range_basis(m, len(rows), right=True)
            core = (m @ w) @ torch.linalg.inv(m[rows] @ w)
            cores.append(core.reshape(r0, n, len(rows)))
        else:
            m = z.reshape(r0, n * r1)
            cols = positions(right[k + 1], n, right[k], False)
            w = _range_basis(m, len(cols), right=False)
            core = torch.linalg.inv(w.T @ m[:, cols]) @ (w.T @ m)
            cores.append(core.reshape(len(cols), n, r1))
    return cores, result


def _greedy_cores(f: Callable[[Any], Any], dims: tuple[int, ...], left: list[np.ndarray],
                  right: list[np.ndarray]) -> list[Any]:
    """The greedy cross's interpolant T_0 inv(P_1) T_1 ... T_{d-1}, from values with autograd:
    T_k = f(I_k x [n_k] x J_{k+1}) and P_k its entries at I_k x J_k."""
    import torch

    fibers = []
    for k, n in enumerate(dims):
        z = f(torch.from_numpy(fiber(left[k], n, right[k + 1])))
        fibers.append(z.reshape(len(left[k]), n, len(right[k + 1])))
    cores = []
    for k in range(len(dims) - 1):
        # T_k inv(P_{k+1}) = Q inv(Q[rows]): P_{k+1} = T_k[rows] is often near singular,
        # Q's rows are not (see GreedyState.interpolation).
        m = fibers[k].reshape(-1, fibers[k].shape[2])
        rows = positions(left[k], dims[k], left[k + 1], True)
        q, _ = torch.linalg.qr(m)
        cores.append(torch.linalg.solve(q[rows].T, q.T).T.reshape(fibers[k].shape))
    cores.append(fibers[-1])
    return cores


def _range_basis(m: Any, rank: int, right: bool) -> Any:
    """The top `rank` right singular vectors of m (or left ones), as a constant: with them
    ``(m W) inv(m[rows] W)`` is the sweep's core ``Q inv(Q[rows])`` (Q the top left
    singular vectors), written in m alone, so its gradient is the one of the interpolant
    (for a rank-`rank` m the product does not depend on W at all)."""
    import torch

    if rank == 0:
        msg = "differentiable_cross: index sets are not nested"
        raise ShapeError(msg)
    u, _, vh = torch.linalg.svd(m.detach(), full_matrices=False)
    return vh[:rank].mH if right else u[:, :rank].conj()


def tt_at(cores: Sequence[Any], idx: Any) -> Any:
    """Entries of a train with torch cores at multi-indices ``idx`` (batch, d): a
    differentiable O(batch d r^2) contraction.

    Examples
    --------
    >>> import torch, lorank
    >>> cores = [torch.ones(1, 3, 2), torch.ones(2, 3, 1)]
    >>> lorank.nn.tt_at(cores, torch.tensor([[0, 2], [1, 1]]))
    tensor([2., 2.])
    """
    import torch

    idx = torch.as_tensor(idx, dtype=torch.int64)
    if idx.ndim != 2 or idx.shape[1] != len(cores):
        msg = f"tt_at: idx must have shape (batch, {len(cores)}), got {tuple(idx.shape)}"
        raise ShapeError(msg)
    v = cores[0][0, idx[:, 0], :]
    for k in range(1, len(cores)):
        v = torch.einsum("br,rbs->bs", v, cores[k][:, idx[:, k], :])
    return v[:, 0]
