// SPDX-License-Identifier: MIT
// Embedding the lorank C++ core: TT-SVD of a rank-2 tensor, rounding of its doubled sum,
// and a norm check against the dense tensor. Exits non-zero on a wrong result.
#include <cmath>
#include <cstdio>
#include <vector>

#include "lorank/tt/algorithms.hpp"

int main() {
  using lorank::index_t;
  const std::vector<index_t> shape{4, 5, 6};
  std::vector<double> a(4 * 5 * 6);
  double dense_norm2 = 0.0;
  for (index_t i = 0; i < 4; ++i)
    for (index_t j = 0; j < 5; ++j)
      for (index_t k = 0; k < 6; ++k) {
        const double v = std::sin(i + 2.0 * j + 3.0 * k);  // TT ranks 2
        a[(i * 5 + j) * 6 + k] = v;
        dense_norm2 += v * v;
      }
  auto x = lorank::tt::tt_svd(a.data(), shape, {1e-12, {}});
  std::printf("TT-SVD ranks:");
  for (const auto& c : x.cores) std::printf(" %lld", static_cast<long long>(c.r0));
  std::printf(" 1, error %.2e\n", x.error);
  const auto norm2 = lorank::tt::dot(lorank::tt::views(x.cores), lorank::tt::views(x.cores));
  const double n2 = norm2.mantissa * std::exp(norm2.log_scale);
  std::printf("norm^2 %.12f (dense %.12f)\n", n2, dense_norm2);
  const bool ok = x.cores[1].r0 == 2 && x.cores[2].r0 == 2 &&
                  std::abs(n2 - dense_norm2) < 1e-9 * dense_norm2;
  try {
    lorank::tt::round(lorank::tt::views(x.cores), {2.0, {}}, lorank::tt::RoundMethod::Svd);
    return 1;  // rtol = 2 must be rejected
  } catch (const lorank::Error& e) {
    std::printf("bad rtol rejected: %s\n", e.what());
  }
  std::puts(ok ? "consumer OK" : "consumer FAILED");
  return ok ? 0 : 1;
}
