// SPDX-License-Identifier: MIT
// lorank._core: table of contents of the bindings.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_tt(py::module_& m);
void bind_linalg(py::module_& m);
void bind_krylov(py::module_& m);
void bind_cross(py::module_& m);
void bind_dlr(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "lorank compiled core (private; use the lorank package)";
  m.attr("version") = LORANK_VERSION;
  m.attr("compiler") = LORANK_CXX_COMPILER;
  m.attr("lapack") = LORANK_LAPACK_NAME;
  bind_errors(m);
  bind_tt(m);
  bind_linalg(m);
  bind_krylov(m);
  bind_cross(m);
  bind_dlr(m);
}
