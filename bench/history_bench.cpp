// history_bench: the write cost of a telephony event as the callers' history grows (issue 14
// item 1), at the service layer (no HTTP), the way the events API writes them.
//
//   history_bench --database PATH [--history H] [--numbers K] [--calls N] [--concurrency C]
//   history_bench --database PATH --creations N [--concurrency C]
//
// A fresh database gets K numbers with H earlier calls each (K x H calls in all, every 3 hours
// back from now, answered, one in ten abandoned, one in ten a prank: never three strikes within
// a day), loaded in bulk through the store's writer (fsync off) so that the counters' triggers
// run. Then, durable (fsync per batch), N new calls from those numbers in turn, each written as
// the events API and a call taker write it: ringing, answered and ended through
// services::ingest_call_events (the ringing one answers with the caller's decision and history)
// and a classification through services::classify_call (every third a prank, which re-applies
// the prank policy; the others information or misdirected), C commands in flight. Prints one
// JSON line: commands per second and the process's CPU per command. Run it at H = 30, 300 and
// 3000 (bench/history.sh); benchmarks record, never assert.
//
// With --creations, the database is one `stats_bench generate` made (a city's incidents, its
// directory of 15 categories, 10 kecamatan and 12 agencies), opened as it is and kept: N
// incidents are created as POST /api/v1/incidents creates them (services::
// create_incident_detail_once: the incident, its dispatch to one agency, their events, the
// rollups, the detail read in the command), C in flight, durable. Run it on databases of 10,000,
// 100,000 and 1,000,000 incidents (bench/history.sh) for the creation's cost against history.
#include "core/id.hpp"
#include "core/time.hpp"
#include "services/call_service.hpp"
#include "services/idempotency.hpp"
#include "storage/store.hpp"

#include "in_flight.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace siaga;
using namespace std::chrono;

constexpr const char* jurisdiction = "j1";

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string arg(const std::vector<std::string>& args, const std::string& name, const std::string& fallback) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) return args[i + 1];
  }
  return fallback;
}

std::string number_of(std::size_t k) { return "+62812" + std::to_string(10000000 + k); }

// K numbers with H calls each, in commands of 2,000 calls.
int load_history(storage::store& store, std::size_t numbers, std::size_t history, core::timestamp now,
                  core::id_generator& ids) {
  const std::size_t total = numbers * history;
  for (std::size_t from = 0; from < total; from += 2000) {
    auto r = store.write([&](storage::store_txn& tx) -> core::result<void> {
      for (std::size_t i = from; i < std::min(total, from + 2000); ++i) {
        auto k = i % numbers;
        auto j = i / numbers;
        domain::call_record c;
        c.jurisdiction_id = jurisdiction;
        c.external_id = "old-" + std::to_string(i);
        c.state.caller = number_of(k);
        c.state.line = "112";
        auto ring = now - hours(3 * (j + 1)) - seconds(k);
        c.id = ids.next(ring);
        c.state.ring_at = c.created_at = c.updated_at = ring;
        c.state.ended_at = ring + 40s;
        if (j % 10 == 4) {
          c.state.outcome = domain::call_outcome::abandoned;
        } else {
          c.state.answered_at = ring + 5s;
          c.state.outcome = domain::call_outcome::answered;
          if (j % 10 == 7) c.classification = domain::call_class::prank;
          c.classified_source = c.classification ? std::optional(domain::classification_source::manual) : std::nullopt;
        }
        if (auto w = tx.insert_call(c); !w) return w;
      }
      return {};
    });
    if (!r) return std::cerr << "history: " << r.error().message << "\n", 1;
  }
  return 0;
}

// N incidents created in the existing database at path, one dispatch each; prints one JSON line.
int creation_cost(const std::string& path, std::size_t creations, std::size_t concurrency) {
  if (!std::filesystem::exists(path)) return std::cerr << "no database " << path << " (stats_bench generate)\n", 2;
  auto st = storage::open_sqlite({path});
  if (!st) return std::cerr << st.error().message << "\n", 1;
  auto& store = **st;
  core::system_clock clk;
  core::secure_random rnd;
  core::id_generator ids{rnd};
  services::context ctx{clk, ids, rnd};
  services::actor taker{"u1", jurisdiction, domain::role::call_taker, std::nullopt, "Petugas"};
  bench::in_flight flight(store, concurrency);
  auto cpu0 = cpu_seconds();
  auto t0 = steady_clock::now();
  for (std::size_t i = 0; i < creations; ++i) {
    flight.submit([&, i](storage::store_txn& tx) -> core::result<void> {
      services::new_incident in;
      in.category_id = "c" + std::to_string(i % 15);
      in.summary = "Pingsan di jalan";
      in.district_id = "d" + std::to_string(i % 10);
      in.agency_ids = std::vector<std::string>{"a" + std::to_string(i % 12)};
      auto r = services::create_incident_detail_once(tx, ctx, taker, in, {});
      if (!r) return r.error();
      return {};
    });
  }
  flight.wait_below(1);
  double secs = duration<double>(steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  store.close();
  std::printf("{\"step\":\"creation_cost\",\"database\":\"%s\",\"created\":%zu,\"concurrency\":%zu,"
              "\"seconds\":%.2f,\"creations_per_s\":%.0f,\"cpu_us_per_creation\":%.1f,\"errors\":%zu}\n",
              std::filesystem::path(path).filename().c_str(), creations, concurrency, secs,
              static_cast<double>(creations) / secs, cpu * 1e6 / static_cast<double>(creations), flight.errors());
  return flight.errors() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto path = arg(args, "--database", "");
  const auto history = static_cast<std::size_t>(std::stoull(arg(args, "--history", "30")));
  const auto numbers = static_cast<std::size_t>(std::stoull(arg(args, "--numbers", "100")));
  const auto calls = static_cast<std::size_t>(std::stoull(arg(args, "--calls", "2000")));
  const auto concurrency = static_cast<std::size_t>(std::stoull(arg(args, "--concurrency", "64")));
  if (path.empty()) return std::cerr << "usage: history_bench --database PATH [--history H | --creations N] ...\n", 2;
  if (auto creations = arg(args, "--creations", ""); !creations.empty()) {
    return creation_cost(path, static_cast<std::size_t>(std::stoull(creations)), concurrency);
  }
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

  core::system_clock clk;
  core::secure_random rnd;
  core::id_generator ids{rnd};
  const auto now = clk.now();
  {
    storage::sqlite_options bulk{path};
    bulk.synchronous_full = false;
    auto st = storage::open_sqlite(bulk);
    if (!st || !(*st)->migrate()) return std::cerr << "cannot open " << path << "\n", 1;
    auto dir = (*st)->write([](storage::store_txn& tx) {
      return tx.insert_jurisdiction({jurisdiction, "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
    });
    if (!dir) return std::cerr << dir.error().message << "\n", 1;
    auto t = steady_clock::now();
    if (load_history(**st, numbers, history, now - hours(1), ids) != 0) return 1;
    std::fprintf(stderr, "history: %zu calls in %.1f s\n", numbers * history,
                 duration<double>(steady_clock::now() - t).count());
    (*st)->close();
  }

  auto st = storage::open_sqlite({path});
  if (!st) return std::cerr << st.error().message << "\n", 1;
  auto& store = **st;
  services::context ctx{clk, ids, rnd};
  auto pbx = services::integration_actor(domain::api_key{"k1", jurisdiction, "PBX", "h", "sk112_x", "bench", now, {}});
  services::actor taker{"u1", jurisdiction, domain::role::call_taker, std::nullopt, "Petugas"};
  bench::in_flight flight(store, concurrency);
  auto submit = [&](storage::write_command c) { flight.submit(std::move(c)); };
  auto wait_below = [&](std::size_t n) { flight.wait_below(n); };
  auto event = [&](std::size_t i, domain::call_event_kind kind, core::timestamp at) {
    domain::call_event e;
    e.event_id = "e" + std::to_string(i) + "-" + std::string(domain::to_string(kind));
    e.call_id = "new-" + std::to_string(i);
    e.kind = kind;
    e.at = at;
    e.caller = number_of(i % numbers);
    e.line = "112";
    if (kind == domain::call_event_kind::answered) e.agent = "ext20" + std::to_string(i % 8);
    if (kind == domain::call_event_kind::ended) e.reason = domain::end_reason::completed;
    return e;
  };

  auto cpu0 = cpu_seconds();
  auto t0 = steady_clock::now();
  for (std::size_t i = 0; i < calls; ++i) {
    auto ring = now + milliseconds(10 * i);
    for (auto [kind, after] : {std::pair{domain::call_event_kind::ringing, 0ms},
                               std::pair{domain::call_event_kind::answered, 4ms},
                               std::pair{domain::call_event_kind::ended, 8ms}}) {
      submit([&, e = event(i, kind, ring + after)](storage::store_txn& tx) -> core::result<void> {
        auto r = services::ingest_call_events(tx, ctx, pbx, {e});
        if (!r) return r.error();
        return {};
      });
    }
    submit([&, i](storage::store_txn& tx) -> core::result<void> {
      auto c = tx.find_call_by_external(jurisdiction, "new-" + std::to_string(i));
      if (!c) return c.error();
      if (!*c) return core::not_found("call new-" + std::to_string(i));
      services::classification_input in;
      in.classification = i % 3 == 0   ? domain::call_class::prank
                           : i % 3 == 1 ? domain::call_class::information
                                        : domain::call_class::misdirected;
      auto r = services::classify_call(tx, ctx, taker, (*c)->id, in);
      if (!r) return r.error();
      return {};
    });
  }
  wait_below(1);
  double secs = duration<double>(steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  store.close();
  const auto commands = calls * 4;
  std::printf("{\"step\":\"history_cost\",\"history_per_number\":%zu,\"numbers\":%zu,\"calls_in_db\":%zu,"
              "\"commands\":%zu,\"concurrency\":%zu,\"seconds\":%.2f,\"commands_per_s\":%.0f,"
              "\"cpu_us_per_command\":%.1f,\"errors\":%zu}\n",
              history, numbers, numbers * history, commands, concurrency, secs,
              static_cast<double>(commands) / secs, cpu * 1e6 / static_cast<double>(commands), flight.errors());
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return flight.errors() == 0 ? 0 : 1;
}
