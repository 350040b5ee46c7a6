// SPDX-License-Identifier: MIT
#pragma once
/// \file Scalar types, index type and helpers shared by all algorithms.
#include <complex>
#include <cstdint>
#include <type_traits>

namespace lorank {

using index_t = std::int64_t;
using cfloat = std::complex<float>;
using cdouble = std::complex<double>;

template <class T>
struct real_of {
  using type = T;
};
template <class T>
struct real_of<std::complex<T>> {
  using type = T;
};
/// The real type underlying T (float for std::complex<float>).
template <class T>
using real_t = typename real_of<T>::type;

template <class T>
inline constexpr bool is_complex_v = !std::is_same_v<T, real_t<T>>;

/// Complex conjugate that is the identity for real types.
template <class T>
inline T conj(const T& x) {
  if constexpr (is_complex_v<T>) {
    return std::conj(x);
  } else {
    return x;
  }
}

}  // namespace lorank
