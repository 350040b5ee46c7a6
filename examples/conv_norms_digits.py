# SPDX-License-Identifier: MIT
"""Spectral norms of the convolution layers of a small CNN, and training with a bound.

A CNN (two 3x3 convolutions, 8 and 16 channels) is trained on scikit-learn's digits (8x8
images, shipped with the package). For each conv layer: the exact norm with circular and
zero padding on the 8x8 grid and the ratio to it of each bound: TN, Gram iteration (on the
8x8 grid), reshape (Singla-Feizi) and torus (64 x 64 samples, Bernstein-certified). The same network is then trained with the TN bounds of its conv
layers as a penalty: lower Lipschitz bounds at similar test accuracy. Writes
conv_norms_digits.png (bound / exact per layer) when matplotlib is installed.

Run: python examples/conv_norms_digits.py   (needs torch and scikit-learn)
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_digits

from lorank.nn import conv_tn_bound
from lorank.spectral import conv_norm, conv_norm_bound

torch.manual_seed(0)
torch.set_num_threads(1)


class Net(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.head = torch.nn.Linear(16 * 4 * 4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv1(x))
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.head(x.flatten(1))

    def convs(self) -> list[torch.nn.Conv2d]:
        return [self.conv1, self.conv2]


def data() -> tuple[torch.Tensor, ...]:
    digits = load_digits()
    x = torch.tensor(digits.images / 16.0, dtype=torch.float32)[:, None]
    y = torch.tensor(digits.target)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(1))
    train, test = perm[:1400], perm[1400:]
    return x[train], y[train], x[test], y[test]


def train(penalty: float, epochs: int = 30) -> tuple[Net, float]:
    x_tr, y_tr, x_te, y_te = data()
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for epoch in range(epochs):
        for idx in torch.randperm(len(y_tr)).split(100):
            loss = torch.nn.functional.cross_entropy(net(x_tr[idx]), y_tr[idx])
            if penalty:
                loss = loss + penalty * sum(conv_tn_bound(c.weight.double(), n_iter=30, n_starts=1,
                                                          rng=epoch).float() for c in net.convs())
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        accuracy = float((net(x_te).argmax(1) == y_te).float().mean())
    return net, accuracy


BOUNDS = ("TN", "Gram", "reshape", "torus")


def report(net: Net, title: str, accuracy: float) -> dict[str, list[float]]:
    """Print each layer's exact norms and bounds; return bound / exact per bound and layer."""
    print(f"{title}: test accuracy {accuracy:.3f}")
    print(f"  {'layer':>6} {'circular':>9} {'zeros':>9} " + " ".join(f"{b:>8}" for b in BOUNDS)
          + "   (bound / exact)")
    ratios: dict[str, list[float]] = {b: [] for b in BOUNDS}
    for name, conv in (("conv1", net.conv1), ("conv2", net.conv2)):
        k = conv.weight.detach().double().numpy()
        circ = conv_norm(k, (8, 8)).value
        zero = conv_norm(k, (8, 8), padding="zeros", rng=0).value
        exact = max(circ, zero)
        values = {
            "TN": conv_norm_bound(k, rng=0).value,
            "Gram": conv_norm_bound(k, method="gram", input_shape=(8, 8), n_iter=6).value,
            "reshape": conv_norm_bound(k, method="reshape").value,
            "torus": conv_norm_bound(k, method="torus", n_grid=64).value,
        }
        for b in BOUNDS:
            ratios[b].append(values[b] / exact)
        print(f"  {name:>6} {circ:>9.4f} {zero:>9.4f} "
              + " ".join(f"{values[b] / exact:>8.3f}" for b in BOUNDS))
    return ratios


def main() -> None:
    plain, acc_plain = train(0.0)
    r_plain = report(plain, "plain training", acc_plain)
    reg, acc_reg = train(0.05)
    r_reg = report(reg, "with the TN-bound penalty (0.05)", acc_reg)
    print("TN bound / exact, plain -> penalized: "
          + ", ".join(f"{a:.3f} -> {b:.3f}" for a, b in zip(r_plain["TN"], r_reg["TN"])))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    pos = np.arange(2)
    width = 0.8 / len(BOUNDS)
    for j, b in enumerate(BOUNDS):
        ax.bar(pos + (j - (len(BOUNDS) - 1) / 2) * width, r_plain[b], width, label=b)
    ax.set_xticks(pos, ["conv1", "conv2"])
    ax.set_ylabel("bound / exact norm (plain net)")
    ax.axhline(1.0, color="k", lw=0.5)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig("conv_norms_digits.png", dpi=120)
    print("wrote conv_norms_digits.png")


if __name__ == "__main__":
    main()
