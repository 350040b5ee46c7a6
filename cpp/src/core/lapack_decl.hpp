// SPDX-License-Identifier: MIT
#pragma once
// Private: Fortran BLAS/LAPACK prototypes behind a symbol-prefix macro (scipy_ for
// scipy-openblas32, empty for a system LAPACK). No vendor header is included on purpose.
#include <cstddef>

#include "lorank/core/types.hpp"

#ifndef LORANK_LAPACK_PREFIX
#define LORANK_LAPACK_PREFIX
#endif
#define LORANK_CAT_(a, b) a##b
#define LORANK_CAT(a, b) LORANK_CAT_(a, b)
#define LORANK_F77(name) LORANK_CAT(LORANK_LAPACK_PREFIX, name##_)

using f_int = int;  // LP64
using lorank::cdouble;
using lorank::cfloat;
using flen = std::size_t;  // hidden Fortran string length

extern "C" {
#define LORANK_DECL_GEMM(p, T)                                                              \
  void LORANK_F77(p##gemm)(const char*, const char*, const f_int*, const f_int*, const f_int*, \
                           const T*, const T*, const f_int*, const T*, const f_int*, const T*, \
                           T*, const f_int*, flen, flen);
LORANK_DECL_GEMM(s, float)
LORANK_DECL_GEMM(d, double)
LORANK_DECL_GEMM(c, cfloat)
LORANK_DECL_GEMM(z, cdouble)

#define LORANK_DECL_GEMV(p, T)                                                              \
  void LORANK_F77(p##gemv)(const char*, const f_int*, const f_int*, const T*, const T*,      \
                           const f_int*, const T*, const f_int*, const T*, T*, const f_int*, \
                           flen);
LORANK_DECL_GEMV(s, float)
LORANK_DECL_GEMV(d, double)

#define LORANK_DECL_GEQRF(p, T)                                                      \
  void LORANK_F77(p##geqrf)(const f_int*, const f_int*, T*, const f_int*, T*, T*, \
                            const f_int*, f_int*);
LORANK_DECL_GEQRF(s, float)
LORANK_DECL_GEQRF(d, double)
LORANK_DECL_GEQRF(c, cfloat)
LORANK_DECL_GEQRF(z, cdouble)

#define LORANK_DECL_ORGQR(name, T)                                                     \
  void LORANK_F77(name)(const f_int*, const f_int*, const f_int*, T*, const f_int*, \
                        const T*, T*, const f_int*, f_int*);
LORANK_DECL_ORGQR(sorgqr, float)
LORANK_DECL_ORGQR(dorgqr, double)
LORANK_DECL_ORGQR(cungqr, cfloat)
LORANK_DECL_ORGQR(zungqr, cdouble)

void LORANK_F77(sgesdd)(const char*, const f_int*, const f_int*, float*, const f_int*, float*,
                        float*, const f_int*, float*, const f_int*, float*, const f_int*,
                        f_int*, f_int*, flen);
void LORANK_F77(dgesdd)(const char*, const f_int*, const f_int*, double*, const f_int*,
                        double*, double*, const f_int*, double*, const f_int*, double*,
                        const f_int*, f_int*, f_int*, flen);
void LORANK_F77(cgesdd)(const char*, const f_int*, const f_int*, cfloat*, const f_int*, float*,
                        cfloat*, const f_int*, cfloat*, const f_int*, cfloat*, const f_int*,
                        float*, f_int*, f_int*, flen);
void LORANK_F77(zgesdd)(const char*, const f_int*, const f_int*, cdouble*, const f_int*,
                        double*, cdouble*, const f_int*, cdouble*, const f_int*, cdouble*,
                        const f_int*, double*, f_int*, f_int*, flen);

#define LORANK_DECL_L3(p, T, R)                                                              \
  void LORANK_F77(p##trsm)(const char*, const char*, const char*, const char*, const f_int*,  \
                           const f_int*, const T*, const T*, const f_int*, T*, const f_int*, \
                           flen, flen, flen, flen);                                           \
  void LORANK_F77(p##trmm)(const char*, const char*, const char*, const char*, const f_int*,  \
                           const f_int*, const T*, const T*, const f_int*, T*, const f_int*, \
                           flen, flen, flen, flen);                                           \
  void LORANK_F77(p##potrf)(const char*, const f_int*, T*, const f_int*, f_int*, flen);
LORANK_DECL_L3(s, float, float)
LORANK_DECL_L3(d, double, double)
LORANK_DECL_L3(c, cfloat, float)
LORANK_DECL_L3(z, cdouble, double)
void LORANK_F77(ssyrk)(const char*, const char*, const f_int*, const f_int*, const float*,
                       const float*, const f_int*, const float*, float*, const f_int*, flen, flen);
void LORANK_F77(dsyrk)(const char*, const char*, const f_int*, const f_int*, const double*,
                       const double*, const f_int*, const double*, double*, const f_int*, flen,
                       flen);
void LORANK_F77(cherk)(const char*, const char*, const f_int*, const f_int*, const float*,
                       const cfloat*, const f_int*, const float*, cfloat*, const f_int*, flen,
                       flen);
void LORANK_F77(zherk)(const char*, const char*, const f_int*, const f_int*, const double*,
                       const cdouble*, const f_int*, const double*, cdouble*, const f_int*, flen,
                       flen);

void LORANK_F77(sgeqp3)(const f_int*, const f_int*, float*, const f_int*, f_int*, float*, float*,
                        const f_int*, f_int*);
void LORANK_F77(dgeqp3)(const f_int*, const f_int*, double*, const f_int*, f_int*, double*,
                        double*, const f_int*, f_int*);
void LORANK_F77(cgeqp3)(const f_int*, const f_int*, cfloat*, const f_int*, f_int*, cfloat*,
                        cfloat*, const f_int*, float*, f_int*);
void LORANK_F77(zgeqp3)(const f_int*, const f_int*, cdouble*, const f_int*, f_int*, cdouble*,
                        cdouble*, const f_int*, double*, f_int*);

f_int LORANK_F77(isamax)(const f_int*, const float*, const f_int*);
f_int LORANK_F77(idamax)(const f_int*, const double*, const f_int*);
f_int LORANK_F77(icamax)(const f_int*, const cfloat*, const f_int*);
f_int LORANK_F77(izamax)(const f_int*, const cdouble*, const f_int*);
void LORANK_F77(sscal)(const f_int*, const float*, float*, const f_int*);
void LORANK_F77(dscal)(const f_int*, const double*, double*, const f_int*);
void LORANK_F77(csscal)(const f_int*, const float*, cfloat*, const f_int*);
void LORANK_F77(zdscal)(const f_int*, const double*, cdouble*, const f_int*);

void LORANK_F77(ssyevd)(const char*, const char*, const f_int*, float*, const f_int*, float*,
                        float*, const f_int*, f_int*, const f_int*, f_int*, flen, flen);
void LORANK_F77(dsyevd)(const char*, const char*, const f_int*, double*, const f_int*, double*,
                        double*, const f_int*, f_int*, const f_int*, f_int*, flen, flen);
void LORANK_F77(cheevd)(const char*, const char*, const f_int*, cfloat*, const f_int*, float*,
                        cfloat*, const f_int*, float*, const f_int*, f_int*, const f_int*,
                        f_int*, flen, flen);
void LORANK_F77(zheevd)(const char*, const char*, const f_int*, cdouble*, const f_int*,
                        double*, cdouble*, const f_int*, double*, const f_int*, f_int*,
                        const f_int*, f_int*, flen, flen);

// Tridiagonal route to selected eigenpairs (eigh_top.cpp).
void LORANK_F77(ssytrd)(const char*, const f_int*, float*, const f_int*, float*, float*, float*,
                        float*, const f_int*, f_int*, flen);
void LORANK_F77(dsytrd)(const char*, const f_int*, double*, const f_int*, double*, double*,
                        double*, double*, const f_int*, f_int*, flen);
void LORANK_F77(zhetrd)(const char*, const f_int*, cdouble*, const f_int*, double*, double*,
                        cdouble*, cdouble*, const f_int*, f_int*, flen);
void LORANK_F77(ssterf)(const f_int*, float*, float*, f_int*);
void LORANK_F77(dsterf)(const f_int*, double*, double*, f_int*);
void LORANK_F77(sormtr)(const char*, const char*, const char*, const f_int*, const f_int*,
                        const float*, const f_int*, const float*, float*, const f_int*, float*,
                        const f_int*, f_int*, flen, flen, flen);
void LORANK_F77(dormtr)(const char*, const char*, const char*, const f_int*, const f_int*,
                        const double*, const f_int*, const double*, double*, const f_int*,
                        double*, const f_int*, f_int*, flen, flen, flen);

// Triangular condition estimates (1-norm).
void LORANK_F77(strcon)(const char*, const char*, const char*, const f_int*, const float*,
                        const f_int*, float*, float*, f_int*, f_int*, flen, flen, flen);
void LORANK_F77(dtrcon)(const char*, const char*, const char*, const f_int*, const double*,
                        const f_int*, double*, double*, f_int*, f_int*, flen, flen, flen);
void LORANK_F77(ctrcon)(const char*, const char*, const char*, const f_int*, const cfloat*,
                        const f_int*, float*, cfloat*, float*, f_int*, flen, flen, flen);
void LORANK_F77(ztrcon)(const char*, const char*, const char*, const f_int*, const cdouble*,
                        const f_int*, double*, cdouble*, double*, f_int*, flen, flen, flen);
}
