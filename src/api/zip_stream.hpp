// A ZIP archive written front to back, for downloads that start before their end is known
// (the XLSX exports: an XLSX is a ZIP of XML parts). Each entry is deflated as it is written
// and followed by a data descriptor (its CRC-32 and sizes), so nothing is ever rewritten and
// the bytes can leave as soon as they are made; the central directory comes at the end.
// Entries and the archive stay within ZIP's 32-bit sizes (4 GiB): the caller keeps an entry
// smaller (xlsx_writer starts a new sheet first), and past 4 GiB in all the archive fails.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace siaga::api {

class zip_stream {
 public:
  // level: zlib's compression level (1 fastest .. 9 smallest).
  explicit zip_stream(int level = 1);
  ~zip_stream();
  zip_stream(const zip_stream&) = delete;
  zip_stream& operator=(const zip_stream&) = delete;

  // Starts an entry named name (UTF-8, '/' between folders), ending the open one if any.
  // Fails with internal after finish() or past 4 GiB.
  core::result<void> begin(std::string_view name);
  // Appends to the open entry. Fails with internal without one, or when the entry would pass
  // 4 GiB uncompressed.
  core::result<void> write(std::string_view data);
  // Ends the open entry and writes the central directory; nothing may follow. Fails with
  // internal when already finished or past 4 GiB.
  core::result<void> finish();
  // The archive's bytes made since the last take() (the compressor may hold back a few kB
  // of an open entry until more comes or the entry ends).
  std::string take();
  // The uncompressed bytes of the open entry so far.
  std::uint64_t entry_size() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace siaga::api
