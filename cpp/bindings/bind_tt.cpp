// SPDX-License-Identifier: MIT
// Bindings of the TT algorithms. Arrays are read with the GIL held; the algorithms run
// with the GIL released.
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "arrays.hpp"
#include "lorank/qtt/fft.hpp"
#include "lorank/tt/algorithms.hpp"

namespace py = pybind11;
using namespace lorank;
using bindings::dispatch;
using bindings::train_in;
using bindings::train_out;

namespace {

py::dtype first_dtype(const py::sequence& cores, const char* who) {
  LORANK_CHECK(py::len(cores) > 0, ShapeError, who, ": a TT needs at least one core, got 0");
  return py::array::ensure(cores[0]).dtype();
}

tt::RoundMethod parse_method(const std::string& s) {
  if (s == "svd") return tt::RoundMethod::Svd;
  if (s == "gram") return tt::RoundMethod::Gram;
  if (s == "orth-gram") return tt::RoundMethod::OrthGram;
  if (s == "randomized") return tt::RoundMethod::Randomized;
  detail::raise<Error>("round: method must be 'svd', 'orth-gram', 'gram' or 'randomized', got '", s, "'");
}

template <class T>
py::tuple rounded_out(tt::Rounded<T>&& r) {
  return py::make_tuple(train_out(std::move(r.cores)), r.error, r.norm, r.rel_error);
}

// (mantissa, log_scale). Where mantissa * 2^exponent fits a double, it comes back whole
// with log_scale 0: the exact power of two instead of a rounded exp(exponent ln 2), which
// at |exponent| ~ 200 would cost ~1e-14 relative accuracy.
template <class T>
py::tuple scaled_out(const tt::Scaled<T>& s) {
  using R = real_t<T>;
  const double mag = std::abs(s.mantissa);
  if (mag == 0.0) return py::make_tuple(s.mantissa, 0.0);
  const std::int64_t top = std::int64_t(std::ilogb(mag)) + s.exponent;
  if (top > std::numeric_limits<R>::min_exponent + 60 && top < std::numeric_limits<R>::max_exponent - 4) {
    if constexpr (is_complex_v<T>) {
      const T v(std::ldexp(s.mantissa.real(), int(s.exponent)),
                std::ldexp(s.mantissa.imag(), int(s.exponent)));
      return py::make_tuple(v, 0.0);
    } else {
      return py::make_tuple(T(std::ldexp(s.mantissa, int(s.exponent))), 0.0);
    }
  }
  return py::make_tuple(s.mantissa, s.log_scale);
}

}  // namespace

template <class T>
py::list qtt_fft_typed(const py::sequence& cores, const std::vector<std::vector<index_t>>& axes,
                       double sign, const tt::Truncation& trunc, tt::RoundMethod meth) {
  auto in = train_in<T>(cores, "qtt_fft");
  tt::Train<T> out;
  {
    py::gil_scoped_release nogil;
    out = qtt::fft(in.view, axes, sign, trunc, meth);
  }
  return train_out(std::move(out));
}

void bind_tt(py::module_& m) {
  m.def(
      "qtt_fft",
      [](py::sequence cores, std::vector<std::vector<index_t>> axes, double sign, double rtol,
         std::vector<index_t> max_rank, std::string method) {
        const auto meth = parse_method(method);
        const char kind = first_dtype(cores, "qtt_fft").char_();
        LORANK_CHECK(kind == 'F' || kind == 'D', Error,
                     "qtt_fft: cores must be complex64 or complex128");
        const tt::Truncation trunc{rtol, max_rank};
        if (kind == 'F') return qtt_fft_typed<cfloat>(cores, axes, sign, trunc, meth);
        return qtt_fft_typed<cdouble>(cores, axes, sign, trunc, meth);
      },
      py::arg("cores"), py::arg("axes"), py::arg("sign"), py::arg("rtol"), py::arg("max_rank"),
      py::arg("method"));

  m.def(
      "tt_svd",
      [](py::array a, double rtol, std::vector<index_t> max_rank) {
        return dispatch(a.dtype(), "TT.from_dense", [&](auto tag) {
          using T = decltype(tag);
          auto arr = bindings::carray<T>::ensure(a);
          std::vector<index_t> shape(arr.shape(), arr.shape() + arr.ndim());
          tt::Rounded<T> r;
          {
            py::gil_scoped_release nogil;
            r = tt::tt_svd(arr.data(), shape, {rtol, max_rank});
          }
          return rounded_out(std::move(r));
        });
      },
      py::arg("a"), py::arg("rtol"), py::arg("max_rank"));

  m.def(
      "round",
      [](py::sequence cores, double rtol, std::vector<index_t> max_rank, std::string method,
         std::uint64_t seed, index_t oversample) {
        const auto meth = parse_method(method);
        return dispatch(first_dtype(cores, "round"), "round", [&](auto tag) {
          using T = decltype(tag);
          auto in = train_in<T>(cores, "round");
          tt::Rounded<T> r;
          {
            py::gil_scoped_release nogil;
            r = tt::round(in.view, {rtol, max_rank}, meth, seed, oversample);
          }
          return rounded_out(std::move(r));
        });
      },
      py::arg("cores"), py::arg("rtol"), py::arg("max_rank"), py::arg("method"),
      py::arg("seed") = 0, py::arg("oversample") = 10);

  m.def(
      "round_sum",
      [](std::vector<py::sequence> terms, double rtol, std::vector<index_t> max_rank,
         std::string method, std::uint64_t seed, index_t oversample) {
        const auto meth = parse_method(method);
        LORANK_CHECK(!terms.empty(), ShapeError, "round_sum: needs at least one term, got 0");
        return dispatch(first_dtype(terms[0], "round_sum"), "round_sum", [&](auto tag) {
          using T = decltype(tag);
          std::vector<bindings::TrainIn<T>> ins;
          std::vector<tt::TrainView<T>> views;
          for (const auto& t : terms) ins.push_back(train_in<T>(t, "round_sum"));
          for (const auto& in : ins) views.push_back(in.view);
          tt::Rounded<T> r;
          {
            py::gil_scoped_release nogil;
            r = tt::round_sum(views, {rtol, max_rank}, meth, seed, oversample);
          }
          return rounded_out(std::move(r));
        });
      },
      py::arg("terms"), py::arg("rtol"), py::arg("max_rank"), py::arg("method"),
      py::arg("seed") = 0, py::arg("oversample") = 10);

  m.def(
      "orthogonalize",
      [](py::sequence cores, std::string side) {
        LORANK_CHECK(side == "left" || side == "right", Error,
                     "orthogonalize: side must be 'left' or 'right', got '", side, "'");
        return dispatch(first_dtype(cores, "orthogonalize"), "orthogonalize", [&](auto tag) {
          using T = decltype(tag);
          auto in = train_in<T>(cores, "orthogonalize");
          tt::Train<T> r;
          {
            py::gil_scoped_release nogil;
            r = tt::orthogonalize(in.view, side == "left" ? tt::Side::Left : tt::Side::Right);
          }
          return train_out(std::move(r));
        });
      },
      py::arg("cores"), py::arg("side"));

  m.def(
      "dot",
      [](py::sequence x, py::sequence y) {
        return dispatch(first_dtype(x, "TT.dot"), "TT.dot", [&](auto tag) {
          using T = decltype(tag);
          auto ix = train_in<T>(x, "TT.dot");
          auto iy = train_in<T>(y, "TT.dot");
          tt::Scaled<T> s;
          {
            py::gil_scoped_release nogil;
            s = tt::dot(ix.view, iy.view);
          }
          return scaled_out(s);
        });
      },
      py::arg("x"), py::arg("y"));

  m.def(
      "sum",
      [](py::sequence x) {
        return dispatch(first_dtype(x, "TT.sum"), "TT.sum", [&](auto tag) {
          using T = decltype(tag);
          auto ix = train_in<T>(x, "TT.sum");
          tt::Scaled<T> s;
          {
            py::gil_scoped_release nogil;
            s = tt::sum(ix.view);
          }
          return scaled_out(s);
        });
      },
      py::arg("x"));

  m.def(
      "at",
      [](py::sequence x, bindings::carray<std::int64_t> idx) {
        return dispatch(first_dtype(x, "TT.at"), "TT.at", [&](auto tag) -> py::array {
          using T = decltype(tag);
          auto ix = train_in<T>(x, "TT.at");
          LORANK_CHECK(idx.ndim() == 2 && idx.shape(1) == py::ssize_t(ix.view.size()),
                       ShapeError, "TT.at: indices must have shape (batch, ", ix.view.size(),
                       ")");
          std::vector<T> r;
          {
            py::gil_scoped_release nogil;
            r = tt::at(ix.view, idx.data(), idx.shape(0));
          }
          const py::ssize_t b = py::ssize_t(r.size());
          return bindings::to_numpy(std::move(r), {b});
        });
      },
      py::arg("x"), py::arg("indices"));

  m.def(
      "matmul",
      [](py::sequence a, std::vector<index_t> rows, std::vector<index_t> inner, py::sequence b,
         std::vector<index_t> cols, double rtol, std::vector<index_t> max_rank,
         std::string method, bool do_round) {
        const auto meth = parse_method(method);
        return dispatch(first_dtype(a, "TTMatrix.matmul"), "TTMatrix.matmul", [&](auto tag) {
          using T = decltype(tag);
          auto ia = train_in<T>(a, "TTMatrix.matmul");
          auto ib = train_in<T>(b, "TTMatrix.matmul");
          tt::Rounded<T> r;
          {
            py::gil_scoped_release nogil;
            if (do_round)
              r = tt::round_product(ia.view, rows, inner, ib.view, cols, {rtol, max_rank}, meth);
            else
              r.cores = tt::matmul(ia.view, rows, inner, ib.view, cols);
          }
          return rounded_out(std::move(r));
        });
      },
      py::arg("a"), py::arg("rows"), py::arg("inner"), py::arg("b"), py::arg("cols"),
      py::arg("rtol") = 0.0, py::arg("max_rank") = std::vector<index_t>{},
      py::arg("method") = "svd", py::arg("round") = false);
}
