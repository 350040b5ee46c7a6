// SPDX-License-Identifier: MIT
#include <utility>
#include <vector>

#include "lorank/core/error.hpp"
#include "lorank/core/lapack.hpp"
#include "lorank/manifold/tt_sampled.hpp"

namespace lorank::manifold {

using lapack::Op;

tt::Train<double> tt_project(const tt::TrainView<double>& left,
                             const tt::TrainView<double>& right,
                             const tt::TrainView<double>& z) {
  const std::size_t d = left.size();
  LORANK_CHECK(d >= 1 && right.size() == d && z.size() == d, ShapeError,
               "tt_project: the point's two forms and z need the same number of cores");
  tt::check_train(z, "tt_project");
  for (std::size_t k = 0; k < d; ++k) {
    LORANK_CHECK(left[k].n == z[k].n && right[k].n == z[k].n && left[k].r0 == right[k].r0 &&
                     left[k].r1 == right[k].r1,
                 ShapeError, "tt_project: mode ", k, " differs between the point and z");
  }
  // phi_l[k]: (r_k x s_k), the left cores against z's; phi_r[k]: (r_{k+1} x s_{k+1}).
  std::vector<std::vector<double>> phi_l(d), phi_r(d);
  phi_l[0] = {1.0};
  for (std::size_t k = 0; k + 1 < d; ++k) {
    const auto &u = left[k], &c = z[k];
    std::vector<double> t(static_cast<std::size_t>(u.r0 * c.n * c.r1));
    lapack::gemm(Op::N, Op::N, u.r0, c.n * c.r1, c.r0, 1.0, phi_l[k].data(), c.r0, c.data,
                 c.n * c.r1, 0.0, t.data(), c.n * c.r1);  // (r_k, n s_{k+1})
    phi_l[k + 1].resize(static_cast<std::size_t>(u.r1 * c.r1));
    lapack::gemm(Op::T, Op::N, u.r1, c.r1, u.r0 * u.n, 1.0, u.data, u.r1, t.data(), c.r1, 0.0,
                 phi_l[k + 1].data(), c.r1);
  }
  phi_r[d - 1] = {1.0};
  for (std::size_t k = d - 1; k >= 1; --k) {
    const auto &v = right[k], &c = z[k];
    std::vector<double> t(static_cast<std::size_t>(c.r0 * c.n * v.r1));
    lapack::gemm(Op::N, Op::T, c.r0 * c.n, v.r1, c.r1, 1.0, c.data, c.r1, phi_r[k].data(), c.r1,
                 0.0, t.data(), v.r1);  // (s_k n, r_{k+1}) = (s_k, n r_{k+1})
    phi_r[k - 1].resize(static_cast<std::size_t>(v.r0 * c.r0));
    lapack::gemm(Op::N, Op::T, v.r0, c.r0, v.n * v.r1, 1.0, v.data, v.n * v.r1, t.data(),
                 v.n * v.r1, 0.0, phi_r[k - 1].data(), c.r0);
  }
  tt::Train<double> out;
  for (std::size_t k = 0; k < d; ++k) {
    const auto &u = left[k], &c = z[k];
    std::vector<double> t(static_cast<std::size_t>(u.r0 * c.n * c.r1));
    lapack::gemm(Op::N, Op::N, u.r0, c.n * c.r1, c.r0, 1.0, phi_l[k].data(), c.r0, c.data,
                 c.n * c.r1, 0.0, t.data(), c.n * c.r1);
    tt::Core<double> dc(u.r0, u.n, u.r1, tt::uninitialized);
    lapack::gemm(Op::N, Op::T, u.r0 * c.n, u.r1, c.r1, 1.0, t.data(), c.r1, phi_r[k].data(),
                 c.r1, 0.0, dc.data.data(), u.r1);
    out.push_back(std::move(dc));
  }
  return out;
}

}  // namespace lorank::manifold
