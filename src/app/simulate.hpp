// `siaga simulate calls`: a generator of realistic 112 call traffic and a driver that sends it
// through the telephony events API, for demos, load tests and tests that replay a month of
// calls. The generator is deterministic for a seed, and knows the truth of what it generated
// (outcomes, waits, classifications) so that tests can check the statistics against it.
#pragma once

#include "core/error.hpp"
#include "core/id.hpp"
#include "core/time.hpp"
#include "domain/call.hpp"
#include "storage/store.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::app {

struct simulation_params {
  core::timestamp start{};                   // the first call rings at or after this
  std::chrono::seconds duration{24 * 3600};  // and the last before start + duration
  double calls_per_hour = 20;                // mean rate (Poisson), shaped by the hour of day
  int zone_offset_minutes = 540;             // local time for the daily shape (WIT)
  double abandon_share = 0.15;               // caller hangs up before an answer
  double missed_share = 0.03;                // no agent takes it
  double prank_share = 0.25;                 // of all calls: answered pranks
  double ghost_share = 0.10;                 // of all calls: answered silent calls
  double information_share = 0.15;           // of all calls
  double misdirected_share = 0.04;           // of all calls
  double test_share = 0.01;                  // of all calls; the rest of the answered calls are valid
  double silent_caller_share = 0.01;         // of all calls: valid calls where the caller pressed 5 5
  double follow_up_share = 0.3;              // unanswered calls whose caller rings again within minutes
  double mean_wait_s = 8;                    // answered calls: ring to answer
  double mean_talk_s = 95;
  int agents = 4;              // agent extensions ext201..
  int prankster_numbers = 12;  // pranks come mostly from a few numbers
  std::uint64_t seed = 112;
};

// One generated call and the truth about it.
struct simulated_call {
  std::string call_id;
  std::string caller;  // E.164
  std::string line;
  core::timestamp ring_at{};
  std::optional<core::timestamp> answered_at;
  core::timestamp ended_at{};
  domain::call_outcome outcome = domain::call_outcome::answered;
  std::optional<domain::call_class> classification;  // answered calls: what a call taker would say
  std::string agent;
  bool silent = false;                     // the bridge hears silence (ghosts, and silent callers)
  bool pressed_55 = false;                 // a silent caller
  std::vector<domain::call_event> events;  // in time order
};

std::vector<simulated_call> generate_calls(const simulation_params& p);

// The events of the calls in the order a flaky bridge delivers them: each event moved up to
// `jitter` places from its time order, and a share of them sent again later (duplicates).
std::vector<domain::call_event> delivery_order(const std::vector<simulated_call>& calls, double duplicate_share,
                                               int jitter, std::uint64_t seed);

// The JSON of an event as POST /api/v1/telephony/events takes it. Numbers are sent in a local
// form now and then ("0812..."), as PBXs do.
boost::json::object telephony_event_json(const domain::call_event& e);

struct seeded_calls {
  int calls = 0;
  int events = 0;
};

// The demo seed's calls: a week of generated traffic ending at `now` (about 100 calls a day),
// ingested and classified through the services as the demo call taker would (classified_by
// that user), in one write command. Valid calls join the seed's accepted call reports (repeat
// callers about the same events) rather than adding hundreds of untriaged reports to the demo. Fails with the store's
// error, or not_found when the jurisdiction or its user "calltaker" is missing.
core::result<seeded_calls> seed_demo_calls(storage::store& st, const std::string& jurisdiction_id,
                                           core::random_source& rnd, core::timestamp now);

// Runs `siaga simulate calls [flags]`; returns the exit code. See the usage text in main.cpp.
int run_simulate(const std::vector<std::string>& args);

}  // namespace siaga::app
