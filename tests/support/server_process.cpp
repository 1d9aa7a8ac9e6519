#include "support/server_process.hpp"

#include "support/test_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>
#include <sys/wait.h>
#include <unistd.h>

namespace siaga::testing {
namespace fs = std::filesystem;

namespace {

pid_t spawn(const std::vector<std::string>& args, const std::string& log_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    // The tests' own settings are not siaga's (which refuses an unknown SIAGA_ variable).
    for (const char* name : {"SIAGA_TEST_STORE", "SIAGA_TEST_POSTGRES", "SIAGA_TEST_POSTGRES_FILE"}) unsetenv(name);
    std::vector<char*> argv;
    std::string bin = SIAGA_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run_siaga(const std::vector<std::string>& args, const std::string& log_path) {
  pid_t pid = spawn(args, log_path);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

server_process::server_process(bool seed, std::vector<std::string> extra_flags) {
  std::string tmpl = (fs::temp_directory_path() / "siaga-test-XXXXXX").string();
  dir_ = mkdtemp(tmpl.data());
  database_ = seed ? new_seeded_test_database(dir_, dir_ + "/siaga.log") : new_test_database(dir_);
  start(std::move(extra_flags));
}

server_process::server_process(reuse_tag, const std::string& dir, std::vector<std::string> extra_flags)
    : dir_(dir), database_(database_of(dir)), owns_dir_(false) {
  start(std::move(extra_flags));
}

server_process server_process::reuse(const std::string& dir, std::vector<std::string> extra_flags) {
  return server_process(reuse_tag{}, dir, std::move(extra_flags));
}

server_process::server_process(server_process&& other) noexcept
    : dir_(std::move(other.dir_)),
      database_(std::move(other.database_)),
      pid_(std::exchange(other.pid_, -1)),
      port_(other.port_),
      owns_dir_(std::exchange(other.owns_dir_, false)) {}

void server_process::start(std::vector<std::string> extra_flags) {
  auto log = dir_ + "/siaga.log";
  auto port_file = dir_ + "/port";
  std::filesystem::remove(port_file);
  port_ = 0;
  std::vector<std::string> args{"serve", "--database", database_, "--port", "0", "--port-file", port_file,
                                "--web-root", "", "--log-level", "warn"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  pid_ = spawn(args, log);
  for (int i = 0; i < 300 && port_ == 0; ++i) {
    std::ifstream in(port_file);
    int p = 0;
    if (in >> p && p > 0) {
      port_ = static_cast<std::uint16_t>(p);
      break;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port_ == 0) ADD_FAILURE() << "siaga serve did not start: " << file_text(log);
}

void server_process::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int server_process::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFSIGNALED(status)) {
        ADD_FAILURE() << "siaga died by signal " << WTERMSIG(status) << " after SIGTERM; its log:\n"
                      << file_text(dir_ + "/siaga.log");
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "siaga did not exit within 10 s of SIGTERM; its log:\n" << file_text(dir_ + "/siaga.log");
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

server_process::~server_process() {
  stop();
  std::error_code ec;
  if (owns_dir_ && !std::getenv("KEEP_SIAGA_TEST_DIRS")) {
    fs::remove_all(dir_, ec);
    drop_test_database(database_);
  }
}

}  // namespace siaga::testing
