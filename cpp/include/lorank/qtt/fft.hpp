// SPDX-License-Identifier: MIT
#pragma once
/// \file The superfast Fourier transform of a base-2 QTT (Dolgov, Khoromskij, Savostyanov,
/// J. Fourier Anal. Appl. 18(5), 2012): radix-2 butterfly stages as rank-2 TT-matrices,
/// each followed by a rounding of the cores it touched.
#include <vector>

#include "lorank/tt/algorithms.hpp"

namespace lorank::qtt {

/// The DFT (sign -1) or unscaled inverse DFT (sign +1) of a train with mode sizes 2 whose
/// axes' digits sit at the core positions `axes[k]` (most significant first, increasing).
/// Stage t of an axis sums out its digit t and puts the output digit t (least significant
/// first) in its place; then cores 0 .. axes[k][t] + 1 are rounded to `per_stage` (rtol of
/// the train's norm, caps per bond), the cores beyond being kept right-orthonormal. The
/// result is the train read backwards (cores reversed), so each axis's digits come out most
/// significant first and the axes in reverse order. O(L^2 r^3) for L cores of rank r.
/// T: complex<float> or complex<double>.
template <class T>
tt::Train<T> fft(const tt::TrainView<T>& x, const std::vector<std::vector<index_t>>& axes,
                 double sign, const tt::Truncation& per_stage, tt::RoundMethod method);

}  // namespace lorank::qtt
