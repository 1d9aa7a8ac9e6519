// A telephony batch folded per call (issue 14 item 1), over the real server: a batch carrying
// several calls, some new to the store and some known, their events interleaved and out of
// order and some repeated, gives each event the answer it gets when sent alone, and leaves the
// same call records, call events, audit events, callbacks, caller standing and statistics as
// the same events sent one per request; an event id reused with other content in such a batch
// is a conflict that writes nothing of it.
#include "core/time.hpp"
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/telephony.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <random>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The events of one call: simple_call_events, with a transfer to ext202 for even answered calls,
// a 5 5 pressed by the caller for every fifth, no_agent for every third unanswered, and the
// end silent (a ghost once answered) when asked.
std::vector<json::object> call_events(const std::string& call, const std::string& caller, core::timestamp at,
                                      bool answer, bool silent, int n) {
  auto out = simple_call_events(call, caller, at, answer);
  auto& end = out.back();
  if (!answer && n % 3 == 0) end["reason"] = "no_agent";
  if (silent) end["silent"] = true;
  if (answer && n % 2 == 0) {
    auto t = telephony_event(call + "-t", call, "transferred", at + 20s);
    t["agent"] = "ext202";
    out.insert(out.end() - 1, t);
  }
  if (answer && n % 5 == 0) {
    auto d = telephony_event(call + "-d", call, "dtmf", at + 30s);
    d["digits"] = "55";
    out.insert(out.end() - 1, d);
  }
  return out;
}

// A call as the API shows it, without what differs between two servers (ids, the times the
// server wrote it at).
std::string comparable(json::object call) {
  for (const auto* k : {"id", "created_at", "updated_at", "classified_at"}) call.erase(k);
  return json::serialize(call);
}

// A bridge of one of the two servers, with what the test reads back from it.
class pbx {
 public:
  explicit pbx(server_process& server)
      : bridge_{server.port(), "PBX uji batch"},
        client_(bridge_.client()),
        ct_(bridge_.calltaker()),
        db_(server.database()) {}

  http_reply post(const std::vector<json::object>& events) { return bridge_.post_batch(events); }

  // Sends the events as one batch (or one per request); returns each event's result.
  std::vector<json::object> send(const std::vector<json::object>& events, bool one_by_one) {
    std::vector<json::object> out;
    if (one_by_one) {
      for (const auto& e : events) {
        auto r = bridge_.post(e);
        EXPECT_EQ(r.status, 200) << r.body;
        out.push_back(r.json().is_object() ? r.json().as_object() : json::object{});
      }
      return out;
    }
    auto r = post(events);
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 500);
    if (r.status != 200) return out;
    for (const auto& v : r.json().at("results").as_array()) out.push_back(v.as_object());
    return out;
  }

  // The calls of the test's window by the PBX's call id.
  std::map<std::string, json::object> calls(core::timestamp from, core::timestamp to) {
    auto r = client_.get("/api/v1/calls?limit=500&from=" + core::format_utc(from) + "&to=" + core::format_utc(to), ct_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, json::object> out;
    for (const auto& c : r.json().at("items").as_array()) out[str(c, "external_id")] = c.as_object();
    return out;
  }

  // A call's telephony events (their ids) and its audit events (kind, event id, outcome and
  // classification of each payload, in the order they were recorded).
  std::string stored_events(const std::string& call_id) {
    auto telephony = query_text(db_,
                                "SELECT group_concat(event_id, ',') FROM (SELECT event_id FROM call_events "
                                "WHERE call_record_id = '" +
                                    call_id + "' ORDER BY event_id) AS e");
    auto audit =
        query_text(db_,
                   "SELECT group_concat(line, '|') FROM (SELECT kind || ' ' || COALESCE(json_extract(payload_json, "
                   "'$.event_id'), '-') || ' ' || COALESCE(json_extract(payload_json, '$.outcome'), '-') || ' ' || "
                   "COALESCE(json_extract(payload_json, '$.classification'), '-') || ' ' || "
                   "COALESCE(json_extract(payload_json, '$.source'), '-') AS line FROM events WHERE subject_id = '" +
                       call_id + "' ORDER BY seq) AS e");
    return telephony + " / " + audit;
  }

  std::string get(const std::string& path) {
    auto r = client_.get(path, client_.login("supervisor", demo_password));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.body;
  }

  // A number's callback tasks: status, calls, due, last call, and the PBX id of their call.
  std::multiset<std::string> tasks(const std::string& number, const std::map<std::string, json::object>& calls) {
    std::map<std::string, std::string> external;
    for (const auto& [pbx_id, c] : calls) external[str(c, "id")] = pbx_id;
    auto r = client_.get("/api/v1/callbacks?status=any&limit=500&caller=" + number, ct_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::multiset<std::string> out;
    for (const auto& t : r.json().at("items").as_array()) {
      out.insert(external[str(t, "call_id")] + " " + str(t, "status") + " " + std::to_string(t.at("calls").as_int64()) +
                 " " + str(t, "due_at") + " " + str(t, "last_call_at"));
    }
    return out;
  }

  const std::string& db() const { return db_; }

 private:
  pbx_bridge bridge_;
  http_client& client_;
  const std::string& ct_;
  std::string db_;
};

}  // namespace

TEST(telephony_batch, several_calls_new_and_known_interleaved_give_what_one_event_per_request_gives) {
  // Three days a hundred days ago: before the demo city's own week of calls.
  const auto start = std::chrono::floor<std::chrono::hours>(core::system_clock{}.now()) - 100 * 24h;
  const std::vector<std::string> numbers = {"+6281200000001", "+6281200000002", "+6281200000003", "0812-0000-0004"};
  // Twenty calls from four numbers: answered, abandoned, missed, silent ones (ghosts: strikes
  // for the prank policy, four within half a day from the last number, the last of them made a
  // ghost by its end in round 3).
  std::vector<std::vector<json::object>> calls;
  for (int n = 0; n < 20; ++n) {
    const bool answer = n % 3 != 1 || n % 4 == 3;
    const bool silent = answer && (n % 4 == 3 || n >= 17);
    auto at = start + n * 37min + (n % 4) * 24h / 4;
    calls.push_back(call_events("pbx-" + std::to_string(n), numbers[n % 4], at, answer, silent, n));
  }

  // Round 1: the first event (or two) of the first eight calls: they are known in round 2.
  std::vector<json::object> round1, round2, round3;
  for (int n = 0; n < 8; ++n) {
    round1.push_back(calls[n][0]);
    if (n % 2 == 1) round1.push_back(calls[n][1]);
  }
  // Round 2: the rest of those, twelve new calls (the last one's end held back for round 3),
  // the known calls' stored events sent again and one event twice, all shuffled.
  for (int n = 0; n < 20; ++n) {
    std::size_t from = n < 8 ? (n % 2 == 1 ? 2 : 1) : 0;
    std::size_t to = n == 19 ? calls[n].size() - 1 : calls[n].size();
    for (auto k = from; k < to; ++k) round2.push_back(calls[n][k]);
  }
  round2.push_back(calls[2][0]);
  round2.push_back(calls[12][1]);
  std::mt19937 shuffle_seed(20261207);
  std::shuffle(round2.begin(), round2.end(), shuffle_seed);
  round3 = {calls[19].back(), calls[19][0]};

  server_process alone_server;
  server_process batched_server;
  pbx alone{alone_server};
  pbx batched{batched_server};
  // Each server seeds the demo week of calls up to its own start, which may differ by a call:
  // what the batches add is compared, not the whole tables.
  const std::string call_event_rows = "SELECT COUNT(*) FROM call_events";
  const std::string call_log_rows = "SELECT COUNT(*) FROM events WHERE kind LIKE 'call.%'";
  const auto alone_seeded = std::pair(query_int(alone.db(), call_event_rows), query_int(alone.db(), call_log_rows));
  const auto batched_seeded =
      std::pair(query_int(batched.db(), call_event_rows), query_int(batched.db(), call_log_rows));
  std::vector<json::object> alone_results, batched_results;
  for (const auto* round : {&round1, &round2, &round3}) {
    auto a = alone.send(*round, true);
    auto b = batched.send(*round, false);
    ASSERT_EQ(a.size(), round->size());
    ASSERT_EQ(b.size(), round->size());
    alone_results.insert(alone_results.end(), a.begin(), a.end());
    batched_results.insert(batched_results.end(), b.begin(), b.end());
  }
  // Each event's own answer: the call after it, whether it was a repeat, the caller's view of
  // a new ringing event.
  std::vector<const json::object*> sent;
  for (const auto* round : {&round1, &round2, &round3}) {
    for (const auto& e : *round) sent.push_back(&e);
  }
  int duplicates = 0;
  for (std::size_t k = 0; k < sent.size(); ++k) {
    SCOPED_TRACE("event " + str(*sent[k], "event_id"));
    EXPECT_EQ(batched_results[k].at("duplicate"), alone_results[k].at("duplicate"));
    duplicates += batched_results[k].at("duplicate").as_bool() ? 1 : 0;
    EXPECT_EQ(comparable(batched_results[k].at("call").as_object()),
              comparable(alone_results[k].at("call").as_object()));
    const bool new_ring = str(*sent[k], "type") == "ringing" && !alone_results[k].at("duplicate").as_bool();
    EXPECT_EQ(batched_results[k].at("caller").is_object(), new_ring);
    EXPECT_EQ(alone_results[k].at("caller").is_object(), new_ring);
  }
  EXPECT_EQ(duplicates, 3);  // one stored event sent again in round 2, one repeated in it, one in round 3

  const auto from = start - 1h, to = start + 4 * 24h;
  auto want = alone.calls(from, to);
  auto got = batched.calls(from, to);
  ASSERT_EQ(want.size(), 20u);
  ASSERT_EQ(got.size(), 20u);
  int ghosts = 0;
  for (const auto& [pbx_id, call] : want) {
    SCOPED_TRACE(pbx_id);
    ASSERT_TRUE(got.count(pbx_id));
    EXPECT_EQ(comparable(got[pbx_id]), comparable(call));
    EXPECT_EQ(batched.stored_events(str(got[pbx_id], "id")), alone.stored_events(str(call, "id")));
    ghosts += str(call, "classification") == "ghost" ? 1 : 0;
  }
  EXPECT_GE(ghosts, 5);
  for (const auto* group : {"hour", "day", "agent"}) {
    auto stats = "/api/v1/stats/calls?group=" + std::string(group) + "&from=" + core::format_utc(from) +
                 "&to=" + core::format_utc(to);
    EXPECT_EQ(batched.get(stats), alone.get(stats)) << group;
  }
  for (const auto* number : {"+6281200000001", "+6281200000002", "+6281200000003", "+6281200000004"}) {
    SCOPED_TRACE(number);
    EXPECT_EQ(batched.tasks(number, got), alone.tasks(number, want));
    auto standing = [&](pbx& p) {
      auto card = json::parse(p.get("/api/v1/callers/" + std::string(number)));
      return json::serialize(card.at("history")) + " " + str(card, "decision");
    };
    EXPECT_EQ(standing(batched), standing(alone));
  }
  // The ghosts' number was flagged on both.
  const std::string flagged =
      "SELECT COUNT(*) FROM events WHERE kind = 'caller.flagged' AND subject_id = '+6281200000004'";
  EXPECT_EQ(query_int(alone.db(), flagged), 1);
  EXPECT_EQ(query_int(batched.db(), flagged), 1);
  EXPECT_EQ(query_int(batched.db(), call_event_rows) - batched_seeded.first,
            query_int(alone.db(), call_event_rows) - alone_seeded.first);
  EXPECT_EQ(query_int(batched.db(), call_log_rows) - batched_seeded.second,
            query_int(alone.db(), call_log_rows) - alone_seeded.second);
  EXPECT_GT(query_int(alone.db(), call_event_rows) - alone_seeded.first, 60) << "the twenty calls' events";
}

TEST(telephony_batch, an_event_id_reused_with_other_content_in_a_mixed_batch_writes_nothing) {
  const auto start = std::chrono::floor<std::chrono::hours>(core::system_clock{}.now()) - 100 * 24h;
  server_process server;
  pbx bridge{server};
  auto known = call_events("pbx-known", "+6281300000001", start, true, false, 1);
  auto r = bridge.post({known[0]});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto calls = count_rows(server.database(), "calls");
  const auto stored = count_rows(server.database(), "call_events");
  const auto events = count_rows(server.database(), "events");
  const auto callbacks = count_rows(server.database(), "callbacks");

  // New calls, the known call's next events, and the known ringing's id with another time.
  std::vector<json::object> batch;
  for (int n = 0; n < 3; ++n) {
    auto c = call_events("pbx-new-" + std::to_string(n), "+628130000000" + std::to_string(2 + n),
                         start + (n + 1) * 10min, n != 1, false, n);
    batch.insert(batch.end(), c.begin(), c.end());
  }
  batch.insert(batch.begin() + 2, known[1]);
  batch.push_back(known[2]);
  auto reused = known[0];
  reused["at"] = core::format_utc(start + 1s);
  batch.insert(batch.begin() + 5, reused);
  auto refused = bridge.post(batch);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("pbx-known-r"), std::string::npos) << refused.body;
  EXPECT_EQ(count_rows(server.database(), "calls"), calls);
  EXPECT_EQ(count_rows(server.database(), "call_events"), stored);
  EXPECT_EQ(count_rows(server.database(), "events"), events);
  EXPECT_EQ(count_rows(server.database(), "callbacks"), callbacks);

  // Without the reused id the same batch goes in whole.
  batch.erase(batch.begin() + 5);
  auto taken = bridge.post(batch);
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.json().at("accepted").as_int64(), static_cast<std::int64_t>(batch.size()));
  EXPECT_EQ(count_rows(server.database(), "calls"), calls + 3);
  EXPECT_EQ(count_rows(server.database(), "call_events"), stored + static_cast<std::int64_t>(batch.size()));
}

}  // namespace siaga::testing
