#include "storage/sqlite/wal_write_buffer.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <vector>

namespace siaga::storage::sqlite {
namespace {

std::atomic<std::int64_t> asked{0};
std::atomic<std::int64_t> written{0};

enum class file_kind { other, main_db, wal };

// The run of contiguous writes a WAL file holds back.
struct run_buffer {
  std::vector<char> bytes;
  sqlite3_int64 start = 0;
  bool commit_page_next = false;  // the last write was a commit frame's header
};

// Our part of a file; the inner VFS's file follows at inner_offset. SQLite allocates the whole
// (szOsFile bytes) and hands it to xOpen uninitialised.
struct shim_file {
  sqlite3_file base;
  file_kind kind;
  shim_file* wal;  // main_db: its connection's WAL file while that is open
  shim_file* db;   // wal: its connection's database file
  run_buffer* run; // wal: owned
};

constexpr std::size_t inner_offset = (sizeof(shim_file) + 15) / 16 * 16;

shim_file* shim(sqlite3_file* f) { return reinterpret_cast<shim_file*>(f); }
sqlite3_file* inner(shim_file* s) { return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(s) + inner_offset); }
const sqlite3_io_methods& in_methods(shim_file* s) { return *inner(s)->pMethods; }

// Hands the held run to the file in one write. The run is dropped even when the write fails:
// SQLite then fails the commit, and the frames past the last commit are written again.
int flush(shim_file* w) {
  auto* r = w->run;
  if (r == nullptr || r->bytes.empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  const auto size = static_cast<sqlite3_int64>(r->bytes.size());
  for (sqlite3_int64 done = 0; done < size && rc == SQLITE_OK; done += wal_write_chunk_bytes) {
    written.fetch_add(1, std::memory_order_relaxed);
    const auto n = static_cast<int>(std::min<sqlite3_int64>(wal_write_chunk_bytes, size - done));
    rc = in_methods(w).xWrite(inner(w), r->bytes.data() + done, n, r->start + done);
  }
  r->bytes.clear();
  r->commit_page_next = false;
  return rc;
}

// Before any use of a file other than a WAL write: the WAL file's own run, or for a database
// file the run of its connection's WAL file (the wal-index and the readers are reached from it).
int settle(shim_file* s) {
  if (s->kind == file_kind::wal) return flush(s);
  if (s->kind == file_kind::main_db && s->wal != nullptr) return flush(s->wal);
  return SQLITE_OK;
}

// A WAL frame header is 24 bytes; its bytes 4 to 7 (big-endian) are the database's size in pages
// after the commit for a commit frame, zero for any other.
bool is_commit_header(const void* data, int n) {
  if (n != 24) return false;
  const auto* b = static_cast<const unsigned char*>(data);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

int wal_write(shim_file* w, const void* data, int n, sqlite3_int64 offset) {
  asked.fetch_add(1, std::memory_order_relaxed);
  auto* r = w->run;
  const auto held = static_cast<sqlite3_int64>(r->bytes.size());
  const bool continues = held > 0 && offset == r->start + held;
  if (!continues || held + n > wal_max_run_bytes) {
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
  }
  if (n > wal_write_chunk_bytes) {
    written.fetch_add(1, std::memory_order_relaxed);
    return in_methods(w).xWrite(inner(w), data, n, offset);
  }
  const bool commit_page = r->commit_page_next;
  try {
    if (r->bytes.empty()) {
      r->start = offset;
      if (r->bytes.capacity() == 0) r->bytes.reserve(256 << 10);
    }
    const auto* b = static_cast<const char*>(data);
    r->bytes.insert(r->bytes.end(), b, b + n);
  } catch (const std::bad_alloc&) {
    r->bytes.clear();
    return SQLITE_NOMEM;
  }
  r->commit_page_next = is_commit_header(data, n);
  // The commit's last page: written now, so that a failure fails this write and the commit.
  if (commit_page) return flush(w);
  return SQLITE_OK;
}

// ---- io methods: each settles the buffer, then forwards ----

int x_close(sqlite3_file* f) {
  auto* s = shim(f);
  int settled = settle(s);
  if (s->kind == file_kind::wal) {
    if (s->db != nullptr) s->db->wal = nullptr;
    delete s->run;
    s->run = nullptr;
  }
  if (s->kind == file_kind::main_db && s->wal != nullptr) s->wal->db = nullptr;
  int rc = in_methods(s).xClose(inner(s));
  return rc != SQLITE_OK ? rc : settled;
}

int x_read(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xRead(inner(s), out, n, offset);
}

int x_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
  auto* s = shim(f);
  if (s->kind == file_kind::wal) return wal_write(s, data, n, offset);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xWrite(inner(s), data, n, offset);
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xTruncate(inner(s), size);
}

int x_sync(sqlite3_file* f, int flags) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xSync(inner(s), flags);
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xFileSize(inner(s), size);
}

int x_lock(sqlite3_file* f, int level) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xLock(inner(s), level);
}

int x_unlock(sqlite3_file* f, int level) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xUnlock(inner(s), level);
}

int x_check_reserved_lock(sqlite3_file* f, int* out) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xCheckReservedLock(inner(s), out);
}

int x_file_control(sqlite3_file* f, int op, void* arg) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xFileControl(inner(s), op, arg);
}

int x_sector_size(sqlite3_file* f) {
  auto* s = shim(f);
  return in_methods(s).xSectorSize(inner(s));
}

int x_device_characteristics(sqlite3_file* f) {
  auto* s = shim(f);
  return in_methods(s).xDeviceCharacteristics(inner(s));
}

int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xShmMap(inner(s), region, size, extend, out);
}

int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xShmLock(inner(s), offset, n, flags);
}

// The barrier comes before SQLite publishes a commit to readers. Its write was flushed with the
// commit frame (and its failure reported there); a failure here has no way to be reported, so
// the commit frame's flush is the one that counts.
void x_shm_barrier(sqlite3_file* f) {
  auto* s = shim(f);
  (void)settle(s);
  in_methods(s).xShmBarrier(inner(s));
}

int x_shm_unmap(sqlite3_file* f, int remove) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xShmUnmap(inner(s), remove);
}

int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  auto* s = shim(f);
  if (int rc = settle(s); rc != SQLITE_OK) return rc;
  return in_methods(s).xFetch(inner(s), offset, n, out);
}

int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  auto* s = shim(f);
  return in_methods(s).xUnfetch(inner(s), offset, page);
}

// One table per version of the inner file's methods: SQLite calls no method past iVersion.
constexpr sqlite3_io_methods methods_of(int version) {
  return {version,    x_close,      x_read,           x_write,     x_truncate,
          x_sync,     x_file_size,  x_lock,           x_unlock,    x_check_reserved_lock,
          x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
          x_shm_barrier,  x_shm_unmap,   x_fetch,          x_unfetch};
}
constexpr sqlite3_io_methods methods_v1 = methods_of(1);
constexpr sqlite3_io_methods methods_v2 = methods_of(2);
constexpr sqlite3_io_methods methods_v3 = methods_of(3);

bool is_ours(const sqlite3_file* f) {
  return f != nullptr && (f->pMethods == &methods_v1 || f->pMethods == &methods_v2 || f->pMethods == &methods_v3);
}

// ---- the VFS: xOpen wraps, the rest forwards to the inner VFS ----

sqlite3_vfs* inner_vfs(sqlite3_vfs* v) { return static_cast<sqlite3_vfs*>(v->pAppData); }

int v_open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* s = shim(f);
  s->base.pMethods = nullptr;
  s->kind = file_kind::other;
  s->wal = nullptr;
  s->db = nullptr;
  s->run = nullptr;
  sqlite3_file* in = inner(s);
  in->pMethods = nullptr;
  auto* iv = inner_vfs(v);
  int rc = iv->xOpen(iv, name, in, flags, out_flags);
  // An inner file with methods is closed by SQLite even after a failed open: it gets ours too.
  if (in->pMethods == nullptr) return rc;
  const int version = in->pMethods->iVersion;
  s->base.pMethods = version >= 3 ? &methods_v3 : version == 2 ? &methods_v2 : &methods_v1;
  if (rc != SQLITE_OK) return rc;
  if (flags & SQLITE_OPEN_MAIN_DB) s->kind = file_kind::main_db;
  if ((flags & SQLITE_OPEN_WAL) && name != nullptr) {
    s->run = new (std::nothrow) run_buffer;
    if (s->run != nullptr) {
      s->kind = file_kind::wal;
      // The connection's database file, opened before its WAL (SQLite's own lookup).
      sqlite3_file* db = sqlite3_database_file_object(name);
      if (is_ours(db) && shim(db)->kind == file_kind::main_db) {
        s->db = shim(db);
        s->db->wal = s;
      }
    }
  }
  return rc;
}

int v_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
  return inner_vfs(v)->xDelete(inner_vfs(v), name, sync_dir);
}
int v_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return inner_vfs(v)->xAccess(inner_vfs(v), name, flags, out);
}
int v_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return inner_vfs(v)->xFullPathname(inner_vfs(v), name, n, out);
}
void* v_dl_open(sqlite3_vfs* v, const char* name) { return inner_vfs(v)->xDlOpen(inner_vfs(v), name); }
void v_dl_error(sqlite3_vfs* v, int n, char* out) { inner_vfs(v)->xDlError(inner_vfs(v), n, out); }
void (*v_dl_sym(sqlite3_vfs* v, void* handle, const char* symbol))(void) {
  return inner_vfs(v)->xDlSym(inner_vfs(v), handle, symbol);
}
void v_dl_close(sqlite3_vfs* v, void* handle) { inner_vfs(v)->xDlClose(inner_vfs(v), handle); }
int v_randomness(sqlite3_vfs* v, int n, char* out) { return inner_vfs(v)->xRandomness(inner_vfs(v), n, out); }
int v_sleep(sqlite3_vfs* v, int micros) { return inner_vfs(v)->xSleep(inner_vfs(v), micros); }
int v_current_time(sqlite3_vfs* v, double* out) { return inner_vfs(v)->xCurrentTime(inner_vfs(v), out); }
int v_get_last_error(sqlite3_vfs* v, int n, char* out) {
  return inner_vfs(v)->xGetLastError ? inner_vfs(v)->xGetLastError(inner_vfs(v), n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
  return inner_vfs(v)->xCurrentTimeInt64(inner_vfs(v), out);
}
int v_set_system_call(sqlite3_vfs* v, const char* name, sqlite3_syscall_ptr p) {
  return inner_vfs(v)->xSetSystemCall(inner_vfs(v), name, p);
}
sqlite3_syscall_ptr v_get_system_call(sqlite3_vfs* v, const char* name) {
  return inner_vfs(v)->xGetSystemCall(inner_vfs(v), name);
}
const char* v_next_system_call(sqlite3_vfs* v, const char* name) {
  return inner_vfs(v)->xNextSystemCall(inner_vfs(v), name);
}

}  // namespace

bool install_wal_write_buffer_over(sqlite3_vfs* in, const char* name) {
  if (in == nullptr || name == nullptr) return false;
  if (sqlite3_vfs_find(name) != nullptr) return true;
  // Leaked on purpose: a VFS must outlive every connection, and the process's life is that.
  auto* v = new sqlite3_vfs{};
  v->iVersion = in->iVersion;
  v->szOsFile = static_cast<int>(inner_offset) + in->szOsFile;
  v->mxPathname = in->mxPathname;
  v->zName = name;
  v->pAppData = in;
  v->xOpen = v_open;
  v->xDelete = v_delete;
  v->xAccess = v_access;
  v->xFullPathname = v_full_pathname;
  v->xDlOpen = in->xDlOpen ? v_dl_open : nullptr;
  v->xDlError = in->xDlError ? v_dl_error : nullptr;
  v->xDlSym = in->xDlSym ? v_dl_sym : nullptr;
  v->xDlClose = in->xDlClose ? v_dl_close : nullptr;
  v->xRandomness = v_randomness;
  v->xSleep = v_sleep;
  v->xCurrentTime = v_current_time;
  v->xGetLastError = v_get_last_error;
  if (in->iVersion >= 2) v->xCurrentTimeInt64 = in->xCurrentTimeInt64 ? v_current_time_int64 : nullptr;
  if (in->iVersion >= 3) {
    v->xSetSystemCall = in->xSetSystemCall ? v_set_system_call : nullptr;
    v->xGetSystemCall = in->xGetSystemCall ? v_get_system_call : nullptr;
    v->xNextSystemCall = in->xNextSystemCall ? v_next_system_call : nullptr;
  }
  return sqlite3_vfs_register(v, 0) == SQLITE_OK;
}

bool install_wal_write_buffer() {
  // A function-local static: registered once, by whichever thread opens the first connection.
  static const bool done = install_wal_write_buffer_over(sqlite3_vfs_find(nullptr), wal_write_buffer_vfs);
  return done;
}

wal_write_counts wal_write_totals() {
  return {asked.load(std::memory_order_relaxed), written.load(std::memory_order_relaxed)};
}

}  // namespace siaga::storage::sqlite
