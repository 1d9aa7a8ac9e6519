// Open311 GeoReport v2 (issue 11 item 6): the use cases behind /open311/v2/ (the wire format
// and the routes are channels/open311/). A request posted by a client becomes a report with
// channel open311 in the call takers' queue (through intake_report, like every channel), and
// an open311_requests row keeps what only Open311 carries.
//
// What the reads show: the requests that came in through Open311, never the reports of the
// other channels (their reporters did not publish them), and of those only what the public
// tracking page (/lacak) shows plus what the client itself sent to be published (its
// description, address, point and media url): status, the agencies' public closing notes,
// the agencies it was forwarded to. Never a name, phone, email, device or account id; never a
// report hidden from tracking (a prank, a silent call, a test).
#pragma once

#include "services/channel_intake.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace siaga::services {

struct open311_submission {
  channel_report report;  // source open311, category_code = the service code
  std::string service_code;
  std::string description;  // the client's text (report.description adds the attributes)
  std::string attributes;   // JSON object: code -> array of values
  std::string media_url;
  std::string email;
  std::string device_id;
  std::string account_id;
  std::string api_key_id;
};

// Records the request: intake_report (all its checks and errors) and the open311_requests row,
// in one command, so that nothing is stored unless both are.
core::result<intake_receipt> submit_open311(storage::store_txn& tx, const context& ctx, const open311_submission& in);

// One request as Open311 shows it.
struct open311_view {
  std::string service_request_id;  // the report's id
  bool open = true;                // received, verified or in progress; else closed
  std::string status_notes;        // the agencies' public closing notes, "" when none
  std::string service_code;        // the category now (a call taker may correct it)
  std::string service_name;
  std::string description;         // the client's own text
  std::string agency_responsible;  // the agencies it was forwarded to, by name, comma separated
  core::timestamp requested_at{};
  core::timestamp updated_at{};
  std::string address;
  std::optional<domain::geo_point> location;
  std::string media_url;
};

struct open311_query {
  std::vector<std::string> ids;            // service_request_id: when given, every other filter is ignored
  std::vector<std::string> service_codes;  // empty: all
  std::optional<bool> open;                // status: open only, closed only, or both
  core::timestamp from{};                  // requested_datetime >= from
  core::timestamp to{};                    // requested_datetime < to
  int limit = 1000;
};

// The request with this id in the jurisdiction; not_found (one message) when there is none, it
// did not come through Open311, or it is hidden.
core::result<open311_view> find_open311(storage::store_reader& rd, const std::string& jurisdiction_id,
                                        const std::string& id);

// The requests that match, newest first, at most q.limit (ids given: in the order asked,
// unknown ones left out).
core::result<std::vector<open311_view>> list_open311(storage::store_reader& rd, const std::string& jurisdiction_id,
                                                     const open311_query& q);

// The request id of a token (the tracking code handed out with the request); not_found for a
// token that is unknown, of another jurisdiction or channel, or hidden.
core::result<std::string> open311_token(storage::store_reader& rd, const std::string& jurisdiction_id,
                                        const std::string& token);

}  // namespace siaga::services
