#include "app/simulate.hpp"

#include "services/call_service.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <map>
#include <random>
#include <thread>

namespace siaga::app {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using domain::call_class;
using domain::call_event_kind;
using domain::call_outcome;

// A small deterministic random source over mt19937_64 with its own distributions, so that a
// seed gives the same traffic whatever the standard library's distribution algorithms.
class rng {
 public:
  explicit rng(std::uint64_t seed) : gen_(seed) {}
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(uniform() * static_cast<double>(n)); }
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
  bool chance(double p) { return uniform() < p; }

 private:
  std::mt19937_64 gen_;
};

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(seconds * 1000.0))};
}

std::string random_number(rng& r) {
  std::string n = "+628";
  n += static_cast<char>('1' + r.below(3));
  for (int i = 0; i < 9; ++i) n += static_cast<char>('0' + r.below(10));
  return n;
}

// Calls come in waves over the day: few at night, most in the day and evening.
double hour_factor(int local_hour) {
  if (local_hour < 5) return 0.35;
  if (local_hour < 9) return 0.9;
  if (local_hour < 18) return 1.3;
  if (local_hour < 23) return 1.15;
  return 0.6;
}

domain::call_event event(const simulated_call& c, call_event_kind kind, core::timestamp at, int n) {
  domain::call_event e;
  e.event_id = c.call_id + "-" + std::string(domain::to_string(kind)) + (n ? "-" + std::to_string(n) : "");
  e.call_id = c.call_id;
  e.kind = kind;
  e.at = at;
  return e;
}

// Fills in the events of a call from its truth.
void add_events(simulated_call& c, rng& r, int agents) {
  auto ring = event(c, call_event_kind::ringing, c.ring_at, 0);
  ring.caller = c.caller;
  ring.line = c.line;
  c.events.push_back(ring);
  c.events.push_back(event(c, call_event_kind::queued, c.ring_at + 500ms, 0));
  if (c.answered_at) {
    auto a = event(c, call_event_kind::answered, *c.answered_at, 0);
    a.agent = c.agent;
    c.events.push_back(a);
    if (c.pressed_55) {
      for (int i = 1; i <= 2; ++i) {
        auto d = event(c, call_event_kind::dtmf, *c.answered_at + std::chrono::seconds{2 + i}, i);
        d.digits = "5";
        c.events.push_back(d);
      }
    }
    if (c.classification == call_class::valid && !c.pressed_55 && r.chance(0.05)) {
      auto t = event(c, call_event_kind::transferred, *c.answered_at + (c.ended_at - *c.answered_at) / 2, 0);
      t.agent = "ext" + std::to_string(201 + r.below(agents));
      c.events.push_back(t);
    }
  }
  auto end = event(c, call_event_kind::ended, c.ended_at, 0);
  end.reason = c.outcome == call_outcome::answered    ? domain::end_reason::completed
               : c.outcome == call_outcome::abandoned ? domain::end_reason::caller_hangup
                                                      : domain::end_reason::no_agent;
  end.silent = c.silent;
  c.events.push_back(end);
}

}  // namespace

std::vector<simulated_call> generate_calls(const simulation_params& p) {
  rng r(p.seed);
  std::vector<std::string> pranksters;
  for (int i = 0; i < std::max(p.prankster_numbers, 1); ++i) pranksters.push_back(random_number(r));
  const double peak = p.calls_per_hour * 1.3 / 3600.0;  // per second, for thinning
  std::vector<simulated_call> calls;
  std::vector<simulated_call> follow_ups;
  auto t = p.start;
  const auto end = p.start + p.duration;
  int serial = 0;
  auto next_id = [&] {
    char buf[48];
    std::snprintf(buf, sizeof buf, "sim-%llu-%06d", static_cast<unsigned long long>(p.seed), serial++);
    return std::string(buf);
  };
  const std::string agent_prefix = "ext";
  auto agent = [&] { return agent_prefix + std::to_string(201 + r.below(std::max(p.agents, 1))); };
  for (;;) {
    if (peak <= 0) break;
    t += ms(r.exponential(1.0 / peak));
    if (t >= end) break;
    auto local = t + std::chrono::minutes{p.zone_offset_minutes};
    int hour = static_cast<int>(
        std::chrono::duration_cast<std::chrono::hours>(local - std::chrono::floor<std::chrono::days>(local)).count());
    if (!r.chance(hour_factor(hour) / 1.3)) continue;

    simulated_call c;
    c.call_id = next_id();
    c.ring_at = t;
    c.line = r.chance(0.9) ? "112" : "112-2";
    double u = r.uniform();
    double edge = p.abandon_share;
    auto answer = [&](call_class cls) {
      c.outcome = call_outcome::answered;
      c.classification = cls;
      c.answered_at = c.ring_at + std::max(ms(r.exponential(p.mean_wait_s)), std::chrono::milliseconds{800});
      if (*c.answered_at > c.ring_at + 120s) c.answered_at = c.ring_at + 120s;
      c.agent = agent();
      double talk = cls == call_class::ghost   ? r.uniform(5, 15)
                    : cls == call_class::prank ? r.uniform(10, 40)
                                               : std::max(15.0, r.exponential(p.mean_talk_s));
      c.ended_at = *c.answered_at + ms(talk);
    };
    if (u < edge) {
      c.outcome = call_outcome::abandoned;
      c.ended_at = c.ring_at + ms(r.uniform(2, 45));
    } else if (u < (edge += p.missed_share)) {
      c.outcome = call_outcome::missed;
      c.ended_at = c.ring_at + ms(r.uniform(30, 60));
    } else if (u < (edge += p.prank_share)) {
      answer(call_class::prank);
    } else if (u < (edge += p.ghost_share)) {
      answer(call_class::ghost);
      c.silent = true;
    } else if (u < (edge += p.information_share)) {
      answer(call_class::information);
    } else if (u < (edge += p.misdirected_share)) {
      answer(call_class::misdirected);
    } else if (u < (edge += p.test_share)) {
      answer(call_class::test);
    } else if (u < (edge += p.silent_caller_share)) {
      answer(call_class::valid);
      c.silent = true;
      c.pressed_55 = true;
    } else {
      answer(call_class::valid);
    }
    c.caller = c.classification == call_class::prank && r.chance(0.7) ? pranksters[r.below(pranksters.size())]
                                                                      : random_number(r);
    if (c.outcome != call_outcome::answered && r.chance(p.follow_up_share)) {
      simulated_call f;
      f.call_id = next_id();
      f.caller = c.caller;
      f.line = c.line;
      f.ring_at = c.ended_at + ms(r.uniform(60, 540));
      f.outcome = call_outcome::answered;
      f.classification = call_class::valid;
      f.answered_at = f.ring_at + std::max(ms(r.exponential(p.mean_wait_s)), std::chrono::milliseconds{800});
      f.agent = agent();
      f.ended_at = *f.answered_at + ms(std::max(15.0, r.exponential(p.mean_talk_s)));
      follow_ups.push_back(std::move(f));
    }
    calls.push_back(std::move(c));
  }
  for (auto& f : follow_ups) calls.push_back(std::move(f));
  std::sort(calls.begin(), calls.end(), [](const auto& a, const auto& b) {
    return std::tie(a.ring_at, a.call_id) < std::tie(b.ring_at, b.call_id);
  });
  for (auto& c : calls) add_events(c, r, p.agents);
  return calls;
}

std::vector<domain::call_event> delivery_order(const std::vector<simulated_call>& calls, double duplicate_share,
                                               int jitter, std::uint64_t seed) {
  rng r(seed ^ 0x9e3779b97f4a7c15ULL);
  std::vector<const domain::call_event*> in_time;
  for (const auto& c : calls) {
    for (const auto& e : c.events) in_time.push_back(&e);
  }
  std::stable_sort(in_time.begin(), in_time.end(), [](auto* a, auto* b) { return a->at < b->at; });
  std::vector<std::pair<double, const domain::call_event*>> keyed;
  for (std::size_t i = 0; i < in_time.size(); ++i) {
    auto base = static_cast<double>(i);
    keyed.emplace_back(base + r.uniform(0, std::max(jitter, 0)), in_time[i]);
    if (r.chance(duplicate_share)) keyed.emplace_back(base + r.uniform(1, 60), in_time[i]);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<domain::call_event> out;
  out.reserve(keyed.size());
  for (const auto& [key, e] : keyed) out.push_back(*e);
  return out;
}

boost::json::object telephony_event_json(const domain::call_event& e) {
  json::object o{{"event_id", e.event_id},
                 {"call_id", e.call_id},
                 {"type", domain::to_string(e.kind)},
                 {"at", core::format_utc(e.at)}};
  if (!e.caller.empty()) {
    // Every third caller in the local form, as many PBXs send it.
    bool local = e.caller.starts_with("+62") && std::hash<std::string>{}(e.event_id) % 3 == 0;
    o["caller"] = local ? "0" + e.caller.substr(3) : e.caller;
  }
  if (!e.line.empty()) o["line"] = e.line;
  if (!e.agent.empty()) o["agent"] = e.agent;
  if (e.reason) o["reason"] = domain::to_string(*e.reason);
  if (e.kind == call_event_kind::ended && e.silent) o["silent"] = true;
  if (!e.digits.empty()) o["digits"] = e.digits;
  return o;
}

core::result<seeded_calls> seed_demo_calls(storage::store& st, const std::string& jurisdiction_id,
                                           core::random_source& rnd, core::timestamp now) {
  simulation_params p;
  p.duration = std::chrono::days{7};
  p.start = now - p.duration;
  p.calls_per_hour = 4;
  p.seed = 81710112;
  auto calls = generate_calls(p);
  std::vector<domain::call_event> events;
  for (const auto& c : calls) {
    if (c.ended_at > now) continue;
    events.insert(events.end(), c.events.begin(), c.events.end());
  }
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  seeded_calls out;
  core::manual_clock clock{now};
  core::id_generator ids{rnd};
  services::context ctx{clock, ids, rnd};
  auto done = st.write([&](storage::store_txn& tx) -> core::result<void> {
    auto user = tx.find_user_by_username("calltaker");
    if (!user) return user.error();
    if (!*user || (*user)->jurisdiction_id != jurisdiction_id) {
      return core::not_found("the demo call taker of jurisdiction " + jurisdiction_id + " is missing");
    }
    services::actor pbx{"system", jurisdiction_id, domain::role::admin, std::nullopt, "PBX demo"};
    services::actor taker{(*user)->id, jurisdiction_id, (*user)->user_role, std::nullopt, (*user)->display_name};
    auto ingested = services::ingest_call_events(tx, ctx, pbx, events);
    if (!ingested) return ingested.error();
    storage::report_filter accepted_calls;
    accepted_calls.jurisdiction_id = jurisdiction_id;
    accepted_calls.source = domain::channel::call;
    accepted_calls.status = domain::report_status::accepted;
    accepted_calls.page = {500, 0};
    auto reports = tx.list_reports(accepted_calls);
    if (!reports) return reports.error();
    std::size_t next_report = 0;
    for (const auto& c : calls) {
      if (c.ended_at > now || !c.classification || *c.classification == call_class::ghost) continue;
      auto record = tx.find_call_by_external(jurisdiction_id, c.call_id);
      if (!record) return record.error();
      if (!*record) return core::not_found("seeded call " + c.call_id + " is missing");
      services::classification_input in;
      in.classification = *c.classification;
      in.report.description = "Laporan dari panggilan 112 (demo)";
      if (in.classification == call_class::valid && !reports->items.empty()) {
        in.report_id = reports->items[next_report++ % reports->items.size()].id;
      }
      auto classified = services::classify_call(tx, ctx, taker, (*record)->id, in);
      if (!classified) return classified.error();
    }
    out.calls =
        static_cast<int>(std::count_if(calls.begin(), calls.end(), [&](const auto& c) { return c.ended_at <= now; }));
    out.events = static_cast<int>(events.size());
    return {};
  });
  if (!done) return done.error();
  return out;
}

// ---------------------------------------------------------------------------------------
// The command.

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// One keep-alive HTTP/1.1 connection, blocking: all the driver needs.
class client {
 public:
  client(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) { connect(); }

  std::pair<int, std::string> send(http::verb method, const std::string& target, const std::string& body,
                                   const std::map<std::string, std::string>& headers) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    for (int attempt = 0; attempt < 2; ++attempt) {
      boost::system::error_code ec;
      http::write(socket_, req, ec);
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      if (!ec) http::read(socket_, buffer_, parser, ec);
      if (!ec) return {static_cast<int>(parser.get().result_int()), parser.get().body()};
      connect();
    }
    return {0, "connection failed"};
  }

 private:
  void connect() {
    socket_ = asio::ip::tcp::socket{io_};
    asio::ip::tcp::resolver resolver{io_};
    boost::system::error_code ec;
    asio::connect(socket_, resolver.resolve(host_, port_), ec);
    buffer_.clear();
  }

  std::string host_;
  std::string port_;
  asio::io_context io_;
  asio::ip::tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
};

struct options {
  std::string host = "127.0.0.1";
  std::string port = "8112";
  std::string api_key;
  std::string login;  // user:password, to classify the answered calls afterwards
  double hours = 24;
  bool realtime = false;
  std::optional<core::timestamp> start;
  double duplicates = 0.0;
  int jitter = 0;
  int batch = 200;
  simulation_params params;
};

core::result<double> number_flag(const std::string& name, const std::string& v) {
  double out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || ptr != v.data() + v.size()) return core::invalid(name + " needs a number, not '" + v + "'");
  return out;
}

core::result<options> parse(const std::vector<std::string>& args) {
  options o;
  std::map<std::string, double*> numbers = {{"--rate", &o.params.calls_per_hour},
                                            {"--prank", &o.params.prank_share},
                                            {"--ghost", &o.params.ghost_share},
                                            {"--abandon", &o.params.abandon_share},
                                            {"--missed", &o.params.missed_share},
                                            {"--information", &o.params.information_share},
                                            {"--wait", &o.params.mean_wait_s},
                                            {"--talk", &o.params.mean_talk_s},
                                            {"--follow-up", &o.params.follow_up_share},
                                            {"--hours", &o.hours},
                                            {"--duplicates", &o.duplicates}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--realtime") {
      o.realtime = true;
      continue;
    }
    if (i + 1 >= args.size()) return core::invalid(a + " needs a value");
    const auto& v = args[++i];
    if (auto it = numbers.find(a); it != numbers.end()) {
      auto n = number_flag(a, v);
      if (!n) return n.error();
      *it->second = *n;
    } else if (a == "--url") {
      std::string_view u = v;
      if (!u.starts_with("http://")) return core::invalid("--url must be http://host:port (TLS: use a local proxy)");
      u.remove_prefix(7);
      u = u.substr(0, u.find('/'));
      auto colon = u.rfind(':');
      o.host = std::string(u.substr(0, colon));
      o.port = colon == std::string_view::npos ? "80" : std::string(u.substr(colon + 1));
    } else if (a == "--api-key") {
      o.api_key = v;
    } else if (a == "--login") {
      if (v.find(':') == std::string::npos) return core::invalid("--login needs user:password");
      o.login = v;
    } else if (a == "--seed") {
      auto n = number_flag(a, v);
      if (!n) return n.error();
      o.params.seed = static_cast<std::uint64_t>(*n);
    } else if (a == "--agents") {
      auto n = number_flag(a, v);
      if (!n) return n.error();
      o.params.agents = static_cast<int>(*n);
    } else if (a == "--jitter") {
      auto n = number_flag(a, v);
      if (!n) return n.error();
      o.jitter = static_cast<int>(*n);
    } else if (a == "--batch") {
      auto n = number_flag(a, v);
      if (!n || *n < 1 || *n > 500) return core::invalid("--batch must be 1 to 500");
      o.batch = static_cast<int>(*n);
    } else if (a == "--start") {
      auto t = core::parse_iso8601(v);
      if (!t) return t.error();
      o.start = *t;
    } else {
      return core::invalid("unknown flag " + a);
    }
  }
  if (o.api_key.empty()) return core::invalid("--api-key is required (create one: POST /api/v1/api_keys)");
  if (!(o.hours > 0) || o.hours > 24 * 400) return core::invalid("--hours must be more than 0 and at most 9600");
  for (double s :
       {o.params.prank_share, o.params.ghost_share, o.params.abandon_share, o.params.missed_share, o.duplicates}) {
    if (!(s >= 0 && s <= 1)) return core::invalid("shares must be from 0 to 1");
  }
  double answered_shares = o.params.abandon_share + o.params.missed_share + o.params.prank_share +
                           o.params.ghost_share + o.params.information_share + o.params.misdirected_share +
                           o.params.test_share + o.params.silent_caller_share;
  if (answered_shares > 1) return core::invalid("the shares add up to more than 1");
  o.params.duration = std::chrono::seconds{static_cast<std::int64_t>(o.hours * 3600)};
  return o;
}

// Classifies the answered calls as the generator meant them (ghosts classify themselves).
int classify_all(client& http, const options& o, const std::vector<simulated_call>& calls) {
  auto colon = o.login.find(':');
  json::object creds{{"username", o.login.substr(0, colon)}, {"password", o.login.substr(colon + 1)}};
  auto [status, body] = http.send(http::verb::post, "/api/v1/auth/login", json::serialize(creds), {});
  if (status != 200) {
    std::cerr << "siaga simulate: login failed (" << status << "): " << body << "\n";
    return -1;
  }
  auto token = std::string(json::parse(body).at("token").as_string());
  std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token}};
  std::map<std::string, std::string> ids;  // external id -> call id
  auto from = core::format_utc(calls.front().ring_at);
  auto to = core::format_utc(calls.back().ring_at + 1s);
  for (int offset = 0;; offset += 500) {
    auto [s, b] =
        http.send(http::verb::get,
                  "/api/v1/calls?limit=500&offset=" + std::to_string(offset) + "&from=" + from + "&to=" + to, "", auth);
    if (s != 200) return -1;
    auto page = json::parse(b).as_object();
    for (const auto& item : page.at("items").as_array()) {
      ids[std::string(item.at("external_id").as_string())] = std::string(item.at("id").as_string());
    }
    if (offset + 500 >= page.at("total").as_int64()) break;
  }
  int done = 0;
  for (const auto& c : calls) {
    if (!c.classification || *c.classification == call_class::ghost) continue;
    json::object in{{"classification", domain::to_string(*c.classification)}};
    if (*c.classification == call_class::valid) {
      in["report"] = json::object{{"description", "Laporan simulasi (simulated report)"}};
    }
    auto [s, b] =
        http.send(http::verb::post, "/api/v1/calls/" + ids[c.call_id] + "/classify", json::serialize(in), auth);
    if (s == 200) ++done;
  }
  return done;
}

}  // namespace

int run_simulate(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "calls") {
    std::cerr << "siaga simulate: the only simulation is 'calls'\n";
    return 2;
  }
  auto o = parse(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!o) {
    std::cerr << "siaga simulate: " << o.error().message << "\n";
    return 2;
  }
  auto now = core::system_clock{}.now();
  o->params.start = o->start.value_or(o->realtime ? now : now - o->params.duration);
  auto calls = generate_calls(o->params);
  client http(o->host, o->port);
  std::map<std::string, std::string> key{{"X-Api-Key", o->api_key}};
  auto began = std::chrono::steady_clock::now();
  std::int64_t sent = 0;
  std::int64_t failed = 0;
  if (o->realtime) {
    // Each event when its time comes, one request each, as a live bridge sends them.
    auto events = delivery_order(calls, o->duplicates, 0, o->params.seed);
    for (const auto& e : events) {
      auto wait = e.at - core::system_clock{}.now();
      if (wait > 0us) std::this_thread::sleep_for(wait);
      auto [status, body] =
          http.send(http::verb::post, "/api/v1/telephony/events", json::serialize(telephony_event_json(e)), key);
      ++sent;
      if (status != 200) {
        ++failed;
        std::cerr << "siaga simulate: " << status << " " << body << "\n";
      }
    }
  } else {
    auto events = delivery_order(calls, o->duplicates, o->jitter, o->params.seed);
    for (std::size_t i = 0; i < events.size(); i += static_cast<std::size_t>(o->batch)) {
      json::array batch;
      for (std::size_t j = i; j < std::min(events.size(), i + static_cast<std::size_t>(o->batch)); ++j) {
        batch.push_back(telephony_event_json(events[j]));
      }
      auto n = static_cast<std::int64_t>(batch.size());
      auto [status, body] = http.send(http::verb::post, "/api/v1/telephony/events",
                                      json::serialize(json::object{{"events", std::move(batch)}}), key);
      sent += n;
      if (status != 200) {
        failed += n;
        std::cerr << "siaga simulate: " << status << " " << body.substr(0, 300) << "\n";
      }
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  int classified = 0;
  if (!o->login.empty() && !o->realtime && !calls.empty()) classified = classify_all(http, *o, calls);
  std::map<std::string, std::int64_t> outcomes;
  for (const auto& c : calls) ++outcomes[std::string(domain::to_string(c.outcome))];
  json::object summary{{"calls", static_cast<std::int64_t>(calls.size())},
                       {"answered", outcomes["answered"]},
                       {"abandoned", outcomes["abandoned"]},
                       {"missed", outcomes["missed"]},
                       {"events_sent", sent},
                       {"events_failed", failed},
                       {"seconds", seconds},
                       {"events_per_second", seconds > 0 ? static_cast<double>(sent) / seconds : 0.0},
                       {"classified", classified}};
  std::cout << json::serialize(summary) << "\n";
  return failed == 0 && classified >= 0 ? 0 : 1;
}

}  // namespace siaga::app
