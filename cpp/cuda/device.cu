// SPDX-License-Identifier: MIT
#include <cuda_runtime.h>

#include "lorank/cuda/tt_elements.hpp"

namespace lorank::cuda {

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return n;
}

}  // namespace lorank::cuda
