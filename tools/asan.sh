#!/usr/bin/env bash
# Build the extension with AddressSanitizer + UBSan and run the test suite under it.
# Reports go to build/asan/report.* (pytest's capture would swallow them otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
python3 -m venv build/asan-venv
. build/asan-venv/bin/activate
pip install -q scikit-build-core pybind11 "scipy-openblas32>=0.3.29,<0.4" numpy scipy pytest hypothesis pytest-benchmark 2>&1 | grep -v WARNING || true
mkdir -p build/asan
pip install -q --no-build-isolation --no-deps -C build-dir=build/asan -C cmake.build-type=RelWithDebInfo \
  -C cmake.define.LORANK_CUDA=OFF -C "cmake.define.CMAKE_CXX_FLAGS=$SAN" \
  -C "cmake.define.CMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined" . 2>&1 | grep -v WARNING || true
rm -f build/asan/report.*
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
ASAN_OPTIONS=detect_leaks=0:log_path=build/asan/report \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=build/asan/report \
OPENBLAS_NUM_THREADS=1 python -m pytest -q -p no:cacheprovider -x tests "$@"
if ls build/asan/report.* >/dev/null 2>&1; then
  echo "sanitizer reports:"; cat build/asan/report.*; exit 1
fi
echo "ASan/UBSan: no reports"
