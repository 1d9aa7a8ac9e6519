// stats_bench: the statistics benchmark behind docs/benchmarks.md (issue 10).
//
//   stats_bench generate --database PATH [--incidents N] [--years Y] [--seed S]
//       a city's history through the store's writer (so the rollup triggers run): N incidents
//       over Y years ending 2025-12-31 (local time, Asia/Jayapura) in 15 categories (the three
//       complaint ones with a limit of 2 working days to acknowledge), 10 kecamatan of 6 villages
//       and 12 agencies, each with its accepted report, 40 % with a rejected one beside it
//       (prank, silent, misdirected), 1 to 3 dispatches with log-normal step times, 3 % declined,
//       and about 3 calls per incident: the valid call of a report taken by phone (80 %), linked
//       to it (so a follow-up: its incident was dispatched), and 2 others, mostly unanswered,
//       silent or pranks; answer times exponential (mean 9 s) in milliseconds, 24 agents, two
//       lines. --calls-per-incident 0 leaves the calls out; --call-years K writes them for the
//       last K years only (the years the call queries read). Bulk load: fsync off, 2,000
//       incidents per command.
//   stats_bench query --database PATH [--warm N] [--only NAME,...]
//       each statistics query of the API's service layer (no HTTP) once on a freshly opened
//       store (cold: SQLite's cache empty; the OS's file cache as it is) and N more times
//       (warm: the median and the slowest); one JSON line per query. --only runs the queries
//       whose names start with one of the given prefixes (e.g. calls_,summary,ministry).
//   stats_bench write-cost --database PATH [--commands N] [--concurrency C] [--calls]
//       the rollups' cost on a write: the same incident-creation command (counter, incident,
//       report, event, one dispatch acknowledged in a second command) on two fresh databases,
//       one keeping the rollups and one not (sqlite_options::keep_rollups), durable (fsync per
//       batch), twice each, alternating; prints the throughput and the process CPU per
//       incident of each. With --calls, the command is a telephony event instead: N calls each
//       written as 4 events (ringing, answered, ended, classified), so the cost the call
//       rollups add per event.
#include "core/id.hpp"
#include "core/time.hpp"
#include "services/call_stats.hpp"
#include "services/ministry_report.hpp"
#include "services/public_stats.hpp"
#include "services/stats_service.hpp"
#include "storage/store.hpp"

#include "in_flight.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace siaga;
using namespace std::chrono;
using clock_type = steady_clock;

constexpr const char* jurisdiction = "j1";
constexpr int offset_minutes = 540;
constexpr int villages_per_district = 6;

std::string arg(const std::vector<std::string>& args, const std::string& name, std::string fallback) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) return args[i + 1];
  }
  return fallback;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The directory of the benchmark city: 15 categories with their SLA, 10 kecamatan, 12 agencies.
core::result<void> write_directory(storage::store_txn& tx) {
  if (auto r = tx.insert_jurisdiction({jurisdiction, "81.71", "Kota Bench", "Asia/Jayapura", "BCH"}); !r) return r;
  for (int d = 0; d < 10; ++d) {
    domain::district x;
    x.id = "d" + std::to_string(d);
    x.jurisdiction_id = jurisdiction;
    x.code = "81.71.0" + std::to_string(d);
    x.name = "Kecamatan " + std::to_string(d);
    if (auto r = tx.insert_district(x); !r) return r;
    for (int v = 0; v < villages_per_district; ++v) {
      domain::village y;
      y.id = "v" + std::to_string(d * villages_per_district + v);
      y.jurisdiction_id = jurisdiction;
      y.district_id = x.id;
      y.code = x.code + ".100" + std::to_string(v);
      y.name = "Kelurahan " + y.id;
      if (auto r = tx.insert_village(y); !r) return r;
    }
  }
  for (int a = 0; a < 12; ++a) {
    domain::agency x;
    x.id = "a" + std::to_string(a);
    x.jurisdiction_id = jurisdiction;
    x.code = "AG" + std::to_string(a);
    x.name = "Dinas " + std::to_string(a);
    if (auto r = tx.upsert_agency(x); !r) return r;
  }
  for (int c = 0; c < 15; ++c) {
    domain::category x;
    x.id = "c" + std::to_string(c);
    x.jurisdiction_id = jurisdiction;
    x.code = "cat" + std::to_string(c);
    x.name_id = "Kategori " + std::to_string(c);
    x.name_en = "Category " + std::to_string(c);
    x.urgency_class = c < 8 ? domain::urgency::emergency : c < 12 ? domain::urgency::urgent : domain::urgency::complaint;
    x.sla.acknowledge_within_s = c < 8 ? 60 : 0;
    x.sla.on_scene_within_s = c < 8 ? 900 : 0;
    // Complaints: acknowledged within 2 working days (the LAPOR-style clock).
    x.sla.acknowledge_within_days = c >= 12 ? 2 : 0;
    if (auto r = tx.upsert_category(x); !r) return r;
  }
  return {};
}

int generate(const std::vector<std::string>& args) {
  auto path = arg(args, "--database", "");
  std::int64_t total = std::stoll(arg(args, "--incidents", "10000000"));
  bool with_calls = arg(args, "--calls-per-incident", "3") != "0";
  auto years = std::stoi(arg(args, "--years", "5"));
  auto call_years = std::stoi(arg(args, "--call-years", std::to_string(years)));
  std::mt19937_64 rng(std::stoull(arg(args, "--seed", "112")));
  if (path.empty()) return std::cerr << "generate needs --database\n", 2;
  std::filesystem::remove(path);
  auto st = storage::open_sqlite({.path = path, .max_batch = 512, .synchronous_full = false});
  if (!st) return std::cerr << st.error().message << "\n", 1;
  auto& store = **st;
  if (auto m = store.migrate(); !m) return std::cerr << m.error().message << "\n", 1;
  if (auto r = store.write(write_directory); !r) return std::cerr << r.error().message << "\n", 1;

  core::secure_random rnd;
  core::id_generator ids{rnd};
  // Local 2026-01-01 00:00 minus the years, spread evenly.
  auto end = sys_days{year{2026} / 1 / 1} - minutes(offset_minutes);
  auto start = end - days(365 * years + years / 4);
  auto step = duration_cast<microseconds>(end - start) / total;
  core::timestamp calls_from = time_point_cast<microseconds>(end - days(365 * call_years + call_years / 4));
  std::discrete_distribution<int> category({22, 14, 10, 8, 7, 6, 5, 4, 6, 5, 4, 3, 3, 2, 1});
  std::discrete_distribution<int> district({18, 15, 13, 11, 10, 9, 8, 7, 5, 4});
  std::uniform_real_distribution<double> unit(0, 1);
  std::exponential_distribution<double> wait(1.0 / 9.0);
  std::lognormal_distribution<double> ack(std::log(45.0), 0.8), drive(std::log(420.0), 0.6), work(std::log(2400.0), 0.7);
  auto started = clock_type::now();
  std::int64_t made = 0, reports = 0, dispatches = 0, calls = 0;
  // One call: rang at ring, answered after a wait (nullopt: not answered), classified.
  auto write_call = [&](storage::store_txn& tx, core::timestamp ring, std::optional<domain::call_outcome> outcome,
                        std::optional<domain::call_class> cls, const std::optional<std::string>& report_id) {
    domain::call_record c;
    c.id = ids.next(ring);
    c.jurisdiction_id = jurisdiction;
    c.external_id = "pbx-" + std::to_string(calls++);
    c.state.caller = "+62811" + std::to_string(10000000 + rng() % 90000000);
    c.state.line = unit(rng) < 0.9 ? "112" : "110";
    c.state.ring_at = ring;
    c.state.outcome = outcome;
    if (outcome == domain::call_outcome::answered) {
      c.state.answered_at = ring + milliseconds(std::max<std::int64_t>(800, std::llround(wait(rng) * 1000)));
      c.state.answered_by = "ext" + std::to_string(rng() % 24);
      c.state.ended_at = *c.state.answered_at + seconds(30 + rng() % 300);
      c.classification = cls;
    } else {
      c.state.ended_at = ring + seconds(5 + rng() % 40);
    }
    c.report_id = report_id;
    c.created_at = c.updated_at = ring;
    return tx.insert_call(c);
  };
  constexpr std::int64_t per_command = 2000;
  while (made < total) {
    auto n = std::min(per_command, total - made);
    auto r = store.write([&](storage::store_txn& tx) -> core::result<void> {
      for (std::int64_t k = 0; k < n; ++k) {
        auto number = made + k;
        core::timestamp at = time_point_cast<microseconds>(start) + step * number;
        int c = category(rng);
        domain::incident inc;
        inc.id = ids.next(at);
        inc.jurisdiction_id = jurisdiction;
        inc.number = "BCH-" + std::to_string(number);
        inc.category_id = "c" + std::to_string(c);
        inc.urgency_class = c < 8 ? domain::urgency::emergency : c < 12 ? domain::urgency::urgent : domain::urgency::complaint;
        double s = unit(rng);
        inc.status = s < 0.85 ? domain::incident_status::closed
                     : s < 0.90 ? domain::incident_status::resolved
                     : s < 0.95 ? domain::incident_status::cancelled
                                : domain::incident_status::in_progress;
        if (unit(rng) < 0.95) {
          int d = district(rng);
          inc.district_id = "d" + std::to_string(d);
          inc.village_id = "v" + std::to_string(d * villages_per_district + static_cast<int>(rng() % villages_per_district));
        }
        inc.summary = "Kejadian " + std::to_string(number);
        inc.created_by = "u" + std::to_string(number % 24);
        inc.created_at = inc.updated_at = at;
        inc.first_dispatched_at = at + seconds(20);  // every incident below gets a dispatch
        if (auto w = tx.insert_incident(inc); !w) return w;
        domain::report rep;
        rep.id = ids.next(at);
        rep.jurisdiction_id = jurisdiction;
        rep.tracking_code = "T" + std::to_string(reports++);
        rep.source = unit(rng) < 0.8 ? domain::channel::call : domain::channel::whatsapp;
        rep.status = domain::report_status::accepted;
        rep.category_id = inc.category_id;
        rep.district_id = inc.district_id;
        rep.incident_id = inc.id;
        rep.created_by = inc.created_by;
        rep.created_at = rep.updated_at = at;
        if (auto w = tx.insert_report(rep); !w) return w;
        if (with_calls && at >= calls_from) {
          if (rep.source == domain::channel::call) {
            if (auto w = write_call(tx, at - seconds(90), domain::call_outcome::answered, domain::call_class::valid,
                                    rep.id);
                !w) {
              return w;
            }
          }
          for (int k = 0; k < 2; ++k) {
            double kind = unit(rng);
            auto ring = at - seconds(rng() % 3600);
            auto answered = domain::call_outcome::answered;
            auto w = kind < 0.30   ? write_call(tx, ring, domain::call_outcome::missed, std::nullopt, std::nullopt)
                     : kind < 0.40 ? write_call(tx, ring, domain::call_outcome::abandoned, std::nullopt, std::nullopt)
                     : kind < 0.70 ? write_call(tx, ring, answered, domain::call_class::ghost, std::nullopt)
                     : kind < 0.90 ? write_call(tx, ring, answered, domain::call_class::prank, std::nullopt)
                     : kind < 0.96 ? write_call(tx, ring, answered, domain::call_class::information, std::nullopt)
                                   : write_call(tx, ring, answered, domain::call_class::misdirected, std::nullopt);
            if (!w) return w;
          }
        }
        if (unit(rng) < 0.4) {
          rep.id = ids.next(at);
          rep.tracking_code = "T" + std::to_string(reports++);
          rep.status = domain::report_status::rejected;
          double why = unit(rng);
          rep.rejection = why < 0.6 ? domain::reject_reason::prank
                          : why < 0.9 ? domain::reject_reason::ghost
                                      : domain::reject_reason::misdirected;
          rep.category_id.reset();
          rep.district_id.reset();
          rep.incident_id.reset();
          if (auto w = tx.insert_report(rep); !w) return w;
        }
        int agencies = 1 + (unit(rng) < 0.3) + (unit(rng) < 0.1);
        for (int a = 0; a < agencies; ++a) {
          domain::dispatch d;
          d.id = ids.next(at);
          d.jurisdiction_id = jurisdiction;
          d.incident_id = inc.id;
          d.agency_id = "a" + std::to_string((c + a * 5) % 12);
          d.notified_at = d.updated_at = at + seconds(20 + static_cast<int>(unit(rng) * 60));
          if (unit(rng) < 0.03) {
            d.status = domain::dispatch_status::declined;
            d.declined_at = d.notified_at + seconds(30);
          } else {
            auto t = d.notified_at + seconds(static_cast<std::int64_t>(ack(rng)));
            d.acknowledged_at = t;
            d.status = domain::dispatch_status::acknowledged;
            if (unit(rng) < 0.85) {
              d.en_route_at = t = t + seconds(30);
              t += seconds(static_cast<std::int64_t>(drive(rng)));
              d.on_scene_at = t;
              d.status = domain::dispatch_status::on_scene;
              if (unit(rng) < 0.95) {
                d.completed_at = t + seconds(static_cast<std::int64_t>(work(rng)));
                d.status = domain::dispatch_status::completed;
              }
            }
          }
          if (auto w = tx.insert_dispatch(d); !w) return w;
          ++dispatches;
        }
      }
      return {};
    });
    if (!r) return std::cerr << r.error().message << "\n", 1;
    made += n;
    if (made % 200000 == 0 || made == total) {
      std::fprintf(stderr, "\r%lld / %lld incidents, %.0f s", static_cast<long long>(made),
                   static_cast<long long>(total), duration<double>(clock_type::now() - started).count());
    }
  }
  double secs = duration<double>(clock_type::now() - started).count();
  store.close();
  std::fprintf(stderr, "\n");
  std::printf("{\"step\":\"generate\",\"incidents\":%lld,\"reports\":%lld,\"dispatches\":%lld,\"calls\":%lld,"
              "\"seconds\":%.1f,\"database_bytes\":%llu}\n",
              static_cast<long long>(total), static_cast<long long>(reports), static_cast<long long>(dispatches),
              static_cast<long long>(calls), secs,
              static_cast<unsigned long long>(std::filesystem::file_size(path)));
  return 0;
}

struct query_case {
  const char* name;
  services::stats_subject subject;
  const char* from;
  const char* to;
  const char* group;
};

// The call statistics of GET /stats/calls (services::call_stats, from the call rollups), and
// the same figures computed from the rows as before the rollups ("rows:"), for comparison.
// Whether --only (prefixes, empty: all) asks for the query of this name.
bool wanted(const std::vector<std::string>& only, std::string_view name) {
  return only.empty() || std::any_of(only.begin(), only.end(), [&](const auto& p) { return name.starts_with(p); });
}

int query_calls(const std::string& path, int warm, const std::vector<std::string>& only) {
  struct call_case {
    const char* name;
    const char* from;
    const char* to;
    services::stats_group group;
    bool rows;
  };
  const call_case cases[] = {
      {"calls_year_by_month", "2025-01-01T00:00:00+09:00", "2026-01-01T00:00:00+09:00", services::stats_group::month, false},
      {"calls_year_by_agent", "2025-01-01T00:00:00+09:00", "2026-01-01T00:00:00+09:00", services::stats_group::agent, false},
      {"calls_year_by_day", "2025-01-01T00:00:00+09:00", "2026-01-01T00:00:00+09:00", services::stats_group::day, false},
      {"calls_year_by_hour", "2025-01-01T00:00:00+09:00", "2026-01-01T00:00:00+09:00", services::stats_group::hour, false},
      {"calls_month_by_hour", "2025-06-01T00:00:00+09:00", "2025-07-01T00:00:00+09:00", services::stats_group::hour, false},
      {"calls_cut_period_by_agent", "2025-03-14T10:17:00+09:00", "2025-09-02T18:45:30+09:00", services::stats_group::agent,
       false},
      {"rows:calls_year_by_month", "2025-01-01T00:00:00+09:00", "2026-01-01T00:00:00+09:00", services::stats_group::month,
       true},
      {"rows:calls_month_by_day", "2025-06-01T00:00:00+09:00", "2025-07-01T00:00:00+09:00", services::stats_group::day, true},
  };
  for (const auto& qc : cases) {
    if (!wanted(only, qc.name)) continue;
    auto st = storage::open_sqlite({path});
    if (!st) return std::cerr << st.error().message << "\n", 1;
    auto from = core::parse_iso8601(qc.from).value();
    auto to = core::parse_iso8601(qc.to).value();
    std::int64_t answer = 0;
    std::size_t groups = 0;
    auto run = [&] {
      auto t = clock_type::now();
      services::call_stats_report r;
      if (qc.rows) {
        auto rows = (*st)->reader().calls_between(jurisdiction, from, to);
        if (!rows) throw std::runtime_error(rows.error().message);
        r = services::compute_call_stats(*rows, qc.group, offset_minutes);
      } else {
        auto got = services::call_stats((*st)->reader(), jurisdiction, from, to, qc.group);
        if (!got) throw std::runtime_error(got.error().message);
        r = std::move(*got);
      }
      answer = r.total.total;
      groups = r.groups.size();
      return duration<double, std::milli>(clock_type::now() - t).count();
    };
    double cold = run();
    std::vector<double> w;
    for (int i = 0; i < (qc.rows ? std::min(warm, 2) : warm); ++i) w.push_back(run());
    std::sort(w.begin(), w.end());
    (*st)->close();
    std::printf("{\"query\":\"%s\",\"group\":\"%s\",\"counted\":%lld,\"groups\":%zu,\"cold_ms\":%.2f,"
                "\"warm_median_ms\":%.2f,\"warm_max_ms\":%.2f}\n",
                qc.name, std::string(services::to_string(qc.group)).c_str(), static_cast<long long>(answer), groups, cold,
                w.empty() ? 0 : w[w.size() / 2], w.empty() ? 0 : w.back());
  }
  return 0;
}

// One query run once cold and warm more times: milliseconds, the warm ones sorted.
struct timings {
  double cold = 0;
  std::vector<double> warm;
  double median() const { return warm.empty() ? 0 : warm[warm.size() / 2]; }
  double max() const { return warm.empty() ? 0 : warm.back(); }
};

timings time_runs(const std::function<double()>& run, int warm) {
  timings t{run(), {}};
  for (int i = 0; i < warm; ++i) t.warm.push_back(run());
  std::sort(t.warm.begin(), t.warm.end());
  return t;
}

// The answers built from several statistics at once: the summary of a month and of a year
// (the leader's first screen and its "Unduh" export), the ministry's monthly figures with the
// staffing per shift, and the public transparency page's year.
int query_reports(const std::string& path, int warm, const std::vector<std::string>& only) {
  struct report_case {
    const char* name;
    const char* from;
    const char* to;
  };
  const report_case cases[] = {
      {"summary_month", "2025-06-01", "2025-06-30"},
      {"summary_year", "2025-01-01", "2025-12-31"},
      {"ministry_month", "2025-06-01", "2025-06-30"},
      {"ministry_calls_per_shift", "2025-06-01", "2025-06-30"},
      {"public_year", "2025-01-01", "2025-12-31"},
  };
  services::actor who;
  who.user_id = "bench";
  who.jurisdiction_id = jurisdiction;
  who.role = domain::role::leader;
  auto now = core::timestamp(sys_days{year{2026} / 1 / 1} - minutes(offset_minutes));
  for (const auto& qc : cases) {
    if (!wanted(only, qc.name)) continue;
    auto st = storage::open_sqlite({path});
    if (!st) return std::cerr << st.error().message << "\n", 1;
    auto req = services::parse_stats_request(services::stats_subject::incidents, std::string(qc.from),
                                             std::string(qc.to), std::nullopt, domain::local_date(year{2026} / 1 / 1));
    if (!req) return std::cerr << qc.name << ": " << req.error().message << "\n", 1;
    std::int64_t answer = 0;
    std::string which = qc.name;
    auto run = [&] {
      auto t = clock_type::now();
      if (which.starts_with("summary")) {
        auto r = services::summary_stats((*st)->reader(), who, *req);
        if (!r) throw std::runtime_error(r.error().message);
        answer = r->incidents;
      } else if (which == "ministry_calls_per_shift") {
        // The staffing's calls alone: answered per shift and agent, from the call rollups.
        auto from = domain::start_of_day(req->from, offset_minutes) + hours(7);
        auto to = domain::start_of_day(req->to + days(1), offset_minutes) + hours(7);
        auto r = services::answered_per_shift((*st)->reader(), jurisdiction, from, to, offset_minutes, {});
        if (!r) throw std::runtime_error(r.error().message);
        answer = 0;
        for (const auto& [slot, agents] : *r) {
          for (const auto& [agent, n] : agents) answer += n;
        }
      } else if (which.starts_with("ministry")) {
        auto r = services::ministry_stats((*st)->reader(), who, req->from, services::shift_plan{});
        if (!r) throw std::runtime_error(r.error().message);
        answer = r->calls;
      } else {
        auto r = services::compute_public_stats((*st)->reader(), "", 2025, now);
        if (!r) throw std::runtime_error(r.error().message);
        answer = 0;
        for (const auto& m : r->months) answer += m.calls;
      }
      return duration<double, std::milli>(clock_type::now() - t).count();
    };
    auto t = time_runs(run, warm);
    (*st)->close();
    std::printf("{\"query\":\"%s\",\"counted\":%lld,\"cold_ms\":%.2f,\"warm_median_ms\":%.2f,\"warm_max_ms\":%.2f}\n",
                qc.name, static_cast<long long>(answer), t.cold, t.median(), t.max());
  }
  return 0;
}

int query(const std::vector<std::string>& args) {
  auto path = arg(args, "--database", "");
  int warm = std::stoi(arg(args, "--warm", "10"));
  std::vector<std::string> only;
  for (auto list = arg(args, "--only", ""); !list.empty();) {
    auto comma = list.find(',');
    only.push_back(list.substr(0, comma));
    list = comma == std::string::npos ? std::string() : list.substr(comma + 1);
  }
  const query_case cases[] = {
      {"incidents_year_by_month_category", services::stats_subject::incidents, "2025-01-01", "2025-12-31", "month,category"},
      {"incidents_year_by_district_status", services::stats_subject::incidents, "2025-01-01", "2025-12-31", "district,status"},
      {"incidents_5y_by_year_category", services::stats_subject::incidents, "2021-01-02", "2025-12-31", "year,category"},
      {"incidents_month_by_day", services::stats_subject::incidents, "2025-06-01", "2025-06-30", "day"},
      {"reports_year_by_channel_outcome", services::stats_subject::reports, "2025-01-01", "2025-12-31", "channel,status,reject_reason"},
      {"dispatches_year_by_agency", services::stats_subject::dispatches, "2025-01-01", "2025-12-31", "agency"},
      {"dispatches_year_by_month_agency", services::stats_subject::dispatches, "2025-01-01", "2025-12-31", "month,agency"},
      {"incidents_month_by_call_taker", services::stats_subject::incidents, "2025-06-01", "2025-06-30", "call_taker"},
      {"incidents_day_by_hour", services::stats_subject::incidents, "2025-06-15", "2025-06-15", "hour"},
      {"dispatches_month_by_status", services::stats_subject::dispatches, "2025-06-01", "2025-06-30", "status"},
      {"incidents_year_by_call_taker", services::stats_subject::incidents, "2025-01-01", "2025-12-31", "call_taker"},
      {"incidents_year_by_village", services::stats_subject::incidents, "2025-01-01", "2025-12-31", "village"},
      {"incidents_year_by_hour", services::stats_subject::incidents, "2025-01-01", "2025-12-31", "hour"},
      {"incidents_year_by_call_taker_category", services::stats_subject::incidents, "2025-01-01", "2025-12-31",
       "call_taker,category"},
      {"dispatches_year_by_status", services::stats_subject::dispatches, "2025-01-01", "2025-12-31", "status"},
      {"dispatches_year_by_agency_status", services::stats_subject::dispatches, "2025-01-01", "2025-12-31", "agency,status"},
  };
  services::actor who;
  who.user_id = "bench";
  who.jurisdiction_id = jurisdiction;
  who.role = domain::role::leader;
  {
    // A database generated by an older build gets the newer migrations (and their fills) first.
    auto st = storage::open_sqlite({path});
    if (!st) return std::cerr << st.error().message << "\n", 1;
    auto t = clock_type::now();
    auto applied = (*st)->migrate();
    if (!applied) return std::cerr << applied.error().message << "\n", 1;
    std::cout << "{\"step\":\"migrate\",\"applied\":" << *applied << ",\"ms\":"
              << std::chrono::duration<double, std::milli>(clock_type::now() - t).count() << "}\n";
    (*st)->close();
  }
  for (const auto& qc : cases) {
    if (!wanted(only, qc.name)) continue;
    auto st = storage::open_sqlite({path});
    if (!st) return std::cerr << st.error().message << "\n", 1;
    auto req = services::parse_stats_request(qc.subject, std::string(qc.from), std::string(qc.to), std::string(qc.group),
                                             domain::local_date(year{2026} / 1 / 1));
    if (!req) return std::cerr << qc.name << ": " << req.error().message << "\n", 1;
    std::int64_t answer = 0;
    auto run = [&] {
      auto t = clock_type::now();
      if (qc.subject == services::stats_subject::dispatches) {
        auto r = services::dispatch_stats((*st)->reader(), who, *req);
        if (!r) throw std::runtime_error(r.error().message);
        answer = 0;
        for (const auto& row : *r) answer += row.count;
      } else {
        auto r = services::count_stats((*st)->reader(), who, qc.subject, *req);
        if (!r) throw std::runtime_error(r.error().message);
        answer = r->total;
      }
      return duration<double, std::milli>(clock_type::now() - t).count();
    };
    double cold = run();
    std::vector<double> w;
    for (int i = 0; i < warm; ++i) w.push_back(run());
    std::sort(w.begin(), w.end());
    (*st)->close();
    std::printf("{\"query\":\"%s\",\"group\":\"%s\",\"counted\":%lld,\"cold_ms\":%.2f,\"warm_median_ms\":%.2f,"
                "\"warm_max_ms\":%.2f}\n",
                qc.name, qc.group, static_cast<long long>(answer), cold, w.empty() ? 0 : w[w.size() / 2],
                w.empty() ? 0 : w.back());
  }
  if (int rc = query_calls(path, warm, only); rc != 0) return rc;
  return query_reports(path, warm, only);
}

// The telephony events of one call written as the events API writes them: one command each.
void submit_call_events(const std::function<void(storage::write_command)>& submit, std::vector<domain::call_record>& calls,
                        core::id_generator& ids, const std::function<void()>& drain) {
  core::system_clock clk;
  for (int stage = 0; stage < 4; ++stage) {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      submit([&, i, stage](storage::store_txn& tx) -> core::result<void> {
        auto& c = calls[i];
        auto now = clk.now();
        c.updated_at = now;
        if (stage == 0) {
          c.id = ids.next(now);
          c.jurisdiction_id = jurisdiction;
          c.external_id = "pbx-" + std::to_string(i);
          c.state.caller = "+62811" + std::to_string(10000000 + i);
          c.state.line = "112";
          c.state.ring_at = c.created_at = now;
          return tx.insert_call(c);
        }
        if (stage == 1) {
          c.state.answered_at = now;
          c.state.answered_by = "ext" + std::to_string(i % 24);
          c.state.outcome = domain::call_outcome::answered;
        } else if (stage == 2) {
          c.state.ended_at = now;
        } else {
          c.classification = i % 3 == 0 ? domain::call_class::prank : domain::call_class::ghost;
        }
        return tx.update_call(c);
      });
    }
    drain();
  }
}

int write_cost_once(const std::string& path, bool rollups, std::size_t commands, std::size_t concurrency,
                    bool calls) {
  std::filesystem::remove(path);
  {
    auto st = storage::open_sqlite({path});
    if (!st) return 1;
    if (!(*st)->migrate() || !(*st)->write(write_directory)) return 1;
    (*st)->close();
  }
  storage::sqlite_options options{path};
  options.keep_rollups = rollups;
  auto st = storage::open_sqlite(options);
  if (!st) return 1;
  auto& store = **st;
  core::system_clock clk;
  core::secure_random rnd;
  core::id_generator ids{rnd};
  bench::in_flight flight(store, concurrency);
  auto submit = [&](storage::write_command c) { flight.submit(std::move(c)); };
  auto wait_below = [&](std::size_t n) { flight.wait_below(n); };
  auto cpu0 = cpu_seconds();
  auto t0 = clock_type::now();
  if (calls) {
    std::vector<domain::call_record> made(commands);
    submit_call_events(submit, made, ids, [&] { wait_below(1); });
    double secs = duration<double>(clock_type::now() - t0).count();
    double cpu = cpu_seconds() - cpu0;
    store.close();
    std::printf("{\"step\":\"write_cost_calls\",\"rollups\":%s,\"events\":%zu,\"concurrency\":%zu,\"seconds\":%.2f,"
                "\"events_per_s\":%.0f,\"cpu_us_per_event\":%.1f,\"errors\":%zu}\n",
                rollups ? "true" : "false", commands * 4, concurrency, secs, static_cast<double>(commands * 4) / secs,
                cpu * 1e6 / static_cast<double>(commands * 4), flight.errors());
    return flight.errors() == 0 ? 0 : 1;
  }
  std::vector<domain::dispatch> sent(commands);
  for (std::size_t i = 0; i < commands; ++i) {
    submit([&, i](storage::store_txn& tx) -> core::result<void> {
      auto now = clk.now();
      auto seq = tx.next_counter(jurisdiction, "incident:bench");
      if (!seq) return seq.error();
      domain::incident inc;
      inc.id = ids.next(now);
      inc.jurisdiction_id = jurisdiction;
      inc.number = "BCH-" + std::to_string(*seq);
      inc.category_id = "c" + std::to_string(i % 15);
      inc.district_id = "d" + std::to_string(i % 10);
      inc.created_by = "bench";
      inc.created_at = inc.updated_at = now;
      if (auto r = tx.insert_incident(inc); !r) return r;
      domain::report rep;
      rep.id = ids.next(now);
      rep.jurisdiction_id = jurisdiction;
      rep.tracking_code = "T" + inc.id;
      rep.status = domain::report_status::accepted;
      rep.incident_id = inc.id;
      rep.category_id = inc.category_id;
      rep.created_by = "bench";
      rep.created_at = rep.updated_at = now;
      if (auto r = tx.insert_report(rep); !r) return r;
      auto& d = sent[i];
      d.id = ids.next(now);
      d.jurisdiction_id = jurisdiction;
      d.incident_id = inc.id;
      d.agency_id = "a" + std::to_string(i % 12);
      d.notified_at = d.updated_at = now;
      if (auto r = tx.insert_dispatch(d); !r) return r;
      domain::event e;
      e.id = ids.next(now);
      e.jurisdiction_id = jurisdiction;
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
    });
  }
  wait_below(1);
  for (std::size_t i = 0; i < commands; ++i) {
    submit([&, i](storage::store_txn& tx) -> core::result<void> {
      auto d = sent[i];
      d.acknowledged_at = d.updated_at = clk.now();
      d.status = domain::dispatch_status::acknowledged;
      return tx.update_dispatch(d);
    });
  }
  wait_below(1);
  double secs = duration<double>(clock_type::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  store.close();
  std::printf("{\"step\":\"write_cost\",\"rollups\":%s,\"incidents\":%zu,\"concurrency\":%zu,\"seconds\":%.2f,"
              "\"incidents_per_s\":%.0f,\"cpu_us_per_incident\":%.1f,\"errors\":%zu}\n",
              rollups ? "true" : "false", commands, concurrency, secs, static_cast<double>(commands) / secs,
              cpu * 1e6 / static_cast<double>(commands), flight.errors());
  return flight.errors() == 0 ? 0 : 1;
}

int write_cost(const std::vector<std::string>& args) {
  auto path = arg(args, "--database", "");
  auto commands = static_cast<std::size_t>(std::stoull(arg(args, "--commands", "50000")));
  auto concurrency = static_cast<std::size_t>(std::stoull(arg(args, "--concurrency", "64")));
  if (path.empty()) return std::cerr << "write-cost needs --database\n", 2;
  bool calls = std::find(args.begin(), args.end(), "--calls") != args.end();
  int rc = 0;
  for (int round = 0; round < 2; ++round) {
    rc |= write_cost_once(path, false, commands, concurrency, calls);
    rc |= write_cost_once(path, true, commands, concurrency, calls);
  }
  std::filesystem::remove(path);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << "usage: stats_bench generate|query|write-cost --database PATH [...]\n";
    return 2;
  }
  auto cmd = args[0];
  try {
    if (cmd == "generate") return generate(args);
    if (cmd == "query") return query(args);
    if (cmd == "write-cost") return write_cost(args);
  } catch (const std::exception& e) {
    std::cerr << cmd << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "unknown step " << cmd << "\n";
  return 2;
}
