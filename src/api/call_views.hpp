// The JSON forms and the inputs shared by the call routes (call_routes.cpp: calls, callers,
// callbacks, statistics, api keys) and the telephony routes (telephony_routes.cpp: what PBX
// bridges and SMS gateways send).
#pragma once

#include "api/handler.hpp"
#include "api/telephony_input.hpp"
#include "services/call_service.hpp"
#include "services/call_stats.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace siaga::api {

json::value opt_text(const std::optional<std::string>& s);
template <class E>
json::value opt_name(const std::optional<E>& v) {
  return v ? json::value(json::string(to_string(*v))) : json::value(nullptr);
}
json::value opt_text(const std::optional<std::string>& s);
json::value seconds_of(std::optional<std::chrono::milliseconds> d);
// ringing, queued, answered or ended: where a call stands now.
std::string_view call_phase(const domain::call_state& s);
// A call; caller_shown: its number in full, else masked (domain::mask_phone) with
// caller_masked: true. The PBX's own answers show it (the bridge sent it); staff views use
// call_view_json.
json::object call_json(const domain::call_record& c, bool caller_shown);
// A call as staff see it: the number in full only while the call is live
// (domain::caller_number_live); otherwise the audited reveal POST /api/v1/calls/{id}/caller.
json::object call_view_json(const domain::call_record& c, core::timestamp now);
// The prank policy's decision on a number; the number masked unless number_shown.
json::object decision_json(const std::string& number, const domain::caller_decision& d, bool number_shown = true);
// A number's card (history, flags, decision). number_shown is false where the viewer did not
// give the number and the call is no longer live (a call's detail); the number is then masked
// (number_masked: true).
json::object caller_view_json(const services::caller_view& v, bool number_shown = true);
// A callback task; its number in full while the task is open (domain::callback_number_live),
// masked once closed (caller_masked: true; the reveal goes through its call).
json::object callback_json(const domain::callback_task& t, core::timestamp now);
// A location message; the sender's number always masked (the call's reveal gives it).
json::object location_record_json(const domain::location_record& r);
json::object api_key_json(const domain::api_key& k);
json::object bucket_json(const services::call_stats_bucket& b);
// The integration actor of the request's api key (X-Api-Key or bearer); unauthenticated otherwise.
core::result<actor> integration_of(const call& c);
// A phone number from a path or query, normalised to E.164; invalid_input otherwise.
core::result<std::string> number_param(std::string_view text);
// The optional "report" of a body (a valid call's or callback's report); invalid_input otherwise.
core::result<services::new_report> report_of(const json::object& body);
// A query flag: true/false/1/0; invalid_input otherwise.
core::result<bool> flag_param(const std::map<std::string, std::string, std::less<>>& q, std::string_view key);

}  // namespace siaga::api
