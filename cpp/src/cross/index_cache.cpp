// SPDX-License-Identifier: MIT
#include "lorank/cross/index_cache.hpp"

#include <algorithm>
#include <unordered_map>

#include "lorank/core/error.hpp"

namespace lorank::cross {
namespace {

int bits_for(index_t n) {
  int b = 0;
  while (b < 63 && (index_t(1) << b) < n) ++b;
  return std::max(b, 1);
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

template <class T>
IndexCache<T>::IndexCache(std::vector<index_t> shape) : shape_(std::move(shape)) {
  LORANK_CHECK(!shape_.empty(), ShapeError, "IndexCache: shape must not be empty");
  index_t total = 0;
  for (index_t n : shape_) {
    LORANK_CHECK(n >= 1, ShapeError, "IndexCache: mode sizes must be >= 1, got ", n);
    bits_.push_back(bits_for(n));
    total += bits_.back();
  }
  words_ = std::max<index_t>(1, (total + 63) / 64);
  capacity_ = 1024;
  keys_.assign(capacity_ * words_, 0);
  values_.resize(capacity_);
  tags_.assign(capacity_, 0);
}

template <class T>
void IndexCache<T>::pack(const std::int64_t* index, std::uint64_t* key) const {
  std::fill(key, key + words_, 0);
  index_t bit = 0;
  for (size_t k = 0; k < shape_.size(); ++k) {
    const std::int64_t i = index[k];
    LORANK_CHECK(i >= 0 && i < shape_[k], ShapeError, "cross: index ", i, " at mode ", k,
                 " is outside [0, ", shape_[k], ")");
    const auto v = std::uint64_t(i);
    const index_t w = bit / 64, off = bit % 64;
    key[w] |= v << off;
    if (off + bits_[k] > 64) key[w + 1] |= v >> (64 - off);
    bit += bits_[k];
  }
}

template <class T>
std::uint64_t IndexCache<T>::hash(const std::uint64_t* key) const {
  std::uint64_t h = 0x9e3779b97f4a7c15ull;
  for (index_t w = 0; w < words_; ++w) h = mix(h ^ key[w]);
  return h;
}

namespace {
std::uint32_t tag_of(std::uint64_t h) { return std::uint32_t(h >> 32) | 1u; }
constexpr index_t kAhead = 8;  // slots prefetched ahead in a batch
}  // namespace

// The slot holding `key`, or the empty slot where it would go (linear probing).
template <class T>
index_t IndexCache<T>::find_slot(const std::uint64_t* key, std::uint64_t h) const {
  const std::uint32_t tag = tag_of(h);
  index_t s = index_t(h & std::uint64_t(capacity_ - 1));
  while (tags_[s] != 0 &&
         !(tags_[s] == tag && std::equal(key, key + words_, keys_.begin() + s * words_)))
    s = (s + 1) & (capacity_ - 1);
  return s;
}

template <class T>
void IndexCache<T>::prefetch(std::uint64_t h) const {
#if defined(__GNUC__) || defined(__clang__)
  const index_t s = index_t(h & std::uint64_t(capacity_ - 1));
  __builtin_prefetch(tags_.data() + s);
  __builtin_prefetch(keys_.data() + s * words_);
#else
  (void)h;
#endif
}

// Packs (and so validates) every index of a batch and hashes it, before the table changes.
template <class T>
void IndexCache<T>::prepare(const std::int64_t* idx, index_t batch) const {
  const auto d = index_t(shape_.size());
  batch_keys_.resize(batch * words_);
  batch_hash_.resize(batch);
  for (index_t b = 0; b < batch; ++b) {
    pack(idx + b * d, batch_keys_.data() + b * words_);
    batch_hash_[b] = hash(batch_keys_.data() + b * words_);
  }
}

template <class T>
void IndexCache<T>::grow() {
  std::vector<std::uint64_t> keys = std::move(keys_);
  std::vector<T> values = std::move(values_);
  std::vector<std::uint32_t> tags = std::move(tags_);
  const index_t old = capacity_;
  capacity_ *= 2;
  keys_.assign(capacity_ * words_, 0);
  values_.resize(capacity_);
  tags_.assign(capacity_, 0);
  for (index_t s = 0; s < old; ++s) {
    if (tags[s] == 0) continue;
    const std::uint64_t* key = keys.data() + s * words_;
    const std::uint64_t h = hash(key);
    const index_t t = find_slot(key, h);
    std::copy(key, key + words_, keys_.begin() + t * words_);
    values_[t] = values[s];
    tags_[t] = tag_of(h);
  }
}

template <class T>
index_t IndexCache<T>::lookup(const std::int64_t* idx, index_t batch, T* values,
                              std::uint8_t* found) const {
  prepare(idx, batch);
  index_t hits = 0;
  for (index_t b = 0; b < batch; ++b) {
    if (b + kAhead < batch) prefetch(batch_hash_[b + kAhead]);
    const index_t s = find_slot(batch_keys_.data() + b * words_, batch_hash_[b]);
    found[b] = tags_[s] != 0;
    if (found[b]) {
      values[b] = values_[s];
      ++hits;
    }
  }
  return hits;
}

template <class T>
index_t IndexCache<T>::lookup(const std::int64_t* idx, index_t batch, T* values,
                              std::uint8_t* found, std::int64_t* first) const {
  const index_t hits = lookup(idx, batch, values, found);  // leaves the batch's keys packed
  std::unordered_map<std::uint64_t, std::vector<index_t>> seen;
  for (index_t b = 0; b < batch; ++b) {
    first[b] = -1;
    if (found[b]) continue;
    const std::uint64_t* key = batch_keys_.data() + b * words_;
    auto& same_hash = seen[batch_hash_[b]];
    for (index_t e : same_hash)
      if (std::equal(key, key + words_, batch_keys_.data() + e * words_)) {
        first[b] = e;
        break;
      }
    if (first[b] < 0) same_hash.push_back(b);
  }
  return hits;
}

template <class T>
void IndexCache<T>::insert(const std::int64_t* idx, index_t batch, const T* values) {
  prepare(idx, batch);  // every index checked before anything is stored
  while (2 * (size_ + batch) > capacity_) grow();
  for (index_t b = 0; b < batch; ++b) {
    if (b + kAhead < batch) prefetch(batch_hash_[b + kAhead]);
    const std::uint64_t* key = batch_keys_.data() + b * words_;
    const index_t s = find_slot(key, batch_hash_[b]);
    if (tags_[s] == 0) {
      std::copy(key, key + words_, keys_.begin() + s * words_);
      tags_[s] = tag_of(batch_hash_[b]);
      ++size_;
    }
    values_[s] = values[b];
  }
}

template class IndexCache<double>;
template class IndexCache<cdouble>;

}  // namespace lorank::cross
