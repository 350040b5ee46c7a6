// SPDX-License-Identifier: MIT
// Bindings of cross approximation kernels: maxvol and rect_maxvol.
#include <pybind11/complex.h>
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "lorank/cross/greedy.hpp"
#include "lorank/cross/index_cache.hpp"
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

template <class T>
void bind_cache(py::module_& m, const char* name) {
  using Cache = cross::IndexCache<T>;
  using Index = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
  auto check = [](const Cache& c, const Index& idx) {
    LORANK_CHECK(idx.ndim() == 2 && idx.shape(1) == c.ndim(), ShapeError,
                 "cross: indices must have shape (batch, ", c.ndim(), "), got ndim ", idx.ndim());
    return index_t(idx.shape(0));
  };
  py::class_<Cache>(m, name, "Exact multi-index -> value cache (lorank::cross::IndexCache).")
      .def(py::init<std::vector<index_t>>(), py::arg("shape"))
      .def("lookup",
           [check](const Cache& c, const Index& idx) {
             const index_t batch = check(c, idx);
             py::array_t<T> values(batch);
             py::array_t<bool> found(batch);
             py::array_t<std::int64_t> first(batch);
             {
               py::gil_scoped_release nogil;
               c.lookup(idx.data(), batch, values.mutable_data(),
                        reinterpret_cast<std::uint8_t*>(found.mutable_data()),
                        first.mutable_data());
             }
             return py::make_tuple(values, found, first);
           },
           py::arg("indices"),
           "(values, found, first) for a (batch, d) index array: first[b] is the earlier "
           "position of a repeated uncached index, else -1.")
      .def("insert",
           [check](Cache& c, const Index& idx, const bindings::carray<T>& values) {
             const index_t batch = check(c, idx);
             LORANK_CHECK(values.ndim() == 1 && values.shape(0) == batch, ShapeError,
                          "cross: expected ", batch, " values");
             py::gil_scoped_release nogil;
             c.insert(idx.data(), batch, values.data());
           },
           py::arg("indices"), py::arg("values"))
      .def("__len__", &Cache::size);
}

}  // namespace

void bind_cross(py::module_& m) {
  m.def(
      "maxvol",
      [](py::array a, double tol, index_t maxiter, std::vector<index_t> start) {
        return with_matrix(a, "maxvol", [&](auto& arr, index_t n, index_t r) {
          using T = typename std::decay_t<decltype(arr)>::value_type;
          cross::Maxvol<T> res;
          {
            py::gil_scoped_release nogil;
            res = cross::maxvol<T>(arr.data(), n, r, tol, maxiter, start);
          }
          return maxvol_out(std::move(res), n);
        });
      },
      py::arg("a"), py::arg("tol"), py::arg("maxiter"), py::arg("start") = std::vector<index_t>{},
      "(rows, coef, swaps) of square maxvol (lorank::cross::maxvol).");
  m.def(
      "rect_maxvol",
      [](py::array a, double tol, index_t min_rows, index_t max_rows, index_t maxvol_iter,
         std::vector<index_t> start) {
        return with_matrix(a, "rect_maxvol", [&](auto& arr, index_t n, index_t r) {
          using T = typename std::decay_t<decltype(arr)>::value_type;
          cross::Maxvol<T> res;
          {
            py::gil_scoped_release nogil;
            res = cross::rect_maxvol<T>(arr.data(), n, r, tol, min_rows, max_rows, maxvol_iter,
                                        start);
          }
          return maxvol_out(std::move(res), n);
        });
      },
      py::arg("a"), py::arg("tol"), py::arg("min_rows"), py::arg("max_rows"),
      py::arg("maxvol_iter"), py::arg("start") = std::vector<index_t>{}, "(rows, coef, added) of rect_maxvol (lorank::cross::rect_maxvol).");
  using cross::GreedyCross;
  py::class_<GreedyCross>(m, "GreedyCross",
                          "Greedy cross sweeps as a state machine (lorank::cross::GreedyCross).")
      .def(py::init<std::vector<index_t>, const std::vector<std::int64_t>&, double>(),
           py::arg("shape"), py::arg("start"), py::arg("floor"))
      .def("pending_rows", &GreedyCross::pending_rows)
      .def("pending",
           [](const GreedyCross& g) {
             std::vector<std::int64_t> copy = g.pending();
             return bindings::to_numpy(std::move(copy), {g.pending_rows(), g.ndim()});
           })
      .def("feed",
           [](GreedyCross& g, const bindings::carray<double>& v) {
             g.feed(v.data(), index_t(v.size()));
           },
           py::arg("values"))
      .def("begin_sweep", &GreedyCross::begin_sweep, py::arg("seeds"), py::arg("max_rank"))
      .def("added", &GreedyCross::added)
      .def("largest", &GreedyCross::largest)
      .def("begin_global_pivot", &GreedyCross::begin_global_pivot, py::arg("point"),
           py::arg("max_rank"))
      .def("global_kept", &GreedyCross::global_kept)
      .def("ranks", &GreedyCross::ranks)
      .def("cores",
           [](GreedyCross& g) {
             auto cores = g.cores();
             const auto r = g.ranks();
             py::list out;
             for (size_t k = 0; k < cores.size(); ++k) {
               const auto n = py::ssize_t(cores[k].size()) / (r[k] * r[k + 1]);
               out.append(bindings::to_numpy(std::move(cores[k]), {r[k], n, r[k + 1]}));
             }
             return out;
           })
      .def("sets", [](const GreedyCross& g) {
        auto pack = [](const std::vector<cross::IndexRows>& sets) {
          py::list out;
          for (const auto& s : sets) {
            std::vector<std::int64_t> copy = s.data;
            out.append(bindings::to_numpy(std::move(copy), {s.rows, s.width}));
          }
          return out;
        };
        return py::make_tuple(pack(g.left()), pack(g.right()));
      });
  bind_cache<double>(m, "IndexCacheF64");
  bind_cache<cdouble>(m, "IndexCacheC128");
}
