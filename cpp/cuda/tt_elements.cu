// SPDX-License-Identifier: MIT
// One thread block per multi-index: the row vector v (1 x r_k) is multiplied by the
// selected core slice, with the threads of the block sharing the columns.
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
  const std::int64_t s = blockIdx.x;
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
    for (std::int64_t b = threadIdx.x; b < r1; b += blockDim.x) v[b] = nv[b];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[s] = v[0];
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
