// SQLite's file layer (its VFS) wrapped so that a commit's WAL frames reach the kernel in one
// write instead of two per page (issue 14, docs/benchmarks.md "One write per commit").
//
// SQLite writes each WAL frame as two pwrite calls, its 24-byte header and then its page; a
// commit of a 500-event telephony batch is some 300 calls, each paying a system call's entry and
// the file system's per-write work (a fifth of the writer's time in the year's replay). The
// wrapper keeps the run of contiguous writes to a WAL file in memory and hands it to the file in
// one write:
// - within the write of a commit frame's page (the frame whose header carries the database's
//   size after the commit), so that a failed write fails that commit as it always did, before
//   SQLite publishes the commit to readers;
// - before any other use of the WAL file (a read, a sync, a truncation, the size, a lock...)
//   and before any use of its database file by the same connection (the wal-index is reached
//   through it), so that nothing ever reads the file behind the buffer;
// - when the run would pass max_run_bytes, or a write does not continue it.
// Every other file (the database, journals, temporary files) is passed through unchanged. A
// process killed while frames are buffered loses only a commit that had not returned, which
// SQLite would have lost too.
#pragma once

#include <sqlite3.h>

#include <cstdint>

namespace siaga::storage::sqlite {

// The VFS's name: connection::open opens every connection with it.
inline constexpr const char* wal_write_buffer_vfs = "siaga-wal-buffer";

// The longest run kept in memory; a longer commit is written in runs of this size.
inline constexpr std::int64_t wal_max_run_bytes = 4 << 20;

// The most one write hands to the inner file: the unix VFS writes at most 128 KiB a call (it
// masks a larger count), so a run goes out in writes of 120 KiB, 30 pages of 4 KiB with their
// headers, each one system call.
inline constexpr std::int64_t wal_write_chunk_bytes = 120 << 10;

// Registers the wrapper as wal_write_buffer_vfs over SQLite's default VFS, once per process (not
// as the default VFS). Returns false when registration failed: connection::open then uses the
// default VFS, which is correct, only slower.
bool install_wal_write_buffer();

// Registers a wrapper named name over inner (tests: an inner VFS that fails writes); inner and
// name must outlive the process's connections. Returns false when registration failed.
bool install_wal_write_buffer_over(sqlite3_vfs* inner, const char* name);

// Over the process's life (monitoring and tests): the writes SQLite made to WAL files through
// the wrapper, and the writes the wrapper made to the files for them.
struct wal_write_counts {
  std::int64_t asked = 0;
  std::int64_t written = 0;
};
wal_write_counts wal_write_totals();

}  // namespace siaga::storage::sqlite
