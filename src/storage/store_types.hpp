// The types every store facet shares: results, pages.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <vector>

namespace siaga::storage {

using core::result;
using core::timestamp;

struct page_request {
  int limit = 50;  // 1..500
  int offset = 0;
};

template <class T>
struct page {
  std::vector<T> items;
  std::int64_t total = 0;  // matching rows, regardless of limit and offset
};

}  // namespace siaga::storage
