// SPDX-License-Identifier: MIT
// The greedy cross sweep as a state machine (the Python GreedyState in
// python/lorank/tt/_cross_greedy.py is its twin and reference).
#include "lorank/cross/greedy.hpp"

#include <algorithm>
#include <cmath>

#include "lorank/core/error.hpp"
#include "lorank/core/lapack.hpp"
#include "lorank/cross/maxvol.hpp"

namespace lorank::cross {
namespace {

constexpr int kRookSteps = 3;     // alternations (column, row) of a search
constexpr double kMaxCond = 1e12;  // a global pivot must keep cond(Q[rows]) below this

// Singular values of a row-major (r x r) matrix, descending.
std::vector<double> singular_values(const std::vector<double>& m, index_t r) {
  std::vector<double> a(r * r), u(r * r), s(r), vt(r * r);
  for (index_t i = 0; i < r; ++i)
    for (index_t j = 0; j < r; ++j) a[i + j * r] = m[i * r + j];
  lapack::svd(r, r, a.data(), r, u.data(), s.data(), vt.data());
  return s;
}

}  // namespace

bool IndexRows::contains(const std::int64_t* x) const {
  for (index_t a = 0; a < rows; ++a)
    if (std::equal(x, x + width, row(a))) return true;
  return false;
}

void IndexRows::push(const std::int64_t* x) {
  data.insert(data.end(), x, x + width);
  ++rows;
}

GreedyCross::GreedyCross(std::vector<index_t> shape, const std::vector<std::int64_t>& start,
                         double floor)
    : n_(std::move(shape)), d_(index_t(n_.size())), floor_(floor) {
  LORANK_CHECK(d_ >= 2, ShapeError, "GreedyCross: needs at least 2 modes, got ", d_);
  LORANK_CHECK(index_t(start.size()) == d_, ShapeError, "GreedyCross: start must have ", d_,
               " entries, got ", start.size());
  for (index_t k = 0; k < d_; ++k)
    LORANK_CHECK(n_[k] >= 1 && start[k] >= 0 && start[k] < n_[k], ShapeError,
                 "GreedyCross: start index ", start[k], " outside mode ", k, " of size ", n_[k]);
  left_.resize(d_ + 1);
  right_.resize(d_ + 1);
  for (index_t k = 0; k <= d_; ++k) {
    left_[k].width = k;
    left_[k].push(start.data());
    right_[k].width = d_ - k;
    right_[k].push(start.data() + k);
  }
  fibers_.resize(d_);
  interp_.resize(d_);
  interp_key_.assign(d_, {-1, -1});
  pending_.clear();
  segments_.clear();
  for (index_t k = 0; k < d_; ++k) emit_fiber(k);
  phase_ = Phase::Init;
  request();
}

void GreedyCross::request() { pending_rows_ = index_t(pending_.size()) / d_; }

// All multi-indices (I_k[a], i, J_{k+1}[b]), a-major, then i, then b.
void GreedyCross::emit_fiber(index_t k) {
  const IndexRows &l = left_[k], &r = right_[k + 1];
  for (index_t a = 0; a < l.rows; ++a)
    for (index_t i = 0; i < n_[k]; ++i)
      for (index_t b = 0; b < r.rows; ++b) {
        pending_.insert(pending_.end(), l.row(a), l.row(a) + l.width);
        pending_.push_back(i);
        pending_.insert(pending_.end(), r.row(b), r.row(b) + r.width);
      }
  segments_.push_back({k, l.rows * n_[k] * r.rows});
}

// Column j of each search's superblock: (I_{k-1}[a'/n], a' % n, j / r1, J_{k+1}[j % r1]).
void GreedyCross::emit_columns(bool only_stale) {
  pending_.clear();
  segments_.clear();
  for (index_t s = 0; s < index_t(search_.size()); ++s) {
    Search& q = search_[s];
    if (only_stale ? !(q.added && q.col_j != q.j) : q.settled) continue;
    const IndexRows &l = left_[q.k - 1], &r = right_[q.k + 1];
    const index_t n0 = n_[q.k - 1];
    for (index_t a = 0; a < q.m; ++a) {
      pending_.insert(pending_.end(), l.row(a / n0), l.row(a / n0) + l.width);
      pending_.push_back(a % n0);
      pending_.push_back(q.j / r.rows);
      pending_.insert(pending_.end(), r.row(q.j % r.rows), r.row(q.j % r.rows) + r.width);
    }
    segments_.push_back({s, q.m});
  }
  request();
}

// Row i of each unsettled search's superblock.
void GreedyCross::emit_rows() {
  pending_.clear();
  segments_.clear();
  for (index_t s = 0; s < index_t(search_.size()); ++s) {
    Search& q = search_[s];
    if (q.settled) continue;
    const IndexRows &l = left_[q.k - 1], &r = right_[q.k + 1];
    const index_t n0 = n_[q.k - 1];
    for (index_t c = 0; c < q.w; ++c) {
      pending_.insert(pending_.end(), l.row(q.i / n0), l.row(q.i / n0) + l.width);
      pending_.push_back(q.i % n0);
      pending_.push_back(c / r.rows);
      pending_.insert(pending_.end(), r.row(c % r.rows), r.row(c % r.rows) + r.width);
    }
    segments_.push_back({s, q.w});
  }
  request();
}

// Q of the thin QR of fiber T_{k-1} unfolded as (r_{k-1} n_{k-1}) x r_k, row-major.
std::vector<double> GreedyCross::orthonormal_fiber(index_t k) const {
  const index_t m = left_[k - 1].rows * n_[k - 1], r = right_[k].rows;
  const std::vector<double>& t = fibers_[k - 1];
  std::vector<double> a(m * r), rr(r * r), q(m * r);
  for (index_t i = 0; i < m; ++i)
    for (index_t c = 0; c < r; ++c) a[i + c * m] = t[i * r + c];
  lapack::qr(m, r, a.data(), m, rr.data());
  for (index_t i = 0; i < m; ++i)
    for (index_t c = 0; c < r; ++c) q[i * r + c] = a[i + c * m];
  return q;
}

// Positions of I_k among I_{k-1} x [n_{k-1}]: the rows of T_{k-1} that form P_k.
std::vector<index_t> GreedyCross::pivot_positions(index_t k) const {
  std::vector<index_t> rows(left_[k].rows);
  for (index_t p = 0; p < left_[k].rows; ++p) {
    const std::int64_t* x = left_[k].row(p);
    index_t a0 = 0;
    while (a0 < left_[k - 1].rows && !std::equal(x, x + k - 1, left_[k - 1].row(a0))) ++a0;
    LORANK_CHECK(a0 < left_[k - 1].rows, Error, "GreedyCross: internal error: index sets are "
                 "not nested at bond ", k);
    rows[p] = a0 * n_[k - 1] + x[k - 1];
  }
  return rows;
}

const std::vector<double>& GreedyCross::interpolation(index_t k) {
  const std::pair<index_t, index_t> key{left_[k - 1].rows, right_[k].rows};
  if (interp_key_[k] == key) return interp_[k];
  const index_t m = key.first * n_[k - 1], r = key.second;
  const std::vector<double> q = orthonormal_fiber(k);
  const std::vector<index_t> rows = pivot_positions(k);
  std::vector<double>& c = interp_[k];
  if (!interpolation_coefficients(q.data(), m, r, rows, c)) {
    // Q[rows] singular (a function zero where the pivots started): the pseudo-inverse.
    std::vector<double> s(r * r), u(r * r), sv(r), vt(r * r);
    for (index_t i = 0; i < r; ++i)
      for (index_t j = 0; j < r; ++j) s[i + j * r] = q[rows[i] * r + j];
    lapack::svd(r, r, s.data(), r, u.data(), sv.data(), vt.data());
    std::vector<double> pinv(r * r, 0.0);  // row-major: V diag(1/s) U^T
    const double cut = double(r) * 1e-16 * (r > 0 ? sv[0] : 0.0);
    for (index_t x = 0; x < r; ++x)
      if (sv[x] > cut)
        for (index_t i = 0; i < r; ++i)
          for (index_t j = 0; j < r; ++j) pinv[i * r + j] += vt[x + i * r] * u[j + x * r] / sv[x];
    c.assign(m * r, 0.0);
    for (index_t i = 0; i < m; ++i)
      for (index_t x = 0; x < r; ++x)
        for (index_t j = 0; j < r; ++j) c[i * r + j] += q[i * r + x] * pinv[x * r + j];
  }
  interp_key_[k] = key;
  return c;
}

void GreedyCross::begin_sweep(const std::vector<std::uint64_t>& seeds, index_t max_rank) {
  LORANK_CHECK(phase_ == Phase::Idle, Error, "GreedyCross: values still pending");
  LORANK_CHECK(index_t(seeds.size()) == d_ - 1, ShapeError, "GreedyCross: need ", d_ - 1,
               " seeds, got ", seeds.size());
  search_.clear();
  added_ = 0;
  largest_ = 0.0;
  for (index_t k = 1; k < d_; ++k) {
    if (left_[k].rows >= max_rank) continue;
    Search q;
    q.k = k;
    q.m = left_[k - 1].rows * n_[k - 1];
    q.w = n_[k] * right_[k + 1].rows;
    q.j = index_t(seeds[k - 1] % std::uint64_t(q.w));
    search_.push_back(std::move(q));
  }
  step_ = 0;
  if (search_.empty()) return;
  emit_columns(false);
  phase_ = Phase::Columns;
}

void GreedyCross::feed(const double* values, index_t count) {
  LORANK_CHECK(count == pending_rows_, ShapeError, "GreedyCross: expected ", pending_rows_,
               " values, got ", count);
  index_t off = 0;
  switch (phase_) {
    case Phase::Init:
    case Phase::Global:
      for (const auto& [k, rows] : segments_) {
        fibers_[k].assign(values + off, values + off + rows);
        off += rows;
      }
      if (phase_ == Phase::Global) {
        global_kept_ = true;
        for (index_t k = 1; k < d_ && global_kept_; ++k) {
          // cond(Q[rows]): the rows of the fiber's orthonormal basis that interpolate.
          const index_t r = right_[k].rows;
          const std::vector<double> q = orthonormal_fiber(k);
          const std::vector<index_t> rows = pivot_positions(k);
          std::vector<double> sub(r * r);
          for (index_t p = 0; p < r; ++p)
            std::copy(q.begin() + rows[p] * r, q.begin() + (rows[p] + 1) * r,
                      sub.begin() + p * r);
          const std::vector<double> s = singular_values(sub, r);
          global_kept_ = s[r - 1] > 0.0 && s[0] / s[r - 1] < kMaxCond;
        }
        if (!global_kept_) {
          left_ = saved_left_;
          right_ = saved_right_;
          fibers_ = saved_fibers_;
        }
        interp_key_.assign(d_, {-1, -1});
      }
      break;
    case Phase::Columns:
    case Phase::Stale:
      for (const auto& [s, rows] : segments_) {
        Search& q = search_[s];
        q.col.assign(values + off, values + off + rows);
        q.col_j = q.j;
        off += rows;
        if (phase_ == Phase::Stale || q.settled) continue;
        // Row of the largest |E| in column j: E = Pi - T_{k-1} inv(P_k) T_k.
        const std::vector<double>& c = interpolation(q.k);
        const std::vector<double>& t = fibers_[q.k];  // row-major (r_k x w)
        const index_t r = right_[q.k].rows;
        double best = -1.0;
        for (index_t i = 0; i < q.m; ++i) {
          double v = q.col[i];
          for (index_t x = 0; x < r; ++x) v -= c[i * r + x] * t[x * q.w + q.j];
          if (std::abs(v) > best) best = std::abs(v), q.i = i;
        }
      }
      break;
    case Phase::Rows:
      for (const auto& [s, rows] : segments_) {
        Search& q = search_[s];
        q.row.assign(values + off, values + off + rows);
        off += rows;
        const std::vector<double>& c = interpolation(q.k);
        const std::vector<double>& t = fibers_[q.k];
        const index_t r = right_[q.k].rows;
        double best = -1.0;
        index_t jj = 0;
        for (index_t j = 0; j < q.w; ++j) {
          double v = q.row[j];
          for (index_t x = 0; x < r; ++x) v -= c[q.i * r + x] * t[x * q.w + j];
          if (std::abs(v) > best) best = std::abs(v), jj = j;
        }
        q.best = best;
        q.settled = jj == q.j;
        q.j = jj;
      }
      break;
    case Phase::Corners:
      for (const auto& [s, rows] : segments_) {
        search_[s].corner.assign(values + off, values + off + rows);
        off += rows;
      }
      break;
    case Phase::Idle:
      break;
  }
  pending_.clear();
  segments_.clear();
  pending_rows_ = 0;
  // The next phase.
  if (phase_ == Phase::Init || phase_ == Phase::Global || phase_ == Phase::Idle) {
    phase_ = Phase::Idle;
    return;
  }
  if (phase_ == Phase::Columns) {
    emit_rows();
    phase_ = Phase::Rows;
    if (pending_rows_ > 0) return;
  }
  if (phase_ == Phase::Rows) {
    ++step_;
    const bool all_settled =
        std::all_of(search_.begin(), search_.end(), [](const Search& q) { return q.settled; });
    if (step_ < kRookSteps && !all_settled) {
      emit_columns(false);
      phase_ = Phase::Columns;
      if (pending_rows_ > 0) return;
    }
    // The pivots found: new on both sides and above the floor.
    for (Search& q : search_) {
      if (!(q.best > floor_)) continue;
      const IndexRows &l = left_[q.k - 1], &r = right_[q.k + 1];
      const index_t n0 = n_[q.k - 1];
      q.pivot_row.assign(l.row(q.i / n0), l.row(q.i / n0) + l.width);
      q.pivot_row.push_back(q.i % n0);
      q.pivot_col.assign(1, q.j / r.rows);
      q.pivot_col.insert(q.pivot_col.end(), r.row(q.j % r.rows), r.row(q.j % r.rows) + r.width);
      q.added = !left_[q.k].contains(q.pivot_row.data()) &&
                !right_[q.k].contains(q.pivot_col.data());
    }
    emit_columns(true);
    phase_ = Phase::Stale;
    if (pending_rows_ > 0) return;
  }
  if (phase_ == Phase::Stale) {
    // Fibers between two new pivots need their corner entries.
    pending_.clear();
    segments_.clear();
    for (index_t s = 0; s + 1 < index_t(search_.size()); ++s) {
      const Search &a = search_[s], &b = search_[s + 1];
      if (!(a.added && b.added && b.k == a.k + 1)) continue;
      for (index_t i = 0; i < n_[a.k]; ++i) {
        pending_.insert(pending_.end(), a.pivot_row.begin(), a.pivot_row.end());
        pending_.push_back(i);
        pending_.insert(pending_.end(), b.pivot_col.begin(), b.pivot_col.end());
      }
      segments_.push_back({s, n_[a.k]});
    }
    request();
    phase_ = Phase::Corners;
    if (pending_rows_ > 0) return;
  }
  grow();
  phase_ = Phase::Idle;
}

void GreedyCross::grow() {
  // Bond k's pivot adds a column to T_{k-1} and a row to T_k.
  std::vector<const Search*> at_bond(d_ + 1, nullptr);
  for (const Search& q : search_)
    if (q.added) at_bond[q.k] = &q;
  for (index_t k = 0; k < d_; ++k) {
    const Search* row_from = at_bond[k];                        // a new row of T_k
    const Search* col_from = k + 1 < d_ ? at_bond[k + 1] : nullptr;  // a new column of T_k
    if (!row_from && !col_from) continue;
    const index_t r0 = left_[k].rows, n = n_[k], r1 = right_[k + 1].rows;
    const index_t nr0 = r0 + (row_from ? 1 : 0), nr1 = r1 + (col_from ? 1 : 0);
    std::vector<double> t(nr0 * n * nr1);
    const std::vector<double>& old = fibers_[k];
    for (index_t a = 0; a < r0; ++a)
      for (index_t i = 0; i < n; ++i) {
        std::copy(old.begin() + (a * n + i) * r1, old.begin() + (a * n + i + 1) * r1,
                  t.begin() + (a * n + i) * nr1);
        if (col_from) t[(a * n + i) * nr1 + r1] = col_from->col[a * n + i];
      }
    if (row_from)
      for (index_t i = 0; i < n; ++i) {
        std::copy(row_from->row.begin() + i * r1, row_from->row.begin() + (i + 1) * r1,
                  t.begin() + (r0 * n + i) * nr1);
        if (col_from) t[(r0 * n + i) * nr1 + r1] = row_from->corner[i];
      }
    fibers_[k] = std::move(t);
  }
  for (const Search& q : search_) {
    if (!q.added) continue;
    left_[q.k].push(q.pivot_row.data());
    right_[q.k].push(q.pivot_col.data());
    ++added_;
    largest_ = std::max(largest_, q.best);
  }
}

bool GreedyCross::begin_global_pivot(const std::vector<std::int64_t>& point, index_t max_rank) {
  LORANK_CHECK(phase_ == Phase::Idle, Error, "GreedyCross: values still pending");
  LORANK_CHECK(index_t(point.size()) == d_, ShapeError, "GreedyCross: point needs ", d_,
               " entries");
  global_kept_ = false;
  for (index_t k = 1; k < d_; ++k)
    if (left_[k].rows >= max_rank || left_[k].contains(point.data()) ||
        right_[k].contains(point.data() + k))
      return false;
  saved_left_ = left_;
  saved_right_ = right_;
  saved_fibers_ = fibers_;
  for (index_t k = 1; k < d_; ++k) {
    left_[k].push(point.data());
    right_[k].push(point.data() + k);
  }
  pending_.clear();
  segments_.clear();
  for (index_t k = 0; k < d_; ++k) emit_fiber(k);
  request();
  phase_ = Phase::Global;
  return true;
}

std::vector<std::vector<double>> GreedyCross::cores() {
  std::vector<std::vector<double>> out(d_);
  for (index_t k = 0; k + 1 < d_; ++k) out[k] = interpolation(k + 1);
  out[d_ - 1] = fibers_[d_ - 1];
  return out;
}

std::vector<index_t> GreedyCross::ranks() const {
  std::vector<index_t> r(d_ + 1, 1);
  for (index_t k = 1; k < d_; ++k) r[k] = left_[k].rows;
  return r;
}

}  // namespace lorank::cross
