#include "services/login_limiter.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

using namespace std::chrono_literals;

core::timestamp at(int seconds) { return core::timestamp{} + std::chrono::seconds{1'700'000'000 + seconds}; }

TEST(login_limiter, locks_an_account_from_one_address_only) {
  memory_login_limiter l;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.failed("budi", "10.0.0.9", at(i)).empty());
  auto locks = l.failed("Budi", "10.0.0.9", at(4));
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(locks[0].kind, "login.locked_account_address");
  EXPECT_EQ(locks[0].username, "budi");
  auto wait = l.wait("budi", "10.0.0.9", at(5));
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 899s);
  EXPECT_FALSE(l.wait("budi", "10.0.0.7", at(5))) << "the real user at their console is not locked out";
  EXPECT_FALSE(l.wait("siti", "10.0.0.9", at(5))) << "nor another account from that address";
  EXPECT_FALSE(l.wait("budi", "10.0.0.9", at(4 + 900))) << "the lock ends";
}

TEST(login_limiter, a_spread_out_guesser_only_delays_the_account_briefly) {
  memory_login_limiter l;
  std::vector<login_lock> last;
  for (int i = 0; i < 20; ++i) last = l.failed("budi", "10.1.0." + std::to_string(i), at(i));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].kind, "login.backoff_account");
  auto wait = l.wait("budi", "10.0.0.7", at(20));
  ASSERT_TRUE(wait);
  EXPECT_LE(*wait, 60s);
  EXPECT_FALSE(l.wait("budi", "10.0.0.7", at(19 + 61)));
}

TEST(login_limiter, locks_an_address_that_tries_many_accounts) {
  memory_login_limiter l;
  std::vector<login_lock> last;
  for (int i = 0; i < 30; ++i) last = l.failed("user" + std::to_string(i), "10.2.0.1", at(0));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].kind, "login.locked_address");
  EXPECT_TRUE(l.wait("anyone", "10.2.0.1", at(1)));
  EXPECT_FALSE(l.wait("anyone", "10.2.0.2", at(1)));
}

TEST(login_limiter, failures_leave_the_window_and_a_success_forgets_them) {
  memory_login_limiter l;
  for (int i = 0; i < 4; ++i) l.failed("budi", "10.0.0.9", at(i));
  l.succeeded("budi", "10.0.0.9");
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.failed("budi", "10.0.0.9", at(10 + i)).empty());
  // Four more, but the first four of these are 15 minutes old by then.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.failed("budi", "10.0.0.9", at(10 + 901 + i)).empty());
  EXPECT_FALSE(l.wait("budi", "10.0.0.9", at(1000)));
}

}  // namespace
}  // namespace siaga::services
