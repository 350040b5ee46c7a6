// SPDX-License-Identifier: MIT
#pragma once
/// \file Thick-restart Golub-Kahan-Lanczos for the largest singular triplets of a real
/// operator given as a dense row-major matrix or a CSR matrix: the whole loop in C++ (the
/// compiled twin of python/lorank/linalg/lanczos.py, which serves every other operator).
#include <cstdint>
#include <vector>

#include "lorank/core/types.hpp"

namespace lorank::krylov {

/// y = A x and x = A^T y for a real m x n operator.
class LinearMap {
 public:
  virtual ~LinearMap() = default;
  virtual index_t rows() const = 0;
  virtual index_t cols() const = 0;
  virtual void apply(const double* x, double* y) const = 0;
  virtual void apply_adjoint(const double* y, double* x) const = 0;
};

/// A dense row-major m x n matrix (not copied: it must outlive the map).
class DenseMap final : public LinearMap {
 public:
  DenseMap(const double* a, index_t m, index_t n);
  index_t rows() const override { return m_; }
  index_t cols() const override { return n_; }
  void apply(const double* x, double* y) const override;
  void apply_adjoint(const double* y, double* x) const override;

 private:
  const double* a_;
  index_t m_, n_;
};

/// A CSR matrix (indptr m + 1, indices and data nnz; not copied). Indices are checked.
class CsrMap final : public LinearMap {
 public:
  CsrMap(const std::int64_t* indptr, const std::int64_t* indices, const double* data, index_t m,
         index_t n);
  index_t rows() const override { return m_; }
  index_t cols() const override { return n_; }
  void apply(const double* x, double* y) const override;
  void apply_adjoint(const double* y, double* x) const override;

 private:
  const std::int64_t *indptr_, *indices_;
  const double* data_;
  index_t m_, n_;
};

/// A 2-d convolution layer (cross-correlation, as torch's conv2d) of a (c_out, c_in, kh, kw)
/// row-major kernel on (c_in, h, w) inputs, zero or circular padding (ph, pw), strides
/// (sh, sw); outputs (c_out, ho, wo), all flattened in C order. Products go through one
/// GEMM per tap: at stride 1 on shifted views of the padded input (no copies of windows),
/// otherwise on gathered windows. The kernel is copied into per-tap matrices; the map keeps
/// work buffers, so one map serves one thread.
class Conv2dMap final : public LinearMap {
 public:
  Conv2dMap(const double* kernel, index_t c_out, index_t c_in, index_t kh, index_t kw, index_t h,
            index_t w, index_t sh, index_t sw, index_t ph, index_t pw, bool circular);
  index_t rows() const override { return c_out_ * ho_ * wo_; }
  index_t cols() const override { return c_in_ * h_ * w_; }
  void apply(const double* x, double* y) const override;
  void apply_adjoint(const double* y, double* x) const override;

 private:
  index_t c_out_, c_in_, kh_, kw_, h_, w_, sh_, sw_, ph_, pw_, hp_, wp_, ho_, wo_;
  bool circular_;
  std::vector<double> taps_;  // tap (p, q): the (c_out x c_in) matrix at (p * kw + q) c_out c_in
  mutable std::vector<double> padded_, work_;
};

/// A TT-matrix (cores (r0, m_k, n_k, r1) row-major, not copied) acting on dense vectors of
/// length prod n_k: one core at a time, y[m_1..m_k, r_k, n_{k+1}..] from the previous state by
/// one GEMM per block of finished row indices, O(d r^2 max(prod m, prod n) max(m_k, n_k)).
/// The adjoint runs the same contraction with each core's (m, n) swapped (copies made once).
class TTMatrixMap final : public LinearMap {
 public:
  TTMatrixMap(std::vector<const double*> cores, std::vector<index_t> ranks,
              std::vector<index_t> m, std::vector<index_t> n);
  index_t rows() const override { return rows_; }
  index_t cols() const override { return cols_; }
  void apply(const double* x, double* y) const override;
  void apply_adjoint(const double* y, double* x) const override;

 private:
  void contract(const std::vector<std::vector<double>>& packed, const std::vector<index_t>& out_modes,
                const std::vector<index_t>& in_modes, const double* x, double* y) const;
  std::vector<index_t> ranks_, m_, n_;
  index_t rows_ = 1, cols_ = 1;
  // per core, (m r1) x (r0 n) for the product and (n r1) x (r0 m) for the adjoint
  std::vector<std::vector<double>> forward_, backward_;
  mutable std::vector<double> state_, next_;
};

struct SvdOptions {
  index_t k = 1;          ///< triplets wanted, 1 <= k <= min(m, n)
  double rtol = 1e-8;     ///< stop when ||A^T u - s v|| <= rtol s_1 for the wanted triplets
  index_t maxiter = 1000; ///< most restart cycles
  index_t ncv = 0;        ///< basis size, k < ncv <= min(m, n); 0: max(2k + 10, 20) capped
  std::uint64_t seed = 0; ///< for the random directions that replace an invariant subspace
};

struct SvdResult {
  std::vector<double> u;   ///< m x k, row-major
  std::vector<double> s;   ///< k values, descending
  std::vector<double> vt;  ///< k x n, row-major
  index_t n_matvecs = 0;   ///< products with A and with A^T
  bool converged = false;
  std::vector<double> residuals;  ///< ||A^T u_j - s_j v_j||
  std::vector<double> history;    ///< largest relative residual after each cycle
};

/// The k largest singular triplets of `a` from the unit start vector v0 (n entries).
/// Throws Error for k or ncv out of range (the Python layer checks first), NumericalError
/// when a product is not
/// finite (naming the cycle and the products made).
SvdResult lanczos_svd(const LinearMap& a, const double* v0, const SvdOptions& opt);

enum class Which { LM, LA, SA };  ///< largest magnitude, largest, smallest (algebraic)

struct EigOptions {
  index_t k = 1;
  Which which = Which::LM;
  double rtol = 1e-8;      ///< stop when ||A v - theta v|| <= rtol max|theta| for the wanted pairs
  index_t maxiter = 1000;  ///< most restart cycles
  index_t ncv = 0;         ///< basis size, k < ncv <= n; 0: max(2k + 10, 20) capped
  std::uint64_t seed = 0;
};

struct EigResult {
  std::vector<double> values;     ///< k eigenvalues in the order `which` asks for
  std::vector<double> vectors;    ///< n x k, row-major
  index_t n_matvecs = 0;
  bool converged = false;
  std::vector<double> residuals;  ///< ||A v_j - theta_j v_j||
  std::vector<double> history;    ///< largest relative residual after each cycle
};

/// Thick-restart Lanczos for the k extreme eigenpairs of a symmetric operator (only
/// `apply` is used; symmetry is assumed), from the unit start vector v0: step for step the
/// algorithm of python/lorank/linalg/lanczos.py (lanczos_eigsh).
EigResult lanczos_eigsh(const LinearMap& a, const double* v0, const EigOptions& opt);

}  // namespace lorank::krylov
