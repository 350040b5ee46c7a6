// SPDX-License-Identifier: MIT
// Bindings of the compiled Lanczos loop (lorank::krylov) for dense and CSR float64 input,
// and of the sampled-entry kernels of low-rank completion (lorank::manifold).
#include <pybind11/stl.h>

#include <optional>

#include <string>

#include "arrays.hpp"
#include "lorank/krylov/lanczos.hpp"
#include "lorank/manifold/sampled.hpp"
#include "lorank/manifold/tt_sampled.hpp"

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

py::tuple run_eigsh(const krylov::LinearMap& map, const f64& v0, index_t k,
                    const std::string& which, double rtol, index_t maxiter, index_t ncv,
                    std::uint64_t seed) {
  LORANK_CHECK(v0.ndim() == 1 && v0.shape(0) == map.cols(), ShapeError,
               "lanczos_eigsh: v0 must have ", map.cols(), " entries");
  LORANK_CHECK(which == "LM" || which == "LA" || which == "SA", Error,
               "lanczos_eigsh: which must be LM, LA or SA");
  krylov::EigOptions opt;
  opt.k = k;
  opt.which = which == "LM" ? krylov::Which::LM : (which == "LA" ? krylov::Which::LA
                                                                : krylov::Which::SA);
  opt.rtol = rtol;
  opt.maxiter = maxiter;
  opt.ncv = ncv;
  opt.seed = seed;
  krylov::EigResult res;
  {
    py::gil_scoped_release nogil;
    res = krylov::lanczos_eigsh(map, v0.data(), opt);
  }
  const index_t n = map.cols();
  py::array_t<double> values(k), vectors({n, k}), resid(k), hist(index_t(res.history.size()));
  std::copy(res.values.begin(), res.values.end(), values.mutable_data());
  std::copy(res.vectors.begin(), res.vectors.end(), vectors.mutable_data());
  std::copy(res.residuals.begin(), res.residuals.end(), resid.mutable_data());
  std::copy(res.history.begin(), res.history.end(), hist.mutable_data());
  return py::make_tuple(values, vectors, res.n_matvecs, res.converged, resid, hist);
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

// One product of a map with x (or of its adjoint), the GIL released.
py::array_t<double> product(const krylov::LinearMap& map, const f64& x, bool adjoint,
                            const char* who) {
  const index_t n_in = adjoint ? map.rows() : map.cols();
  LORANK_CHECK(x.ndim() == 1 && x.shape(0) == n_in, ShapeError, who, ": x must have ", n_in,
               " entries");
  py::array_t<double> out(adjoint ? map.cols() : map.rows());
  {
    py::gil_scoped_release nogil;
    if (adjoint)
      map.apply_adjoint(x.data(), out.mutable_data());
    else
      map.apply(x.data(), out.mutable_data());
  }
  return out;
}

krylov::TTMatrixMap ttm_map(const tt::TrainView<double>& view, const std::vector<index_t>& m,
                            const std::vector<index_t>& n) {
  LORANK_CHECK(m.size() == view.size() && n.size() == view.size(), ShapeError,
               "TT-matrix map: one row and one column mode per core");
  std::vector<const double*> data;
  std::vector<index_t> ranks{1};
  for (std::size_t k = 0; k < view.size(); ++k) {
    LORANK_CHECK(view[k].n == m[k] * n[k] && view[k].r0 == ranks.back(), ShapeError,
                 "TT-matrix map: core ", k, " does not match its modes or its left rank");
    data.push_back(view[k].data);
    ranks.push_back(view[k].r1);
  }
  return krylov::TTMatrixMap(std::move(data), std::move(ranks), m, n);
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
      "lanczos_eigsh_dense",
      [](const f64& a, const f64& v0, index_t k, const std::string& which, double rtol,
         index_t maxiter, index_t ncv, std::uint64_t seed) {
        LORANK_CHECK(a.ndim() == 2, ShapeError, "lanczos_eigsh: a must be 2-d");
        krylov::DenseMap map(a.data(), a.shape(0), a.shape(1));
        return run_eigsh(map, v0, k, which, rtol, maxiter, ncv, seed);
      },
      py::arg("a"), py::arg("v0"), py::arg("k"), py::arg("which"), py::arg("rtol"),
      py::arg("maxiter"), py::arg("ncv"), py::arg("seed"),
      "Thick-restart Lanczos on a dense symmetric float64 matrix: (values, vectors, "
      "n_matvecs, converged, residuals, history).");
  m.def(
      "lanczos_eigsh_csr",
      [](const i64& indptr, const i64& indices, const f64& data, index_t rows, index_t cols,
         const f64& v0, index_t k, const std::string& which, double rtol, index_t maxiter,
         index_t ncv, std::uint64_t seed) {
        LORANK_CHECK(indptr.ndim() == 1 && indptr.shape(0) == rows + 1 &&
                         indices.shape(0) == data.shape(0) &&
                         indptr.data()[rows] <= indices.shape(0),
                     ShapeError, "lanczos_eigsh: inconsistent CSR arrays");
        krylov::CsrMap map(indptr.data(), indices.data(), data.data(), rows, cols);
        return run_eigsh(map, v0, k, which, rtol, maxiter, ncv, seed);
      },
      py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("rows"), py::arg("cols"),
      py::arg("v0"), py::arg("k"), py::arg("which"), py::arg("rtol"), py::arg("maxiter"),
      py::arg("ncv"), py::arg("seed"), "Thick-restart Lanczos on a CSR symmetric float64 matrix.");
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
  m.def(
      "lanczos_svd_conv",
      [](const f64& kernel, index_t h, index_t w, index_t sh, index_t sw, index_t ph, index_t pw,
         bool circular, const f64& v0, index_t k, double rtol, index_t maxiter, index_t ncv,
         std::uint64_t seed) {
        LORANK_CHECK(kernel.ndim() == 4, ShapeError, "lanczos_svd: the kernel must be 4-d");
        krylov::Conv2dMap map(kernel.data(), kernel.shape(0), kernel.shape(1), kernel.shape(2),
                              kernel.shape(3), h, w, sh, sw, ph, pw, circular);
        return run(map, v0, options(k, rtol, maxiter, ncv, seed));
      },
      py::arg("kernel"), py::arg("h"), py::arg("w"), py::arg("sh"), py::arg("sw"), py::arg("ph"),
      py::arg("pw"), py::arg("circular"), py::arg("v0"), py::arg("k"), py::arg("rtol"),
      py::arg("maxiter"), py::arg("ncv"), py::arg("seed"),
      "Thick-restart Golub-Kahan-Lanczos on a float64 convolution layer.");
  m.def(
      "conv2d_apply",
      [](const f64& kernel, index_t h, index_t w, index_t sh, index_t sw, index_t ph, index_t pw,
         bool circular, const f64& x, bool adjoint) {
        LORANK_CHECK(kernel.ndim() == 4, ShapeError, "conv2d_apply: the kernel must be 4-d");
        krylov::Conv2dMap map(kernel.data(), kernel.shape(0), kernel.shape(1), kernel.shape(2),
                              kernel.shape(3), h, w, sh, sw, ph, pw, circular);
        return product(map, x, adjoint, "conv2d_apply");
      },
      py::arg("kernel"), py::arg("h"), py::arg("w"), py::arg("sh"), py::arg("sw"), py::arg("ph"),
      py::arg("pw"), py::arg("circular"), py::arg("x"), py::arg("adjoint"),
      "One product of the compiled convolution map (for tests).");
  m.def(
      "lanczos_svd_ttm",
      [](const py::sequence& cores, const std::vector<index_t>& row_modes,
         const std::vector<index_t>& col_modes, const f64& v0, index_t k, double rtol,
         index_t maxiter, index_t ncv, std::uint64_t seed) {
        auto in = bindings::train_in<double>(cores, "lanczos_svd");
        krylov::TTMatrixMap map = ttm_map(in.view, row_modes, col_modes);
        return run(map, v0, options(k, rtol, maxiter, ncv, seed));
      },
      py::arg("cores"), py::arg("row_modes"), py::arg("col_modes"), py::arg("v0"), py::arg("k"),
      py::arg("rtol"), py::arg("maxiter"), py::arg("ncv"), py::arg("seed"),
      "Thick-restart Golub-Kahan-Lanczos on a float64 TT-matrix.");
  m.def(
      "ttm_apply",
      [](const py::sequence& cores, const std::vector<index_t>& row_modes,
         const std::vector<index_t>& col_modes, const f64& x, bool adjoint) {
        auto in = bindings::train_in<double>(cores, "ttm_apply");
        krylov::TTMatrixMap map = ttm_map(in.view, row_modes, col_modes);
        return product(map, x, adjoint, "ttm_apply");
      },
      py::arg("cores"), py::arg("row_modes"), py::arg("col_modes"), py::arg("x"),
      py::arg("adjoint"), "One product of the compiled TT-matrix map (for tests).");
  m.def(
      "sampled_entries",
      [](const i64& rows, const i64& cols, const f64& a, const f64& b) {
        LORANK_CHECK(rows.ndim() == 1 && cols.ndim() == 1 && rows.shape(0) == cols.shape(0) &&
                         a.ndim() == 2 && b.ndim() == 2 && a.shape(1) == b.shape(1),
                     ShapeError, "sampled_entries: rows, cols 1-d of one length; a, b 2-d "
                     "with the same number of columns");
        const index_t count = rows.shape(0);
        py::array_t<double> out(count);
        {
          py::gil_scoped_release nogil;
          manifold::sampled_entries(rows.data(), cols.data(), count, a.data(), a.shape(0),
                                    b.data(), b.shape(0), a.shape(1), out.mutable_data());
        }
        return out;
      },
      py::arg("rows"), py::arg("cols"), py::arg("a"), py::arg("b"),
      "out[k] = a[rows[k]] . b[cols[k]] (entries of a b^T on the pattern).");
  m.def(
      "sparse_products",
      [](const i64& rows, const i64& cols, const f64& values, const f64& v, const f64& u) {
        LORANK_CHECK(rows.ndim() == 1 && rows.shape(0) == cols.shape(0) &&
                         values.shape(0) == rows.shape(0) && v.ndim() == 2 && u.ndim() == 2 &&
                         v.shape(1) == u.shape(1),
                     ShapeError, "sparse_products: inconsistent shapes");
        const index_t m = u.shape(0), n = v.shape(0), r = v.shape(1);
        py::array_t<double> zv({m, r}), ztu({n, r});
        {
          py::gil_scoped_release nogil;
          manifold::sparse_products(rows.data(), cols.data(), values.data(), rows.shape(0),
                                    v.data(), u.data(), m, n, r, zv.mutable_data(),
                                    ztu.mutable_data());
        }
        return py::make_tuple(zv, ztu);
      },
      py::arg("rows"), py::arg("cols"), py::arg("values"), py::arg("v"), py::arg("u"),
      "(Z v, Z^T u) for the sparse Z with `values` at (rows, cols).");
  py::class_<manifold::SampledFrame>(m, "TTSampledFrame",
                                     "Interfaces of a TT point at N multi-indices (built once).")
      .def(py::init([](const py::sequence& left, const py::sequence& right, const i64& idx) {
             auto l = bindings::train_in<double>(left, "TTSampledFrame");
             auto r = bindings::train_in<double>(right, "TTSampledFrame");
             LORANK_CHECK(idx.ndim() == 2 && idx.shape(1) == index_t(l.view.size()), ShapeError,
                          "TTSampledFrame: idx must be (N, d)");
             py::gil_scoped_release nogil;
             return new manifold::SampledFrame(l.view, r.view, idx.data(), idx.shape(0));
           }),
           py::arg("left"), py::arg("right"), py::arg("idx"))
      .def("entries",
           [](const manifold::SampledFrame& f) {
             py::array_t<double> out(f.count());
             {
               py::gil_scoped_release nogil;
               f.entries(out.mutable_data());
             }
             return out;
           })
      .def("project",
           [](const manifold::SampledFrame& f, const f64& values) {
             LORANK_CHECK(values.ndim() == 1 && values.shape(0) == f.count(), ShapeError,
                          "TTSampledFrame.project: values must have ", f.count(), " entries");
             tt::Train<double> out;
             {
               py::gil_scoped_release nogil;
               out = f.project(values.data());
             }
             return bindings::train_out(std::move(out));
           }, py::arg("values"))
      .def("tangent",
           [](const manifold::SampledFrame& f, const py::sequence& deltas) {
             auto dc = bindings::train_in<double>(deltas, "TTSampledFrame.tangent");
             py::array_t<double> out(f.count());
             {
               py::gil_scoped_release nogil;
               f.tangent(dc.view, out.mutable_data());
             }
             return out;
           }, py::arg("deltas"));
  m.def(
      "tt_project",
      [](const py::sequence& left, const py::sequence& right, const py::sequence& z) {
        auto l = bindings::train_in<double>(left, "tt_project");
        auto r = bindings::train_in<double>(right, "tt_project");
        auto c = bindings::train_in<double>(z, "tt_project");
        tt::Train<double> out;
        {
          py::gil_scoped_release nogil;
          out = manifold::tt_project(l.view, r.view, c.view);
        }
        return bindings::train_out(std::move(out));
      },
      py::arg("left"), py::arg("right"), py::arg("z"),
      "Delta-cores (before the gauge) of the projection of the train z.");
  m.def(
      "tt_sampled_project",
      [](const py::sequence& left, const py::sequence& right, const i64& idx, const f64& values) {
        auto l = bindings::train_in<double>(left, "tt_sampled_project");
        auto r = bindings::train_in<double>(right, "tt_sampled_project");
        LORANK_CHECK(idx.ndim() == 2 && idx.shape(1) == index_t(l.view.size()) &&
                         values.ndim() == 1 && values.shape(0) == idx.shape(0),
                     ShapeError, "tt_sampled_project: idx must be (N, d) and values (N,)");
        tt::Train<double> out;
        {
          py::gil_scoped_release nogil;
          out = manifold::tt_sampled_project(l.view, r.view, idx.data(), idx.shape(0),
                                             values.data());
        }
        return bindings::train_out(std::move(out));
      },
      py::arg("left"), py::arg("right"), py::arg("idx"), py::arg("values"),
      "Delta-cores (before the gauge) of the projection of a sampled tensor.");
  m.def(
      "tt_sampled_tangent",
      [](const py::sequence& left, const py::sequence& right, const py::sequence& deltas,
         const i64& idx) {
        auto l = bindings::train_in<double>(left, "tt_sampled_tangent");
        auto r = bindings::train_in<double>(right, "tt_sampled_tangent");
        auto dc = bindings::train_in<double>(deltas, "tt_sampled_tangent");
        LORANK_CHECK(idx.ndim() == 2 && idx.shape(1) == index_t(l.view.size()), ShapeError,
                     "tt_sampled_tangent: idx must be (N, d)");
        py::array_t<double> out(idx.shape(0));
        {
          py::gil_scoped_release nogil;
          manifold::tt_sampled_tangent(l.view, r.view, dc.view, idx.data(), idx.shape(0),
                                       out.mutable_data());
        }
        return out;
      },
      py::arg("left"), py::arg("right"), py::arg("deltas"), py::arg("idx"),
      "Entries of a tangent vector (delta-cores) at the rows of idx.");
}
