// replay_bench: a year of a metropolis's 112 calls replayed through the HTTP API (issue 14 item 5).
//
//   replay_bench --port P --api-key K --token T [--calls N] [--year 2024] [--clients C]
//                [--batch B] [--seed S] [--server-pid PID] [--classify-clients C1,C2,...]
//                [--classify-batch V]
//
// Generates N calls (default 637,292) over the year with siaga simulate's generator and
// Jakarta's published 2024 mix (6,317 emergencies, 110,788 information, 370,817 dropped,
// 144,863 prank, 4,507 misdirected: the shares of the generator set to it, no ghosts, tests or
// follow-ups), in the local time of WIB. Then, as a bridge catching up after an outage and the
// call takers' consoles would:
//   1. ingestion: the telephony events in time order, B a request (POST /api/v1/telephony/events
//      with Prefer: return=minimal) over C keep-alive connections (with the api key K);
//   2. classification: every answered call's verdict (POST /api/v1/calls/{id}/classify, a valid
//      call with its report; with --classify-batch V, V verdicts a request through POST
//      /api/v1/calls/classifications with Prefer: return=minimal) over C keep-alive connections
//      (with the call taker's token T); with
//      --classify-clients 4,16,64 the verdicts are cut into as many consecutive equal parts, each
//      sent over that many connections and printed as a phase of its own (larger group commits
//      with more consoles, measured on the same database);
//   3. the check: GET /api/v1/stats/calls of the year must equal the generator's truth (total,
//      answered, abandoned, missed, each classification, none live or unclassified, answered
//      within 10, 15 and 20 s, the months' totals); any difference is printed and the exit
//      code is 1.
// Prints one line of JSON per phase: wall seconds, events or calls a second, the server's CPU
// (from /proc/PID/stat, and its busiest thread's: the writer) when --server-pid is given.
#include "app/simulate.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace siaga;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

std::map<std::string, std::string> parse_flags(int argc, char** argv) {
  std::map<std::string, std::string> out;
  for (int i = 1; i + 1 < argc; i += 2) out[argv[i]] = argv[i + 1];
  return out;
}

std::string flag(const std::map<std::string, std::string>& f, const std::string& name, const std::string& fallback) {
  auto it = f.find(name);
  return it == f.end() ? fallback : it->second;
}

// Jakarta 2024 (Dinas Gulkarmat / 112 Jakarta's published figures).
constexpr double jakarta_calls = 637292;
constexpr double jakarta_valid = 6317, jakarta_information = 110788, jakarta_dropped = 370817, jakarta_prank = 144863,
                 jakarta_misdirected = 4507;

// CPU seconds of a process (utime + stime of /proc/PID/stat) and of its busiest thread.
struct cpu_sample {
  double process = 0;
  std::map<std::string, double> threads;  // tid -> seconds
};

double cpu_of_stat(const std::filesystem::path& stat) {
  std::ifstream in(stat);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  // Fields after the command: state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

cpu_sample sample_cpu(const std::string& pid) {
  cpu_sample s;
  if (pid.empty()) return s;
  std::filesystem::path proc = "/proc/" + pid;
  s.process = cpu_of_stat(proc / "stat");
  std::error_code ec;
  for (const auto& t : std::filesystem::directory_iterator(proc / "task", ec))
    s.threads[t.path().filename().string()] = cpu_of_stat(t.path() / "stat");
  return s;
}

// The process's CPU between two samples, and its busiest thread's.
std::pair<double, double> cpu_between(const cpu_sample& a, const cpu_sample& b) {
  double busiest = 0;
  for (const auto& [tid, s] : b.threads) {
    auto it = a.threads.find(tid);
    busiest = std::max(busiest, s - (it == a.threads.end() ? 0.0 : it->second));
  }
  return {b.process - a.process, busiest};
}

struct reply {
  unsigned status = 0;
  std::string body;
};

// A keep-alive connection to the server, one request at a time.
class connection {
 public:
  explicit connection(const std::string& port) : socket_(io_) {
    asio::ip::tcp::resolver resolver{io_};
    asio::connect(socket_, resolver.resolve("127.0.0.1", port));
  }

  reply send(http::verb verb, const std::string& target, const std::string& body,
             const std::vector<std::pair<std::string, std::string>>& headers) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    req.keep_alive(true);
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return {res.result_int(), std::move(res.body())};
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Runs job(connection, i) for i in [0, n) over `clients` connections, each taking the next i.
// Returns the number of failed jobs (the first failure's answer printed).
std::size_t run_over(const std::string& port, std::size_t clients, std::size_t n,
                     const std::function<bool(connection&, std::size_t)>& job) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failed{0};
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      try {
        connection conn(port);
        for (auto i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
          if (!job(conn, i)) ++failed;
        }
      } catch (const std::exception& e) {
        if (failed++ == 0) std::cerr << "replay_bench: connection failed: " << e.what() << "\n";
      }
    });
  }
  for (auto& t : threads) t.join();
  return failed.load();
}

void print_phase(const char* name, std::size_t items, const char* unit, double seconds, const cpu_sample& a,
                 const cpu_sample& b, std::size_t failed) {
  auto [cpu, busiest] = cpu_between(a, b);
  std::printf(
      "{\"phase\":\"%s\",\"%s\":%zu,\"failed\":%zu,\"seconds\":%.1f,\"%s_per_second\":%.0f,\"server_cpu_s\":%.1f,"
      "\"busiest_thread_cpu_s\":%.1f,\"server_cpu_us_per_%s\":%.0f}\n",
      name, unit, items, failed, seconds, unit, static_cast<double>(items) / seconds, cpu, busiest,
      std::string(unit).substr(0, std::string(unit).size() - 1).c_str(),
      items ? cpu * 1e6 / static_cast<double>(items) : 0.0);
  std::fflush(stdout);
}

// The truth of the year's calls, as GET /api/v1/stats/calls counts them.
struct truth {
  std::int64_t total = 0, answered = 0, abandoned = 0, missed = 0;
  std::map<std::string, std::int64_t> classes;
  std::int64_t within[3] = {0, 0, 0};  // answered within 10, 15, 20 s
};

truth truth_of(const std::vector<app::simulated_call>& calls) {
  truth t;
  for (const auto& c : calls) {
    ++t.total;
    if (c.outcome == domain::call_outcome::answered) {
      ++t.answered;
      ++t.classes[std::string(domain::to_string(*c.classification))];
      auto wait = *c.answered_at - c.ring_at;
      t.within[0] += wait <= 10s;
      t.within[1] += wait <= 15s;
      t.within[2] += wait <= 20s;
    } else if (c.outcome == domain::call_outcome::abandoned) {
      ++t.abandoned;
    } else {
      ++t.missed;
    }
  }
  return t;
}

// Compares the statistics' total and months with the truth; prints every difference.
int check_statistics(const json::value& stats, truth& want) {
  int differences = 0;
  auto expect = [&](const std::string& what, std::int64_t got, std::int64_t wanted) {
    if (got == wanted) return;
    ++differences;
    std::cerr << "replay_bench: MISMATCH " << what << ": the server counts " << got << ", the truth is " << wanted
              << "\n";
  };
  const auto& total = stats.at("total");
  expect("total", total.at("total").as_int64(), want.total);
  expect("answered", total.at("answered").as_int64(), want.answered);
  expect("abandoned", total.at("abandoned").as_int64(), want.abandoned);
  expect("missed", total.at("missed").as_int64(), want.missed);
  expect("live", total.at("live").as_int64(), 0);
  for (auto k : {"valid", "prank", "ghost", "information", "misdirected", "test"})
    expect(std::string("by_classification.") + k, total.at("by_classification").at(k).as_int64(), want.classes[k]);
  expect("by_classification.unclassified", total.at("by_classification").at("unclassified").as_int64(), 0);
  const char* within[] = {"10s", "15s", "20s"};
  for (int i = 0; i < 3; ++i)
    expect(std::string("answered_within.") + within[i], total.at("answered_within").at(within[i]).as_int64(),
           want.within[i]);
  std::int64_t months = 0;
  for (const auto& g : stats.at("groups").as_array()) months += g.at("total").as_int64();
  expect("the months' totals", months, want.total);
  return differences;
}

}  // namespace

int main(int argc, char** argv) {
  auto f = parse_flags(argc, argv);
  const std::string port = flag(f, "--port", "8112");
  const std::string key = flag(f, "--api-key", "");
  const std::string token = flag(f, "--token", "");
  const std::string pid = flag(f, "--server-pid", "");
  const auto wanted = std::stoul(flag(f, "--calls", "637292"));
  const int year = std::stoi(flag(f, "--year", "2024"));
  const auto clients = std::max<std::size_t>(1, std::stoul(flag(f, "--clients", "4")));
  const auto batch = std::clamp<std::size_t>(std::stoul(flag(f, "--batch", "500")), 1, 500);
  // Verdicts a request: 1 sends each through the console's route (POST /api/v1/calls/{id}/classify),
  // more sends them together through POST /api/v1/calls/classifications with Prefer: return=minimal.
  const auto classify_batch = std::clamp<std::size_t>(std::stoul(flag(f, "--classify-batch", "1")), 1, 500);
  std::vector<std::size_t> classify_clients;
  {
    std::istringstream list(flag(f, "--classify-clients", std::to_string(clients)));
    for (std::string item; std::getline(list, item, ',');)
      classify_clients.push_back(std::max<std::size_t>(1, std::stoul(item)));
    if (classify_clients.empty()) classify_clients.push_back(clients);
  }
  if (key.empty() || token.empty()) {
    std::cerr << "replay_bench: --api-key (a bridge's) and --token (a call taker's) are required\n";
    return 2;
  }

  // The year in WIB (UTC+7); the generator's rate is thinned by the hour of day (mean factor
  // 0.975 of its peak/1.3), and the calls past N are dropped.
  auto days = std::chrono::sys_days{std::chrono::year{year + 1} / 1 / 1} -
              std::chrono::sys_days{std::chrono::year{year} / 1 / 1};
  app::simulation_params p;
  p.start = core::timestamp{std::chrono::sys_days{std::chrono::year{year} / 1 / 1}.time_since_epoch()} - 7h;
  p.duration = std::chrono::duration_cast<std::chrono::seconds>(days);
  p.zone_offset_minutes = 420;
  p.calls_per_hour = static_cast<double>(wanted) * 1.01 / (static_cast<double>(days.count()) * 24.0 * 0.975);
  const double dropped = jakarta_dropped / jakarta_calls;
  p.abandon_share = dropped * 0.7;
  p.missed_share = dropped * 0.3;
  p.prank_share = jakarta_prank / jakarta_calls;
  p.ghost_share = 0;
  p.information_share = jakarta_information / jakarta_calls;
  p.misdirected_share = jakarta_misdirected / jakarta_calls;
  p.test_share = 0;
  p.silent_caller_share = 0;
  p.follow_up_share = 0;
  p.agents = 40;
  p.prankster_numbers = 1000;
  p.seed = std::stoull(flag(f, "--seed", "2024"));
  auto generating = clock_type::now();
  auto calls = app::generate_calls(p);
  if (calls.size() > wanted) calls.resize(wanted);
  auto events = app::delivery_order(calls, 0.0, 0, p.seed);
  auto want = truth_of(calls);
  std::printf(
      "{\"generated\":{\"calls\":%zu,\"events\":%zu,\"valid\":%lld,\"information\":%lld,\"dropped\":%lld,"
      "\"prank\":%lld,\"misdirected\":%lld,\"seconds\":%.1f}}\n",
      calls.size(), events.size(), static_cast<long long>(want.classes["valid"]),
      static_cast<long long>(want.classes["information"]), static_cast<long long>(want.abandoned + want.missed),
      static_cast<long long>(want.classes["prank"]), static_cast<long long>(want.classes["misdirected"]),
      std::chrono::duration<double>(clock_type::now() - generating).count());
  std::fflush(stdout);

  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < events.size(); i += batch) {
    json::array a;
    for (std::size_t j = i; j < std::min(events.size(), i + batch); ++j)
      a.push_back(app::telephony_event_json(events[j]));
    bodies.push_back(json::serialize(json::object{{"events", std::move(a)}}));
  }

  // 1. Ingestion. Each answer's call ids (in the order of the batch's events) give the calls'
  // ids in the server, which the classifications need.
  std::mutex mu;
  std::unordered_map<std::string, std::string> ids;
  ids.reserve(calls.size());
  const std::vector<std::pair<std::string, std::string>> bridge{{"X-Api-Key", key}, {"Prefer", "return=minimal"}};
  auto before = sample_cpu(pid);
  auto start = clock_type::now();
  auto failed = run_over(port, clients, bodies.size(), [&](connection& conn, std::size_t i) {
    auto r = conn.send(http::verb::post, "/api/v1/telephony/events", bodies[i], bridge);
    if (r.status != 200) {
      std::cerr << "replay_bench: events batch " << i << ": " << r.status << " " << r.body.substr(0, 300) << "\n";
      return false;
    }
    auto answer = json::parse(r.body);
    const auto& results = answer.at("results").as_array();
    std::lock_guard lock(mu);
    for (std::size_t j = 0; j < results.size(); ++j) {
      const auto& e = events[i * batch + j];
      if (e.kind == domain::call_event_kind::ringing)
        ids[e.call_id] = std::string(results[j].at("call_id").as_string());
    }
    return true;
  });
  auto ingested = std::chrono::duration<double>(clock_type::now() - start).count();
  auto after = sample_cpu(pid);
  print_phase("ingestion", events.size(), "events", ingested, before, after, failed);
  if (failed) return 1;

  // 2. Classification, in the calls' order.
  std::vector<std::pair<std::string, json::object>> verdicts;  // call id, body
  for (const auto& c : calls) {
    if (!c.classification) continue;
    json::object in{{"classification", domain::to_string(*c.classification)}};
    if (*c.classification == domain::call_class::valid)
      in["report"] = json::object{{"description", "Laporan dari rekaman tahun " + std::to_string(year)}};
    verdicts.emplace_back(ids.at(c.call_id), std::move(in));
  }
  const std::vector<std::pair<std::string, std::string>> console{{"Authorization", "Bearer " + token}};
  const std::vector<std::pair<std::string, std::string>> console_minimal{{"Authorization", "Bearer " + token},
                                                                         {"Prefer", "return=minimal"}};
  double classified = 0;
  const auto parts = classify_clients.size();
  for (std::size_t part = 0; part < parts; ++part) {
    const auto first = verdicts.size() * part / parts;
    const auto count = verdicts.size() * (part + 1) / parts - first;
    before = after;
    start = clock_type::now();
    if (classify_batch == 1) {
      failed = run_over(port, classify_clients[part], count, [&](connection& conn, std::size_t k) {
        const auto& [id, body] = verdicts[first + k];
        auto r = conn.send(http::verb::post, "/api/v1/calls/" + id + "/classify", json::serialize(body), console);
        if (r.status == 200) return true;
        std::cerr << "replay_bench: classify " << id << ": " << r.status << " " << r.body.substr(0, 300) << "\n";
        return false;
      });
    } else {
      const auto requests = (count + classify_batch - 1) / classify_batch;
      auto sent = run_over(port, classify_clients[part], requests, [&](connection& conn, std::size_t k) {
        json::array items;
        const auto from = first + k * classify_batch;
        const auto to = std::min(first + count, from + classify_batch);
        for (auto v = from; v < to; ++v) {
          auto item = verdicts[v].second;
          item["call_id"] = verdicts[v].first;
          items.push_back(std::move(item));
        }
        auto r = conn.send(http::verb::post, "/api/v1/calls/classifications",
                           json::serialize(json::object{{"items", std::move(items)}}), console_minimal);
        if (r.status == 200) return true;
        std::cerr << "replay_bench: classifications from " << from << ": " << r.status << " " << r.body.substr(0, 300)
                  << "\n";
        return false;
      });
      failed = sent * classify_batch;
    }
    const auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    classified += seconds;
    after = sample_cpu(pid);
    const auto name = parts == 1 ? std::string("classification")
                                 : "classification over " + std::to_string(classify_clients[part]) + " connections";
    print_phase(name.c_str(), count, "calls", seconds, before, after, failed);
    if (failed) return 1;
  }

  // 3. The statistics of the year against the truth.
  connection conn(port);
  auto from = core::format_utc(p.start);
  auto to = core::format_utc(p.start + p.duration);
  auto stats = conn.send(http::verb::get, "/api/v1/stats/calls?group=month&from=" + from + "&to=" + to, "", console);
  if (stats.status != 200) {
    std::cerr << "replay_bench: GET /api/v1/stats/calls: " << stats.status << " " << stats.body.substr(0, 300) << "\n";
    return 1;
  }
  int differences = check_statistics(json::parse(stats.body), want);
  std::printf(
      "{\"replay\":{\"calls\":%zu,\"events\":%zu,\"classified\":%zu,\"seconds\":%.1f,\"target_seconds\":60,"
      "\"ratio_to_target\":%.2f,\"statistics_equal_truth\":%s}}\n",
      calls.size(), events.size(), verdicts.size(), ingested + classified, (ingested + classified) / 60.0,
      differences == 0 ? "true" : "false");
  if (differences)
    std::cerr << "replay_bench: the year's statistics differ from the truth in " << differences << " figures\n";
  return differences == 0 ? 0 : 1;
}
