// SPDX-License-Identifier: MIT
#pragma once
// The cuBLAS handle and status check shared by the launchers (one handle per host thread
// and device, created on first use: creation costs milliseconds).
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "lorank/core/error.hpp"

namespace lorank::cuda {

inline void check(cublasStatus_t s, const char* what) {
  LORANK_CHECK(s == CUBLAS_STATUS_SUCCESS, DeviceError, "cuBLAS ", what, " failed (status ",
               static_cast<int>(s), ")");
}

inline cublasHandle_t handle_for(void* stream) {
  thread_local cublasHandle_t handles[64] = {};
  int dev = 0;
  cudaGetDevice(&dev);
  LORANK_CHECK(dev >= 0 && dev < 64, DeviceError, "cuBLAS: device id ", dev, " out of range");
  if (!handles[dev]) check(cublasCreate(&handles[dev]), "create");
  check(cublasSetStream(handles[dev], static_cast<cudaStream_t>(stream)), "set stream");
  return handles[dev];
}

}  // namespace lorank::cuda
