// Runs the real `siaga` binary for integration tests: a temporary directory with its own
// database (an SQLite file, or a PostgreSQL database when the tests run on PostgreSQL:
// support/test_store.hpp), the demo city seeded, the server on a free port, stopped with SIGTERM.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace siaga::testing {

// The whole content of a file ("" when it cannot be read), e.g. a siaga log for a failure message.
std::string file_text(const std::string& path);

// Runs `siaga <args>` to completion and returns its exit code; output goes to a log file in dir.
int run_siaga(const std::vector<std::string>& args, const std::string& log_path);

class server_process {
 public:
  // Creates a fresh directory, seeds the demo city when seed is true, starts serving.
  explicit server_process(bool seed = true, std::vector<std::string> extra_flags = {});

  // Starts another server on an existing database (and directory), as after a restart: the
  // database new_test_database made for dir (dir/siaga.db when none was); the directory is not
  // removed by this object.
  static server_process reuse(const std::string& dir, std::vector<std::string> extra_flags = {});
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& database() const { return database_; }
  const std::string& dir() const { return dir_; }

  // Sends SIGTERM and waits; returns the exit status (or -1 when it had to be killed).
  int stop();

  // Sends SIGKILL, as a crash or power cut would, and waits for the process to go.
  void kill_hard();

  server_process(server_process&& other) noexcept;

 private:
  struct reuse_tag {};
  server_process(reuse_tag, const std::string& dir, std::vector<std::string> extra_flags);
  void start(std::vector<std::string> extra_flags);

  std::string dir_;
  std::string database_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool owns_dir_ = true;
};

}  // namespace siaga::testing
