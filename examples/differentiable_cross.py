# SPDX-License-Identifier: MIT
"""Learning through a cross approximation (the "cherry-picking gradients" use).

A family of functions f_theta(x) = 1 / (theta + |x|) on a 16^6 grid in [0, 1]^6 is
approximated by TT-cross with the cores differentiable in the sampled values
(lorank.nn.differentiable_cross). Gradient descent on theta then matches the mean of the
interpolant over the grid to the mean of f_2.5, computed here the same way: Newton steps on
the residual, with its derivative in theta from autograd through the cross. The fit never
sees the 16.7 million grid values, only the ~30 thousand the cross samples.

Run: python examples/differentiable_cross.py
"""

from __future__ import annotations

import torch

import lorank.nn

GRID = torch.linspace(0.0, 1.0, 16, dtype=torch.float64)
SHAPE = (16,) * 6


def family(theta: torch.Tensor):
    return lambda idx: 1.0 / (theta + GRID[idx].pow(2).sum(dim=1).sqrt())


def grid_mean(cores: list[torch.Tensor]) -> torch.Tensor:
    """Mean of all entries of a train: each core averaged over its mode."""
    v = torch.ones(1, dtype=cores[0].dtype)
    for c in cores:
        v = v @ c.mean(dim=1)
    return v[0]


def main() -> None:
    with torch.no_grad():
        target = grid_mean(lorank.nn.differentiable_cross(family(torch.tensor(2.5)), SHAPE,
                                                          rtol=1e-8, rng=0)[0])
    theta = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    for step in range(8):
        cores, res = lorank.nn.differentiable_cross(family(theta), SHAPE, rtol=1e-8, rng=0)
        residual = grid_mean(cores) - target
        (slope,) = torch.autograd.grad(residual, theta)
        print(f"step {step}  theta {theta.item():.10f}  residual {residual.item():+.3e}  "
              f"d/dtheta {slope.item():+.6f}  evaluations {res.n_evals}")
        if abs(residual.item()) < 1e-12:
            break
        with torch.no_grad():
            theta -= residual / slope
    print(f"fitted theta {theta.item():.10f} (true 2.5)")


if __name__ == "__main__":
    main()
