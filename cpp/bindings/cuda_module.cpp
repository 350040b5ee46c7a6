// SPDX-License-Identifier: MIT
// lorank._cuda: GPU kernels on raw device pointers read from __cuda_array_interface__.
#include <pybind11/pybind11.h>

#include <cstdint>

#include "lorank/core/error.hpp"
#include "lorank/cuda/maxvol.hpp"
#include "lorank/cuda/tt_elements.hpp"

namespace py = pybind11;

namespace {
std::uintptr_t device_ptr(const py::object& arr, const char* who) {
  LORANK_CHECK(py::hasattr(arr, "__cuda_array_interface__"), lorank::DeviceError, who,
               ": expected a GPU array with __cuda_array_interface__");
  py::dict cai = arr.attr("__cuda_array_interface__");
  return py::cast<std::uintptr_t>(py::tuple(cai["data"])[0]);
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
