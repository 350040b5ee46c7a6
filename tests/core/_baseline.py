# SPDX-License-Identifier: MIT
"""Run test code in a fresh interpreter with lorank's AVX2 loops switched off (the choice is
made once per process)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys


def run_without_avx2(code: str) -> None:
    env = dict(os.environ, LORANK_DISABLE_AVX2="1")
    root = pathlib.Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
