// SPDX-License-Identifier: MIT
// Bindings of the compiled Lanczos loop (lorank::krylov) for dense and CSR float64 input.
#include <optional>

#include "arrays.hpp"
#include "lorank/krylov/lanczos.hpp"

namespace py = pybind11;
using namespace lorank;

namespace {

using f64 = bindings::carray<double>;
using i64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

py::tuple run(const krylov::LinearMap& map, const f64& v0, const krylov::SvdOptions& opt) {
  LORANK_CHECK(v0.ndim() == 1 && v0.shape(0) == map.cols(), ShapeError,
               "lanczos_svd: v0 must have ", map.cols(), " entries");
  krylov::SvdResult res;
  {
    py::gil_scoped_release nogil;
    res = krylov::lanczos_svd(map, v0.data(), opt);
  }
  const index_t m = map.rows(), n = map.cols(), k = opt.k;
  py::array_t<double> u({m, k}), s(k), vt({k, n}), resid(k), hist(index_t(res.history.size()));
  std::copy(res.u.begin(), res.u.end(), u.mutable_data());
  std::copy(res.s.begin(), res.s.end(), s.mutable_data());
  std::copy(res.vt.begin(), res.vt.end(), vt.mutable_data());
  std::copy(res.residuals.begin(), res.residuals.end(), resid.mutable_data());
  std::copy(res.history.begin(), res.history.end(), hist.mutable_data());
  return py::make_tuple(u, s, vt, res.n_matvecs, res.converged, resid, hist);
}

krylov::SvdOptions options(index_t k, double rtol, index_t maxiter, index_t ncv,
                           std::uint64_t seed) {
  krylov::SvdOptions opt;
  opt.k = k;
  opt.rtol = rtol;
  opt.maxiter = maxiter;
  opt.ncv = ncv;
  opt.seed = seed;
  return opt;
}

}  // namespace

void bind_krylov(py::module_& m) {
  m.def(
      "lanczos_svd_dense",
      [](const f64& a, const f64& v0, index_t k, double rtol, index_t maxiter, index_t ncv,
         std::uint64_t seed) {
        LORANK_CHECK(a.ndim() == 2, ShapeError, "lanczos_svd: a must be 2-d");
        krylov::DenseMap map(a.data(), a.shape(0), a.shape(1));
        return run(map, v0, options(k, rtol, maxiter, ncv, seed));
      },
      py::arg("a"), py::arg("v0"), py::arg("k"), py::arg("rtol"), py::arg("maxiter"),
      py::arg("ncv"), py::arg("seed"),
      "Thick-restart Golub-Kahan-Lanczos on a dense row-major float64 matrix: "
      "(u, s, vt, n_matvecs, converged, residuals, history).");
  m.def(
      "lanczos_svd_csr",
      [](const i64& indptr, const i64& indices, const f64& data, index_t rows, index_t cols,
         const f64& v0, index_t k, double rtol, index_t maxiter, index_t ncv,
         std::uint64_t seed) {
        LORANK_CHECK(indptr.ndim() == 1 && indptr.shape(0) == rows + 1 &&
                         indices.shape(0) == data.shape(0) &&
                         indptr.data()[rows] <= indices.shape(0),
                     ShapeError, "lanczos_svd: inconsistent CSR arrays");
        krylov::CsrMap map(indptr.data(), indices.data(), data.data(), rows, cols);
        return run(map, v0, options(k, rtol, maxiter, ncv, seed));
      },
      py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("rows"), py::arg("cols"),
      py::arg("v0"), py::arg("k"), py::arg("rtol"), py::arg("maxiter"), py::arg("ncv"),
      py::arg("seed"), "Thick-restart Golub-Kahan-Lanczos on a CSR float64 matrix.");
}
