# SPDX-License-Identifier: MIT
"""The ``lorank`` command: ``lorank info`` and ``lorank bench``."""

from __future__ import annotations

import argparse
import json
import sys


def _info(_args: argparse.Namespace) -> int:
    from lorank import show_config

    show_config()
    return 0


def _bench(args: argparse.Namespace) -> int:
    from lorank import _bench

    results = _bench.run(quick=args.quick, filter=args.filter, progress=not args.no_progress,
                         device=args.device)
    if not results:
        print(f"no workload matches {args.filter!r}; known: {', '.join(_bench.WORKLOADS)}")
        return 2
    print(_bench.table(results))
    clock = ("median wall time, GPU synchronized around each call" if args.device == "cuda"
             else "median CPU time, one BLAS thread")
    print(f"times: {clock}; ratio = peer time / lorank time")
    evals = _bench.evals_table(results)
    if evals:
        print(evals)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(_bench.as_json(results), f, indent=2)
        print(f"wrote {args.json}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lorank`` console script."""
    parser = argparse.ArgumentParser(prog="lorank", description="lorank: low-rank and tensor methods")
    sub = parser.add_subparsers(dest="command", required=True)
    p_info = sub.add_parser("info", help="version, compiler, BLAS/LAPACK, CUDA build, GPUs")
    p_info.set_defaults(func=_info)
    p_bench = sub.add_parser("bench", help="curated microbenchmarks against installed peers")
    p_bench.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    p_bench.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p_bench.add_argument("--json", metavar="FILE", help="write the results as JSON")
    p_bench.add_argument("--filter", metavar="NAME",
                         help="only workloads whose name contains NAME (several: comma-separated)")
    p_bench.add_argument("--no-progress", action="store_true", help="no progress bar")
    p_bench.set_defaults(func=_bench)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:  # noqa: BLE001  (report errors without a traceback)
        from lorank.errors import LorankError

        if isinstance(exc, LorankError):
            print(f"lorank: error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
