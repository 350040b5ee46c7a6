// SPDX-License-Identifier: MIT
#include "lorank/manifold/sampled.hpp"

#include <algorithm>

#include "lorank/core/error.hpp"

namespace lorank::manifold {
namespace {

void check_indices(const std::int64_t* rows, const std::int64_t* cols, index_t count, index_t m,
                   index_t n, const char* who) {
  for (index_t k = 0; k < count; ++k)
    LORANK_CHECK(rows[k] >= 0 && rows[k] < m && cols[k] >= 0 && cols[k] < n, ShapeError, who,
                 ": entry ", k, " at (", rows[k], ", ", cols[k], ") lies outside ", m, " x ", n);
}

}  // namespace

void sampled_entries(const std::int64_t* rows, const std::int64_t* cols, index_t count,
                     const double* a, index_t m, const double* b, index_t n, index_t r,
                     double* out) {
  check_indices(rows, cols, count, m, n, "sampled_entries");
  for (index_t k = 0; k < count; ++k) {
    const double* x = a + rows[k] * r;
    const double* y = b + cols[k] * r;
    double acc = 0.0;
    for (index_t j = 0; j < r; ++j) acc += x[j] * y[j];
    out[k] = acc;
  }
}

void sparse_products(const std::int64_t* rows, const std::int64_t* cols, const double* values,
                     index_t count, const double* v, const double* u, index_t m, index_t n,
                     index_t r, double* zv, double* ztu) {
  check_indices(rows, cols, count, m, n, "sparse_products");
  std::fill(zv, zv + m * r, 0.0);
  std::fill(ztu, ztu + n * r, 0.0);
  for (index_t k = 0; k < count; ++k) {
    const double z = values[k];
    double* zr = zv + rows[k] * r;
    double* zc = ztu + cols[k] * r;
    const double* vr = v + cols[k] * r;
    const double* ur = u + rows[k] * r;
    for (index_t j = 0; j < r; ++j) {
      zr[j] += z * vr[j];
      zc[j] += z * ur[j];
    }
  }
}

}  // namespace lorank::manifold
