// For tests only: a directory of their own for the files a test writes.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>

namespace siaga::core {

// Makes and returns an empty directory under the system's temporary directory, named by prefix,
// the process id and a serial of this process, so that tests run in parallel processes (ctest
// -j) never share one. A name from an object's address is not enough: AddressSanitizer's
// allocator hands out the same addresses in every process, and two tests then removed each
// other's database. Whatever an earlier run left under the same name is removed first.
inline std::filesystem::path fresh_test_dir(std::string_view prefix) {
  static std::atomic<int> serial{0};
  auto dir = std::filesystem::temp_directory_path() /
             (std::string(prefix) + std::to_string(::getpid()) + "-" + std::to_string(serial++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace siaga::core
