// SPDX-License-Identifier: MIT
// Bindings of cross approximation kernels: maxvol and rect_maxvol.
#include "arrays.hpp"
#include "lorank/cross/maxvol.hpp"

namespace py = pybind11;
using namespace lorank;

namespace {

template <class T>
py::tuple maxvol_out(cross::Maxvol<T>&& res, index_t n) {
  const auto k = py::ssize_t(res.rows.size());
  py::array_t<std::int64_t> rows(k);
  std::copy(res.rows.begin(), res.rows.end(), rows.mutable_data());
  return py::make_tuple(rows, bindings::to_numpy(std::move(res.coef), {n, k}), res.n_iter);
}

// Calls f(typed C-contiguous 2-d array, n, r) for a's dtype.
template <class F>
py::tuple with_matrix(py::array a, const char* who, F&& f) {
  return bindings::dispatch(a.dtype(), who, [&](auto tag) -> py::tuple {
    using T = decltype(tag);
    auto arr = bindings::carray<T>::ensure(a);
    LORANK_CHECK(arr.ndim() == 2, ShapeError, who, ": a must be 2-d, got ", arr.ndim(), "-d");
    return f(arr, index_t(arr.shape(0)), index_t(arr.shape(1)));
  });
}

}  // namespace

void bind_cross(py::module_& m) {
  m.def(
      "maxvol",
      [](py::array a, double tol, index_t maxiter) {
        return with_matrix(a, "maxvol", [&](auto& arr, index_t n, index_t r) {
          using T = typename std::decay_t<decltype(arr)>::value_type;
          cross::Maxvol<T> res;
          {
            py::gil_scoped_release nogil;
            res = cross::maxvol<T>(arr.data(), n, r, tol, maxiter);
          }
          return maxvol_out(std::move(res), n);
        });
      },
      py::arg("a"), py::arg("tol"), py::arg("maxiter"),
      "(rows, coef, swaps) of square maxvol (lorank::cross::maxvol).");
  m.def(
      "rect_maxvol",
      [](py::array a, double tol, index_t min_rows, index_t max_rows, index_t maxvol_iter) {
        return with_matrix(a, "rect_maxvol", [&](auto& arr, index_t n, index_t r) {
          using T = typename std::decay_t<decltype(arr)>::value_type;
          cross::Maxvol<T> res;
          {
            py::gil_scoped_release nogil;
            res = cross::rect_maxvol<T>(arr.data(), n, r, tol, min_rows, max_rows, maxvol_iter);
          }
          return maxvol_out(std::move(res), n);
        });
      },
      py::arg("a"), py::arg("tol"), py::arg("min_rows"), py::arg("max_rows"),
      py::arg("maxvol_iter"), "(rows, coef, added) of rect_maxvol (lorank::cross::rect_maxvol).");
}
