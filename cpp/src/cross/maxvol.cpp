// SPDX-License-Identifier: MIT
#include "lorank/cross/maxvol.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lorank/core/error.hpp"

namespace lorank::cross {
namespace {

template <class T>
double abs2(const T& x) {
  if constexpr (is_complex_v<T>) {
    return std::norm(x);
  } else {
    return double(x) * double(x);
  }
}

// Gaussian elimination with partial (row) pivoting of A (n x r): A P = L U with L (n x r)
// unit lower trapezoidal in pivot order. Returns the pivot rows and C = L inv(L_pivots) =
// A inv(A[pivots]) (n x r, row-major). A pivot below r eps max|A| means rank deficiency.
template <class T>
std::vector<index_t> lu_pivots(const T* a, index_t n, index_t r, std::vector<T>& c) {
  using R = real_t<T>;
  std::vector<T> w(a, a + n * r);
  std::vector<index_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  double amax = 0.0;
  for (index_t i = 0; i < n * r; ++i) amax = std::max(amax, double(std::abs(w[i])));
  const double floor = double(r) * std::numeric_limits<R>::epsilon() * amax;
  for (index_t j = 0; j < r; ++j) {
    index_t p = j;
    double best = -1.0;
    for (index_t i = j; i < n; ++i) {
      const double v = std::abs(w[order[i] * r + j]);
      if (v > best) best = v, p = i;
    }
    LORANK_CHECK(best > floor && std::isfinite(best), RankError,
                 "maxvol: the matrix must have full column rank; column ", j,
                 " depends on the previous ones (pivot ", best, ", max |A| ", amax, ")");
    std::swap(order[j], order[p]);
    T* prow = w.data() + order[j] * r;
    for (index_t i = j + 1; i < n; ++i) {
      T* row = w.data() + order[i] * r;
      const T m = row[j] / prow[j];
      row[j] = m;  // the multiplier: L's entry
      for (index_t k = j + 1; k < r; ++k) row[k] -= m * prow[k];
    }
  }
  // C = L inv(L_I): rows of the pivots are the identity; any other row l solves
  // c L_I = l, L_I unit lower triangular (its strict lower part sits in w's pivot rows).
  c.assign(n * r, T(0));
  for (index_t j = 0; j < r; ++j) c[order[j] * r + j] = T(1);
  for (index_t i = r; i < n; ++i) {
    const T* l = w.data() + order[i] * r;
    T* out = c.data() + order[i] * r;
    for (index_t k = r - 1; k >= 0; --k) {
      T v = l[k];
      for (index_t m = k + 1; m < r; ++m) v -= out[m] * w[order[m] * r + k];
      out[k] = v;
    }
  }
  return {order.begin(), order.begin() + r};
}

}  // namespace

template <class T>
bool interpolation_coefficients(const T* a, index_t n, index_t r, const std::vector<index_t>& rows,
                  std::vector<T>& c) {
  using R = real_t<T>;
  std::vector<T> m(r * r);  // m[i * r + j] = A[rows[j], i]: A[rows]^T, row-major
  double amax = 0.0;
  for (index_t i = 0; i < r; ++i)
    for (index_t j = 0; j < r; ++j) {
      m[i * r + j] = a[rows[j] * r + i];
      amax = std::max(amax, double(std::abs(m[i * r + j])));
    }
  const double floor = double(r) * std::numeric_limits<R>::epsilon() * amax;
  std::vector<index_t> perm(r);
  std::iota(perm.begin(), perm.end(), 0);
  for (index_t j = 0; j < r; ++j) {
    index_t p = j;
    for (index_t i = j + 1; i < r; ++i)
      if (std::abs(m[perm[i] * r + j]) > std::abs(m[perm[p] * r + j])) p = i;
    if (!(std::abs(m[perm[p] * r + j]) > floor)) return false;
    std::swap(perm[j], perm[p]);
    const T* prow = m.data() + perm[j] * r;
    for (index_t i = j + 1; i < r; ++i) {
      T* row = m.data() + perm[i] * r;
      row[j] /= prow[j];
      for (index_t k = j + 1; k < r; ++k) row[k] -= row[j] * prow[k];
    }
  }
  c.assign(n * r, T(0));
  std::vector<T> x(r);
  for (index_t q = 0; q < n; ++q) {
    // Solve A[rows]^T x = A[q, :]^T: forward with unit L, back with U.
    for (index_t i = 0; i < r; ++i) {
      T v = a[q * r + perm[i]];
      for (index_t k = 0; k < i; ++k) v -= m[perm[i] * r + k] * x[k];
      x[i] = v;
    }
    for (index_t i = r - 1; i >= 0; --i) {
      T v = x[i];
      for (index_t k = i + 1; k < r; ++k) v -= m[perm[i] * r + k] * x[k];
      x[i] = v / m[perm[i] * r + i];
    }
    std::copy(x.begin(), x.end(), c.begin() + q * r);
  }
  for (index_t j = 0; j < r; ++j)
    for (index_t k = 0; k < r; ++k) c[rows[j] * r + k] = T(j == k ? 1 : 0);
  return true;
}

namespace {

// Distinct rows in [0, n).
void check_rows(const std::vector<index_t>& rows, index_t n, const char* who) {
  std::vector<char> seen(n, 0);
  for (index_t i : rows) {
    LORANK_CHECK(i >= 0 && i < n, Error, who, ": start row ", i, " is outside [0, ", n, ")");
    LORANK_CHECK(!seen[i], Error, who, ": start row ", i, " appears twice");
    seen[i] = 1;
  }
}

// Index of the entry of largest modulus in x (n entries).
template <class T>
index_t argmax_abs(const T* x, index_t n, double& value) {
  index_t best = 0;
  value = -1.0;
  for (index_t i = 0; i < n; ++i) {
    const double v = abs2(x[i]);
    if (v > value) value = v, best = i;
  }
  value = std::sqrt(std::max(value, 0.0));
  return best;
}

template <class T>
void check_input(const T* a, index_t n, index_t r, const char* who) {
  LORANK_CHECK(r >= 1, ShapeError, who, ": the matrix needs at least one column, got ", r);
  LORANK_CHECK(n >= r, ShapeError, who, ": the matrix must be tall (rows >= columns), got ", n,
               " x ", r);
  for (index_t i = 0; i < n * r; ++i)
    LORANK_CHECK(std::isfinite(std::abs(a[i])), NumericalError, who,
                 ": the matrix has a NaN or Inf entry at row ", i / r, ", column ", i % r);
}

}  // namespace

template <class T>
Maxvol<T> maxvol(const T* a, index_t n, index_t r, double tol, index_t maxiter,
                 const std::vector<index_t>& start) {
  check_input(a, n, r, "maxvol");
  LORANK_CHECK(tol >= 1.0, Error, "maxvol: tol must be >= 1, got ", tol);
  LORANK_CHECK(maxiter >= 0, Error, "maxvol: maxiter must be >= 0, got ", maxiter);
  LORANK_CHECK(start.empty() || index_t(start.size()) == r, Error, "maxvol: start must hold ",
               r, " rows, got ", start.size());
  check_rows(start, n, "maxvol");
  Maxvol<T> out;
  std::vector<T>& c = out.coef;
  if (!start.empty() && interpolation_coefficients(a, n, r, start, c))
    out.rows = start;
  else
    out.rows = lu_pivots(a, n, r, c);
  std::vector<T> col(n), row(r);
  while (out.n_iter < maxiter) {
    double big = 0.0;
    const index_t flat = argmax_abs(c.data(), n * r, big);
    if (big <= tol) break;
    const index_t i = flat / r, j = flat % r;
    // Row i replaces rows[j]: C <- C - C[:, j] (C[i, :] - e_j) / C[i, j] (Sherman-Morrison).
    const T pivot = c[flat];
    for (index_t m = 0; m < n; ++m) col[m] = c[m * r + j];
    for (index_t k = 0; k < r; ++k) row[k] = (c[i * r + k] - (k == j ? T(1) : T(0))) / pivot;
    for (index_t m = 0; m < n; ++m) {
      T* cm = c.data() + m * r;
      for (index_t k = 0; k < r; ++k) cm[k] -= col[m] * row[k];
    }
    out.rows[j] = i;
    ++out.n_iter;
  }
  return out;
}

template <class T>
Maxvol<T> rect_maxvol(const T* a, index_t n, index_t r, double tol, index_t min_rows,
                      index_t max_rows, index_t maxvol_iter, const std::vector<index_t>& start) {
  check_input(a, n, r, "rect_maxvol");
  LORANK_CHECK(tol >= 0.0, Error, "rect_maxvol: tol must be >= 0, got ", tol);
  check_rows(start, n, "rect_maxvol");
  max_rows = std::clamp(max_rows <= 0 ? n : max_rows, r, n);
  min_rows = std::clamp(min_rows, r, max_rows);
  // The square part: maxvol from the best r of the start rows (maxvol on their submatrix).
  std::vector<index_t> square;
  if (index_t(start.size()) >= r) {
    std::vector<T> sub(start.size() * r);
    for (size_t q = 0; q < start.size(); ++q)
      std::copy(a + start[q] * r, a + (start[q] + 1) * r, sub.begin() + q * r);
    try {
      for (index_t p : maxvol(sub.data(), index_t(start.size()), r, 1.05, maxvol_iter).rows)
        square.push_back(start[p]);
    } catch (const RankError&) {
      square.clear();  // the start rows are degenerate: begin afresh
    }
  }
  Maxvol<T> sq = maxvol(a, n, r, 1.05, maxvol_iter, square);
  // Working C with room for max_rows columns (row-major, leading dimension max_rows).
  Maxvol<T> out;
  out.rows = sq.rows;
  std::vector<T> c(n * max_rows, T(0));
  for (index_t m = 0; m < n; ++m)
    std::copy(sq.coef.begin() + m * r, sq.coef.begin() + (m + 1) * r, c.begin() + m * max_rows);
  std::vector<double> norm2(n, 0.0);
  std::vector<char> chosen(n, 0);
  for (index_t i : out.rows) chosen[i] = 1;
  for (index_t m = 0; m < n; ++m)
    if (!chosen[m])
      for (index_t k = 0; k < r; ++k) norm2[m] += abs2(c[m * max_rows + k]);
  // Start rows left out of the square part come first, then the greedy choice.
  std::vector<index_t> queue;
  for (index_t i : start)
    if (!chosen[i]) queue.push_back(i);
  size_t queued = 0;
  std::vector<T> v(n), ci(max_rows);
  for (index_t k = r; k < max_rows; ++k) {
    index_t i = 0;
    if (queued < queue.size()) {
      i = queue[queued++];
    } else {
      i = index_t(std::max_element(norm2.begin(), norm2.end()) - norm2.begin());
      if (norm2[i] <= tol * tol && k >= min_rows) break;
      if (chosen[i]) i = index_t(std::find(chosen.begin(), chosen.end(), 0) - chosen.begin());
    }
    // Adding row i: v = C conj(c_i), C <- C - v c_i / (1 + v_i), new column v / (1 + v_i);
    // row norms drop by |v|^2 / (1 + v_i) (Mikhalev and Oseledets, Sec. 4).
    std::copy(c.begin() + i * max_rows, c.begin() + i * max_rows + k, ci.begin());
    for (index_t m = 0; m < n; ++m) {
      T s(0);
      const T* cm = c.data() + m * max_rows;
      for (index_t q = 0; q < k; ++q) s += cm[q] * lorank::conj(ci[q]);
      v[m] = s;
    }
    const double denom = 1.0 + std::real(v[i]);
    const T l = T(1.0 / denom);
    for (index_t m = 0; m < n; ++m) {
      T* cm = c.data() + m * max_rows;
      const T lv = l * v[m];
      for (index_t q = 0; q < k; ++q) cm[q] -= lv * ci[q];
      cm[k] = lv;
      norm2[m] = chosen[m] ? 0.0 : std::max(norm2[m] - abs2(v[m]) / denom, 0.0);
    }
    chosen[i] = 1;
    norm2[i] = 0.0;
    out.rows.push_back(i);
    ++out.n_iter;
  }
  const index_t k = index_t(out.rows.size());
  out.coef.resize(n * k);
  for (index_t m = 0; m < n; ++m)
    std::copy(c.begin() + m * max_rows, c.begin() + m * max_rows + k, out.coef.begin() + m * k);
  return out;
}

#define LORANK_INSTANTIATE(T)                                                              \
  template bool interpolation_coefficients<T>(const T*, index_t, index_t,                    \
                                              const std::vector<index_t>&, std::vector<T>&); \
  template Maxvol<T> maxvol<T>(const T*, index_t, index_t, double, index_t,              \
                               const std::vector<index_t>&);                              \
  template Maxvol<T> rect_maxvol<T>(const T*, index_t, index_t, double, index_t, index_t, \
                                    index_t, const std::vector<index_t>&);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::cross
