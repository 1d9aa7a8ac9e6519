// The wire format of a handover between 112 centres: the signed dispatch notice that a Siaga
// 112 outbox posts to an agency's webhook (domain::notice_payload, with the X-Siaga-Timestamp and
// X-Siaga-Signature headers of domain::webhook_headers), received by the neighbour that the
// sending centre registered as an agency. Pure.
#pragma once

#include "core/error.hpp"
#include "services/handover.hpp"

#include <string>
#include <string_view>

namespace siaga::channels::handover {

struct notice {
  std::string event;  // "dispatch.notified" makes a report; the others update it (services/handover.hpp)
  std::string id;     // the sender's outbox row id ("" when absent)
  std::string detail;  // dispatch.cancelled's reason, incident.updated's changes, incident.note_added's note
  services::handover_notice handover;
};

// Reads a notice. Fields a newer sender adds are ignored (a webhook receiver must not refuse
// what it does not know). invalid_input, naming the field, for a body that is not a JSON
// object, or a missing or non-text event, jurisdiction_code or dispatch.id, a missing incident
// object, or a location that is not {lat, lon} numbers.
core::result<notice> parse_notice(std::string_view body);

}  // namespace siaga::channels::handover
