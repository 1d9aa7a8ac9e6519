// The realtime stream over the real server: who sees which events, resume after a reconnect
// without gap or duplicate, slow clients dropped, and the close on SIGTERM.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::int64_t seq_of(const json::value& event) { return event.at("seq").as_int64(); }

// The "event" objects of the event messages, read until one satisfies done (inclusive) or
// the stream ends or goes quiet for 15 s.
std::vector<json::value> read_until(ws_client& ws, const std::function<bool(const json::value&)>& done) {
  std::vector<json::value> out;
  for (;;) {
    auto m = ws.next(15s);
    if (!m) {
      ADD_FAILURE() << "the stream ended or went quiet after " << out.size() << " events: " << ws.last_error();
      return out;
    }
    if (str(*m, "type") != "event") {
      ADD_FAILURE() << "unexpected message " << json::serialize(*m);
      continue;
    }
    out.push_back(m->at("event"));
    if (done(out.back())) return out;
  }
}

std::vector<json::value> read_through_seq(ws_client& ws, std::int64_t last) {
  return read_until(ws, [last](const json::value& e) { return seq_of(e) >= last; });
}

std::int64_t hello(ws_client& ws) {
  return read_hello(ws);
}

std::vector<std::int64_t> seqs(const std::vector<json::value>& events) {
  std::vector<std::int64_t> out;
  for (const auto& e : events) out.push_back(seq_of(e));
  return out;
}

void expect_strictly_increasing(const std::vector<json::value>& events) {
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_LT(seq_of(events[i - 1]), seq_of(events[i])) << "at " << i;
  }
}

std::string bearer(const std::string& token) { return "Bearer " + token; }

class stream : public ::testing::Test {
 protected:
  void start(std::vector<std::string> flags = {}) {
    server_ = std::make_unique<server_process>(true, std::move(flags));
    client_ = std::make_unique<http_client>("127.0.0.1", server_->port());
    ct_ = client_->login("calltaker", demo_password);
    fire_ = category(*client_, ct_, "fire");
    medical_ = category(*client_, ct_, "medical");
    damkar_ = agency_id(*client_, ct_, "DAMKAR");
    psc119_ = agency_id(*client_, ct_, "PSC119");
  }

  // Opens a stream for token (header, cookie or query, by how) and checks the upgrade.
  std::unique_ptr<ws_client> open(const std::string& token, const std::string& how = "bearer",
                                  const std::string& query = "") {
    auto ws = std::make_unique<ws_client>(server_->port());
    std::string target = "/api/v1/stream" + query;
    std::map<std::string, std::string> headers;
    if (how == "bearer") headers["Authorization"] = bearer(token);
    if (how == "cookie") headers["Cookie"] = "siaga_session=" + token;
    if (how == "query") target += std::string(query.empty() ? "?" : "&") + "access_token=" + token;
    int status = ws->connect(target, headers);
    EXPECT_EQ(status, 101) << ws->refusal_body();
    return ws;
  }

  // Creates an incident over HTTP (dispatched by the category's run card); returns its id.
  std::string create_incident(const json::object& category, http_client* via = nullptr,
                              const std::string& summary = "Uji aliran") {
    auto& c = via ? *via : *client_;
    auto r = c.post("/api/v1/incidents", json::object{{"category_id", category.at("id")}, {"summary", summary}}, ct_);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(r.json(), "id");
  }

  // The incident's timeline as the token's user sees it over HTTP.
  json::array timeline(const std::string& incident_id, const std::string& token) {
    auto r = client_->get("/api/v1/incidents/" + incident_id + "/events", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("items").as_array() : json::array{};
  }

  std::string dispatch_of(const std::string& incident_id, const std::string& agency) {
    auto r = client_->get("/api/v1/incidents/" + incident_id + "/dispatches", ct_);
    for (const auto& d : r.json().at("items").as_array()) {
      if (str(d, "agency_id") == agency) return str(d, "id");
    }
    ADD_FAILURE() << "no dispatch of " << agency << " on " << incident_id;
    return {};
  }

  std::unique_ptr<server_process> server_;
  std::unique_ptr<http_client> client_;
  std::string ct_;
  json::object fire_, medical_;
  std::string damkar_, psc119_;
};

TEST_F(stream, call_taker_sees_an_incident_and_its_dispatches_in_seq_order) {
  start();
  auto ws = open(ct_);
  auto last_before = hello(*ws);
  ASSERT_GE(last_before, 1);

  auto id = create_incident(fire_);
  auto expected = timeline(id, ct_);
  ASSERT_GE(expected.size(), 6u);  // created, four dispatches, status
  auto got = read_through_seq(*ws, seq_of(expected.back()));
  expect_strictly_increasing(got);
  ASSERT_FALSE(got.empty());
  EXPECT_GT(seq_of(got.front()), last_before);

  std::vector<json::value> of_incident;
  for (const auto& e : got) {
    if (e.at("incident_id").is_string() && e.at("incident_id").as_string() == id) of_incident.push_back(e);
  }
  // Exactly the timeline, as the REST API renders it.
  ASSERT_EQ(of_incident.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(of_incident[i], expected[i]) << "at " << i;
  EXPECT_EQ(str(of_incident.front(), "kind"), "incident.created");
  std::multiset<std::string> kinds;
  for (const auto& e : of_incident) kinds.insert(str(e, "kind"));
  EXPECT_EQ(kinds.count("dispatch.notified"), 4u);
  EXPECT_EQ(kinds.count("incident.status_changed"), 1u);
}

TEST_F(stream, agency_operator_sees_its_dispatches_and_their_incidents_only) {
  start();
  auto damkar_token = client_->login("damkar", demo_password);
  auto psc_token = client_->login("psc119", demo_password);
  auto damkar_ws = open(damkar_token, "query");
  auto psc_ws = open(psc_token, "cookie");
  hello(*damkar_ws);
  hello(*psc_ws);

  // A medical incident from a report (PSC 119 only), then a fire from another report
  // (Damkar among others); each operator then acts on its own dispatch.
  auto rep = client_->post("/api/v1/reports",
                           json::object{{"description", "Bapak pingsan"}, {"reporter_name", "Yohanis"},
                                        {"reporter_phone", "+6281311112222"}, {"category_id", medical_.at("id")}},
                           ct_);
  ASSERT_EQ(rep.status, 201) << rep.body;
  auto medical = client_->post("/api/v1/reports/" + str(rep.json(), "id") + "/accept", json::object{}, ct_);
  ASSERT_EQ(medical.status, 200) << medical.body;
  auto medical_id = str(medical.json(), "id");
  auto rep2 = client_->post("/api/v1/reports",
                            json::object{{"description", "Gudang terbakar"}, {"reporter_phone", "+6281399998888"},
                                         {"category_id", fire_.at("id")}},
                            ct_);
  auto fire = client_->post("/api/v1/reports/" + str(rep2.json(), "id") + "/accept", json::object{}, ct_);
  ASSERT_EQ(fire.status, 200) << fire.body;
  auto fire_id = str(fire.json(), "id");
  auto ack = client_->post("/api/v1/dispatches/" + dispatch_of(fire_id, damkar_) + "/acknowledge", json::object{},
                           damkar_token);
  ASSERT_EQ(ack.status, 200) << ack.body;
  auto ack2 = client_->post("/api/v1/dispatches/" + dispatch_of(medical_id, psc119_) + "/acknowledge", json::object{},
                            psc_token);
  ASSERT_EQ(ack2.status, 200) << ack2.body;

  // Damkar: exactly the fire incident's timeline as Damkar reads it over HTTP. Everything of
  // the medical incident came earlier in seq order, so it would have shown up before.
  auto expected = timeline(fire_id, damkar_token);
  ASSERT_FALSE(expected.empty());
  auto got = read_through_seq(*damkar_ws, seq_of(expected.back()));
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "at " << i;
  std::set<std::string> kinds;
  for (const auto& e : got) {
    kinds.insert(str(e, "kind"));
    EXPECT_NE(str(e, "subject"), "report") << json::serialize(e);
    EXPECT_EQ(str(e, "incident_id"), fire_id) << json::serialize(e);
    EXPECT_TRUE(e.at("agency_id").is_null() || str(e, "agency_id") == damkar_) << json::serialize(e);
  }
  EXPECT_TRUE(kinds.count("incident.created"));
  EXPECT_TRUE(kinds.count("dispatch.notified"));
  EXPECT_TRUE(kinds.count("dispatch.acknowledged"));
  EXPECT_TRUE(kinds.count("incident.status_changed"));

  // PSC 119: its medical incident only, nothing of the fire.
  auto psc_expected = timeline(medical_id, psc_token);
  auto psc_got = read_through_seq(*psc_ws, seq_of(psc_expected.back()));
  ASSERT_EQ(psc_got.size(), psc_expected.size());
  for (std::size_t i = 0; i < psc_expected.size(); ++i) EXPECT_EQ(psc_got[i], psc_expected[i]) << "at " << i;
  // The call taker's view of the same incident has the report events the operator does not get.
  auto full = timeline(medical_id, ct_);
  EXPECT_GT(full.size(), psc_expected.size());
}

TEST_F(stream, leader_sees_events_and_bad_upgrades_are_refused) {
  start();
  // No credentials, a bad token, a bad ?after: plain HTTP errors, no upgrade.
  {
    ws_client anonymous(server_->port());
    EXPECT_EQ(anonymous.connect("/api/v1/stream"), 401);
    auto body = json::parse(anonymous.refusal_body());
    EXPECT_EQ(str(body, "error"), "unauthenticated");
  }
  {
    ws_client forged(server_->port());
    EXPECT_EQ(forged.connect("/api/v1/stream?access_token=not-a-session"), 401);
  }
  {
    ws_client bad_after(server_->port());
    EXPECT_EQ(bad_after.connect("/api/v1/stream?after=kemarin", {{"Authorization", bearer(ct_)}}), 400);
    auto body = json::parse(bad_after.refusal_body());
    EXPECT_EQ(str(body, "error"), "invalid_input");
    EXPECT_NE(str(body, "message").find("after"), std::string::npos);
  }
  {
    ws_client negative(server_->port());
    EXPECT_EQ(negative.connect("/api/v1/stream?after=-1", {{"Authorization", bearer(ct_)}}), 400);
  }
  auto plain = client_->get("/api/v1/stream", ct_);
  EXPECT_EQ(plain.status, 426);
  EXPECT_EQ(str(plain.json(), "error"), "upgrade_required");

  auto leader = client_->login("walikota", demo_password);
  auto ws = open(leader, "cookie");
  hello(*ws);
  auto id = create_incident(medical_);
  auto expected = timeline(id, leader);
  auto got = read_through_seq(*ws, seq_of(expected.back()));
  std::vector<json::value> of_incident;
  for (const auto& e : got) {
    if (str(e, "incident_id") == id) of_incident.push_back(e);
  }
  ASSERT_EQ(of_incident.size(), expected.size());
  EXPECT_EQ(str(of_incident.front(), "kind"), "incident.created");
}

TEST_F(stream, resume_after_reconnect_has_no_gap_and_no_duplicate) {
  start();
  auto damkar_token = client_->login("damkar", demo_password);

  // First connection: see incident A, remember the last seq, go away.
  auto ws = open(ct_);
  auto op_ws = open(damkar_token);
  hello(*ws);
  hello(*op_ws);
  auto a = create_incident(fire_);
  auto a_events = timeline(a, ct_);
  auto first = read_through_seq(*ws, seq_of(a_events.back()));
  auto a_op_events = timeline(a, damkar_token);
  auto op_first = read_through_seq(*op_ws, seq_of(a_op_events.back()));
  std::int64_t seen = seq_of(first.back());
  std::int64_t op_seen = seq_of(op_first.back());
  ws->close();
  op_ws->close();

  // Missed while away: Damkar acknowledges A, a second fire B.
  std::vector<std::string> incidents{a};
  ASSERT_EQ(client_->post("/api/v1/dispatches/" + dispatch_of(a, damkar_) + "/acknowledge", json::object{}, damkar_token)
                .status,
            200);
  incidents.push_back(create_incident(fire_));

  // More events are written while the clients reconnect, so that the switch from backlog to
  // live happens under load.
  std::vector<std::string> concurrent;
  std::thread producer([&] {
    http_client mine("127.0.0.1", server_->port());
    for (int i = 0; i < 12; ++i) concurrent.push_back(create_incident(i % 3 == 0 ? medical_ : fire_, &mine));
  });
  auto ws2 = open(ct_, "bearer", "?after=" + std::to_string(seen));
  auto op_ws2 = open(damkar_token, "bearer", "?after=" + std::to_string(op_seen));
  producer.join();
  incidents.insert(incidents.end(), concurrent.begin(), concurrent.end());
  // And a live one after everything.
  incidents.push_back(create_incident(fire_));

  // The call taker sees every event of the jurisdiction (the only one): after its resume
  // point it must get each seq exactly once, in order, through the newest.
  auto hello_msg = ws2->next();
  ASSERT_TRUE(hello_msg);
  EXPECT_EQ(hello_msg->at("after").as_int64(), seen);
  auto last = timeline(incidents.back(), ct_);
  auto got = read_through_seq(*ws2, seq_of(last.back()));
  ASSERT_FALSE(got.empty());
  auto got_seqs = seqs(got);
  for (std::size_t i = 0; i < got_seqs.size(); ++i) {
    ASSERT_EQ(got_seqs[i], seen + 1 + static_cast<std::int64_t>(i)) << "gap or duplicate at " << i;
  }

  // Damkar: exactly the events of its incidents' timelines after its resume point.
  hello(*op_ws2);
  std::vector<json::value> expected;
  for (const auto& id : incidents) {
    auto r = client_->get("/api/v1/incidents/" + id + "/events", damkar_token);
    if (r.status == 404) continue;  // the medical ones
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& e : r.json().at("items").as_array()) {
      if (seq_of(e) > op_seen) expected.push_back(e);
    }
  }
  std::sort(expected.begin(), expected.end(), [](const auto& x, const auto& y) { return seq_of(x) < seq_of(y); });
  ASSERT_FALSE(expected.empty());
  auto op_got = read_through_seq(*op_ws2, seq_of(expected.back()));
  expect_strictly_increasing(op_got);
  ASSERT_EQ(seqs(op_got), seqs(expected));
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(op_got[i], expected[i]) << "at " << i;
}

TEST_F(stream, slow_client_is_dropped_while_others_keep_receiving) {
  // Small enough to fill fast, large enough for a reader on a busy machine (an incident
  // cancel publishes five events at once).
  // The slow client reads nothing, so it cannot answer pings either: a long idle timeout keeps
  // the keep-alive from dropping it first while a busy machine fills the socket buffers.
  start({"--stream-queue-limit", "64", "--stream-idle-timeout-s", "900"});
  auto slow = std::make_unique<ws_client>(server_->port(), 4096);
  ASSERT_EQ(slow->connect("/api/v1/stream?access_token=" + ct_), 101) << slow->refusal_body();

  // The fast client reads all along on its own thread, until it has seen stop_at (a quiet
  // minute or a close ends it too: next() gives up on the connection then).
  auto fast = open(ct_);
  auto fast_start = hello(*fast);
  std::vector<std::int64_t> fast_seqs;
  std::atomic<std::int64_t> stop_at{std::numeric_limits<std::int64_t>::max()};
  std::thread reader([&] {
    for (;;) {
      auto m = fast->next(60s);
      if (!m) return;
      fast_seqs.push_back(m->at("event").at("seq").as_int64());
      if (fast_seqs.back() >= stop_at) return;
    }
  });

  // Large events (a 5,000-character reason each) until the server logs that it dropped the
  // slow client, naming its address; the slow one reads nothing meanwhile.
  auto id = create_incident(fire_);
  std::string reason(5000, 'r');
  auto log_path = server_->dir() + "/siaga.log";
  auto slow_peer = "127.0.0.1:" + std::to_string(slow->local_port()) + ",";
  auto dropped = [&] {
    std::ifstream in(log_path);
    for (std::string line; std::getline(in, line);) {
      if (line.find(slow_peer) != std::string::npos && line.find("terlalu lambat / client too slow") != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  int rounds = 0;
  for (; rounds < 1500 && !dropped(); ++rounds) {
    ASSERT_EQ(client_->post("/api/v1/incidents/" + id + "/cancel", json::object{{"reason", reason}}, ct_).status, 200);
    ASSERT_EQ(client_->post("/api/v1/incidents/" + id + "/reopen", json::object{{"reason", reason}}, ct_).status, 200);
  }
  ASSERT_TRUE(dropped()) << "no slow client dropped after " << rounds << " rounds";

  // The slow client gets what was already on its way, then the close with the reason.
  std::size_t slow_messages = 0;
  while (slow->next(10s)) ++slow_messages;
  EXPECT_TRUE(slow->closed()) << slow->last_error();
  EXPECT_EQ(slow->close_code(), 1008);
  EXPECT_EQ(slow->close_reason(), "terlalu lambat / client too slow");
  EXPECT_GE(slow_messages, 1u);

  // The fast client got every event, gap-free, and still gets new ones.
  ASSERT_EQ(client_->post("/api/v1/incidents/" + id + "/cancel", json::object{{"reason", "selesai"}}, ct_).status, 200);
  auto last = seq_of(timeline(id, ct_).back());
  stop_at = last;
  // One more event, in case the reader was already past `last` when stop_at was set.
  ASSERT_EQ(client_->post("/api/v1/incidents/" + id + "/reopen", json::object{{"reason", "lagi"}}, ct_).status, 200);
  reader.join();
  EXPECT_FALSE(fast->closed());
  ASSERT_FALSE(fast_seqs.empty());
  EXPECT_GE(fast_seqs.back(), last) << fast->last_error();
  for (std::size_t i = 0; i < fast_seqs.size(); ++i) {
    ASSERT_EQ(fast_seqs[i], fast_start + 1 + static_cast<std::int64_t>(i)) << "gap or duplicate at " << i;
  }
}

TEST_F(stream, sigterm_closes_streams_with_a_reason_and_the_server_exits_cleanly) {
  start();
  auto ws = open(ct_);
  hello(*ws);
  int rc = -2;
  std::thread stopper([&] { rc = server_->stop(); });
  auto m = ws->next(15s);
  EXPECT_FALSE(m) << json::serialize(*m);
  EXPECT_TRUE(ws->closed()) << ws->last_error();
  EXPECT_EQ(ws->close_code(), 1001);
  EXPECT_EQ(ws->close_reason(), "server berhenti / shutting down");
  stopper.join();
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace siaga::testing
