#!/usr/bin/env bash
# One-shot GPU check for a lent H100/H200 (no internet there): build with CUDA against the
# image's CuPy/NVIDIA wheels, run the GPU tests, print a CPU-vs-GPU timing table.
# Carry a wheelhouse if the image lacks scipy-openblas32 (prepare it here with
#   pip download --no-deps --only-binary=:all: --python-version 3.12 \
#     --platform manylinux_2_28_x86_64 -d wheelhouse scipy-openblas32
# and pass carry=["wheelhouse"]).
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
# The image's python3 is itself a virtual environment holding CuPy, scikit-build-core and
# pybind11: a venv made from it would not see them, so install into it (the machine is
# disposable); elsewhere use a venv that sees the system's packages.
if ! python3 -c "import scikit_build_core, pybind11, cupy" 2>/dev/null; then
  python3 -m venv --system-site-packages build/gpu-venv
  . build/gpu-venv/bin/activate
fi
if [ -d wheelhouse ]; then
  python3 -m pip install -q --no-index --find-links wheelhouse scipy-openblas32 || true
fi
python3 -m pip install -q --no-build-isolation --no-deps -C build-dir=build/gpu \
  -C cmake.define.LORANK_CUDA=ON -C cmake.define.CMAKE_CUDA_ARCHITECTURES=90 .
python3 -c "import lorank; lorank.show_config()"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
# Only the GPU test files: the image may lack hypothesis, which other test modules import.
tests=0
python3 -m pytest -q -p no:cacheprovider -m gpu tests/tt/test_gpu.py \
  tests/nn/test_gpu_kron_update.py || tests=$?
python3 - <<'PY'
import time, numpy as np, cupy as cp, lorank
def gpu_time(f, n=5):
    f(); cp.cuda.Device().synchronize(); ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); cp.cuda.Device().synchronize(); ts.append(time.perf_counter() - t)
    return np.median(ts) * 1e3
def cpu_time(f, n=5):
    f(); ts = []
    for _ in range(n):
        t = time.process_time(); f(); ts.append(time.process_time() - t)
    return np.median(ts) * 1e3
x = lorank.tt.random([4] * 50, 60, rng=0); g = x.to("cuda")
idx = np.random.default_rng(0).integers(0, 4, size=(100000, 50)); gidx = cp.asarray(idx)
rows = [("round d=50 n=4 r=60->30", cpu_time(lambda: x.round(max_rank=30)), gpu_time(lambda: g.round(max_rank=30))),
        ("  same, sequential sweep", cpu_time(lambda: x.round(max_rank=30)),
         gpu_time(lambda: g.round(max_rank=30, method="orth-gram"))),
        ("norm d=50 r=60", cpu_time(lambda: x.norm()), gpu_time(lambda: g.norm())),
        ("at 1e5 indices", cpu_time(lambda: x.at(idx)), gpu_time(lambda: g.at(gidx)))]
a = np.random.default_rng(1).standard_normal((4000, 32)); ga = cp.asarray(a)
rows.append(("maxvol 4000 x 32", cpu_time(lambda: lorank.linalg.maxvol(a)),
             gpu_time(lambda: lorank.linalg.maxvol(ga))))
print(f"{'workload':<26}{'cpu ms':>10}{'gpu ms':>10}{'speedup':>9}")
for name, c, gg in rows:
    print(f"{name:<26}{c:>10.2f}{gg:>10.2f}{c / gg:>8.1f}x")
y, info = g.round(max_rank=30, return_info=True)
_, cinfo = x.round(max_rank=30, return_info=True)
print(f"round r60->30: gpu method {info.method}, rel error {info.rel_error:.6f} "
      f"(cpu {cinfo.method}: {cinfo.rel_error:.6f})")
PY
# The GPU workloads against plain PyTorch on the same card (wall time, synchronized); the
# 512^3 volume potential last (torch's complex 1024^3 route needs ~70 GB: H200).
python3 -m lorank.cli bench --device cuda --no-progress \
  --filter gpu_round,gpu_norm,gpu_at,gpu_kron,gpu_kron_bug,gpu_vgf_256 || tests=$?
python3 -m lorank.cli bench --device cuda --no-progress --filter gpu_vgf_512 || tests=$?
exit "$tests"
