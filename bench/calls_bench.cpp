// calls_bench: telephony events ingested per second through POST /api/v1/telephony/events.
//
//   calls_bench --port P --api-key K [--events N] [--clients C] [--batch B] [--rate R] [--seed S]
//
// Generates realistic calls (siaga simulate's generator) with N events in all, ringing over the
// two days before now, and sends them over C keep-alive connections, B events per request (1:
// one event per request, as a live bridge sends them): as fast as the server answers (closed
// loop), or with --rate at R requests per second in all (open loop; latency is measured from
// when each request was due, so that queueing in the server is not hidden). Events go out in time order but the
// connections interleave them, so calls are folded from events arriving in any order. Prints one line of JSON: events
// per second, requests per second, and request latency percentiles.
#include "app/simulate.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace siaga;
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

// Nearest rank, as the server's statistics.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  auto f = parse_flags(argc, argv);
  const std::string host = "127.0.0.1";
  const std::string port = flag(f, "--port", "8112");
  const std::string key = flag(f, "--api-key", "");
  const auto wanted = std::stoul(flag(f, "--events", "20000"));
  const auto clients = std::stoul(flag(f, "--clients", "16"));
  const auto batch = std::max<std::size_t>(1, std::stoul(flag(f, "--batch", "1")));
  const double rate = std::stod(flag(f, "--rate", "0"));
  if (key.empty()) {
    std::cerr << "calls_bench: --api-key is required\n";
    return 2;
  }

  // About 4.3 events per call: rate the generator so that two days hold the events wanted.
  app::simulation_params p;
  p.duration = std::chrono::hours{48};
  p.start = core::system_clock{}.now() - std::chrono::hours{50};
  p.calls_per_hour = static_cast<double>(wanted) / 4.3 / 48.0 / 0.75;
  p.seed = std::stoull(flag(f, "--seed", "7"));
  auto calls = app::generate_calls(p);
  auto events = app::delivery_order(calls, 0.0, 0, p.seed);
  if (events.size() > wanted) events.resize(wanted);
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < events.size(); i += batch) {
    if (batch == 1) {
      bodies.push_back(json::serialize(app::telephony_event_json(events[i])));
      continue;
    }
    json::array a;
    for (std::size_t j = i; j < std::min(events.size(), i + batch); ++j)
      a.push_back(app::telephony_event_json(events[j]));
    bodies.push_back(json::serialize(json::object{{"events", std::move(a)}}));
  }

  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> ok{0};
  std::atomic<std::size_t> errors{0};
  std::mutex mu;
  std::vector<double> latencies;
  latencies.reserve(bodies.size());
  auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      asio::io_context io;
      asio::ip::tcp::socket socket{io};
      asio::ip::tcp::resolver resolver{io};
      boost::system::error_code ec;
      asio::connect(socket, resolver.resolve(host, port), ec);
      if (ec) {
        ++errors;
        return;
      }
      boost::beast::flat_buffer buffer;
      std::vector<double> mine;
      for (;;) {
        auto i = next.fetch_add(1);
        if (i >= bodies.size()) break;
        http::request<http::string_body> req{http::verb::post, "/api/v1/telephony/events", 11};
        req.set(http::field::host, host);
        req.set(http::field::content_type, "application/json");
        req.set("X-Api-Key", key);
        req.body() = bodies[i];
        req.prepare_payload();
        req.keep_alive(true);
        auto sent = clock_type::now();
        if (rate > 0) {
          sent = start + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>(static_cast<double>(i) / rate));
          std::this_thread::sleep_until(sent);
        }
        http::write(socket, req, ec);
        http::response<http::string_body> res;
        if (!ec) http::read(socket, buffer, res, ec);
        mine.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - sent).count());
        if (ec || res.result_int() != 200) {
          if (errors++ == 0) std::cerr << "first error: " << (ec ? ec.message() : res.body().substr(0, 300)) << "\n";
          if (ec) break;
        } else {
          ++ok;
        }
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  // Every request carries `batch` events but the last; after an error the count is an estimate.
  std::size_t events_ok = errors == 0 ? events.size() : ok.load() * batch;
  std::printf(
      "{\"bench\":\"telephony_events_b%zu_c%zu%s\",\"events\":%zu,\"requests_ok\":%zu,\"errors\":%zu,\"seconds\":%.3f,"
      "\"events_per_second\":%.0f,\"requests_per_second\":%.0f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"max_ms\":%.3f}\n",
      batch, clients, rate > 0 ? ("_rate" + std::to_string(static_cast<int>(rate))).c_str() : "", events_ok, ok.load(),
      errors.load(), seconds, static_cast<double>(events_ok) / seconds, static_cast<double>(ok.load()) / seconds,
      percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
      latencies.empty() ? 0.0 : latencies.back());
  return errors == 0 ? 0 : 1;
}
