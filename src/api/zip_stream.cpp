#include "api/zip_stream.hpp"

#include <zlib.h>

#include <array>
#include <vector>

namespace siaga::api {
namespace {

constexpr std::uint64_t zip32_limit = 0xFFFFFFFFu;
constexpr std::uint16_t flags = 0x0008 | 0x0800;  // sizes in a data descriptor; names in UTF-8
constexpr std::uint16_t deflated = 8;
constexpr std::uint16_t version = 20;
constexpr std::uint16_t dos_time = 0;
constexpr std::uint16_t dos_date = (0 << 9) | (1 << 5) | 1;  // 1980-01-01: no clock in the bytes

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

core::error failure(const std::string& what) { return core::make_error(core::errc::internal, "zip: " + what); }

struct entry {
  std::string name;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, size = 0, offset = 0;
};

}  // namespace

struct zip_stream::impl {
  z_stream z{};
  bool deflating = false;  // z holds an initialised compressor
  bool open = false;       // an entry is being written
  bool finished = false;
  std::string out;
  std::uint64_t written = 0;  // bytes of the archive made, taken or not
  std::vector<entry> entries;

  void emit(const std::string& bytes) {
    out += bytes;
    written += bytes.size();
  }

  // Runs the compressor over the input it was given, with flush, into out.
  core::result<void> pump(int flush) {
    std::array<unsigned char, 64 * 1024> buf{};
    for (;;) {
      z.next_out = buf.data();
      z.avail_out = static_cast<uInt>(buf.size());
      int rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) return failure("deflate failed");
      auto made = buf.size() - z.avail_out;
      out.append(reinterpret_cast<const char*>(buf.data()), made);
      written += made;
      entries.back().compressed += made;
      if (flush == Z_FINISH ? rc == Z_STREAM_END : z.avail_out != 0) return {};
    }
  }

  core::result<void> end_entry() {
    if (!open) return {};
    SIAGA_CHECK(pump(Z_FINISH));
    deflateReset(&z);
    open = false;
    const auto& e = entries.back();
    if (e.compressed > zip32_limit) return failure(e.name + " passes 4 GiB compressed");
    std::string d;
    put32(d, 0x08074b50);
    put32(d, e.crc);
    put32(d, static_cast<std::uint32_t>(e.compressed));
    put32(d, static_cast<std::uint32_t>(e.size));
    emit(d);
    return {};
  }

  ~impl() {
    if (deflating) deflateEnd(&z);
  }
};

zip_stream::zip_stream(int level) : impl_(std::make_unique<impl>()) {
  // Raw deflate (negative window bits): ZIP keeps its own headers and CRC.
  impl_->deflating = deflateInit2(&impl_->z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

zip_stream::~zip_stream() = default;

core::result<void> zip_stream::begin(std::string_view name) {
  auto& p = *impl_;
  if (!p.deflating) return failure("no compressor");
  if (p.finished) return failure("the archive is finished");
  SIAGA_CHECK(p.end_entry());
  if (p.written > zip32_limit) return failure("the archive passes 4 GiB");
  if (p.entries.size() >= 0xFFFF) return failure("too many entries");
  p.entries.push_back({std::string(name), static_cast<std::uint32_t>(crc32(0, nullptr, 0)), 0, 0, p.written});
  std::string h;
  put32(h, 0x04034b50);
  put16(h, version);
  put16(h, flags);
  put16(h, deflated);
  put16(h, dos_time);
  put16(h, dos_date);
  put32(h, 0);  // CRC and sizes follow the data
  put32(h, 0);
  put32(h, 0);
  put16(h, static_cast<std::uint16_t>(name.size()));
  put16(h, 0);
  h += name;
  p.emit(h);
  p.open = true;
  return {};
}

core::result<void> zip_stream::write(std::string_view data) {
  auto& p = *impl_;
  if (!p.open) return failure("no entry is open");
  auto& e = p.entries.back();
  if (e.size + data.size() > zip32_limit) return failure(e.name + " would pass 4 GiB");
  e.size += data.size();
  while (!data.empty()) {
    auto n = static_cast<uInt>(std::min<std::size_t>(data.size(), 1u << 30));
    e.crc = static_cast<std::uint32_t>(crc32(e.crc, reinterpret_cast<const Bytef*>(data.data()), n));
    p.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    p.z.avail_in = n;
    SIAGA_CHECK(p.pump(Z_NO_FLUSH));
    data.remove_prefix(n);
  }
  return {};
}

core::result<void> zip_stream::finish() {
  auto& p = *impl_;
  if (p.finished) return failure("the archive is finished");
  SIAGA_CHECK(p.end_entry());
  p.finished = true;
  auto directory_at = p.written;
  std::string d;
  for (const auto& e : p.entries) {
    put32(d, 0x02014b50);
    put16(d, version);  // made by: MS-DOS attributes, ZIP 2.0
    put16(d, version);
    put16(d, flags);
    put16(d, deflated);
    put16(d, dos_time);
    put16(d, dos_date);
    put32(d, e.crc);
    put32(d, static_cast<std::uint32_t>(e.compressed));
    put32(d, static_cast<std::uint32_t>(e.size));
    put16(d, static_cast<std::uint16_t>(e.name.size()));
    put16(d, 0);  // extra
    put16(d, 0);  // comment
    put16(d, 0);  // disk
    put16(d, 0);  // internal attributes
    put32(d, 0);  // external attributes
    put32(d, static_cast<std::uint32_t>(e.offset));
    d += e.name;
  }
  auto directory_size = d.size();
  if (directory_at + directory_size > zip32_limit) return failure("the archive passes 4 GiB");
  put32(d, 0x06054b50);
  put16(d, 0);
  put16(d, 0);
  put16(d, static_cast<std::uint16_t>(p.entries.size()));
  put16(d, static_cast<std::uint16_t>(p.entries.size()));
  put32(d, static_cast<std::uint32_t>(directory_size));
  put32(d, static_cast<std::uint32_t>(directory_at));
  put16(d, 0);
  p.emit(d);
  return {};
}

std::string zip_stream::take() { return std::exchange(impl_->out, {}); }

std::uint64_t zip_stream::entry_size() const { return impl_->open ? impl_->entries.back().size : 0; }

}  // namespace siaga::api
