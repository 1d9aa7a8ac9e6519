// siaga_bench: the load client and store benchmark behind docs/benchmarks.md.
//
//   siaga_bench store --database PATH [--commands N] [--concurrency C]
//   siaga_bench store --postgres CONNINFO [--commands N] [--concurrency C]
//       durable batched inserts straight into the store (the storage ceiling); with --postgres
//       into the PostgreSQL store on that database, which must be empty (it is migrated and
//       its jurisdiction j1 written, so a second run needs a new database)
//   siaga_bench http --port P --path PATH [--method GET|POST] [--body JSON] [--token T]
//                    [--clients C] [--requests N | --rate R --seconds S]
//       closed loop (each client sends as soon as it got its answer) or open loop at a fixed
//       total rate R; latency is measured from the moment a request was due, so a slow server
//       cannot hide its queueing (no coordinated omission).
//   siaga_bench stream --port P --token T --body JSON [--clients 1000] [--incidents N]
//                      [--rate R] [--threads 1] [--server-pid PID] [--write-port P2]
//                      [--watch-token T2]   (the WebSockets sign in with T2, the creations with T)
//       stream fan-out: opens the clients' WebSockets to GET /api/v1/stream (Bearer token of a
//       dispatcher, who sees every event), waits until all have their hello and the stream is
//       quiet, then creates N incidents with POST /api/v1/incidents at R per second from one
//       keep-alive connection and notes when each incident.created frame arrived at each
//       client (the kernel's receive time, SO_TIMESTAMPNS) and when the client read it.
//       --threads reader threads (epoll) share the clients. Latency of every (incident,
//       client) pair from three instants, all on the machine's wall clock (server and client
//       share it): the event's `at` (microseconds, taken in the writer thread inside the
//       transaction, before its COMMIT and fsync: so an upper bound of commit -> arrival), the
//       moment the POST was sent, and the moment its 201 was read (the answer and the events
//       leave after the same commit, so this one can be negative). Also the other events of
//       the incidents (status and dispatch), the CPU the server and the bench used, and with
//       --server-pid the server's VmRSS before and after connecting and at the end. Exits 1
//       when a client missed an event, lost its connection or could not connect.
//       --write-port: the incidents are created on another node (on one PostgreSQL database)
//       than the one the clients listen to, for the stream's lag across nodes.
//
// Prints one line of JSON with throughput and latency percentiles.
#include "bench_common.hpp"
#include "core/id.hpp"
#include "core/time.hpp"
#include "services/incident_service.hpp"
#include "storage/store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using namespace siaga;
using namespace siaga::bench;

namespace {

flags parse_flags(int argc, char** argv, int first) {
  flags out;
  for (int i = first; i + 1 < argc; i += 2) out[argv[i]] = argv[i + 1];
  return out;
}

void print_result(const std::string& what, std::size_t done, std::size_t errors, double seconds,
                  std::vector<double> latencies_ms) {
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf(
      "{\"bench\":\"%s\",\"ok\":%zu,\"errors\":%zu,\"seconds\":%.3f,\"per_second\":%.0f,"
      "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
      what.c_str(), done, errors, seconds, static_cast<double>(done) / seconds, percentile(latencies_ms, 50),
      percentile(latencies_ms, 90), percentile(latencies_ms, 99), latencies_ms.empty() ? 0.0 : latencies_ms.back());
}

// ---------- store ceiling ----------

int bench_store(const std::map<std::string, std::string>& f) {
  auto path = flag(f, "--database", "/tmp/siaga-bench-store.db");
  auto postgres = flag(f, "--postgres", "");
  auto commands = std::stoul(flag(f, "--commands", "100000"));
  auto concurrency = std::stoul(flag(f, "--concurrency", "64"));
  core::result<std::unique_ptr<storage::store>> st = core::make_error(core::errc::internal, "not opened");
  if (postgres.empty()) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    st = storage::open_sqlite({path});
  } else {
    path = "postgres";
    st = storage::open_postgres({.conninfo = postgres});
  }
  if (!st) {
    std::cerr << "cannot open " << path << ": " << st.error().message << "\n";
    return 1;
  }
  if (auto m = (*st)->migrate(); !m) {
    std::cerr << "cannot migrate " << path << ": " << m.error().message << "\n";
    return 1;
  }
  auto& store = **st;
  core::system_clock clk;
  core::secure_random rnd;
  core::id_generator ids{rnd};
  auto j = store.write([&](storage::store_txn& tx) -> core::result<void> {
    if (auto r = tx.insert_jurisdiction({"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB"}); !r) return r;
    domain::category c;
    c.id = "c1";
    c.jurisdiction_id = "j1";
    c.code = "fire";
    c.name_id = "Kebakaran";
    return tx.upsert_category(c);
  });
  if (!j) return 1;

  // Each command writes what an incident creation writes at the least: the daily counter, the
  // incident row and its event, so the figure is the ceiling for the HTTP path.
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> errors{0};
  std::atomic<std::size_t> in_flight{0};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> latencies(commands);
  auto start = clock_type::now();
  for (std::size_t i = 0; i < commands; ++i) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < concurrency; });
      ++in_flight;
    }
    auto sent = clock_type::now();
    store.submit(
        [&, i](storage::store_txn& tx) -> core::result<void> {
          auto now = clk.now();
          auto seq = tx.next_counter("j1", "incident:bench");
          if (!seq) return seq.error();
          domain::incident inc;
          inc.id = ids.next(now);
          inc.jurisdiction_id = "j1";
          inc.number = "AMB-BENCH-" + std::to_string(*seq);
          inc.category_id = "c1";
          inc.summary = "Kebakaran rumah";
          inc.created_by = "bench";
          inc.created_at = inc.updated_at = now;
          if (auto r = tx.insert_incident(inc); !r) return r;
          domain::event e;
          e.id = ids.next(now);
          e.jurisdiction_id = "j1";
          e.subject = domain::subject_kind::incident;
          e.subject_id = inc.id;
          e.incident_id = inc.id;
          e.kind = "incident.created";
          e.actor_id = "bench";
          e.at = now;
          e.payload_json = "{\"number\":\"" + inc.number + "\"}";
          auto appended = tx.append_event(std::move(e));
          if (!appended) return appended.error();
          return {};
        },
        [&, i, sent](core::result<void> r) {
          latencies[i] = std::chrono::duration<double, std::milli>(clock_type::now() - sent).count();
          if (r) {
            ++done;
          } else {
            if (errors++ == 0) std::cerr << "first error: " << r.error().message << "\n";
          }
          std::lock_guard lock(mu);
          --in_flight;
          cv.notify_one();
        });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  store.close();
  print_result(
      std::string(postgres.empty() ? "store_insert_c" : "store_insert_postgres_c") + std::to_string(concurrency), done,
      errors, seconds, latencies);
  return errors == 0 ? 0 : 1;
}

// ---------- HTTP load ----------

struct http_load {
  std::string host = "127.0.0.1";
  std::string port;
  http::verb method = http::verb::get;
  std::string target;
  std::string body;
  std::string token;
  std::size_t clients = 1;
  std::size_t requests = 0;  // closed loop: total requests
  double rate = 0;           // open loop: requests per second in total
  double seconds = 0;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> ok{0};
  std::atomic<std::size_t> errors{0};
  std::mutex mu;
  std::vector<double> latencies;
  clock_type::time_point start;
};

asio::awaitable<void> client_loop(http_load& load, std::size_t index) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  asio::ip::tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(load.host, load.port, use_tuple);
  if (rec) co_return;
  auto [cec, ep] = co_await stream.async_connect(endpoints, use_tuple);
  if (cec) {
    ++load.errors;
    co_return;
  }
  beast::flat_buffer buffer;
  std::vector<double> mine;
  asio::steady_timer timer(ex);
  std::size_t k = 0;
  for (;;) {
    clock_type::time_point due;
    if (load.rate > 0) {
      // Open loop: this client's k-th request is due at a fixed time from the start.
      double interval = static_cast<double>(load.clients) / load.rate;
      double at = (static_cast<double>(k) + static_cast<double>(index) / static_cast<double>(load.clients)) * interval;
      if (at >= load.seconds) break;
      due = load.start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(at));
      timer.expires_at(due);
      co_await timer.async_wait(use_tuple);
      ++k;
    } else {
      if (load.next++ >= load.requests) break;
      due = clock_type::now();
    }
    http::request<http::string_body> req{load.method, load.target, 11};
    req.set(http::field::host, load.host);
    if (!load.token.empty()) req.set(http::field::authorization, "Bearer " + load.token);
    if (!load.body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = load.body;
    }
    req.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
    http::response<http::string_body> res;
    beast::error_code rec2;
    if (!wec) {
      auto [r, rn] = co_await http::async_read(stream, buffer, res, use_tuple);
      rec2 = r;
    }
    if (wec || rec2) {
      ++load.errors;
      break;
    }
    mine.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - due).count());
    if (res.result_int() / 100 == 2) {
      ++load.ok;
    } else if (load.errors++ == 0) {
      std::cerr << "first error: " << res.result_int() << " " << res.body() << "\n";
    }
  }
  std::lock_guard lock(load.mu);
  load.latencies.insert(load.latencies.end(), mine.begin(), mine.end());
}

int bench_http(const std::map<std::string, std::string>& f) {
  http_load load;
  load.port = flag(f, "--port", "8112");
  load.target = flag(f, "--path", "/api/v1/health");
  load.method = http::string_to_verb(flag(f, "--method", "GET"));
  load.body = flag(f, "--body", "");
  load.token = flag(f, "--token", "");
  load.clients = std::stoul(flag(f, "--clients", "1"));
  load.requests = std::stoul(flag(f, "--requests", "10000"));
  load.rate = std::stod(flag(f, "--rate", "0"));
  load.seconds = std::stod(flag(f, "--seconds", "10"));
  asio::io_context io{1};
  load.start = clock_type::now() + std::chrono::milliseconds(100);
  for (std::size_t i = 0; i < load.clients; ++i) asio::co_spawn(io, client_loop(load, i), asio::detached);
  auto t0 = clock_type::now();
  io.run();
  double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  if (load.rate > 0) seconds = std::chrono::duration<double>(clock_type::now() - load.start).count();
  std::string name = flag(f, "--name", std::string(http::to_string(load.method)) + " " + load.target);
  print_result(name + " c" + std::to_string(load.clients), load.ok, load.errors, seconds, load.latencies);
  return load.errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: siaga_bench store|http|stream [flags]\n";
    return 2;
  }
  auto flags = parse_flags(argc, argv, 2);
  std::string what = argv[1];
  if (what == "store") return bench_store(flags);
  if (what == "http") return bench_http(flags);
  if (what == "stream") return bench_stream(flags);
  std::cerr << "unknown benchmark " << what << "\n";
  return 2;
}
