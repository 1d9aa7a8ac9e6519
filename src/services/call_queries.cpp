#include "services/call_queries.hpp"

namespace siaga::services {

core::result<call_detail> read_call_detail(storage::store_reader& rd, const core::clock& clock, const actor& who,
                                           const std::string& id) {
  const auto& j = who.jurisdiction_id;
  SIAGA_TRY(found, rd.find_call(j, id));
  if (!found) return core::not_found("panggilan " + id + " tidak ditemukan (call not found)");
  call_detail d;
  d.call = std::move(*found);
  SIAGA_TRY(events, rd.call_events_of(d.call.id));
  d.events = std::move(events);
  storage::location_filter fixes;
  fixes.jurisdiction_id = j;
  fixes.call_id = d.call.id;
  SIAGA_TRY(locations, rd.list_location_records(fixes));
  d.locations = std::move(locations.items);
  SIAGA_TRY(task, rd.find_callback_of_call(j, d.call.id));
  d.callback = std::move(task);
  if (!d.call.state.caller.empty()) {
    SIAGA_TRY(view, view_caller(rd, clock, j, d.call.state.caller));
    d.caller = std::move(view);
  }
  return d;
}

core::result<storage::page<domain::call_record>> list_calls_for(storage::store_reader& rd, const actor& who,
                                                                storage::call_filter f) {
  f.jurisdiction_id = who.jurisdiction_id;
  return rd.list_calls(f);
}

core::result<storage::page<domain::callback_task>> list_callbacks_for(storage::store_reader& rd, const actor& who,
                                                                      storage::callback_filter f) {
  f.jurisdiction_id = who.jurisdiction_id;
  return rd.list_callbacks(f);
}

core::result<storage::page<domain::location_record>> list_locations_for(storage::store_reader& rd, const actor& who,
                                                                        storage::location_filter f) {
  f.jurisdiction_id = who.jurisdiction_id;
  return rd.list_location_records(f);
}

core::result<std::vector<domain::api_key>> list_api_keys_for(storage::store_reader& rd, const actor& who) {
  return rd.list_api_keys(who.jurisdiction_id);
}

}  // namespace siaga::services
