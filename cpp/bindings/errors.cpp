// SPDX-License-Identifier: MIT
// Maps each C++ error type to its class in lorank.errors.
#include <pybind11/pybind11.h>

#include "lorank/core/error.hpp"

namespace py = pybind11;

namespace {
void set_error(const char* cls, const char* what) {
  py::object type = py::module_::import("lorank.errors").attr(cls);
  PyErr_SetString(type.ptr(), what);
}
}  // namespace

void bind_errors(py::module_&) {
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const lorank::ShapeError& e) {
      set_error("ShapeError", e.what());
    } catch (const lorank::RankError& e) {
      set_error("RankError", e.what());
    } catch (const lorank::DeviceError& e) {
      set_error("DeviceMismatchError", e.what());
    } catch (const lorank::NumericalError& e) {
      set_error("NumericalError", e.what());
    } catch (const lorank::LapackError& e) {
      set_error("NumericalError", e.what());
    } catch (const lorank::NotBuiltError& e) {
      set_error("NotBuiltError", e.what());
    } catch (const lorank::Error& e) {
      set_error("LorankError", e.what());
    }
  });
}
