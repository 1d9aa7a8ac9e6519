// The telephony event parser of POST /api/v1/telephony/events (api/telephony_input.hpp): the
// body as parse_body reads it, then one event or a batch, field by field.
#include "api/telephony_input.hpp"
#include "core/time.hpp"
#include "fuzz_support.hpp"
#include "json_request.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siaga;
  auto req = json_request("/api/v1/telephony/events", data, size);
  auto body = api::parse_body(req);
  if (!body) return 0;
  // A fixed "now" (2026-11-22T00:00:00Z) keeps runs reproducible.
  const auto now = core::from_micros(1'795'305'600'000'000);
  if (auto events = api::call_events_of(*body, now)) {
    SIAGA_FUZZ_ASSERT(!events->empty() && events->size() <= api::max_batch_events);
    for (const auto& e : *events) SIAGA_FUZZ_ASSERT(!e.event_id.empty() && !e.call_id.empty());
  }
  return 0;
}
