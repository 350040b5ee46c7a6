// SPDX-License-Identifier: MIT
#include "lorank/core/buffer.hpp"

#include <algorithm>
#include <cstdlib>

namespace lorank::detail {
namespace {

constexpr std::size_t kAlign = 64;
// A cached block serves requests down to 3/4 of its size, so memory waste stays bounded.
constexpr std::size_t kMaxSlackNum = 4, kMaxSlackDen = 3;

std::size_t rounded(std::size_t bytes) { return (std::max<std::size_t>(bytes, 1) + kAlign - 1) / kAlign * kAlign; }

struct Block {
  std::size_t bytes;
  void* ptr;
};

struct ThreadCache {
  std::vector<Block> blocks;
  std::size_t total = 0;
  ~ThreadCache();
};

// The cache's life in this thread; blocks freed once it is gone go straight back.
enum class State : unsigned char { Unused, Alive, Destroyed };
thread_local State state = State::Unused;
thread_local ThreadCache cache;

// Null once the thread's cache has been destroyed (thread exit).
ThreadCache* this_cache() {
  if (state == State::Destroyed) return nullptr;
  state = State::Alive;  // first use constructs `cache`; its destructor marks it gone
  return &cache;
}

ThreadCache::~ThreadCache() {
  state = State::Destroyed;
  for (const Block& b : blocks) std::free(b.ptr);
}

}  // namespace

// Under AddressSanitizer the cache would hide use-after-free: every block goes back.
#if defined(__SANITIZE_ADDRESS__) || defined(LORANK_NO_BUFFER_CACHE)
constexpr bool kCacheEnabled = false;
#else
constexpr bool kCacheEnabled = true;
#endif

void* cached_allocate(std::size_t bytes) {
  const std::size_t size = rounded(bytes);
  ThreadCache* c = kCacheEnabled && size >= kMinCachedBytes && size <= kMaxCachedBytes
                      ? this_cache()
                      : nullptr;
  if (c != nullptr) {
    // Best fit among the cached blocks that are not too large for the request.
    auto best = c->blocks.end();
    for (auto it = c->blocks.begin(); it != c->blocks.end(); ++it)
      if (it->bytes >= size && it->bytes * kMaxSlackDen <= size * kMaxSlackNum &&
          (best == c->blocks.end() || it->bytes < best->bytes))
        best = it;
    if (best != c->blocks.end()) {
      void* p = best->ptr;
      c->total -= best->bytes;
      *best = c->blocks.back();
      c->blocks.pop_back();
      return p;
    }
  }
  void* p = std::aligned_alloc(kAlign, size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void cached_deallocate(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  const std::size_t size = rounded(bytes);
  if (!kCacheEnabled || size < kMinCachedBytes || size > kMaxCachedBytes || state != State::Alive ||
      cache.blocks.size() >= kMaxCachedBlocks) {
    std::free(p);
    return;
  }
  ThreadCache& c = cache;
  try {
    // Over the cap, the largest cached blocks go first.
    while (c.total + size > kMaxCachedBytes && !c.blocks.empty()) {
      auto big = std::max_element(c.blocks.begin(), c.blocks.end(),
                                  [](const Block& a, const Block& b) { return a.bytes < b.bytes; });
      std::free(big->ptr);
      c.total -= big->bytes;
      *big = c.blocks.back();
      c.blocks.pop_back();
    }
    c.blocks.push_back({size, p});
    c.total += size;
  } catch (...) {
    std::free(p);
  }
}

bool buffer_cache_enabled() noexcept { return kCacheEnabled; }

std::size_t release_cached_memory() noexcept {
  if (state != State::Alive) return 0;
  std::size_t released = cache.total;
  for (const Block& b : cache.blocks) std::free(b.ptr);
  cache.blocks.clear();
  cache.total = 0;
  return released;
}

}  // namespace lorank::detail
