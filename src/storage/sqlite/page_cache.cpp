#include "storage/sqlite/page_cache.hpp"

#include <sqlite3.h>

#include <atomic>
#include <new>

namespace siaga::storage::sqlite {
namespace {

// pcache1's methods, read once before the wrapper replaces them.
sqlite3_pcache_methods2 inner{};
std::atomic<std::int64_t> forwarded{0};
std::atomic<std::int64_t> skipped{0};

struct wrapped_cache {
  sqlite3_pcache* cache;
  page_key_bound bound;
};

wrapped_cache* of(sqlite3_pcache* p) { return reinterpret_cast<wrapped_cache*>(p); }

int init(void*) { return inner.xInit(inner.pArg); }
void shutdown(void*) {
  if (inner.xShutdown) inner.xShutdown(inner.pArg);
}

sqlite3_pcache* create(int page_bytes, int extra_bytes, int purgeable) {
  sqlite3_pcache* c = inner.xCreate(page_bytes, extra_bytes, purgeable);
  if (!c) return nullptr;
  auto* w = new (std::nothrow) wrapped_cache{c, page_key_bound(lock_page_of(page_bytes))};
  if (!w) {
    inner.xDestroy(c);
    return nullptr;
  }
  return reinterpret_cast<sqlite3_pcache*>(w);
}

void cache_size(sqlite3_pcache* p, int pages) { inner.xCachesize(of(p)->cache, pages); }
int page_count(sqlite3_pcache* p) { return inner.xPagecount(of(p)->cache); }

sqlite3_pcache_page* fetch(sqlite3_pcache* p, unsigned key, int create_flag) {
  auto* w = of(p);
  sqlite3_pcache_page* page = inner.xFetch(w->cache, key, create_flag);
  if (page && create_flag) w->bound.fetched(key);
  return page;
}

void unpin(sqlite3_pcache* p, sqlite3_pcache_page* page, int discard) { inner.xUnpin(of(p)->cache, page, discard); }

void rekey(sqlite3_pcache* p, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  auto* w = of(p);
  inner.xRekey(w->cache, page, old_key, new_key);
  w->bound.rekeyed(old_key, new_key);
}

void truncate(sqlite3_pcache* p, unsigned limit) {
  auto* w = of(p);
  if (!w->bound.must_truncate(limit)) {
    skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  forwarded.fetch_add(1, std::memory_order_relaxed);
  inner.xTruncate(w->cache, limit);
}

void destroy(sqlite3_pcache* p) {
  auto* w = of(p);
  inner.xDestroy(w->cache);
  delete w;
}

void shrink(sqlite3_pcache* p) { inner.xShrink(of(p)->cache); }

bool install() {
  // Memory statistics off: with them on, every allocation of every connection takes one global
  // mutex to count bytes nobody reads (SQLite's own advice for speed). Set before SQLite starts,
  // like the page cache below; a failure leaves the statistics on, which only costs time.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &inner) != SQLITE_OK || !inner.xCreate) return false;
  static sqlite3_pcache_methods2 wrapper{1,     nullptr,    init,  shutdown, create,   cache_size, page_count,
                                         fetch, unpin,      rekey, truncate, destroy, shrink};
  return sqlite3_config(SQLITE_CONFIG_PCACHE2, &wrapper) == SQLITE_OK;
}

std::atomic<bool> installed{false};

}  // namespace

bool install_page_cache() {
  // A function-local static: installed once, by whichever thread opens the first connection.
  static const bool done = [] {
    const bool ok = install();
    installed.store(ok, std::memory_order_relaxed);
    return ok;
  }();
  return done;
}

page_cache_counts page_cache_totals() {
  if (!installed.load(std::memory_order_relaxed)) return {};
  return {forwarded.load(std::memory_order_relaxed), skipped.load(std::memory_order_relaxed)};
}

}  // namespace siaga::storage::sqlite
