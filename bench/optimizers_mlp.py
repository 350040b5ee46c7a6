# SPDX-License-Identifier: MIT
"""Training benchmark of the Kronecker-factored optimizers, and DyKAF's step overhead.

1. An MLP (in -> 128 -> 128 -> 10, ReLU) on MNIST-1D (generated offline by the `mnist1d`
   package's make_dataset; never its downloading get_dataset) and on scikit-learn's digits,
   trained with DyKAF (its public code's defaults: Galerkin factor step, rank-one second
   moment), DyKAF with our projector-splitting step and SOAP's full second moment
   ('dykaf-ksl'), SOAP, Shampoo, Muon (matrices; AdamW for the rest) and AdamW, three seeds
   each: test accuracy (mean +- std) and CPU time per step.
2. The optimizer step alone on four 512 x 512 layers: DyKAF, SOAP and Shampoo against
   AdamW (median of 30 steps), the ratio being DyKAF's overhead.

Needs torch, scikit-learn, mnist1d (and matplotlib, which mnist1d imports). Writes the
numbers to --json and a bar plot to --plot when given.

Run: OPENBLAS_NUM_THREADS=1 python bench/optimizers_mlp.py [--epochs 20] [--json F] [--plot F]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from lorank.nn import SOAP, DyKAF, Shampoo


def datasets() -> dict[str, tuple[np.ndarray, ...]]:
    from mnist1d.data import get_dataset_args, make_dataset
    from sklearn.datasets import load_digits

    out = {}
    d = make_dataset(get_dataset_args())
    out["mnist1d"] = (d["x"], d["y"], d["x_test"], d["y_test"])
    x, y = load_digits(return_X_y=True)
    perm = np.random.default_rng(0).permutation(len(x))
    x, y = x[perm] / 16.0, y[perm]
    out["digits"] = (x[:1500], y[:1500], x[1500:], y[1500:])
    return out


def make_optimizer(name: str, model: torch.nn.Module, lr: float) -> torch.optim.Optimizer | list:
    params = list(model.parameters())
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    if name == "muon":  # Muon for the matrices, AdamW for biases (its documented use)
        mats = [p for p in params if p.ndim == 2]
        rest = [p for p in params if p.ndim != 2]
        return [torch.optim.Muon(mats, lr=0.02, weight_decay=0.0), torch.optim.AdamW(rest, lr=lr)]
    if name == "dykaf-ksl":  # our projector-splitting factor step with SOAP's full second moment
        return DyKAF(params, lr=lr, update="ksl", factored_second_moment=False)
    return {"dykaf": DyKAF, "soap": SOAP, "shampoo": Shampoo}[name](params, lr=lr)


def train(data: tuple[np.ndarray, ...], name: str, seed: int, epochs: int, lr: float) -> tuple[float, float]:
    xtr, ytr, xte, yte = (torch.tensor(a) for a in data)
    xtr, xte = xtr.float(), xte.float()
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(xtr.shape[1], 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opts = make_optimizer(name, model, lr)
    opts = opts if isinstance(opts, list) else [opts]
    gen = torch.Generator().manual_seed(seed)
    steps, spent = 0, 0.0
    for _ in range(epochs):
        for idx in torch.randperm(len(xtr), generator=gen).split(128):
            loss = torch.nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
            t0 = time.process_time()
            for o in opts:
                o.zero_grad()
            loss.backward()
            for o in opts:
                o.step()
            spent += time.process_time() - t0
            steps += 1
    with torch.no_grad():
        acc = float((model(xte).argmax(1) == yte).float().mean())
    return acc, spent / steps


def step_overhead(repeats: int = 30) -> dict[str, float]:
    out = {}
    for name in ("adamw", "dykaf", "dykaf-ksl", "soap", "shampoo"):
        torch.manual_seed(0)
        layers = [torch.nn.Parameter(torch.randn(512, 512) / 23) for _ in range(4)]
        opt = make_optimizer(name, torch.nn.ParameterList(layers), 1e-3)
        times = []
        for _ in range(repeats + 2):
            for p in layers:
                p.grad = torch.randn_like(p)
            t0 = time.process_time()
            opt.step()
            times.append(time.process_time() - t0)
        out[name] = float(np.median(times[2:]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--plot")
    args = parser.parse_args()
    torch.set_num_threads(1)
    names = ("dykaf", "dykaf-ksl", "soap", "shampoo", "muon", "adamw")
    results: dict = {"training": {}, "step_ms": {}}
    print(f"{'dataset':<9} {'optimizer':<10} {'test acc (mean +- std)':>24} {'ms/step':>8}")
    for dname, data in datasets().items():
        for name in names:
            runs = [train(data, name, seed, args.epochs, 3e-3) for seed in range(args.seeds)]
            accs, per = np.array([r[0] for r in runs]), np.array([r[1] for r in runs])
            results["training"].setdefault(dname, {})[name] = {
                "acc": accs.tolist(), "ms_per_step": float(per.mean() * 1e3)}
            print(f"{dname:<9} {name:<10} {accs.mean():>14.4f} +- {accs.std():.4f} {per.mean() * 1e3:>8.2f}",
                  flush=True)
    over = step_overhead()
    results["step_ms"] = {k: v * 1e3 for k, v in over.items()}
    print("\noptimizer step, four 512 x 512 layers (median CPU ms):")
    for name, t in over.items():
        print(f"  {name:<10} {t * 1e3:8.2f} ms   {t / over['adamw']:6.2f}x AdamW")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
        for ax, (dname, rows) in zip(axes, results["training"].items()):
            means = [np.mean(rows[n]["acc"]) for n in names]
            stds = [np.std(rows[n]["acc"]) for n in names]
            ax.bar(names, means, yerr=stds)
            ax.set_title(dname)
            ax.set_ylim(min(means) - 0.05, 1.0)
            ax.set_ylabel("test accuracy")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)


if __name__ == "__main__":
    main()
