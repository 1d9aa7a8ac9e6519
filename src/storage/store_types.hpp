// The types every store facet shares: results, pages.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage {

using core::result;
using core::timestamp;

// Where a keyset page starts: after the row with this sort time and id, in the list's order
// (newest first). Exports read a long list page by page this way, so that each page costs
// the same however deep it is (an offset would rescan every row before it).
struct keyset {
  timestamp at{};
  std::string id;
};

struct page_request {
  int limit = 50;  // 1..500
  int offset = 0;
};

// How a list that an export walks is paged: after (offset is ignored then) and whether the
// total is counted (false: left 0). Filters hold it beside their page_request.
struct keyset_paging {
  std::optional<keyset> after;
  bool count_total = true;
};

template <class T>
struct page {
  std::vector<T> items;
  std::int64_t total = 0;  // matching rows, regardless of limit and offset
};

}  // namespace siaga::storage
