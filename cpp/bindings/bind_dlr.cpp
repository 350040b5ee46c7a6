// SPDX-License-Identifier: MIT
// Bindings of the dynamical low-rank kernels: the fused DyKAF factor update.
#include <algorithm>
#include <vector>

#include "arrays.hpp"
#include "lorank/core/error.hpp"
#include "lorank/dlr/kron_ksl.hpp"

#include <string>

namespace py = pybind11;
using namespace lorank;

namespace {

template <class T>
void update_all(const py::sequence& gs, const py::sequence& lefts, const py::sequence& rights,
                double beta, bool galerkin) {
  const auto count = py::len(gs);
  LORANK_CHECK(py::len(lefts) == count && py::len(rights) == count, ShapeError,
               "kron_ksl_update: gs, lefts and rights need equal lengths, got ", count, ", ",
               py::len(lefts), ", ", py::len(rights));
  struct Job {
    index_t m, n;
    const T* g;
    T* l;
    T* r;
  };
  std::vector<Job> jobs;
  std::vector<py::array_t<T>> keep;
  index_t work = 0;
  for (py::ssize_t i = 0; i < static_cast<py::ssize_t>(count); ++i) {
    auto g = bindings::carray<T>::ensure(gs[i]);
    if (!g) throw py::error_already_set();
    py::array l = py::reinterpret_borrow<py::array>(lefts[i]);
    py::array r = py::reinterpret_borrow<py::array>(rights[i]);
    LORANK_CHECK(g.ndim() == 2, ShapeError, "kron_ksl_update: gradient ", i, " must be 2-d");
    const index_t m = g.shape(0), n = g.shape(1);
    for (const py::array* f : {&l, &r}) {
      const index_t k = f == &l ? m : n;
      LORANK_CHECK(py::isinstance<py::array_t<T>>(*f) && f->ndim() == 2 && f->shape(0) == k &&
                       f->shape(1) == k && (f->flags() & py::array::c_style) && f->writeable(),
                   ShapeError, "kron_ksl_update: factor ", i, " must be a writeable C-contiguous ",
                   k, " x ", k, " array of the gradient's dtype");
    }
    jobs.push_back({m, n, g.data(), static_cast<T*>(l.mutable_data()),
                    static_cast<T*>(r.mutable_data())});
    keep.push_back(g);
    work = std::max(work, 2 * m * n + m * m + n * n);
  }
  std::vector<T> buffer(static_cast<std::size_t>(work));
  py::gil_scoped_release nogil;
  const auto step = galerkin ? &dlr::kron_bug_update<T> : &dlr::kron_ksl_update<T>;
  for (const Job& j : jobs) step(j.m, j.n, j.g, j.l, j.r, static_cast<T>(beta), buffer.data());
}

}  // namespace

void bind_dlr(py::module_& m) {
  m.def(
      "kron_ksl_update",
      [](const py::sequence& gs, const py::sequence& lefts, const py::sequence& rights,
         double beta, const std::string& scheme) {
        LORANK_CHECK(beta >= 0 && beta < 1, Error, "kron_ksl_update: beta must be in [0, 1), got ",
                     beta);
        LORANK_CHECK(scheme == "ksl" || scheme == "bug", Error,
                     "kron_ksl_update: scheme must be 'ksl' or 'bug', got '", scheme, "'");
        if (py::len(gs) == 0) return;
        auto first = py::array::ensure(gs[0]);
        if (first && first.dtype().is(py::dtype::of<float>()))
          update_all<float>(gs, lefts, rights, beta, scheme == "bug");
        else
          update_all<double>(gs, lefts, rights, beta, scheme == "bug");
      },
      py::arg("gs"), py::arg("lefts"), py::arg("rights"), py::arg("beta"), py::arg("scheme") = "ksl",
      "One rank-one step of each Kronecker pair (L, R) for its gradient, in place: the "
      "projector-splitting step (scheme='ksl', lorank::dlr::kron_ksl_update) or the "
      "basis-update-and-Galerkin step (scheme='bug', lorank::dlr::kron_bug_update); float32 or "
      "float64, the GIL released.");
}
