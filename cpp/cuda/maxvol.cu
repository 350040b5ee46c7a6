// SPDX-License-Identifier: MIT
// Square maxvol in one thread block: the matrices of cross approximation are small (a few
// thousand rows, tens of columns), so a single block keeps every step on the device without
// a launch per swap. Same steps as lorank::cross::maxvol (cpp/src/cross/maxvol.cpp).
#include <cuda_runtime.h>

#include <cfloat>

#include "lorank/cuda/maxvol.hpp"

namespace lorank::cuda {
namespace {

constexpr int kThreads = 256;

// Index of the largest |x[i]| (i in [0, m), strided by `step` over `base`) across the
// block; every thread gets the result. `sv`/`si` are shared scratch of kThreads entries.
__device__ long long block_argmax(const double* x, long long m, long long step,
                                  const long long* map, double* sv, long long* si,
                                  double* best) {
  double v = -1.0;
  long long at = -1;
  for (long long i = threadIdx.x; i < m; i += blockDim.x) {
    const long long p = map ? map[i] : i;
    const double a = fabs(x[p * step]);
    if (a > v) v = a, at = i;
  }
  sv[threadIdx.x] = v;
  si[threadIdx.x] = at;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      const double o = sv[threadIdx.x + s];
      const long long oi = si[threadIdx.x + s];
      // Ties go to the lower index, as the CPU scan does.
      if (o > sv[threadIdx.x] || (o == sv[threadIdx.x] && oi >= 0 &&
                                  (si[threadIdx.x] < 0 || oi < si[threadIdx.x]))) {
        sv[threadIdx.x] = o;
        si[threadIdx.x] = oi;
      }
    }
    __syncthreads();
  }
  const long long out = si[0];
  *best = sv[0];
  __syncthreads();
  return out;
}

__global__ void maxvol_kernel(const double* a, long long n, long long r, double tol,
                              long long maxiter, long long* rows, double* c, double* w,
                              long long* order, long long* status) {
  __shared__ double sv[kThreads];
  __shared__ long long si[kThreads];
  __shared__ double amax_s;
  double best = 0.0;
  // Working copy and identity order.
  for (long long i = threadIdx.x; i < n * r; i += blockDim.x) w[i] = a[i];
  for (long long i = threadIdx.x; i < n; i += blockDim.x) order[i] = i;
  __syncthreads();
  block_argmax(a, n * r, 1, nullptr, sv, si, &best);
  if (threadIdx.x == 0) amax_s = best;
  __syncthreads();
  const double floor = double(r) * DBL_EPSILON * amax_s;
  // Gaussian elimination with partial pivoting (rows permuted through `order`).
  for (long long j = 0; j < r; ++j) {
    const long long p = j + block_argmax(w + j, n - j, r, order + j, sv, si, &best);
    if (!(best > floor) || !isfinite(best)) {
      if (threadIdx.x == 0) *status = -1 - j;
      return;
    }
    if (threadIdx.x == 0) {
      const long long t = order[j];
      order[j] = order[p];
      order[p] = t;
    }
    __syncthreads();
    const double* prow = w + order[j] * r;
    for (long long i = j + 1 + threadIdx.x; i < n; i += blockDim.x) {
      double* row = w + order[i] * r;
      const double m = row[j] / prow[j];
      row[j] = m;
      for (long long k = j + 1; k < r; ++k) row[k] -= m * prow[k];
    }
    __syncthreads();
  }
  // C = L inv(L_pivots): identity on the pivot rows, back substitution elsewhere.
  for (long long i = threadIdx.x; i < n * r; i += blockDim.x) c[i] = 0.0;
  __syncthreads();
  for (long long j = threadIdx.x; j < r; j += blockDim.x) {
    c[order[j] * r + j] = 1.0;
    rows[j] = order[j];
  }
  for (long long i = r + threadIdx.x; i < n; i += blockDim.x) {
    const double* l = w + order[i] * r;
    double* out = c + order[i] * r;
    for (long long k = r - 1; k >= 0; --k) {
      double v = l[k];
      for (long long m = k + 1; m < r; ++m) v -= out[m] * w[order[m] * r + k];
      out[k] = v;
    }
  }
  __syncthreads();
  // Swaps: row i replaces rows[j] while |C_ij| > tol; C -= C[:, j] (C[i, :] - e_j) / C_ij.
  long long swaps = 0;
  while (swaps < maxiter) {
    const long long flat = block_argmax(c, n * r, 1, nullptr, sv, si, &best);
    if (best <= tol) break;
    const long long i = flat / r, j = flat % r;
    const double pivot = c[flat];
    // Row i (minus e_j) over the pivot, kept in w's first r entries; column j in w + r.
    for (long long k = threadIdx.x; k < r; k += blockDim.x)
      w[k] = (c[i * r + k] - (k == j ? 1.0 : 0.0)) / pivot;
    for (long long m = threadIdx.x; m < n; m += blockDim.x) w[r + m] = c[m * r + j];
    __syncthreads();
    for (long long e = threadIdx.x; e < n * r; e += blockDim.x)
      c[e] -= w[r + e / r] * w[e % r];
    if (threadIdx.x == 0) rows[j] = i;
    ++swaps;
    __syncthreads();
  }
  if (threadIdx.x == 0) *status = swaps;
}

}  // namespace

std::int64_t maxvol_workspace_bytes(std::int64_t n, std::int64_t r) {
  // The elimination's copy of A (n r doubles, at least n + r for the swaps), then `order`.
  const std::int64_t doubles = n * r > n + r ? n * r : n + r;
  return doubles * std::int64_t(sizeof(double)) + (n + 1) * std::int64_t(sizeof(long long));
}

void maxvol_f64(const double* a, std::int64_t n, std::int64_t r, double tol,
                std::int64_t maxiter, std::int64_t* rows, double* coef, void* work,
                std::int64_t* status, void* stream) {
  const std::int64_t doubles = n * r > n + r ? n * r : n + r;
  auto* w = static_cast<double*>(work);
  auto* order = reinterpret_cast<long long*>(w + doubles);
  maxvol_kernel<<<1, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      a, n, r, tol, maxiter, reinterpret_cast<long long*>(rows), coef, w, order,
      reinterpret_cast<long long*>(status));
}

}  // namespace lorank::cuda
