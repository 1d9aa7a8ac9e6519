// What a reporter may read of their report by its tracking code (issue 11): where it stands,
// which agencies it went to, their closing words and the photos a call taker let out, and
// nothing personal of anyone (no reporter, caller or staff name, number, text or address).
#pragma once

#include "domain/media.hpp"
#include "domain/model.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

// One step of the public timeline: received, verified, forwarded (agency set), done, answered,
// closed (rejected as a duplicate or misdirected) or cancelled.
struct public_step {
  std::string step;
  core::timestamp at{};
  std::string agency;  // the agency's name, for forwarded
};

struct public_note {
  std::string agency;  // the agency's name
  std::string text;
  core::timestamp at{};
};

struct public_report {
  std::string tracking_code;
  domain::channel source = domain::channel::web;
  // received (new), verified (an incident, no agency yet), in_progress (with agencies),
  // done (resolved or closed), answered (information given), closed (no incident: a duplicate
  // or misdirected) or cancelled.
  std::string status;
  std::optional<domain::category> category;
  std::string district;  // the kecamatan's name, "" when unknown
  std::string jurisdiction;
  std::string timezone;
  std::vector<public_step> timeline;  // in time order
  std::vector<public_note> notes;     // the agencies' public closing notes
  std::vector<domain::media> photos;  // marked public, of the report and of its incident
  core::timestamp received_at{};
};

// The public view of the report with this code. not_found, with the same message, for a code
// that is malformed, unknown, or hidden (a report rejected as a prank, a silent call or a test),
// so that an answer never tells which.
core::result<public_report> track_report(storage::store_reader& rd, const std::string& code);

// A photo of the tracked report that is marked public, with its bytes; not_found (the same for
// all) otherwise.
struct public_photo_content {
  domain::media media;
  std::string bytes;
};
core::result<public_photo_content> read_public_photo(storage::store_reader& rd, const std::string& code,
                                                     const std::string& media_id);

// Marks a photo of a report or an incident public (the tracking page shows it) or not, and
// records "media.visibility_set" on its incident (or its report before it has one).
// Dispatchers only (forbidden otherwise); not_found for an unknown photo.
core::result<domain::media> set_media_public(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& media_id, bool is_public);

}  // namespace siaga::services
