#include "api/handler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace siaga::api {
namespace {

namespace asio = boost::asio;

// The work runs on a pool thread, the caller resumes on its own, and the gate counts back to 0.
TEST(off_loop, runs_the_work_on_the_pool_and_resumes_on_the_caller) {
  asio::io_context io;
  asio::thread_pool pool{1};
  std::atomic<int> jobs{0};
  std::thread::id worker, resumed;
  const auto loop = std::this_thread::get_id();
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        auto r = co_await off_loop(pool, jobs, 4, [] { return std::this_thread::get_id(); });
        if (r) worker = *r;
        resumed = std::this_thread::get_id();
      },
      asio::detached);
  io.run();
  pool.join();
  EXPECT_NE(worker, std::thread::id{}) << "the work did not run";
  EXPECT_NE(worker, loop) << "the work ran on the event loop's thread";
  EXPECT_EQ(resumed, loop);
  EXPECT_EQ(jobs.load(), 0);
}

// Past the limit a job is refused with unavailable at once and never runs.
TEST(off_loop, refuses_work_past_the_limit) {
  asio::io_context io;
  asio::thread_pool pool{1};
  std::atomic<int> jobs{2};  // two already waiting or running
  bool ran = false;
  core::result<int> answer = 0;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        auto r = co_await off_loop(pool, jobs, 2, [&ran] {
          ran = true;
          return 1;
        });
        if (r) {
          answer = *r;
        } else {
          answer = r.error();
        }
      },
      asio::detached);
  io.run();
  pool.join();
  EXPECT_FALSE(ran);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, core::errc::unavailable);
  EXPECT_EQ(jobs.load(), 2);
}

}  // namespace
}  // namespace siaga::api
