// SQLite's own page cache (pcache1), wrapped so that the end of a write transaction does not
// walk the writer's whole cache (issue 14, docs/benchmarks.md "The 12 % of classification
// named"). At every write transaction's end the pager drops the pages past the database's end
// (xTruncate(size + 1)); pcache1 skips that only when no key it ever held since its last
// truncation is past the limit, and walks every bucket of its hash table otherwise. The b-tree's
// page split keys a page, for a moment, by the number of the page holding the lock byte at 1 GiB
// (it swaps two siblings into ascending order through that free number), so while a database is
// under 1 GiB every transaction that splits a page walked the whole cache: 12 % of the server's
// CPU when calls are classified one commit each, in proportion to --sqlite-cache-mib.
// The wrapper forwards everything to pcache1 and keeps, per cache, an upper bound of the keys
// present; a truncation with nothing at or past its limit is not forwarded.
#pragma once

#include <cstdint>

namespace siaga::storage::sqlite {

// An upper bound of the page numbers a cache holds (pure; one per cache, used by its
// connection's thread only). A page keyed by the lock page's number for the split's swap is
// left out of the bound while it is keyed so, and makes every truncation meanwhile forwarded.
class page_key_bound {
 public:
  // lock_page: the number of the page that holds the lock byte (never used by a database), for
  // the cache's page size.
  explicit page_key_bound(unsigned lock_page) : lock_page_(lock_page) {}

  // A fetch that may have created a page with this key.
  void fetched(unsigned key) {
    if (key > bound_) bound_ = key;
  }

  // A page's key changed from old_key to new_key.
  void rekeyed(unsigned old_key, unsigned new_key) {
    if (old_key == lock_page_ && parked_ > 0) --parked_;
    if (new_key == lock_page_) {
      ++parked_;
      return;
    }
    fetched(new_key);
  }

  // A truncation asked to drop the pages keyed limit or more: true when some may be present (the
  // truncation must go to the cache; the bound becomes limit - 1), false when none can be.
  bool must_truncate(unsigned limit) {
    if (parked_ == 0 && limit > bound_) return false;
    bound_ = limit == 0 ? 0 : limit - 1;
    return true;
  }

 private:
  unsigned lock_page_;
  unsigned bound_ = 0;
  int parked_ = 0;  // pages keyed by lock_page_ now
};

// The number of the page that holds SQLite's lock byte (at 1 GiB) for a page size.
inline unsigned lock_page_of(int page_bytes) {
  return page_bytes > 0 ? static_cast<unsigned>(0x40000000 / page_bytes) + 1 : 0;
}

// How many truncations the wrapper forwarded and how many it found nothing to do for, over the
// process's life (monitoring and tests).
struct page_cache_counts {
  std::int64_t forwarded = 0;
  std::int64_t skipped = 0;
};

// Installs the wrapper as SQLite's page cache, once per process, before SQLite is initialised
// (connection::open calls it first). Returns false when SQLite was initialised before (its own
// page cache then stays in use, which is correct, only slower).
bool install_page_cache();

// The counts since the process started; zero when the wrapper is not installed.
page_cache_counts page_cache_totals();

}  // namespace siaga::storage::sqlite
