// SPDX-License-Identifier: MIT
#pragma once
// NumPy <-> core conversions for the bindings (the only layer that sees pybind11).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <vector>

#include "lorank/tt/cores.hpp"

namespace lorank::bindings {
namespace py = pybind11;

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

/// Input cores: the arrays stay referenced here while the views are in use.
template <class T>
struct TrainIn {
  std::vector<carray<T>> keep;
  tt::TrainView<T> view;
};

/// Reads a list of 3-d (r0, n, r1) arrays; 4-d TT-matrix cores (r0, m, n, r1) are read as
/// mode size m*n. Must be called with the GIL held.
template <class T>
TrainIn<T> train_in(const py::sequence& cores, const char* who) {
  TrainIn<T> in;
  in.keep.reserve(py::len(cores));
  for (py::handle h : cores) {
    carray<T> a = carray<T>::ensure(h);
    if (!a) throw py::error_already_set();
    LORANK_CHECK(a.ndim() == 3 || a.ndim() == 4, ShapeError, who, ": cores must be 3-d or 4-d, got ",
                 a.ndim(), "-d");
    const index_t r0 = a.shape(0), r1 = a.shape(a.ndim() - 1);
    const index_t n = a.ndim() == 3 ? a.shape(1) : a.shape(1) * a.shape(2);
    in.view.push_back({a.data(), r0, n, r1});
    in.keep.push_back(std::move(a));
  }
  return in;
}

/// Moves an owning buffer into a NumPy array without copying.
template <class T, class Alloc>
py::array_t<T> to_numpy(std::vector<T, Alloc>&& data, std::vector<py::ssize_t> shape) {
  using Owner = std::vector<T, Alloc>;
  auto* owner = new Owner(std::move(data));
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<Owner*>(p); });
  return py::array_t<T>(shape, owner->data(), free_when_done);
}

template <class T>
py::list train_out(tt::Train<T>&& cores) {
  py::list out;
  for (auto& c : cores) out.append(to_numpy(std::move(c.data), {c.r0, c.n, c.r1}));
  return out;
}

/// Calls f.template operator()<T>() for the scalar type named by a NumPy dtype char.
template <class F>
auto dispatch(const py::dtype& dt, const char* who, F&& f) {
  switch (dt.char_()) {
    case 'f':
      return f(float{});
    case 'd':
      return f(double{});
    case 'F':
      return f(cfloat{});
    case 'D':
      return f(cdouble{});
    default:
      detail::raise<Error>(who, ": unsupported dtype ", std::string(py::str(dt)),
                           ", expected float32, float64, complex64 or complex128");
  }
}

}  // namespace lorank::bindings
