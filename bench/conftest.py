# SPDX-License-Identifier: MIT
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
