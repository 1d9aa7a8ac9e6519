// The user-changed signal's message between nodes (store_user_signal): what one node
// broadcasts, another reads back the same; anything else is refused, not half read.
#include "services/node_user_signal.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

TEST(user_signal, a_broadcast_message_reads_back_the_same_change) {
  sessions_ended all{"u1", std::nullopt, "keep-hash", reason_password_changed};
  auto back = decode_sessions_ended(encode_sessions_ended(all));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->user_id, "u1");
  EXPECT_FALSE(back->only_session);
  EXPECT_EQ(back->keep_session, "keep-hash");
  EXPECT_EQ(back->reason, reason_password_changed);

  sessions_ended one{"u2", "only-hash", std::nullopt, reason_logged_out};
  back = decode_sessions_ended(encode_sessions_ended(one));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->only_session, "only-hash");
  EXPECT_FALSE(back->keep_session);
}

TEST(user_signal, a_message_that_is_not_a_change_is_refused) {
  EXPECT_FALSE(decode_sessions_ended(""));
  EXPECT_FALSE(decode_sessions_ended("sessions_ended "));
  EXPECT_FALSE(decode_sessions_ended("sessions_ended {not json"));
  EXPECT_FALSE(decode_sessions_ended(R"(sessions_ended {"reason":"x"})")) << "no user";
  EXPECT_FALSE(decode_sessions_ended(R"(other {"user_id":"u1"})")) << "another kind";
}

}  // namespace
}  // namespace siaga::services
