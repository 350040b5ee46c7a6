// SPDX-License-Identifier: MIT
// Private bindings of dense kernels, for tests that check them against NumPy.
#include <cmath>
#include <vector>

#include "arrays.hpp"
#include "lorank/core/buffer.hpp"
#include "lorank/core/lapack.hpp"

namespace py = pybind11;
using namespace lorank;

void bind_linalg(py::module_& m) {
  m.def(
      "_eigh_top",
      [](py::array a, index_t k) {
        return bindings::dispatch(a.dtype(), "_eigh_top", [&](auto tag) -> py::tuple {
          using T = decltype(tag);
          using R = real_t<T>;
          auto arr = bindings::carray<T>::ensure(a);
          LORANK_CHECK(arr.ndim() == 2 && arr.shape(0) == arr.shape(1), ShapeError,
                       "_eigh_top: a must be square, got ndim ", arr.ndim());
          const index_t n = arr.shape(0);
          LORANK_CHECK(k >= 0 && k <= n, Error, "_eigh_top: k must be in [0, ", n,
                       "], got ", k);
          // Row-major Hermitian A read column-major is conj(A) = A^T: copy transposed.
          std::vector<T> col(n * n);
          for (index_t i = 0; i < n; ++i)
            for (index_t j = 0; j < n; ++j) col[i + j * n] = arr.data()[i * n + j];
          std::vector<R> w(n);
          index_t got = 0;
          {
            py::gil_scoped_release nogil;
            got = lapack::eigh_top<T>(n, col.data(), n, w.data(), [&](const R*) { return k; });
          }
          py::array_t<R> values(n);
          std::copy(w.begin(), w.end(), values.mutable_data());
          py::array_t<T> vectors({n, got});
          for (index_t i = 0; i < n; ++i)
            for (index_t j = 0; j < got; ++j)
              vectors.mutable_data()[i * got + j] = col[i + (n - got + j) * n];
          return py::make_tuple(values, vectors);
        });
      },
      py::arg("a"), py::arg("k"),
      "All eigenvalues (ascending) and the eigenvectors of the k largest, as columns in "
      "ascending order (lorank::lapack::eigh_top).");
  m.def(
      "batched_eigvalsh",
      [](py::array a) {
        using Strided = py::array_t<cdouble, py::array::forcecast>;
        auto arr = Strided::ensure(a);
        const auto nd = arr.ndim();
        LORANK_CHECK(nd >= 2 && arr.shape(nd - 1) == arr.shape(nd - 2), ShapeError,
                     "batched_eigvalsh: a must be (..., n, n), got ndim ", nd);
        const index_t n = arr.shape(nd - 1);
        const auto item = static_cast<py::ssize_t>(sizeof(cdouble));
        // Each matrix must be C-contiguous; the stack may be strided (a view of columns).
        if (n > 1 && (arr.strides(nd - 1) != item || arr.strides(nd - 2) != n * item))
          arr = bindings::carray<cdouble>::ensure(arr);
        std::vector<py::ssize_t> lead(arr.shape(), arr.shape() + nd - 2);
        index_t count = 1;
        for (auto s : lead) count *= s;
        std::vector<const cdouble*> mats(n == 0 ? 0 : count);
        const char* base = reinterpret_cast<const char*>(arr.data());
        std::vector<py::ssize_t> idx(lead.size(), 0);
        for (index_t b = 0; b < static_cast<index_t>(mats.size()); ++b) {
          py::ssize_t offset = 0;
          for (std::size_t k = 0; k < lead.size(); ++k) offset += idx[k] * arr.strides(k);
          mats[b] = reinterpret_cast<const cdouble*>(base + offset);
          for (std::size_t k = lead.size(); k-- > 0;) {  // next multi-index, last axis fastest
            if (++idx[k] < lead[k]) break;
            idx[k] = 0;
          }
          for (index_t i = 0; i < n * n; ++i)
            LORANK_CHECK(std::isfinite(mats[b][i].real()) && std::isfinite(mats[b][i].imag()),
                         NumericalError, "batched_eigvalsh: a has non-finite entries");
        }
        std::vector<py::ssize_t> shape(lead);
        shape.push_back(n);
        py::array_t<double> values(shape);
        {
          py::gil_scoped_release nogil;
          lapack::batched_eigvalsh(static_cast<index_t>(mats.size()), n, mats.data(),
                                   values.mutable_data());
        }
        return values;
      },
      py::arg("a"),
      "Eigenvalues, descending, of a stack (..., n, n) of Hermitian complex128 matrices "
      "(lower triangle read; the stack may be a strided view, each matrix C-contiguous): "
      "(..., n) float64 (lorank::lapack::batched_eigvalsh).");
  m.def("_simd_level", &lapack::simd_level,
        "Instruction set of lorank's own dense loops: 'avx2+fma' or 'baseline'.");
  m.attr("_buffer_cache_enabled") = detail::buffer_cache_enabled();
  m.attr("_buffer_cache_bytes") = detail::buffer_cache_enabled() ? detail::kMaxCachedBytes : 0;
  m.def("_release_cached_memory", &detail::release_cached_memory,
        "Free the blocks the calling thread's buffer cache holds; returns the bytes freed.");
}
