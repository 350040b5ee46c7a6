// SPDX-License-Identifier: MIT
// The fused DyKAF factor update for a group of same-shape parameters: batched cuBLAS GEMMs
// for the products G R G^T, G^T L G (and the Galerkin step's K G, G M), and one launch per
// reduction/elementwise pass over the whole group (grid y = the pair). The scale factors the
// CPU kernel applies between GEMMs are folded into these passes, so every scalar stays on
// the device. Row-major matrices go to column-major cuBLAS as their transposes (operands
// swapped, same op flags).
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cmath>
#include <vector>

#include "cublas_handle.cuh"
#include "lorank/core/error.hpp"
#include "lorank/cuda/kron_update.hpp"

namespace lorank::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kScalars = 8;   // per pair: |L|^2 |R|^2 |K|^2 <.,K> |M|^2 <R,M> <KG,GM>
constexpr int kPointers = 7;  // per pair: G L R and the scratch GX GY KK LL
// Slots a kernel fills together are adjacent (block_add writes consecutive slots).
enum Slot { kLsq, kRsq, kKsq, kDotK, kMsq, kDotM, kGuv };
enum Ptr { kG, kL, kR, kGX, kGY, kKK, kLL };

std::int64_t round_up(std::int64_t x, std::int64_t to) { return (x + to - 1) / to * to; }

// Adds each of the N per-thread values of the block into out[0..N) (one atomic per value).
template <int N>
__device__ void block_add(const double (&v)[N], double* out) {
  __shared__ double part[N][kThreads];
  for (int i = 0; i < N; ++i) part[i][threadIdx.x] = v[i];
  __syncthreads();
  for (int step = kThreads / 2; step > 0; step /= 2) {
    if (threadIdx.x < step)
      for (int i = 0; i < N; ++i) part[i][threadIdx.x] += part[i][threadIdx.x + step];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    for (int i = 0; i < N; ++i) atomicAdd(out + i, part[i][0]);
}

__device__ bool positive_finite(double x) { return x > 0 && isfinite(x); }

#define LORANK_GRID_LOOP(i, count) \
  for (std::int64_t i = blockIdx.x * std::int64_t(kThreads) + threadIdx.x; i < (count); \
       i += std::int64_t(gridDim.x) * kThreads)

// |L|^2 and |R|^2 of every pair (the Galerkin step's scales).
template <class T>
__global__ void sumsq_lr(T* const* p, std::int64_t mm, std::int64_t nn, double* sc) {
  const int job = blockIdx.y;
  const T* l = p[kL * gridDim.y + job];
  const T* r = p[kR * gridDim.y + job];
  double v[2] = {0, 0};
  LORANK_GRID_LOOP(i, mm) v[0] += double(l[i]) * l[i];
  LORANK_GRID_LOOP(i, nn) v[1] += double(r[i]) * r[i];
  block_add<2>(v, sc + job * kScalars + kLsq);
}

// KSL K-step in place of KK = G R G^T: K = beta L + w KK; <K, KK> and |K|^2.
template <class T>
__global__ void ksl_k(T* const* p, std::int64_t mm, double beta, double* sc) {
  const int job = blockIdx.y;
  const T* l = p[kL * gridDim.y + job];
  T* kk = p[kKK * gridDim.y + job];
  double v[2] = {0, 0};  // |K|^2, <K, G R G^T>
  LORANK_GRID_LOOP(i, mm) {
    const double prod = kk[i], k = beta * double(l[i]) + (1 - beta) * prod;
    kk[i] = T(k);
    v[0] += k * k;
    v[1] += k * prod;
  }
  block_add<2>(v, sc + job * kScalars + kKsq);
}

// KSL backward S-step and L-step in place of LL = G^T K G:
// M = s R + (w / |K|) LL, s = |K| - w <K, G R G^T> / |K|; and |M|^2.
template <class T>
__global__ void ksl_m(T* const* p, std::int64_t nn, double beta, double* sc) {
  const int job = blockIdx.y;
  const T* r = p[kR * gridDim.y + job];
  T* ll = p[kLL * gridDim.y + job];
  const double* s0 = sc + job * kScalars;
  const double kn = sqrt(s0[kKsq]), w = 1 - beta, s = kn - w * s0[kDotK] / kn;
  double v[1] = {0};
  LORANK_GRID_LOOP(i, nn) {
    const double m = s * double(r[i]) + (w / kn) * double(ll[i]);
    ll[i] = T(m);
    v[0] += m * m;
  }
  block_add<1>(v, sc + job * kScalars + kMsq);
}

// KSL result: L = K |M| / |K|, R = M / |M|, unless a norm is zero or not finite.
template <class T>
__global__ void ksl_commit(T* const* p, std::int64_t mm, std::int64_t nn, const double* sc) {
  const int job = blockIdx.y;
  const double* s0 = sc + job * kScalars;
  const double kn = sqrt(s0[kKsq]), mn = sqrt(s0[kMsq]);
  if (!positive_finite(kn) || !positive_finite(mn)) return;
  T* l = p[kL * gridDim.y + job];
  T* r = p[kR * gridDim.y + job];
  const T* kk = p[kKK * gridDim.y + job];
  const T* ll = p[kLL * gridDim.y + job];
  LORANK_GRID_LOOP(i, mm) l[i] = T(double(kk[i]) * (mn / kn));
  LORANK_GRID_LOOP(i, nn) r[i] = T(double(ll[i]) / mn);
}

// Galerkin K- and L-steps from the old factors, in place of KK = G R G^T and LL = G^T L G:
// K = beta |R| L + w KK / |R|, M = beta |L| R + w LL / |L| (i.e. p Lh + w G Rh G^T and
// p Rh + w G^T Lh G times |L| and |R|); |K|^2, |M|^2, <L, K>, <R, M>.
template <class T>
__global__ void bug_km(T* const* p, std::int64_t mm, std::int64_t nn, double beta, double* sc) {
  const int job = blockIdx.y;
  const T* l = p[kL * gridDim.y + job];
  const T* r = p[kR * gridDim.y + job];
  T* kk = p[kKK * gridDim.y + job];
  T* ll = p[kLL * gridDim.y + job];
  double* s0 = sc + job * kScalars;
  const double ln = sqrt(s0[kLsq]), rn = sqrt(s0[kRsq]), w = 1 - beta;
  double v[4] = {0, 0, 0, 0};  // |K|^2 <L,K> |M|^2 <R,M>
  LORANK_GRID_LOOP(i, mm) {
    const double k = beta * rn * double(l[i]) + w * double(kk[i]) / rn;
    kk[i] = T(k);
    v[0] += k * k;
    v[1] += double(l[i]) * k;
  }
  LORANK_GRID_LOOP(i, nn) {
    const double m = beta * ln * double(r[i]) + w * double(ll[i]) / ln;
    ll[i] = T(m);
    v[2] += m * m;
    v[3] += double(r[i]) * m;
  }
  block_add<4>(v, s0 + kKsq);
}

// <K G, G M> of every pair.
template <class T>
__global__ void dot_gxgy(T* const* p, std::int64_t mn, double* sc) {
  const int job = blockIdx.y;
  const T* gx = p[kGX * gridDim.y + job];
  const T* gy = p[kGY * gridDim.y + job];
  double v[1] = {0};
  LORANK_GRID_LOOP(i, mn) v[0] += double(gx[i]) * gy[i];
  block_add<1>(v, sc + job * kScalars + kGuv);
}

// Galerkin result: S = p <Lh, U> <Rh, V> + w <U G, G V> with U = K/|K|, V = M/|M|,
// p = beta |L| |R|; L = S U, R = V, unless a norm is not positive and finite or S <= 0.
template <class T>
__global__ void bug_commit(T* const* p, std::int64_t mm, std::int64_t nn, double beta,
                           const double* sc) {
  const int job = blockIdx.y;
  const double* s0 = sc + job * kScalars;
  const double ln = sqrt(s0[kLsq]), rn = sqrt(s0[kRsq]), kn = sqrt(s0[kKsq]),
               mn = sqrt(s0[kMsq]);
  if (!positive_finite(ln) || !positive_finite(rn) || !positive_finite(kn) ||
      !positive_finite(mn))
    return;
  const double s = beta * (s0[kDotK] / kn) * (s0[kDotM] / mn) +
                   (1 - beta) * s0[kGuv] / (kn * mn);
  if (!positive_finite(s)) return;
  T* l = p[kL * gridDim.y + job];
  T* r = p[kR * gridDim.y + job];
  const T* kk = p[kKK * gridDim.y + job];
  const T* ll = p[kLL * gridDim.y + job];
  LORANK_GRID_LOOP(i, mm) l[i] = T(double(kk[i]) * (s / kn));
  LORANK_GRID_LOOP(i, nn) r[i] = T(double(ll[i]) / mn);
}

#undef LORANK_GRID_LOOP

cublasStatus_t gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                            int n, int k, const float* alpha, const float* const* a, int lda,
                            const float* const* b, int ldb, const float* beta, float* const* c,
                            int ldc, int count) {
  return cublasSgemmBatched(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, count);
}

cublasStatus_t gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                            int n, int k, const double* alpha, const double* const* a, int lda,
                            const double* const* b, int ldb, const double* beta,
                            double* const* c, int ldc, int count) {
  return cublasDgemmBatched(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, count);
}

// For every pair: row-major C (rows x cols, ld ldc) = op(A) op(B) with inner size k; a, b, c
// name pointer arrays of the table.
template <class T>
void gemm_rm(cublasHandle_t h, T* const* table, std::int64_t count, bool ta, bool tb,
             std::int64_t rows, std::int64_t cols, std::int64_t k, Ptr a, std::int64_t lda, Ptr b,
             std::int64_t ldb, Ptr c, std::int64_t ldc) {
  const T one = 1, zero = 0;
  check(gemm_batched(h, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N,
                     static_cast<int>(cols), static_cast<int>(rows), static_cast<int>(k), &one,
                     table + b * count, static_cast<int>(ldb), table + a * count,
                     static_cast<int>(lda), &zero, table + c * count, static_cast<int>(ldc),
                     static_cast<int>(count)),
        "batched gemm");
}

void check_launch(const char* what) {
  const cudaError_t e = cudaGetLastError();
  LORANK_CHECK(e == cudaSuccess, DeviceError, "kron_update: ", what, " failed: ",
               cudaGetErrorString(e));
}

std::int64_t scratch_elems(std::int64_t m, std::int64_t n) {
  return round_up(2 * m * n + m * m + n * n, 64);  // 64 elements keep every block 256-aligned
}

std::int64_t header_bytes(std::int64_t count) {
  return round_up(kPointers * count * 8, 256) + round_up(kScalars * count * 8, 256);
}

}  // namespace

std::int64_t kron_update_workspace_bytes(std::int64_t count, std::int64_t m, std::int64_t n,
                                         std::int64_t elem_bytes) {
  return header_bytes(count) + count * scratch_elems(m, n) * elem_bytes;
}

template <class T>
void kron_update(bool galerkin, std::int64_t count, std::int64_t m, std::int64_t n,
                 const std::vector<std::uintptr_t>& g, const std::vector<std::uintptr_t>& left,
                 const std::vector<std::uintptr_t>& right, double beta, void* work,
                 std::int64_t work_bytes, void* stream) {
  LORANK_CHECK(count >= 0 && count <= 65535, ShapeError,
               "kron_update: between 0 and 65535 pairs per call, got ", count);
  LORANK_CHECK(static_cast<std::int64_t>(g.size()) == count &&
                   static_cast<std::int64_t>(left.size()) == count &&
                   static_cast<std::int64_t>(right.size()) == count,
               ShapeError, "kron_update: need ", count, " gradients, lefts and rights");
  LORANK_CHECK(m >= 1 && n >= 1 && m <= (1 << 30) / n, ShapeError,
               "kron_update: gradient shape ", m, " x ", n, " out of range");
  LORANK_CHECK(beta >= 0 && beta < 1, Error, "kron_update: beta must be in [0, 1), got ", beta);
  LORANK_CHECK(work_bytes >= kron_update_workspace_bytes(count, m, n, sizeof(T)), ShapeError,
               "kron_update: workspace of ", work_bytes, " bytes, need ",
               kron_update_workspace_bytes(count, m, n, sizeof(T)));
  if (count == 0) return;
  auto s = static_cast<cudaStream_t>(stream);
  char* base = static_cast<char*>(work);
  T** table = reinterpret_cast<T**>(base);
  double* sc = reinterpret_cast<double*>(base + round_up(kPointers * count * 8, 256));
  T* scratch = reinterpret_cast<T*>(base + header_bytes(count));
  // The pointer table G L R GX GY KK LL, uploaded once (from pageable memory: the call
  // returns once the copy is staged, so the host vector may go).
  std::vector<T*> host(static_cast<size_t>(kPointers * count));
  const std::int64_t stride = scratch_elems(m, n);
  for (std::int64_t j = 0; j < count; ++j) {
    T* own = scratch + j * stride;
    const T* parts[kPointers] = {reinterpret_cast<const T*>(g[j]),
                                 reinterpret_cast<const T*>(left[j]),
                                 reinterpret_cast<const T*>(right[j]),
                                 own,
                                 own + m * n,
                                 own + 2 * m * n,
                                 own + 2 * m * n + m * m};
    for (int q = 0; q < kPointers; ++q) host[q * count + j] = const_cast<T*>(parts[q]);
  }
  LORANK_CHECK(cudaMemcpyAsync(table, host.data(), host.size() * sizeof(T*),
                               cudaMemcpyHostToDevice, s) == cudaSuccess &&
                   cudaMemsetAsync(sc, 0, kScalars * count * sizeof(double), s) == cudaSuccess,
               DeviceError, "kron_update: upload of the pointer table failed");
  cublasHandle_t h = handle_for(stream);
  const std::int64_t mm = m * m, nn = n * n, most = mm > nn ? mm : nn;
  auto blocks = [](std::int64_t size) {
    const std::int64_t b = (size + kThreads - 1) / kThreads;
    return static_cast<unsigned>(b < 128 ? b : 128);
  };
  const dim3 grid_m(blocks(mm), count), grid_n(blocks(nn), count), grid_both(blocks(most), count);
  // G R G^T into KK (GX = G R first), for both steps.
  gemm_rm<T>(h, table, count, false, false, m, n, n, kG, n, kR, n, kGX, n);
  gemm_rm<T>(h, table, count, false, true, m, m, n, kGX, n, kG, n, kKK, m);
  if (!galerkin) {
    ksl_k<T><<<grid_m, kThreads, 0, s>>>(table, mm, beta, sc);
    check_launch("K-step");
    // G^T K G into LL (GX = K G first)
    gemm_rm<T>(h, table, count, false, false, m, n, m, kKK, m, kG, n, kGX, n);
    gemm_rm<T>(h, table, count, true, false, n, n, m, kG, n, kGX, n, kLL, n);
    ksl_m<T><<<grid_n, kThreads, 0, s>>>(table, nn, beta, sc);
    check_launch("L-step");
    ksl_commit<T><<<grid_both, kThreads, 0, s>>>(table, mm, nn, sc);
    check_launch("commit");
    return;
  }
  sumsq_lr<T><<<grid_both, kThreads, 0, s>>>(table, mm, nn, sc);
  check_launch("factor norms");
  // G^T L G into LL (GY = L G first); K and M from the old factors
  gemm_rm<T>(h, table, count, false, false, m, n, m, kL, m, kG, n, kGY, n);
  gemm_rm<T>(h, table, count, true, false, n, n, m, kG, n, kGY, n, kLL, n);
  bug_km<T><<<grid_both, kThreads, 0, s>>>(table, mm, nn, beta, sc);
  check_launch("K- and L-steps");
  // Galerkin S-step: <K G, G M>
  gemm_rm<T>(h, table, count, false, false, m, n, m, kKK, m, kG, n, kGX, n);
  gemm_rm<T>(h, table, count, false, false, m, n, n, kG, n, kLL, n, kGY, n);
  dot_gxgy<T><<<dim3(blocks(m * n), count), kThreads, 0, s>>>(table, m * n, sc);
  check_launch("S-step");
  bug_commit<T><<<grid_both, kThreads, 0, s>>>(table, mm, nn, beta, sc);
  check_launch("commit");
}

template void kron_update<float>(bool, std::int64_t, std::int64_t, std::int64_t,
                                 const std::vector<std::uintptr_t>&,
                                 const std::vector<std::uintptr_t>&,
                                 const std::vector<std::uintptr_t>&, double, void*, std::int64_t,
                                 void*);
template void kron_update<double>(bool, std::int64_t, std::int64_t, std::int64_t,
                                  const std::vector<std::uintptr_t>&,
                                  const std::vector<std::uintptr_t>&,
                                  const std::vector<std::uintptr_t>&, double, void*, std::int64_t,
                                  void*);

}  // namespace lorank::cuda
