// SPDX-License-Identifier: MIT
#pragma once
/// \file Exact cache of function values keyed by multi-indices, for cross approximation:
/// entries asked for again (nested index sets share many) are not evaluated twice.
#include <cstdint>
#include <vector>

#include "lorank/core/types.hpp"

namespace lorank::cross {

/// Open-addressing hash table from a multi-index (i_1, ..., i_d), 0 <= i_k < n_k, to a
/// value. Keys are the indices packed into ceil(sum_k bits(n_k) / 64) words, so equality is
/// exact (no hash-only keys); a 32-bit fingerprint per slot is probed first, and batches
/// prefetch their slots ahead, so a lookup costs about one cache miss.
template <class T>
class IndexCache {
 public:
  explicit IndexCache(std::vector<index_t> shape);

  /// For each of `batch` multi-indices (row-major, batch x d): found[b] = 1 and values[b]
  /// set when cached, else found[b] = 0. Returns the number found. Throws ShapeError for an
  /// index outside the shape.
  index_t lookup(const std::int64_t* idx, index_t batch, T* values, std::uint8_t* found) const;

  /// As lookup, and for each index not cached, `first[b]` = the position of its first
  /// occurrence in the batch when it repeats an earlier one, else -1 (so a caller evaluates
  /// each new index once).
  index_t lookup(const std::int64_t* idx, index_t batch, T* values, std::uint8_t* found,
                 std::int64_t* first) const;

  /// Stores (or overwrites) the values of `batch` multi-indices.
  void insert(const std::int64_t* idx, index_t batch, const T* values);

  index_t size() const { return size_; }
  index_t ndim() const { return index_t(shape_.size()); }

 private:
  void pack(const std::int64_t* index, std::uint64_t* key) const;
  std::uint64_t hash(const std::uint64_t* key) const;
  index_t find_slot(const std::uint64_t* key, std::uint64_t h) const;
  void prepare(const std::int64_t* idx, index_t batch) const;
  void prefetch(std::uint64_t h) const;
  void grow();

  std::vector<index_t> shape_;
  std::vector<int> bits_;
  index_t words_ = 1, size_ = 0, capacity_ = 0;
  std::vector<std::uint64_t> keys_;  // capacity x words
  std::vector<T> values_;
  std::vector<std::uint32_t> tags_;  // 0: empty slot, else the key's fingerprint (odd)
  // Scratch of the current batch: packed keys and their hashes.
  mutable std::vector<std::uint64_t> batch_keys_, batch_hash_;
};

}  // namespace lorank::cross
