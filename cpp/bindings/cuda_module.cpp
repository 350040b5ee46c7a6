// SPDX-License-Identifier: MIT
// lorank._cuda: GPU kernels on raw device pointers read from __cuda_array_interface__.
#include <pybind11/pybind11.h>

#include <pybind11/stl.h>

#include <cstdint>
#include <vector>

#include "lorank/core/error.hpp"
#include "lorank/cuda/kron_update.hpp"
#include "lorank/cuda/maxvol.hpp"
#include "lorank/cuda/tt_gram.hpp"
#include "lorank/cuda/tt_elements.hpp"

namespace py = pybind11;

namespace {
std::uintptr_t device_ptr(const py::object& arr, const char* who) {
  LORANK_CHECK(py::hasattr(arr, "__cuda_array_interface__"), lorank::DeviceError, who,
               ": expected a GPU array with __cuda_array_interface__");
  py::dict cai = arr.attr("__cuda_array_interface__");
  return py::cast<std::uintptr_t>(py::tuple(cai["data"])[0]);
}

template <class T>
void bind_kron_update(py::module_& m, const char* name) {
  m.def(
      name,
      [](bool galerkin, std::int64_t count, std::int64_t rows, std::int64_t cols,
         const std::vector<std::uintptr_t>& g, const std::vector<std::uintptr_t>& left,
         const std::vector<std::uintptr_t>& right, double beta, std::uintptr_t work,
         std::int64_t work_bytes, std::uintptr_t stream) {
        py::gil_scoped_release nogil;
        lorank::cuda::kron_update<T>(galerkin, count, rows, cols, g, left, right, beta,
                                     reinterpret_cast<void*>(work), work_bytes,
                                     reinterpret_cast<void*>(stream));
      },
      "The DyKAF factor update of `count` same-shape pairs on the GPU (device pointers; see "
      "lorank/cuda/kron_update.hpp).");
}
}  // namespace

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "lorank CUDA kernels (private; use the lorank package)";
  m.def("device_count", &lorank::cuda::device_count);
  m.def(
      "tt_at_f64",
      [](py::object core_ptrs, py::object ranks, py::object modes, std::int64_t d,
         py::object idx, std::int64_t batch, py::object out, std::uintptr_t stream) {
        const auto pc = device_ptr(core_ptrs, "tt_at"), pr = device_ptr(ranks, "tt_at"),
                   pm = device_ptr(modes, "tt_at"), pi = device_ptr(idx, "tt_at"),
                   po = device_ptr(out, "tt_at");
        py::gil_scoped_release nogil;
        lorank::cuda::tt_at_f64(reinterpret_cast<const double* const*>(pc),
                                reinterpret_cast<const std::int64_t*>(pr),
                                reinterpret_cast<const std::int64_t*>(pm), d,
                                reinterpret_cast<const std::int64_t*>(pi), batch,
                                reinterpret_cast<double*>(po), reinterpret_cast<void*>(stream));
      });
  m.def("gram_workspace_doubles", &lorank::cuda::gram_workspace_doubles);
  m.def(
      "gram_stacks_f64",
      [](const std::vector<std::uintptr_t>& cores, const std::vector<std::int64_t>& ranks,
         const std::vector<std::int64_t>& modes, py::object gl, py::object gr, std::int64_t size,
         py::object norm2, py::object work, std::uintptr_t stream) {
        const auto pl = device_ptr(gl, "gram_stacks"), pg = device_ptr(gr, "gram_stacks"),
                   pn = device_ptr(norm2, "gram_stacks"), pw = device_ptr(work, "gram_stacks");
        py::gil_scoped_release nogil;
        lorank::cuda::gram_stacks_f64(cores, ranks, modes, reinterpret_cast<double*>(pl),
                                      reinterpret_cast<double*>(pg), size,
                                      reinterpret_cast<double*>(pn),
                                      reinterpret_cast<double*>(pw),
                                      reinterpret_cast<void*>(stream));
      });
  m.def(
      "bond_apply_f64",
      [](const std::vector<std::uintptr_t>& cores, const std::vector<std::int64_t>& ranks,
         const std::vector<std::int64_t>& modes, const std::vector<std::uintptr_t>& out,
         const std::vector<std::int64_t>& new_ranks, py::object a, py::object b,
         std::int64_t size, std::int64_t top, py::object work, std::uintptr_t stream) {
        const auto pa = device_ptr(a, "bond_apply"), pb = device_ptr(b, "bond_apply"),
                   pw = device_ptr(work, "bond_apply");
        py::gil_scoped_release nogil;
        lorank::cuda::bond_apply_f64(cores, ranks, modes, out, new_ranks,
                                     reinterpret_cast<const double*>(pa),
                                     reinterpret_cast<const double*>(pb), size, top,
                                     reinterpret_cast<double*>(pw),
                                     reinterpret_cast<void*>(stream));
      });
  m.def("dot_workspace_doubles", &lorank::cuda::dot_workspace_doubles);
  m.def(
      "dot_f64",
      [](const std::vector<std::uintptr_t>& x, const std::vector<std::int64_t>& x_ranks,
         const std::vector<std::uintptr_t>& y, const std::vector<std::int64_t>& y_ranks,
         const std::vector<std::int64_t>& modes, py::object out, py::object work,
         std::uintptr_t stream) {
        const auto po = device_ptr(out, "dot"), pw = device_ptr(work, "dot");
        py::gil_scoped_release nogil;
        lorank::cuda::dot_f64(x, x_ranks, y, y_ranks, modes, reinterpret_cast<double*>(po),
                              reinterpret_cast<double*>(pw), reinterpret_cast<void*>(stream));
      });
  m.def("kron_update_workspace_bytes", &lorank::cuda::kron_update_workspace_bytes);
  bind_kron_update<float>(m, "kron_update_f32");
  bind_kron_update<double>(m, "kron_update_f64");
  m.def("maxvol_workspace_bytes", &lorank::cuda::maxvol_workspace_bytes);
  m.def(
      "maxvol_f64",
      [](py::object a, std::int64_t n, std::int64_t r, double tol, std::int64_t maxiter,
         py::object rows, py::object coef, py::object work, py::object status,
         std::uintptr_t stream) {
        const auto pa = device_ptr(a, "maxvol"), pr = device_ptr(rows, "maxvol"),
                   pc = device_ptr(coef, "maxvol"), pw = device_ptr(work, "maxvol"),
                   ps = device_ptr(status, "maxvol");
        py::gil_scoped_release nogil;
        lorank::cuda::maxvol_f64(reinterpret_cast<const double*>(pa), n, r, tol, maxiter,
                                 reinterpret_cast<std::int64_t*>(pr),
                                 reinterpret_cast<double*>(pc), reinterpret_cast<void*>(pw),
                                 reinterpret_cast<std::int64_t*>(ps),
                                 reinterpret_cast<void*>(stream));
      });
}
