// Reports from outside (issue 11): the public web form today, WhatsApp, Telegram, SMS and
// SP4N-LAPOR! later. Every channel hands its report over in one shape (channel_report) and the
// report lands as a `report` in the call takers' queue like a typed one, so that verification,
// duplicates, dispatch, SLA and the statistics by channel are the same for all. The transport
// (HTTP body, webhook payload, SMS text) is the channel's business; the rules live here.
#pragma once

#include "domain/media.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

// At most this many photos come with one report, each at most max_intake_photo_bytes (a phone
// photo downscaled by the form is a few hundred KiB).
inline constexpr std::size_t max_intake_photos = 3;
inline constexpr std::size_t max_intake_photo_bytes = 2 * 1024 * 1024;
inline constexpr std::size_t max_intake_description = 2000;

// A reporter (by phone, or by sender on a messaging channel) may have at most this many reports
// waiting for triage at once: a flood from one number fills no queue (issue 11 item 9).
inline constexpr int default_max_new_reports = 3;

struct intake_photo {
  std::string content_type;  // as the channel declared it
  std::string bytes;
  std::string sha256;  // domain::sha256_hex(bytes) when the caller computed it off the writer; else ""
};

struct channel_report {
  domain::channel source = domain::channel::web;
  std::string jurisdiction_id;               // resolved by the transport (public_jurisdiction)
  std::string description;
  std::optional<std::string> category_code;  // a public category's code, when the reporter chose one
  std::optional<domain::geo_point> location;
  std::optional<std::string> district_id;    // where location lies (the API places it first)
  std::optional<std::string> village_id;
  std::string address;                       // typed address or landmark
  std::vector<intake_photo> photos;
  std::string reporter_name;                 // optional
  std::string reporter_phone;                // optional, as typed; stored in E.164
  bool consent = false;                      // the reporter accepted the consent text
  std::string contact_address;               // the sender on a messaging channel (reply address), else ""
  int max_new_reports = default_max_new_reports;  // cap of untriaged reports per reporter (0: none)
};

// The actor a channel's writes are recorded as ("channel:web"): no user, no rights of its own.
actor channel_actor(std::string jurisdiction_id, domain::channel source);

struct intake_receipt {
  domain::report report;  // with its tracking code
  std::vector<domain::media> photos;
};

// Checks a channel's report and records it as a new report with a public tracking code
// (core::public_tracking_code_length characters, unique) and its photos, recording
// "report.created" and "report.media_attached" events. Nothing is written unless all is well:
// invalid_input (message in Bahasa Indonesia, then English) for no description, a description
// over max_intake_description, a category that is unknown or not public, neither a location
// nor an address, a phone that is no subscriber number (normalised like callers' numbers: short
// codes are refused, they cannot be called back), a name over 100 characters, personal data
// without consent, more than max_intake_photos photos or an empty one; payload_too_large for a
// photo over max_intake_photo_bytes; unsupported_media for a photo that is no JPEG, PNG or WebP
// by its first bytes; too_many_requests when the reporter (the same phone, or the same sender on
// the same channel) already has max_new_reports reports waiting for triage.
core::result<intake_receipt> intake_report(storage::store_txn& tx, const context& ctx, const channel_report& in);

// The checks of intake_report that need no store (the same errors), so that a transport can
// refuse bad input before it queues a write.
core::result<void> check_channel_report(const channel_report& in);

}  // namespace siaga::services
