// SPDX-License-Identifier: MIT
#pragma once
/// \file The greedy (TCI-style) cross of lorank.tt.cross as a state machine: it emits batches
/// of multi-indices, the caller evaluates them (C++ never calls back into Python) and feeds
/// the values back. Method: S. Dolgov, D. Savostyanov, "Parallel cross interpolation for
/// high-precision calculation of high-dimensional integrals", Comput. Phys. Commun. 246
/// (2020) 106869 (rook searches at all bonds, batched); Y. Nunez Fernandez et al., Phys.
/// Rev. X 12 (2022) 041018 (global pivots).
#include <cstdint>
#include <vector>

#include "lorank/core/types.hpp"

namespace lorank::cross {

/// Multi-indices of one side of a bond: `rows` of `width` entries each, row-major.
struct IndexRows {
  index_t rows = 0, width = 0;
  std::vector<std::int64_t> data;
  const std::int64_t* row(index_t a) const { return data.data() + a * width; }
  bool contains(const std::int64_t* x) const;
  void push(const std::int64_t* x);
};

/// Pivots I_k (inside I_{k-1} x [n_{k-1}]) and J_k (inside [n_k] x J_{k+1}), equally many at
/// each bond, fibers T_k = f(I_k x [n_k] x J_{k+1}); the train is T_0 inv(P_1) T_1 ...
/// T_{d-1} with P_k = f(I_k, J_k), computed as Q inv(Q[rows]) from orthonormalized fibers.
/// Float64 values. Protocol: while pending_rows() > 0, evaluate pending() and feed() it.
class GreedyCross {
 public:
  /// Starts from one pivot, the multi-index `start`; errors at most `floor` add no pivot.
  GreedyCross(std::vector<index_t> shape, const std::vector<std::int64_t>& start,
              double floor);

  index_t ndim() const { return d_; }
  index_t pending_rows() const { return pending_rows_; }
  const std::vector<std::int64_t>& pending() const { return pending_; }
  void feed(const double* values, index_t count);

  /// One rook search at every bond below max_rank (start column `seeds[k-1] mod width`),
  /// then one new pivot per bond where it found an error above the floor.
  void begin_sweep(const std::vector<std::uint64_t>& seeds, index_t max_rank);
  index_t added() const { return added_; }
  double largest() const { return largest_; }

  /// Adds `point` as a pivot at every bond (prefixes to I_k, suffixes to J_k); false,
  /// changing nothing, unless it is new on both sides of every bond below max_rank. Once
  /// the refreshed fibers are fed, global_kept() says whether every bond could interpolate
  /// through it (else the pivot was rolled back).
  bool begin_global_pivot(const std::vector<std::int64_t>& point, index_t max_rank);
  bool global_kept() const { return global_kept_; }

  /// Cores (r_k, n_k, r_{k+1}), row-major, and the ranks (d + 1).
  std::vector<std::vector<double>> cores();
  std::vector<index_t> ranks() const;
  const std::vector<IndexRows>& left() const { return left_; }
  const std::vector<IndexRows>& right() const { return right_; }

 private:
  struct Search {  // one rook search, at bond k
    index_t k = 0, m = 0, w = 0;  // superblock rows r_{k-1} n_{k-1}, columns n_k r_{k+1}
    index_t i = 0, j = 0, col_j = -1;
    double best = 0.0;
    bool settled = false, added = false;
    std::vector<double> col, row, corner;
    std::vector<std::int64_t> pivot_row, pivot_col;
  };
  enum class Phase { Idle, Init, Columns, Rows, Stale, Corners, Global };

  const std::vector<double>& interpolation(index_t k);
  std::vector<double> orthonormal_fiber(index_t k) const;
  std::vector<index_t> pivot_positions(index_t k) const;
  void emit_fiber(index_t k);
  void emit_columns(bool only_stale);
  void emit_rows();
  void grow();
  void request();

  std::vector<index_t> n_;
  index_t d_;
  double floor_;
  std::vector<IndexRows> left_, right_;
  std::vector<std::vector<double>> fibers_;
  std::vector<std::vector<double>> interp_;
  std::vector<std::pair<index_t, index_t>> interp_key_;
  std::vector<Search> search_;
  Phase phase_ = Phase::Idle;
  int step_ = 0;
  index_t added_ = 0;
  double largest_ = 0.0;
  bool global_kept_ = false;
  std::vector<IndexRows> saved_left_, saved_right_;
  std::vector<std::vector<double>> saved_fibers_;
  std::vector<std::int64_t> pending_;
  index_t pending_rows_ = 0;
  std::vector<std::pair<index_t, index_t>> segments_;  // (search or fiber id, rows) per part
};

}  // namespace lorank::cross
