// SPDX-License-Identifier: MIT
#pragma once
// Private: hot loops compiled for AVX2 + FMA (LORANK_TARGET_AVX2) next to the baseline
// x86-64 (SSE2) code the wheel targets, called only where cpu_has_avx2_fma() says the CPU
// runs them. OpenBLAS picks its kernels the same way at run time.

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LORANK_X86_DISPATCH 1
#define LORANK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define LORANK_X86_DISPATCH 0
#define LORANK_TARGET_AVX2
#endif

#include <cstdlib>

namespace lorank::detail {

/// True when the CPU runs AVX2 and FMA instructions and the environment variable
/// LORANK_DISABLE_AVX2 is unset or "0" (checked once; tests use it to run the baseline).
inline bool cpu_has_avx2_fma() {
#if LORANK_X86_DISPATCH
  static const bool yes = [] {
    const char* off = std::getenv("LORANK_DISABLE_AVX2");
    if (off != nullptr && off[0] != '\0' && !(off[0] == '0' && off[1] == '\0')) return false;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return yes;
#else
  return false;
#endif
}

}  // namespace lorank::detail
