// SPDX-License-Identifier: MIT
// One thread block per multi-index: the row vector v (1 x r_k) is multiplied by the
// selected core slice, with the threads of the block sharing the columns. As on the CPU,
// v keeps a power-of-two scale, so cores of 1e-200 and 1e300 give their ordinary entries.
#include <cuda_runtime.h>

#include "lorank/cuda/tt_elements.hpp"

namespace lorank::cuda {
namespace {

constexpr int kMaxRank = 256;

__global__ void tt_at_kernel(const double* const* cores, const std::int64_t* ranks,
                             const std::int64_t* modes, std::int64_t d, const std::int64_t* idx,
                             double* out) {
  __shared__ double v[kMaxRank];
  __shared__ double nv[kMaxRank];
  __shared__ int shift;  // v is divided by 2^shift after a step that moved it far from 1
  const std::int64_t s = blockIdx.x;
  long long exponent = 0;  // kept by thread 0
  if (threadIdx.x == 0) v[0] = 1.0;
  __syncthreads();
  for (std::int64_t k = 0; k < d; ++k) {
    const std::int64_t r0 = ranks[k], r1 = ranks[k + 1], n = modes[k];
    const double* slice = cores[k] + idx[s * d + k] * r1;
    for (std::int64_t b = threadIdx.x; b < r1; b += blockDim.x) {
      double acc = 0.0;
      for (std::int64_t a = 0; a < r0; ++a) acc += v[a] * slice[a * n * r1 + b];
      nv[b] = acc;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      double mx = 0.0;
      for (std::int64_t b = 0; b < r1; ++b) mx = fmax(mx, fabs(nv[b]));
      int e = 0;
      if (mx > 0.0 && isfinite(mx)) frexp(mx, &e);
      shift = (e > 32 || e < -32) ? e : 0;
      exponent += shift;
    }
    __syncthreads();
    for (std::int64_t b = threadIdx.x; b < r1; b += blockDim.x) v[b] = ldexp(nv[b], -shift);
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    const long long e = exponent > 100000 ? 100000 : (exponent < -100000 ? -100000 : exponent);
    out[s] = ldexp(v[0], static_cast<int>(e));
  }
}

}  // namespace

void tt_at_f64(const double* const* cores, const std::int64_t* ranks, const std::int64_t* modes,
               std::int64_t d, const std::int64_t* idx, std::int64_t batch, double* out,
               void* stream) {
  if (batch == 0) return;
  tt_at_kernel<<<static_cast<unsigned>(batch), 64, 0, static_cast<cudaStream_t>(stream)>>>(
      cores, ranks, modes, d, idx, out);
}

}  // namespace lorank::cuda
