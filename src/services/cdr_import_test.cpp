#include "services/cdr_import.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

constexpr int wita = 480;  // Asia/Makassar

core::timestamp at(const char* iso) { return core::parse_iso8601(iso).value(); }

cdr_reader::batch read_all(std::string_view text, cdr_format f) {
  cdr_reader r(text, f, wita);
  cdr_reader::batch all;
  while (!r.done()) {
    auto b = r.next(2);
    all.calls.insert(all.calls.end(), b.calls.begin(), b.calls.end());
    all.refused.insert(all.refused.end(), b.refused.begin(), b.refused.end());
  }
  return all;
}

TEST(cdr_import, reads_asterisk_master_csv_in_the_pbx_zone) {
  const char* text =
      "\"\",\"081234567890\",\"112\",\"from-pstn\",\"\"\"Budi\"\" <081234567890>\",\"SIP/trunk-00000001\","
      "\"SIP/2001-00000002\",\"Queue\",\"q112,t\",\"2024-03-01 08:00:00\",\"2024-03-01 08:00:07\","
      "\"2024-03-01 08:02:07\",127,120,\"ANSWERED\",\"DOCUMENTATION\",\"1709251200.17\",\"\"\n"
      "\"\",\"0811111111\",\"112\",\"from-pstn\",\"\",\"SIP/trunk-00000003\",\"\",\"Queue\",\"q112\","
      "\"2024-03-01 08:05:00\",,\"2024-03-01 08:05:30\",30,0,\"NO ANSWER\",\"DOCUMENTATION\"\n"
      "\"\",\"anonymous\",\"112\",\"from-pstn\",\"\",\"SIP/trunk-00000004\",\"\",\"Queue\",\"q112\","
      "\"2024-03-01 08:06:00\",\"\",\"2024-03-01 08:07:00\",60,0,\"BUSY\",\"DOCUMENTATION\"\n"
      "\"\",\"0811111111\",\"112\",\"from-pstn\",\"\",\"SIP/trunk-5\",\"\",\"Queue\",\"q112\","
      "\"2024-03-01 08:08:00\",\"\",\"2024-03-01 08:09:00\",60,0,\"WHATEVER\",\"DOCUMENTATION\"\n"
      "\"too\",\"few\"\n";
  auto b = read_all(text, cdr_format::asterisk);
  ASSERT_EQ(b.calls.size(), 3u);
  const auto& answered = b.calls[0];
  EXPECT_EQ(answered.call_id, "1709251200.17");
  EXPECT_EQ(answered.number, "+6281234567890");
  EXPECT_EQ(answered.trunk, "112");
  EXPECT_EQ(answered.agent, "2001");
  EXPECT_EQ(answered.ring_at, at("2024-03-01T00:00:00Z"));  // 08:00 WITA
  EXPECT_EQ(answered.answer_at, at("2024-03-01T00:00:07Z"));
  EXPECT_EQ(answered.end_at, at("2024-03-01T00:02:07Z"));
  EXPECT_EQ(answered.reason, domain::end_reason::completed);
  EXPECT_EQ(b.calls[1].reason, domain::end_reason::caller_hangup);
  EXPECT_FALSE(b.calls[1].answer_at);
  EXPECT_EQ(b.calls[1].call_id, "0811111111/SIP/trunk-00000003/2024-03-01 08:05:00");  // no uniqueid logged
  EXPECT_EQ(b.calls[2].number, "");  // withheld
  EXPECT_EQ(b.calls[2].reason, domain::end_reason::no_agent);
  ASSERT_EQ(b.refused.size(), 2u);
  EXPECT_EQ(b.refused[0].line, 4u);
  EXPECT_NE(b.refused[0].reason.find("WHATEVER"), std::string::npos);
  EXPECT_EQ(b.refused[1].line, 5u);
  EXPECT_NE(b.refused[1].reason.find("16 columns"), std::string::npos);
}

TEST(cdr_import, reads_freeswitch_cdr_csv) {
  const char* text =
      "\"Budi\",\"+6281234567890\",\"112\",\"default\",\"2024-03-01 08:00:00\",\"2024-03-01 08:00:05\","
      "\"2024-03-01 08:01:00\",\"60\",\"55\",\"NORMAL_CLEARING\",\"a1b2\",\"\",\"\",\"PCMA\",\"PCMA\"\n"
      "\"\",\"0811111111\",\"112\",\"default\",\"2024-03-01 09:00:00\",\"\",\"2024-03-01 09:00:20\",\"20\",\"0\","
      "\"ORIGINATOR_CANCEL\",\"c3d4\",\"\",\"\",\"PCMA\",\"PCMA\"\n"
      "\"\",\"0811111111\",\"112\",\"default\",\"2024-03-01 09:10:00\",\"\",\"2024-03-01 09:10:40\",\"40\",\"0\","
      "\"NO_ANSWER\",\"e5f6\",\"\",\"\",\"PCMA\",\"PCMA\"\n";
  auto b = read_all(text, cdr_format::freeswitch);
  ASSERT_EQ(b.calls.size(), 3u);
  EXPECT_TRUE(b.refused.empty());
  EXPECT_EQ(b.calls[0].call_id, "a1b2");
  EXPECT_EQ(b.calls[0].answer_at, at("2024-03-01T00:00:05Z"));
  EXPECT_EQ(b.calls[1].reason, domain::end_reason::caller_hangup);
  EXPECT_EQ(b.calls[2].reason, domain::end_reason::no_agent);
}

TEST(cdr_import, reads_the_generic_csv_by_its_heading_and_says_why_a_row_is_refused) {
  const char* text =
      "\xEF\xBB\xBF" "outcome,call_id,number,line,ring,answer,end,agent,classification\r\n"
      "answered,k-1,0812-3456-7890,112,2024-03-01T08:00:00+08:00,2024-03-01T08:00:04+08:00,"
      "2024-03-01T08:03:00+08:00,budi,prank\r\n"
      "abandoned,k-2,,112,2024-03-01 08:10:00,,2024-03-01 08:10:09,,\r\n"
      "\r\n"
      "answered,k-3,,112,2024-03-01 08:20:00,2024-03-01 08:19:00,2024-03-01 08:21:00,budi,\r\n"
      "missed,k-4,call me maybe,112,2024-03-01 08:30:00,,2024-03-01 08:31:00,,\r\n"
      "abandoned,k-5,,112,2024-03-01 08:40:00,,2024-03-01 08:41:00,,prank\r\n"
      "answered,k-6,,112,2024-03-01 08:50:00,2024-03-01 08:50:01,2024-03-01 08:51:00,budi,lelucon\r\n"
      "\"answered\",\"k,7\",,112,2024-03-01 08:55:00,2024-03-01 08:55:01,2024-03-01 08:56:00,siti,valid\r\n";
  auto b = read_all(text, cdr_format::generic);
  ASSERT_EQ(b.calls.size(), 3u);
  EXPECT_EQ(b.calls[0].call_id, "k-1");
  EXPECT_EQ(b.calls[0].number, "+6281234567890");
  EXPECT_EQ(b.calls[0].classification, domain::call_class::prank);
  EXPECT_EQ(b.calls[0].agent, "budi");
  EXPECT_EQ(b.calls[1].ring_at, at("2024-03-01T00:10:00Z"));  // local time in the given zone
  EXPECT_EQ(b.calls[1].reason, domain::end_reason::caller_hangup);
  EXPECT_EQ(b.calls[2].call_id, "k,7");
  EXPECT_EQ(b.calls[2].classification, domain::call_class::valid);
  ASSERT_EQ(b.refused.size(), 4u);
  EXPECT_EQ(b.refused[0].line, 5u);
  EXPECT_NE(b.refused[0].reason.find("answered before it rang"), std::string::npos) << b.refused[0].reason;
  EXPECT_EQ(b.refused[1].line, 6u);
  EXPECT_NE(b.refused[1].reason.find("caller number"), std::string::npos) << b.refused[1].reason;
  EXPECT_EQ(b.refused[2].line, 7u);
  EXPECT_NE(b.refused[2].reason.find("only an answered call"), std::string::npos);
  EXPECT_EQ(b.refused[3].line, 8u);
  EXPECT_NE(b.refused[3].reason.find("lelucon"), std::string::npos);
}

TEST(cdr_import, a_generic_file_without_a_column_is_refused_at_its_heading) {
  auto b = read_all("call_id,number,ring,end\nk-1,,2024-03-01 08:00:00,2024-03-01 08:01:00\n", cdr_format::generic);
  EXPECT_TRUE(b.calls.empty());
  ASSERT_EQ(b.refused.size(), 1u);
  EXPECT_EQ(b.refused[0].line, 1u);
  EXPECT_NE(b.refused[0].reason.find("line, answer, agent, outcome, classification"), std::string::npos)
      << b.refused[0].reason;
  EXPECT_FALSE(parse_cdr_format("cisco"));
  EXPECT_EQ(parse_cdr_format("asterisk").value(), cdr_format::asterisk);
}

TEST(cdr_import, a_call_becomes_the_events_a_bridge_would_send_with_stable_ids) {
  auto b = read_all(
      "call_id,number,line,ring,answer,end,agent,outcome,classification\n"
      "k-1,081234567890,112,2024-03-01 08:00:00,2024-03-01 08:00:04,2024-03-01 08:03:00,budi,answered,\n"
      "k-2,,112,2024-03-01 08:10:00,,2024-03-01 08:10:09,,missed,\n",
      cdr_format::generic);
  ASSERT_EQ(b.calls.size(), 2u);
  auto answered = b.calls[0].events();
  ASSERT_EQ(answered.size(), 3u);
  EXPECT_EQ(answered[0].event_id, "cdr:k-1:ringing");
  EXPECT_EQ(answered[0].caller, "+6281234567890");
  EXPECT_EQ(answered[0].line, "112");
  EXPECT_EQ(answered[1].kind, domain::call_event_kind::answered);
  EXPECT_EQ(answered[1].agent, "budi");
  EXPECT_EQ(answered[2].event_id, "cdr:k-1:ended");
  EXPECT_EQ(answered[2].reason, domain::end_reason::completed);
  auto folded = domain::fold_call(answered);
  EXPECT_EQ(folded.outcome, domain::call_outcome::answered);
  auto missed = b.calls[1].events();
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(domain::fold_call(missed).outcome, domain::call_outcome::missed);
  EXPECT_EQ(b.calls[0].events()[0].event_id, answered[0].event_id);  // the same every time it is read
}

}  // namespace
}  // namespace siaga::services
