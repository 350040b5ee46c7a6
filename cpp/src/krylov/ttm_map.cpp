// SPDX-License-Identifier: MIT
// A TT-matrix as a LinearMap for the compiled Lanczos loop (the twin of
// TTMatrix.matvec_dense in python/lorank/tt/matrix.py).
#include <algorithm>
#include <utility>

#include "lorank/core/error.hpp"
#include "lorank/core/lapack.hpp"
#include "lorank/krylov/lanczos.hpp"

namespace lorank::krylov {

using lapack::Op;

TTMatrixMap::TTMatrixMap(std::vector<const double*> cores, std::vector<index_t> ranks,
                         std::vector<index_t> m, std::vector<index_t> n)
    : ranks_(std::move(ranks)), m_(std::move(m)), n_(std::move(n)) {
  const std::size_t d = cores.size();
  LORANK_CHECK(d >= 1 && ranks_.size() == d + 1 && m_.size() == d && n_.size() == d, ShapeError,
               "TTMatrixMap: need d cores, d + 1 ranks and d row and column modes");
  LORANK_CHECK(ranks_.front() == 1 && ranks_.back() == 1, RankError,
               "TTMatrixMap: the end ranks must be 1");
  for (std::size_t k = 0; k < d; ++k) {
    const index_t r0 = ranks_[k], r1 = ranks_[k + 1], mk = m_[k], nk = n_[k];
    LORANK_CHECK(r0 > 0 && r1 > 0 && mk > 0 && nk > 0, ShapeError, "TTMatrixMap: core ", k,
                 " has an empty dimension");
    rows_ *= mk;
    cols_ *= nk;
    // core[a, i, j, b] at ((a * m + i) * n + j) * r1 + b
    std::vector<double> fwd(static_cast<std::size_t>(mk * r1 * r0 * nk)),
        bwd(static_cast<std::size_t>(nk * r1 * r0 * mk));
    for (index_t a = 0; a < r0; ++a)
      for (index_t i = 0; i < mk; ++i)
        for (index_t j = 0; j < nk; ++j)
          for (index_t b = 0; b < r1; ++b) {
            const double v = cores[k][((a * mk + i) * nk + j) * r1 + b];
            fwd[static_cast<std::size_t>((i * r1 + b) * r0 * nk + a * nk + j)] = v;
            bwd[static_cast<std::size_t>((j * r1 + b) * r0 * mk + a * mk + i)] = v;
          }
    forward_.push_back(std::move(fwd));
    backward_.push_back(std::move(bwd));
  }
}

// State layout [out_1..out_k][r_k][in_{k+1}..in_d]; core k turns (r_k, in_{k+1}) into
// (out_{k+1}, r_{k+1}): per block of finished outputs P, next (out r1) x rest =
// packed (out r1) x (r0 in) times state (r0 in) x rest.
void TTMatrixMap::contract(const std::vector<std::vector<double>>& packed,
                           const std::vector<index_t>& out_modes,
                           const std::vector<index_t>& in_modes, const double* x, double* y) const {
  const std::size_t d = packed.size();
  index_t done = 1, rest = 1;
  for (index_t v : in_modes) rest *= v;
  state_.assign(x, x + rest);
  for (std::size_t k = 0; k < d; ++k) {
    const index_t r0 = ranks_[k], r1 = ranks_[k + 1], out = out_modes[k], in = in_modes[k];
    rest /= in;
    next_.resize(static_cast<std::size_t>(done * out * r1 * rest));
    for (index_t p = 0; p < done; ++p)
      lapack::gemm(Op::N, Op::N, out * r1, rest, r0 * in, 1.0, packed[k].data(), r0 * in,
                   state_.data() + p * r0 * in * rest, rest, 0.0,
                   next_.data() + p * out * r1 * rest, rest);
    done *= out;
    state_.swap(next_);
  }
  std::copy_n(state_.data(), done, y);
}

void TTMatrixMap::apply(const double* x, double* y) const { contract(forward_, m_, n_, x, y); }

void TTMatrixMap::apply_adjoint(const double* y, double* x) const {
  contract(backward_, n_, m_, y, x);
}

}  // namespace lorank::krylov
