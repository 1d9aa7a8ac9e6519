// The SP4N-LAPOR! adapter's wire format (issue 11 item 7, docs/channels.md "SP4N-LAPOR!").
// LAPOR!'s integration API is documented only to registered agencies (on its admin pages, for
// accounts with the developer role), so this is a small explicit JSON REST shape of our own,
// named after what LAPOR! shows publicly (its tracking id, title, content, category, the
// anonymous flag): an agency's integration or a proxy translates it to LAPOR!'s real calls.
//
//   GET  {base}/laporan?since=<cursor>&limit=<n>        the complaints forwarded to us, oldest first
//   POST {base}/laporan/{tracking_id}/tindak-lanjut     a status and follow-up text back
//
// both with "Authorization: Bearer <token>". Pure.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::channels::lapor {

inline constexpr int max_page = 100;  // complaints asked for per page
inline constexpr std::size_t max_content = 20000;
inline constexpr std::size_t max_attachments = 10;

struct location {
  std::string address;  // as the complainant wrote it ("" when none)
  std::optional<double> lat;
  std::optional<double> lon;
};

// One complaint of the feed.
struct complaint {
  std::string tracking_id;  // "1916449" or "LAPOR-1234567": 1-40 of A-Z a-z 0-9 - _
  std::string title;
  std::string content;
  std::string category;  // LAPOR!'s category name, "" when none
  location where;
  core::timestamp created_at{};
  std::vector<std::string> attachments;  // http(s) urls
  bool anonymous = false;
  std::string reporter_name;  // masked by LAPOR! ("B*** S***"); "" when anonymous
};

struct feed_page {
  std::vector<complaint> complaints;
  std::string next_cursor;  // where the next page starts (the same cursor when nothing is new)
};

// The url of a page: base (trailing slashes dropped) + "/laporan?limit=<limit>" and, when the
// cursor is not empty, "&since=<cursor, percent-encoded>".
std::string feed_url(std::string_view base, std::string_view cursor, int limit);

// Parses a page strictly: a JSON object with exactly "data" (an array of at most max_page
// complaints) and "next_cursor" (1-200 characters); each complaint with exactly the fields
// tracking_id, title (1-300 bytes), content (1-max_content bytes), category (at most 100,
// optional), location (optional object of address, at most 500 bytes, and lat and lon
// together, in range), created_at (ISO 8601 with a zone), attachments (optional, at most
// max_attachments http(s) urls of at most 2000 bytes), anonymous (boolean) and reporter_name
// (optional, at most 100 bytes, none when anonymous); no tracking id twice. A page that breaks
// any rule is refused whole with invalid_input naming the complaint and the field.
core::result<feed_page> parse_feed(std::string_view body);

// LAPOR!'s status for a Siaga public status (services/public_tracking.hpp): verified ->
// "diverifikasi", in_progress -> "diproses", done and answered -> "selesai", closed and
// cancelled -> "ditutup"; "" for one LAPOR! is not told (received).
std::string_view status_of(std::string_view public_status);

// The url of a follow-up: base + "/laporan/" + tracking id + "/tindak-lanjut" (a valid tracking
// id needs no encoding).
std::string follow_up_url(std::string_view base, std::string_view tracking_id);

// The body of a follow-up: {"id": <outbox row id, the same on every attempt>, "status",
// "content": the text, "time": ISO 8601 UTC}.
std::string follow_up_body(std::string_view id, std::string_view status, std::string_view text, core::timestamp at);

// Whether a tracking id has the allowed form.
bool valid_tracking_id(std::string_view id);

}  // namespace siaga::channels::lapor
