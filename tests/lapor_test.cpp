// The SP4N-LAPOR! adapter against its stand-in (issue 11 item 7): complaints forwarded to the
// jurisdiction are imported once per tracking id into the call takers' queue with channel lapor
// and working-day clocks; the status changes go back through the outbox, retried when the
// stand-in fails; a refused token or a malformed feed stores nothing and is retried; a restart
// continues from the cursor kept in the database.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"

#include "net/http_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

constexpr const char* lapor_token = "lapor-test-token-5f1c0a";

// A stand-in of the LAPOR! side of the adapter's wire format (channels/lapor/wire.hpp): a feed
// of complaints paged by a cursor "c<n>" (n complaints consumed), follow-ups recorded; every
// request must carry the bearer token (401 otherwise); it can fail the next n requests, serve a
// malformed feed, or ignore the cursor (as a LAPOR! that sends the same complaints again).
class lapor_stand_in {
 public:
  lapor_stand_in() {
    net::router routes;
    routes.add(net::http::verb::get, "/api/v1/laporan",
               [this](net::request_context& ctx) -> asio::awaitable<net::response> {
                 if (hang_now()) {
                   // Until the stand-in stops: LAPOR! that accepted the request and never answers.
                   asio::steady_timer never(co_await asio::this_coro::executor, std::chrono::minutes{10});
                   co_await never.async_wait(asio::as_tuple(asio::use_awaitable));
                 }
                 co_return feed(ctx);
               });
    routes.add(net::http::verb::post, "/api/v1/laporan/{id}/tindak-lanjut",
               [this](net::request_context& ctx) -> asio::awaitable<net::response> { co_return follow_up(ctx); });
    net::server_options opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    opts.api_prefix = "/";
    http_ = std::make_unique<net::http_server>(io_, opts, routes);
    std::string err;
    if (!http_->listen(err)) ADD_FAILURE() << "the LAPOR! stand-in cannot listen: " << err;
    thread_ = std::thread([this] { io_.run(); });
  }
  ~lapor_stand_in() {
    http_->stop();
    io_.stop();
    thread_.join();
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(http_->port()) + "/api/v1"; }

  void add(json::object complaint) {
    std::lock_guard lock(mutex_);
    complaints_.push_back(std::move(complaint));
  }
  void expect_token(std::string t) {
    std::lock_guard lock(mutex_);
    token_ = std::move(t);
  }
  // Answers 503 to the next n feed requests, or to the next n follow-ups.
  void fail_next_feeds(int n) {
    std::lock_guard lock(mutex_);
    fail_feeds_ = n;
  }
  void fail_next_follow_ups(int n) {
    std::lock_guard lock(mutex_);
    fail_follow_ups_ = n;
  }
  void serve_malformed(bool on) {
    std::lock_guard lock(mutex_);
    malformed_ = on;
  }
  void ignore_cursor(bool on) {
    std::lock_guard lock(mutex_);
    ignore_cursor_ = on;
  }
  // Feed requests are accepted and never answered.
  void hang_feeds(bool on) {
    std::lock_guard lock(mutex_);
    hang_ = on;
  }
  // How many feed requests were left hanging.
  int hung() const {
    std::lock_guard lock(mutex_);
    return hung_;
  }

  // The cursors the feed was asked from ("" for none), in order.
  std::vector<std::string> cursors() const {
    std::lock_guard lock(mutex_);
    return cursors_;
  }
  // Answers given to the feed, in order (200, 401, 503...).
  std::vector<int> feed_answers() const {
    std::lock_guard lock(mutex_);
    return feed_answers_;
  }
  struct follow_up_seen {
    std::string tracking_id;
    json::object body;
    std::string idempotency_key;
    int answered = 0;
  };
  std::vector<follow_up_seen> follow_ups() const {
    std::lock_guard lock(mutex_);
    return follow_ups_;
  }
  // The accepted follow-ups of a complaint with this LAPOR! status.
  std::vector<follow_up_seen> accepted(const std::string& tracking_id, const std::string& status) const {
    std::vector<follow_up_seen> out;
    for (auto& f : follow_ups()) {
      if (f.answered == 200 && f.tracking_id == tracking_id && str(f.body, "status") == status) out.push_back(f);
    }
    return out;
  }

 private:
  net::response answer(const net::request& req, int status, std::string body) {
    net::response res{static_cast<net::http::status>(status), req.version()};
    res.set(net::http::field::content_type, "application/json");
    res.body() = std::move(body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
  }

  bool hang_now() {
    std::lock_guard lock(mutex_);
    if (hang_) ++hung_;
    return hang_;
  }

  // Under the lock: the status to answer before looking at the request (401, 503), or 0.
  int gate(const net::request& req, int& failures) {
    if (std::string(req[net::http::field::authorization]) != "Bearer " + token_) return 401;
    if (failures > 0) {
      --failures;
      return 503;
    }
    return 0;
  }

  net::response feed(net::request_context& ctx) {
    std::lock_guard lock(mutex_);
    std::string target(ctx.req.target());
    std::string cursor;
    int limit = 100;
    if (auto q = target.find('?'); q != std::string::npos) {
      std::stringstream query(target.substr(q + 1));
      for (std::string kv; std::getline(query, kv, '&');) {
        auto eq = kv.find('=');
        auto key = kv.substr(0, eq), value = eq == std::string::npos ? std::string() : kv.substr(eq + 1);
        if (key == "since") cursor = value;
        if (key == "limit") limit = std::stoi(value);
      }
    }
    cursors_.push_back(cursor);
    int status = gate(ctx.req, fail_feeds_);
    if (status == 0 && malformed_) {
      feed_answers_.push_back(200);
      return answer(ctx.req, 200, R"({"data":[{"tracking_id":"LAPOR-X","title":"tanpa isi"}],"next_cursor":"c9"})");
    }
    feed_answers_.push_back(status == 0 ? 200 : status);
    if (status != 0) return answer(ctx.req, status, R"({"error":"stand-in"})");
    std::size_t from = ignore_cursor_ || cursor.empty() ? 0 : std::stoul(cursor.substr(1));
    json::array data;
    std::size_t n = from;
    for (; n < complaints_.size() && data.size() < static_cast<std::size_t>(limit); ++n) data.push_back(complaints_[n]);
    return answer(ctx.req, 200,
                  json::serialize(json::object{{"data", data}, {"next_cursor", "c" + std::to_string(n)}}));
  }

  net::response follow_up(net::request_context& ctx) {
    std::lock_guard lock(mutex_);
    follow_up_seen f;
    f.tracking_id = ctx.params.at("id");
    boost::system::error_code ec;
    auto v = json::parse(ctx.req.body(), ec);
    if (!ec && v.is_object()) f.body = v.as_object();
    f.idempotency_key = std::string(ctx.req["Idempotency-Key"]);
    int status = gate(ctx.req, fail_follow_ups_);
    bool complete = f.body.contains("id") && f.body.contains("status") && f.body.contains("content") &&
                    f.body.contains("time") && f.body.size() == 4;
    if (status == 0 && !complete) status = 400;
    f.answered = status == 0 ? 200 : status;
    follow_ups_.push_back(f);
    return answer(ctx.req, f.answered, f.answered == 200 ? R"({"ok":true})" : R"({"ok":false})");
  }

  asio::io_context io_;
  std::unique_ptr<net::http_server> http_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<json::object> complaints_;
  std::string token_ = lapor_token;
  int fail_feeds_ = 0;
  int fail_follow_ups_ = 0;
  bool malformed_ = false;
  bool ignore_cursor_ = false;
  bool hang_ = false;
  int hung_ = 0;
  std::vector<std::string> cursors_;
  std::vector<int> feed_answers_;
  std::vector<follow_up_seen> follow_ups_;
};

json::object complaint(const std::string& id, const std::string& title, bool anonymous = false) {
  json::object c{{"tracking_id", id},
                 {"title", title},
                 {"content", "Mohon segera ditindaklanjuti. " + title + "."},
                 {"category", "Lampu jalan"},
                 {"created_at", "2026-12-01T09:15:00+09:00"},
                 {"anonymous", anonymous}};
  if (!anonymous) {
    c["reporter_name"] = "B*** S***";
    c["location"] = json::object{{"address", "Jl. Pattimura, Ambon"}, {"lat", -3.6954}, {"lon", 128.1814}};
    c["attachments"] = json::array{"https://storage.lapor.go.id/app/uploads/public/foto1.jpg"};
  }
  return c;
}

std::vector<std::string> flags(const lapor_stand_in& s, const std::string& token = lapor_token) {
  // Failed polls wait at most 2 s: the tests' failures in a row would otherwise double the wait
  // past their patience (1, 2, 4, 8, 16 s...).
  return {"--lapor-base-url",    s.base(), "--lapor-token",           token, "--lapor-poll-s",   "1",
          "--lapor-max-backoff-s", "2",
          "--notify-backoff-ms", "100",    "--notify-backoff-cap-ms", "300", "--notify-poll-ms", "100"};
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The call taker's view of the report imported from a LAPOR! tracking id, or null.
json::value lapor_report(http_client& c, const std::string& token, const std::string& tracking_id) {
  auto page = c.get("/api/v1/reports?channel=lapor&limit=100", token);
  EXPECT_EQ(page.status, 200) << page.body;
  json::value found;
  std::size_t matches = 0;
  for (const auto& item : page.json().at("items").as_array()) {
    if (str(item, "description").find("[SP4N-LAPOR! " + tracking_id + "]") == std::string::npos) continue;
    ++matches;
    auto one = c.get("/api/v1/reports/" + str(item, "id"), token);
    // Seen failing once on PostgreSQL (an object without the report's fields): say what came.
    EXPECT_EQ(one.status, 200) << one.body;
    found = one.json();
  }
  EXPECT_LE(matches, 1u) << "one report per tracking id";
  return found;
}

}  // namespace

TEST(lapor, forwarded_complaints_are_imported_once_and_their_status_goes_back_with_retries) {
  lapor_stand_in lapor;
  lapor.add(complaint("LAPOR-9000001", "Lampu jalan mati di depan kantor pos"));
  lapor.add(complaint("LAPOR-9000002", "Lampu taman kota berkedip", true));
  server_process server(true, flags(lapor));
  http_client c("127.0.0.1", server.port());
  auto ct = c.login("calltaker", demo_password);
  // For a wait on the follow-ups that timed out (seen once on PostgreSQL under load, unexplained):
  // what the stand-in answered, and the server's log.
  auto heard = [&] {
    std::string out = "follow-ups the stand-in answered:";
    for (const auto& f : lapor.follow_ups()) {
      out += "\n  " + f.tracking_id + " " + json::serialize(f.body) + " key " + f.idempotency_key + " -> " +
             std::to_string(f.answered);
    }
    return out + "\nthe server's log:\n" + slurp(server.dir() + "/siaga.log");
  };

  ASSERT_TRUE(eventually([&] { return count_rows(server.database(), "lapor_reports") == 2; }));
  auto reports_after_import = count_rows(server.database(), "reports");
  // LAPOR! sends the same complaints again: they are duplicates, nothing is added.
  lapor.ignore_cursor(true);
  auto asked = lapor.cursors().size();
  ASSERT_TRUE(eventually([&] { return lapor.cursors().size() >= asked + 2; }));
  EXPECT_EQ(count_rows(server.database(), "lapor_reports"), 2);
  EXPECT_EQ(count_rows(server.database(), "reports"), reports_after_import);
  lapor.ignore_cursor(false);

  // In the queue with channel lapor, with LAPOR!'s text, place and attachment links.
  auto named = lapor_report(c, ct, "LAPOR-9000001");
  ASSERT_TRUE(named.is_object()) << "the imported report is in the queue";
  EXPECT_EQ(str(named, "channel"), "lapor");
  EXPECT_EQ(str(named, "status"), "new");
  EXPECT_NE(str(named, "description").find("Lampu jalan mati di depan kantor pos"), std::string::npos);
  EXPECT_NE(str(named, "description").find("https://storage.lapor.go.id/app/uploads/public/foto1.jpg"),
            std::string::npos);
  EXPECT_FALSE(named.at("location").is_null());
  auto anonymous = lapor_report(c, ct, "LAPOR-9000002");
  ASSERT_TRUE(anonymous.is_object());
  // The complainant's name as LAPOR! shows it (masked), none for an anonymous complaint.
  // Views withhold it (has_name says there is one); the audited reveal gives it.
  EXPECT_TRUE(named.at("reporter").at("name").is_null()) << json::serialize(named);
  EXPECT_TRUE(named.at("reporter").at("has_name").as_bool()) << json::serialize(named);
  EXPECT_EQ(reveal_contact(c, ct, str(named, "id")).name, "B*** S***");
  EXPECT_FALSE(anonymous.at("reporter").at("has_name").as_bool()) << json::serialize(anonymous);
  EXPECT_EQ(reveal_contact(c, ct, str(anonymous, "id")).name, "");
  EXPECT_NE(str(anonymous, "address").find("tidak disebutkan"), std::string::npos);

  // Accepted without naming a category: the incident takes the report's, a complaint counted in
  // working days, and its clocks say so.
  lapor.fail_next_follow_ups(1);  // the first follow-up attempt fails; the outbox retries it
  auto inc = c.post("/api/v1/reports/" + str(named, "id") + "/accept", json::object{}, ct);
  ASSERT_EQ(inc.status, 200) << inc.body;
  const auto& clocks = inc.json().at("clocks").as_array();
  ASSERT_FALSE(clocks.empty()) << inc.body;
  for (const auto& clock : clocks) EXPECT_EQ(str(clock, "unit"), "working_days") << inc.body;
  ASSERT_TRUE(eventually([&] { return !lapor.accepted("LAPOR-9000001", "diproses").empty(); })) << heard();
  auto first = lapor.follow_ups().front();
  EXPECT_EQ(first.answered, 503) << "the stand-in failed the first attempt";
  EXPECT_FALSE(first.idempotency_key.empty());
  // The failed attempt was retried with the same key (the outbox row id) and delivered.
  ASSERT_TRUE(eventually([&] {
    for (const auto& f : lapor.follow_ups()) {
      if (f.answered == 200 && f.idempotency_key == first.idempotency_key && str(f.body, "id") == f.idempotency_key) {
        return true;
      }
    }
    return false;
  })) << heard();
  auto diproses = lapor.accepted("LAPOR-9000001", "diproses").front();
  EXPECT_NE(str(diproses.body, "content").find("sudah diteruskan"), std::string::npos) << str(diproses.body, "content");

  // Completed with the agency's public note, closed: "selesai" with the note.
  bool has_dispatch = false;
  for (const auto& d : inc.json().at("dispatches").as_array()) {
    has_dispatch = true;
    auto id = str(d, "id");
    ASSERT_EQ(c.post("/api/v1/dispatches/" + id + "/acknowledge", json::object{}, ct).status, 200);
    auto done = c.post("/api/v1/dispatches/" + id + "/complete",
                       json::object{{"note", "internal"}, {"public_note", "Lampu sudah diganti."}}, ct);
    ASSERT_EQ(done.status, 200) << done.body;
  }
  ASSERT_TRUE(has_dispatch) << inc.body;
  auto closed = c.post("/api/v1/incidents/" + str(inc.json(), "id") + "/close", json::object{}, ct);
  ASSERT_EQ(closed.status, 200) << closed.body;
  ASSERT_TRUE(eventually([&] { return !lapor.accepted("LAPOR-9000001", "selesai").empty(); })) << heard();
  auto selesai = lapor.accepted("LAPOR-9000001", "selesai").front();
  EXPECT_NE(str(selesai.body, "content").find("Lampu sudah diganti."), std::string::npos)
      << str(selesai.body, "content");
  EXPECT_EQ(str(selesai.body, "content").find("internal"), std::string::npos) << "no internal note goes out";

  // Rejected as a duplicate: "ditutup".
  auto rejected =
      c.post("/api/v1/reports/" + str(anonymous, "id") + "/reject", json::object{{"reason", "duplicate"}}, ct);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  ASSERT_TRUE(eventually([&] { return !lapor.accepted("LAPOR-9000002", "ditutup").empty(); })) << heard();
  EXPECT_EQ(lapor.accepted("LAPOR-9000001", "selesai").size(), 1u) << "each status is told once";

  // Rejected as a prank: hidden from tracking, yet LAPOR! hears that it was closed, and why.
  lapor.add(complaint("LAPOR-9000003", "Ada naga di alun-alun"));
  ASSERT_TRUE(eventually([&] { return count_rows(server.database(), "lapor_reports") == 3; }));
  auto prank = lapor_report(c, ct, "LAPOR-9000003");
  ASSERT_TRUE(prank.is_object());
  auto refused = c.post("/api/v1/reports/" + str(prank, "id") + "/reject", json::object{{"reason", "prank"}}, ct);
  ASSERT_EQ(refused.status, 200) << refused.body;
  ASSERT_TRUE(eventually([&] { return !lapor.accepted("LAPOR-9000003", "ditutup").empty(); })) << heard();
  auto closed_prank = lapor.accepted("LAPOR-9000003", "ditutup").front();
  EXPECT_NE(str(closed_prank.body, "content").find("tidak dapat diverifikasi"), std::string::npos)
      << str(closed_prank.body, "content");
  EXPECT_TRUE(lapor.accepted("LAPOR-9000003", "diproses").empty());
  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(slurp(server.dir() + "/siaga.log").find(lapor_token), std::string::npos) << "the token is never logged";
}

TEST(lapor, a_refused_token_or_a_malformed_feed_stores_nothing_and_the_import_is_retried) {
  lapor_stand_in lapor;
  lapor.add(complaint("LAPOR-9100001", "Air PDAM tidak mengalir tiga hari"));
  lapor.expect_token("another-token-entirely");
  server_process server(true, flags(lapor));
  auto reports = count_rows(server.database(), "reports");
  auto outbox = count_rows(server.database(), "outbox");
  ASSERT_TRUE(eventually([&] { return lapor.feed_answers().size() >= 2; }));
  EXPECT_EQ(lapor.feed_answers().front(), 401);
  EXPECT_EQ(count_rows(server.database(), "lapor_reports"), 0);
  EXPECT_EQ(count_rows(server.database(), "lapor_cursors"), 0);
  EXPECT_EQ(count_rows(server.database(), "reports"), reports);
  auto log = server.dir() + "/siaga.log";
  ASSERT_TRUE(eventually([&] { return slurp(log).find("periksa lapor_token") != std::string::npos; })) << slurp(log);

  // The right token, a malformed page: refused whole, logged, nothing stored.
  lapor.serve_malformed(true);
  lapor.expect_token(lapor_token);
  auto answers = lapor.feed_answers().size();
  ASSERT_TRUE(eventually([&] { return lapor.feed_answers().size() >= answers + 1; }));
  ASSERT_TRUE(eventually([&] { return slurp(log).find("content wajib ada") != std::string::npos; })) << slurp(log);
  EXPECT_EQ(count_rows(server.database(), "lapor_reports"), 0);
  EXPECT_EQ(count_rows(server.database(), "lapor_cursors"), 0);
  EXPECT_EQ(count_rows(server.database(), "reports"), reports);
  EXPECT_EQ(count_rows(server.database(), "outbox"), outbox);

  // LAPOR! down for two more polls, then well: the complaint comes in, from the start.
  lapor.fail_next_feeds(2);
  lapor.serve_malformed(false);
  ASSERT_TRUE(eventually([&] { return count_rows(server.database(), "lapor_reports") == 1; }));
  EXPECT_EQ(count_rows(server.database(), "reports"), reports + 1);
  for (const auto& cursor : lapor.cursors()) EXPECT_EQ(cursor, "") << "no cursor was kept before the import";
  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(slurp(log).find(lapor_token), std::string::npos) << "the token is never logged";
}

TEST(lapor, a_restart_continues_from_the_cursor_kept_in_the_database) {
  lapor_stand_in lapor;
  lapor.add(complaint("LAPOR-9200001", "Lampu jalan mati di Jl. Sultan Hasanudin"));
  lapor.add(complaint("LAPOR-9200002", "Lampu jalan mati di Jl. Diponegoro"));
  auto f = flags(lapor);
  server_process first(true, f);
  ASSERT_TRUE(eventually([&] { return count_rows(first.database(), "lapor_reports") == 2; }));
  ASSERT_TRUE(eventually([&] { return count_rows(first.database(), "lapor_cursors") == 1; }));
  EXPECT_EQ(first.stop(), 0);

  lapor.add(complaint("LAPOR-9200003", "Lampu jalan mati di Jl. A. Y. Patty"));
  auto asked_before = lapor.cursors().size();
  auto second = server_process::reuse(first.dir(), f);
  ASSERT_TRUE(eventually([&] { return count_rows(second.database(), "lapor_reports") == 3; }));
  auto cursors = lapor.cursors();
  ASSERT_GT(cursors.size(), asked_before);
  EXPECT_EQ(cursors[asked_before], "c2") << "the first poll after the restart asks from the kept cursor";
  http_client c("127.0.0.1", second.port());
  auto ct = c.login("calltaker", demo_password);
  EXPECT_TRUE(lapor_report(c, ct, "LAPOR-9200003").is_object());
  EXPECT_TRUE(lapor_report(c, ct, "LAPOR-9200001").is_object());
  EXPECT_EQ(second.stop(), 0);
}

TEST(lapor, a_stop_while_lapor_holds_a_feed_request_open_cancels_it_and_stores_nothing) {
  lapor_stand_in lapor;
  lapor.add(complaint("LAPOR-9300001", "Jembatan kayu di Batu Merah patah"));
  lapor.hang_feeds(true);
  server_process server(true, flags(lapor));
  ASSERT_TRUE(eventually([&] { return lapor.hung() >= 1; }));
  // The HTTP client would wait 30 s for an answer: the stop cancels the request instead.
  EXPECT_EQ(server.stop(), 0);
  auto log = slurp(server.dir() + "/siaga.log");
  EXPECT_NE(log.find("impor dibatalkan karena server berhenti"), std::string::npos) << log;
  EXPECT_EQ(log.find("impor gagal"), std::string::npos) << "a stop is not a failed import: " << log;
  EXPECT_EQ(count_rows(server.database(), "lapor_reports"), 0);
  EXPECT_EQ(count_rows(server.database(), "lapor_cursors"), 0);
}

}  // namespace siaga::testing
