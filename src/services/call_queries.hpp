// Reading calls, callbacks, location records and api keys for the people of the centre, scoped
// to the actor's jurisdiction (the routes admit dispatchers, or admins for api keys).
#pragma once

#include "services/call_service.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

// One call with everything its panel shows: the telephony events, the location messages
// received for it, its callback task and the caller's standing. not_found for an unknown call
// or another jurisdiction's.
struct call_detail {
  domain::call_record call;
  std::vector<domain::call_event> events;
  std::vector<domain::location_record> locations;
  std::optional<domain::callback_task> callback;
  std::optional<caller_view> caller;  // none for a withheld number
};
core::result<call_detail> read_call_detail(storage::store_reader& rd, const core::clock& clock, const actor& who,
                                           const std::string& id);

// Lists of the actor's jurisdiction (the filter's jurisdiction is replaced by the actor's).
core::result<storage::page<domain::call_record>> list_calls_for(storage::store_reader& rd, const actor& who,
                                                                storage::call_filter f);
core::result<storage::page<domain::callback_task>> list_callbacks_for(storage::store_reader& rd, const actor& who,
                                                                      storage::callback_filter f);
core::result<storage::page<domain::location_record>> list_locations_for(storage::store_reader& rd, const actor& who,
                                                                        storage::location_filter f);
core::result<std::vector<domain::api_key>> list_api_keys_for(storage::store_reader& rd, const actor& who);

}  // namespace siaga::services
