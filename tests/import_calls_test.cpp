// `siaga import calls` (issue 14 item 4) over the real binary: a PBX's call detail records give
// the same call statistics as the same calls sent through the live telephony API, importing the
// file twice adds nothing, and refused records are reported with their line numbers.
#include "core/time.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr int wit = 540;  // the demo city, Kota Ambon: Asia/Jayapura

struct test_call {
  std::string id;
  std::string number;  // as the PBX wrote it
  core::timestamp ring;
  std::optional<std::chrono::seconds> answer_after;
  std::chrono::seconds end_after;
  std::string agent;
  std::string outcome;
  std::string classification;
};

// Calls over two days half a year ago (before the demo city's own history, whose hours depend
// on the second it was seeded): every outcome, every classification, pranks from one number.
std::vector<test_call> history() {
  auto start = std::chrono::floor<std::chrono::hours>(core::system_clock{}.now()) - 180 * 24h;
  const char* classes[] = {"prank", "ghost", "information", "misdirected", "test", "valid", "prank", ""};
  std::vector<test_call> out;
  for (int i = 0; i < 40; ++i) {
    test_call c;
    c.id = "pbx-" + std::to_string(i);
    c.number = i % 5 == 0 ? "0812-3456-7000" : "08123456" + std::to_string(7100 + i);
    c.ring = start + i * 71min;
    c.end_after = std::chrono::seconds(30 + i * 7);
    if (i % 4 == 3) {
      c.outcome = i % 8 == 3 ? "abandoned" : "missed";
    } else {
      c.answer_after = std::chrono::seconds(3 + i % 17);
      c.agent = i % 2 ? "2001" : "2002";
      c.outcome = "answered";
      c.classification = classes[i % 8];
    }
    out.push_back(c);
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


// The generic CSV of the calls; even calls' times are written in the city's local time without
// an offset, odd ones in UTC; bad rows go after line 1 + calls.size().
std::string generic_csv(const std::vector<test_call>& calls) {
  auto when = [&](core::timestamp t, bool local) {
    if (!local) return core::format_utc(t);
    auto text = core::format_offset(t, wit);
    return text.substr(0, 10) + " " + text.substr(11, 8);
  };
  std::string out = "call_id,number,line,ring,answer,end,agent,outcome,classification\n";
  for (std::size_t k = 0; k < calls.size(); ++k) {
    const auto& c = calls[k];
    bool local = k % 2 == 0;
    auto answered = c.answer_after ? std::optional(c.ring + *c.answer_after) : std::nullopt;
    auto end = (answered ? *answered : c.ring) + c.end_after;
    out += c.id + "," + c.number + ",112," + when(c.ring, local) + "," + (answered ? when(*answered, local) : "") + "," +
           when(end, local) + "," + c.agent + "," + c.outcome + "," + c.classification + "\n";
  }
  out += "pbx-bad-1,0812-3456-7000,112,kemarin sore,,2026-01-01T00:00:00Z,,missed,\n";
  out += "pbx-bad-2,,112,2026-01-01T00:00:00Z,,2026-01-01T00:01:00Z,,hilang,\n";
  return out;
}

json::object event(const std::string& id, const test_call& c, const std::string& type, core::timestamp at) {
  return {{"event_id", c.id + ":" + id}, {"call_id", c.id}, {"type", type}, {"at", core::format_utc(at)}};
}

// The same calls as a bridge sends them live, classified by a call taker at the console.
void send_live(http_client& client, const std::vector<test_call>& calls) {
  auto admin = client.login("admin", demo_password);
  auto key = client.post("/api/v1/api_keys", json::object{{"name", "PBX uji impor"}}, admin);
  ASSERT_EQ(key.status, 201) << key.body;
  auto secret = str(key.json(), "secret");
  auto ct = client.login("calltaker", demo_password);
  for (const auto& c : calls) {
    json::array events;
    auto ring = event("ring", c, "ringing", c.ring);
    ring["caller"] = c.number;
    ring["line"] = "112";
    events.push_back(ring);
    auto end_at = c.ring + c.end_after;
    if (c.answer_after) {
      auto answered = event("answer", c, "answered", c.ring + *c.answer_after);
      answered["agent"] = c.agent;
      events.push_back(answered);
      end_at += *c.answer_after;
    }
    auto ended = event("end", c, "ended", end_at);
    ended["reason"] = c.outcome == "answered" ? "completed" : c.outcome == "abandoned" ? "caller_hangup" : "no_agent";
    events.push_back(ended);
    auto r = client.request("POST", "/api/v1/telephony/events", json::serialize(json::object{{"events", events}}), {},
                            "application/json", {{"X-Api-Key", secret}});
    ASSERT_EQ(r.status, 200) << r.body;
    if (c.classification.empty()) continue;
    auto call_id = str(r.json().at("results").as_array().back().at("call"), "id");
    json::object in{{"classification", c.classification}};
    if (c.classification == "valid") in["report"] = json::object{{"description", "Laporan uji impor"}};
    auto classified = client.post("/api/v1/calls/" + call_id + "/classify", in, ct);
    ASSERT_EQ(classified.status, 200) << classified.body;
  }
}

std::string stats_query(const std::vector<test_call>& calls, const std::string& group) {
  auto from = core::format_utc(calls.front().ring - 1h);
  auto to = core::format_utc(calls.back().ring + 2h);
  return "/api/v1/stats/calls?group=" + group + "&from=" + from + "&to=" + to;
}

TEST(import_calls, a_cdr_file_gives_the_statistics_of_the_live_api_once_however_often_it_is_imported) {
  const auto calls = history();
  server_process imported{true};
  ASSERT_EQ(imported.stop(), 0);
  const auto db = imported.database();
  const auto demo_calls = count_rows(db, "calls");  // the demo city's own history
  const auto file = imported.dir() + "/cdr.csv";
  std::ofstream(file) << generic_csv(calls);
  const auto log = imported.dir() + "/import.log";

  // Two records refused, named by their lines; the other calls are in (in transactions of 7
  // calls: a number's callbacks and strikes are brought in step batch by batch).
  ASSERT_EQ(run_siaga({"import", "calls", file, "--format", "generic", "--batch", "7", "--database", db}, log), 3)
      << read_file(log);
  auto first = read_file(log);
  const auto bad_line = std::to_string(calls.size() + 2);
  EXPECT_NE(first.find("DITOLAK baris " + bad_line + ": the ring time"), std::string::npos) << first;
  EXPECT_NE(first.find("DITOLAK baris " + std::to_string(calls.size() + 3) + ": outcome 'hilang'"), std::string::npos)
      << first;
  EXPECT_NE(first.find("40 panggilan dibaca"), std::string::npos) << first;
  const auto call_rows = count_rows(db, "calls");
  const auto telephony_rows = count_rows(db, "call_events");
  const auto event_rows = count_rows(db, "events");
  EXPECT_EQ(call_rows, demo_calls + 40);

  // Again: nothing new.
  ASSERT_EQ(run_siaga({"import", "calls", file, "--database", db}, log), 3) << read_file(log);
  EXPECT_NE(read_file(log).find(" 0 event telepon baru"), std::string::npos) << read_file(log);
  EXPECT_EQ(count_rows(db, "calls"), call_rows);
  EXPECT_EQ(count_rows(db, "call_events"), telephony_rows);
  EXPECT_EQ(count_rows(db, "events"), event_rows);

  // Bad options change nothing and say what to do.
  EXPECT_EQ(run_siaga({"import", "calls", file, "--format", "cisco", "--database", db}, log), 2);
  EXPECT_NE(read_file(log).find("asterisk, freeswitch or generic"), std::string::npos) << read_file(log);
  EXPECT_EQ(run_siaga({"import", "calls", imported.dir() + "/none.csv", "--database", db}, log), 1);
  for (const auto* batch : {"0", "lima", "100001"}) {
    EXPECT_EQ(run_siaga({"import", "calls", file, "--batch", batch, "--database", db}, log), 2) << batch;
    EXPECT_NE(read_file(log).find("--batch takes a number of calls per transaction"), std::string::npos)
        << read_file(log);
  }
  EXPECT_EQ(count_rows(db, "calls"), call_rows);

  server_process live{true};
  http_client live_client{"127.0.0.1", live.port()};
  std::map<std::string, std::int64_t> before;
  for (const auto* group : {"day", "agent", "hour"}) {
    auto r = live_client.get(stats_query(calls, group), live_client.login("walikota", demo_password));
    ASSERT_EQ(r.status, 200) << r.body;
    before[group] = r.json().at("total").at("total").as_int64();
  }
  send_live(live_client, calls);
  auto from_import = server_process::reuse(imported.dir());
  http_client import_client{"127.0.0.1", from_import.port()};
  for (const auto* group : {"day", "agent", "hour"}) {
    auto want = live_client.get(stats_query(calls, group), live_client.login("walikota", demo_password));
    auto got = import_client.get(stats_query(calls, group), import_client.login("walikota", demo_password));
    ASSERT_EQ(want.status, 200) << want.body;
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json().at("total").at("total").as_int64(), before[group] + 40);
    EXPECT_EQ(got.body, want.body) << group;
  }
  // The repeated prank number stands the same on both, from the same strikes.
  auto decision = [&](http_client& c) {
    auto r = c.get("/api/v1/callers/+6281234567000", c.login("supervisor", demo_password));
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "decision");
  };
  EXPECT_EQ(decision(import_client), decision(live_client));
  // Its card counts the same calls, kept by the writer in the import's batches as one by one.
  auto history = [&](http_client& c) {
    auto r = c.get("/api/v1/callers/+6281234567000", c.login("supervisor", demo_password));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::serialize(r.json().at("history"));
  };
  EXPECT_EQ(history(import_client), history(live_client));
  // The callback tasks of the unanswered calls' numbers (the demo's own history aside):
  // reconciled once per number and batch by the import, call by call live, the same tasks.
  auto tasks = [&](http_client& c, const std::string& number) {
    auto r = c.get("/api/v1/callbacks?status=any&limit=100&caller=" + number, c.login("calltaker", demo_password));
    EXPECT_EQ(r.status, 200) << r.body;
    std::multiset<std::string> statuses;
    for (const auto& t : r.json().at("items").as_array()) statuses.insert(str(t, "status"));
    return statuses;
  };
  std::size_t unanswered = 0;
  for (const auto& c : calls) {
    if (c.outcome == "answered") continue;
    auto number = "+62" + c.number.substr(1);
    number.erase(std::remove(number.begin(), number.end(), '-'), number.end());
    auto want = tasks(live_client, number);
    EXPECT_FALSE(want.empty()) << number;
    EXPECT_EQ(tasks(import_client, number), want) << number;
    ++unanswered;
  }
  EXPECT_EQ(unanswered, 10u);
  ASSERT_EQ(from_import.stop(), 0);
  // The callers' counters the import kept equal their recount from the calls.
  const auto rebuild_log = imported.dir() + "/rebuild.log";
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", db}, rebuild_log), 0) << read_file(rebuild_log);
  // The callers' counters are SQLite's (PostgreSQL counts a number's calls when asked).
  if (!on_postgres()) {
    EXPECT_NE(read_file(rebuild_log).find("COCOK  caller_counts"), std::string::npos) << read_file(rebuild_log);
  }
}

}  // namespace
}  // namespace siaga::testing
