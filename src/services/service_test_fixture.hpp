// A fixture for use-case tests against a real (temporary) SQLite store: a fresh database with
// jurisdiction "j1" (Kota Ambon), a manual clock, ids from a fixed sequence, and run<T>(fn) that
// runs fn(tx) as one write command and returns its value. Older services tests carry their own
// copy of this; new ones derive from it.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace siaga::services::testing {

class sequence_random final : public core::random_source {
 public:
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(state_ = state_ * 1103515245u + 12345u);
  }

 private:
  std::uint32_t state_ = 7;
};

class store_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    static int serial = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("siaga-services-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
    std::filesystem::create_directories(dir_);
    auto st = storage::open_sqlite({(dir_ / "t.db").string()});
    ASSERT_TRUE(st.has_value()) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate().has_value());
    ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      return tx.insert_jurisdiction({"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
    }));
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  context ctx() { return context{clock_, ids_, random_}; }

  template <class T, class Fn>
  core::result<T> run(Fn fn) {
    std::optional<core::result<T>> out;
    auto done = store_->write([&](storage::store_txn& tx) -> core::result<void> {
      out.emplace(fn(tx));
      if (!*out) return out->error();
      return {};
    });
    if (!done) return done.error();
    return std::move(*out);
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  core::manual_clock clock_{core::from_micros(1'795'000'000'000'000)};
  sequence_random random_;
  core::id_generator ids_{random_};
};

}  // namespace siaga::services::testing
