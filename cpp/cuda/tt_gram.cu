// SPDX-License-Identifier: MIT
// The sequential parts of the bond-parallel Gram rounding as cuBLAS calls. Row-major
// matrices are handed to column-major cuBLAS as their transposes: C = op(A) op(B) becomes
// C^T = op(B)^T op(A)^T, i.e. the same op flags with the operands swapped.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <string>
#include <utility>

#include "lorank/core/error.hpp"
#include "lorank/cuda/tt_gram.hpp"
#include "cublas_handle.cuh"

namespace lorank::cuda {
namespace {

// Row-major C (m x n, leading dimension ldc) = op(A) op(B), op(A) m x k, op(B) k x n.
void gemm_rm(cublasHandle_t h, bool ta, bool tb, std::int64_t m, std::int64_t n,
             std::int64_t k, const double* a, std::int64_t lda, const double* b,
             std::int64_t ldb, double* c, std::int64_t ldc) {
  const double one = 1.0, zero = 0.0;
  check(cublasDgemm(h, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N,
                    static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), &one, b,
                    static_cast<int>(ldb), a, static_cast<int>(lda), &zero, c,
                    static_cast<int>(ldc)),
        "dgemm");
}

const double* ptr(std::uintptr_t p) { return reinterpret_cast<const double*>(p); }

void check_shapes(const std::vector<std::uintptr_t>& cores, const std::vector<std::int64_t>& ranks,
                  const std::vector<std::int64_t>& modes, const char* who) {
  const size_t d = cores.size();
  LORANK_CHECK(d >= 2 && modes.size() == d && ranks.size() == d + 1, ShapeError, who,
               ": need d >= 2 cores with d modes and d + 1 ranks");
  LORANK_CHECK(ranks.front() == 1 && ranks.back() == 1, RankError, who,
               ": boundary ranks must be 1");
}

// One block: v /= 2^e with e the exponent of max|v| (frexp), e added to *exponent.
__global__ void rescale_kernel(double* v, std::int64_t count, double* exponent) {
  __shared__ double part[256];
  __shared__ int shift;
  double mx = 0.0;
  for (std::int64_t i = threadIdx.x; i < count; i += blockDim.x) mx = fmax(mx, fabs(v[i]));
  part[threadIdx.x] = mx;
  __syncthreads();
  for (int step = blockDim.x / 2; step > 0; step /= 2) {
    if (threadIdx.x < step) part[threadIdx.x] = fmax(part[threadIdx.x], part[threadIdx.x + step]);
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    int e = 0;
    if (part[0] > 0.0 && isfinite(part[0])) frexp(part[0], &e);
    shift = e;
    *exponent += e;
  }
  __syncthreads();
  for (std::int64_t i = threadIdx.x; i < count; i += blockDim.x) v[i] = ldexp(v[i], -shift);
}

}  // namespace

std::int64_t dot_workspace_doubles(const std::vector<std::int64_t>& x_ranks,
                                   const std::vector<std::int64_t>& y_ranks,
                                   const std::vector<std::int64_t>& modes) {
  std::int64_t square = 1, tall = 1;
  for (size_t k = 0; k < modes.size(); ++k) {
    square = std::max(square, x_ranks[k + 1] * y_ranks[k + 1]);
    tall = std::max(tall, x_ranks[k] * modes[k] * y_ranks[k + 1]);
  }
  return 2 * square + tall;
}

void dot_f64(const std::vector<std::uintptr_t>& x, const std::vector<std::int64_t>& x_ranks,
             const std::vector<std::uintptr_t>& y, const std::vector<std::int64_t>& y_ranks,
             const std::vector<std::int64_t>& modes, double* out, double* work, void* stream) {
  check_shapes(x, x_ranks, modes, "dot");
  check_shapes(y, y_ranks, modes, "dot");
  const std::int64_t d = static_cast<std::int64_t>(x.size());
  std::int64_t square = 1;
  for (std::int64_t k = 0; k < d; ++k) square = std::max(square, x_ranks[k + 1] * y_ranks[k + 1]);
  double* v = work;               // V (rx_k x ry_k), scaled
  double* next = work + square;   // the next V
  double* t = work + 2 * square;  // V Y_k (rx_{k-1} x n ry_k)
  auto s = static_cast<cudaStream_t>(stream);
  cudaMemsetAsync(out + 1, 0, sizeof(double), s);
  cublasHandle_t h = handle_for(stream);
  for (std::int64_t k = 0; k < d; ++k) {
    const std::int64_t a0 = x_ranks[k], b0 = y_ranks[k], n = modes[k], a1 = x_ranks[k + 1],
                       b1 = y_ranks[k + 1];
    const double* right = ptr(y[k]);
    if (k > 0) {
      gemm_rm(h, false, false, a0, n * b1, b0, v, b0, ptr(y[k]), n * b1, t, n * b1);
      right = t;
    }
    double* dst = k < d - 1 ? next : out;
    gemm_rm(h, true, false, a1, b1, a0 * n, ptr(x[k]), a1, right, b1, dst, b1);
    if (k < d - 1) {
      rescale_kernel<<<1, 256, 0, s>>>(next, a1 * b1, out + 1);
      std::swap(v, next);
    }
  }
}

std::int64_t gram_workspace_doubles(const std::vector<std::int64_t>& ranks,
                                    const std::vector<std::int64_t>& modes) {
  std::int64_t most = 1;
  for (size_t k = 0; k < modes.size(); ++k)
    most = std::max(most, ranks[k] * modes[k] * ranks[k + 1]);
  return most;
}

void gram_stacks_f64(const std::vector<std::uintptr_t>& cores,
                     const std::vector<std::int64_t>& ranks,
                     const std::vector<std::int64_t>& modes, double* gl, double* gr,
                     std::int64_t size, double* norm2, double* work, void* stream) {
  check_shapes(cores, ranks, modes, "gram_stacks");
  const std::int64_t d = static_cast<std::int64_t>(cores.size());
  auto s = static_cast<cudaStream_t>(stream);
  const size_t stack_bytes = sizeof(double) * (d - 1) * size * size;
  cudaMemsetAsync(gl, 0, stack_bytes, s);
  cudaMemsetAsync(gr, 0, stack_bytes, s);
  cublasHandle_t h = handle_for(stream);
  // Left: GL_k = sum_i C_k[:, i, :]^T GL_{k-1} C_k[:, i, :]: T = GL_{k-1} C_k (r0 x n r1),
  // then GL_k = C_k'^T T' with both read as (r0 n x r1).
  for (std::int64_t k = 0; k < d; ++k) {
    const std::int64_t r0 = ranks[k], n = modes[k], r1 = ranks[k + 1];
    const double* t = ptr(cores[k]);
    if (k > 0) {
      gemm_rm(h, false, false, r0, n * r1, r0, gl + (k - 1) * size * size, size, t, n * r1,
              work, n * r1);
      t = work;
    }
    double* dst = k < d - 1 ? gl + k * size * size : norm2;
    gemm_rm(h, true, false, r1, r1, r0 * n, ptr(cores[k]), r1, t, r1, dst, k < d - 1 ? size : 1);
  }
  // Right: GR_{k-1} = sum_i C_k[:, i, :] GR_k C_k[:, i, :]^T: T = C_k' GR_k (r0 n x r1),
  // then GR_{k-1} = T'' C_k''^T with both read as (r0 x n r1).
  for (std::int64_t k = d - 1; k >= 1; --k) {
    const std::int64_t r0 = ranks[k], n = modes[k], r1 = ranks[k + 1];
    const double* t = ptr(cores[k]);
    if (k < d - 1) {
      gemm_rm(h, false, false, r0 * n, r1, r1, ptr(cores[k]), r1, gr + k * size * size, size,
              work, r1);
      t = work;
    }
    gemm_rm(h, false, true, r0, r0, n * r1, t, n * r1, ptr(cores[k]), n * r1,
            gr + (k - 1) * size * size, size);
  }
}

void bond_apply_f64(const std::vector<std::uintptr_t>& cores,
                    const std::vector<std::int64_t>& ranks,
                    const std::vector<std::int64_t>& modes,
                    const std::vector<std::uintptr_t>& out,
                    const std::vector<std::int64_t>& new_ranks, const double* a, const double* b,
                    std::int64_t size, std::int64_t top, double* work, void* stream) {
  check_shapes(cores, ranks, modes, "bond_apply");
  const std::int64_t d = static_cast<std::int64_t>(cores.size());
  LORANK_CHECK(out.size() == cores.size() && new_ranks.size() == ranks.size(), ShapeError,
               "bond_apply: need one output per core and d + 1 new ranks");
  for (std::int64_t k = 0; k <= d; ++k)
    LORANK_CHECK(new_ranks[k] >= 1 && new_ranks[k] <= ranks[k] && new_ranks[k] <= std::max<std::int64_t>(top, 1),
                 RankError, "bond_apply: new rank ", new_ranks[k], " at bond ", k,
                 " must lie in [1, min(old rank ", ranks[k], ", ", top, ")]");
  cublasHandle_t h = handle_for(stream);
  for (std::int64_t k = 0; k < d; ++k) {
    const std::int64_t r0 = ranks[k], n = modes[k], r1 = ranks[k + 1];
    const std::int64_t p0 = new_ranks[k], p1 = new_ranks[k + 1];
    double* dst = reinterpret_cast<double*>(out[k]);
    const double* t = ptr(cores[k]);
    if (k > 0) {  // T = B_{k-1}[:p0, :r0] C_k  (p0 x n r1)
      double* into = k < d - 1 ? work : dst;
      gemm_rm(h, false, false, p0, n * r1, r0, b + (k - 1) * top * size, size, t, n * r1, into,
              n * r1);
      t = into;
    }
    if (k < d - 1)  // out = T' A_k[:r1, :p1], T' = T read as (p0 n x r1)
      gemm_rm(h, false, false, p0 * n, p1, r1, t, r1, a + k * size * top, top, dst, p1);
  }
}

}  // namespace lorank::cuda
