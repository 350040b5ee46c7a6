// SPDX-License-Identifier: MIT
#pragma once
/// \file Error hierarchy of the C++ core and the LORANK_CHECK / LORANK_ASSERT macros.
#include <sstream>
#include <stdexcept>
#include <string>

namespace lorank {

/// Base of every error thrown by lorank.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
/// Operands or arguments with incompatible shapes.
class ShapeError : public Error {
 public:
  using Error::Error;
};
/// Invalid ranks (zero, negative, inconsistent between neighbouring cores).
class RankError : public Error {
 public:
  using Error::Error;
};
/// Data on the wrong device or devices mixed in one call.
class DeviceError : public Error {
 public:
  using Error::Error;
};
/// Non-finite input or a numerically impossible request.
class NumericalError : public Error {
 public:
  using Error::Error;
};
/// A LAPACK routine returned info != 0; `info()` is the routine's code.
class LapackError : public Error {
 public:
  LapackError(const std::string& what, int info) : Error(what), info_(info) {}
  int info() const noexcept { return info_; }

 private:
  int info_;
};
/// A feature that was not compiled into this build (e.g. CUDA).
class NotBuiltError : public Error {
 public:
  using Error::Error;
};

namespace detail {
inline void append(std::ostringstream&) {}
template <class Head, class... Tail>
void append(std::ostringstream& os, const Head& h, const Tail&... t) {
  os << h;
  append(os, t...);
}
template <class E, class... Args>
[[noreturn]] void raise(const Args&... args) {
  std::ostringstream os;
  append(os, args...);
  throw E(os.str());
}
}  // namespace detail
}  // namespace lorank

/// Check user input: throws ErrorType with the message pieces concatenated.
#define LORANK_CHECK(cond, ErrorType, ...)                   \
  do {                                                       \
    if (!(cond)) ::lorank::detail::raise<ErrorType>(__VA_ARGS__); \
  } while (0)

/// Internal invariant, checked in debug builds only.
#ifndef NDEBUG
#define LORANK_ASSERT(cond)                                                          \
  do {                                                                               \
    if (!(cond))                                                                     \
      ::lorank::detail::raise<::lorank::Error>("internal error: ", #cond, " at ", __FILE__, \
                                               ":", __LINE__);                       \
  } while (0)
#else
#define LORANK_ASSERT(cond) ((void)0)
#endif
