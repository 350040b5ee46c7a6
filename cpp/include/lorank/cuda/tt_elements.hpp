// SPDX-License-Identifier: MIT
#pragma once
/// \file CUDA launchers for TT element evaluation. Plain C++ declarations on raw device
/// pointers and a stream handle, so this header compiles without CUDA.
#include <cstdint>

namespace lorank::cuda {

/// Evaluates a float64 TT at `batch` multi-indices on the GPU. `cores` is a device array
/// of d device pointers to row-major cores (r[k], n[k], r[k+1]); `ranks` (d+1) and
/// `modes` (d) are device arrays; `idx` is a device (batch x d) int64 array; `out` receives
/// batch values. Ranks must be <= 256. Asynchronous on `stream` (a cudaStream_t).
void tt_at_f64(const double* const* cores, const std::int64_t* ranks, const std::int64_t* modes,
               std::int64_t d, const std::int64_t* idx, std::int64_t batch, double* out,
               void* stream);

/// Number of visible CUDA devices (0 when no driver or device is present).
int device_count();

}  // namespace lorank::cuda
