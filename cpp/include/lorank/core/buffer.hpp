// SPDX-License-Identifier: MIT
#pragma once
/// \file Owning buffers for cores and large temporaries.
///
/// `Buffer<T>` is a std::vector (default-initializing: new scalars are not zeroed) whose memory comes from a small per-thread cache: a freed
/// block of at least kMinCachedBytes is kept (up to kMaxCachedBytes and kMaxCachedBlocks per
/// thread) and handed
/// out again for a request of similar size. A rounding call copies the whole train, and
/// without the cache every call would get fresh pages from the OS and pay one page fault
/// per 4 KiB (about a tenth of the time of rounding a d=50, r=60 train).
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace lorank {
namespace detail {

inline constexpr std::size_t kMinCachedBytes = std::size_t(16) << 10;
inline constexpr std::size_t kMaxCachedBlocks = 256;
inline constexpr std::size_t kMaxCachedBytes = std::size_t(128) << 20;

/// Memory for `bytes` bytes (64-byte aligned); throws std::bad_alloc.
void* cached_allocate(std::size_t bytes);
/// Returns a block from cached_allocate (any thread may return it).
void cached_deallocate(void* p, std::size_t bytes) noexcept;
/// False in sanitizer builds (and with LORANK_NO_BUFFER_CACHE), where blocks go straight
/// back so use-after-free stays visible.
bool buffer_cache_enabled() noexcept;
/// Frees every block cached by the calling thread; returns the bytes released.
std::size_t release_cached_memory() noexcept;

}  // namespace detail

template <class T>
struct CachedAllocator {
  using value_type = T;
  CachedAllocator() = default;
  template <class U>
  CachedAllocator(const CachedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_alloc();
    return static_cast<T*>(detail::cached_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::cached_deallocate(p, n * sizeof(T)); }
  // Default-initialization: a Buffer<double>(n) is not zeroed (owners that need zeros say
  // so, as Core does); outputs of BLAS calls skip a pass over memory.
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  bool operator==(const CachedAllocator<U>&) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const CachedAllocator<U>&) const noexcept {
    return false;
  }
};

template <class T>
using Buffer = std::vector<T, CachedAllocator<T>>;

}  // namespace lorank
