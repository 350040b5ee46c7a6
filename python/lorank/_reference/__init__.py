# SPDX-License-Identifier: MIT
"""Pure-array twins of the compiled kernels (same signatures as ``lorank._core``).

They are written against the NumPy API and run unchanged on CuPy arrays, which is how
TTs with CuPy cores compute on the GPU when no custom kernel exists. Tests compare the
compiled results against them.
"""
