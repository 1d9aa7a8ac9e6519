// The domain's values, named as in DESIGN.md. Plain structs: no I/O, no storage types.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::domain {

using core::timestamp;

enum class role { admin, supervisor, call_taker, agency_operator, leader };

enum class urgency { emergency, urgent, information, complaint };

enum class channel { call, web, whatsapp, app, lapor, open311, telegram, walk_in, radio, cctv, sms, handover };

enum class report_status { new_, accepted, rejected, answered };

// Why a report was rejected.
enum class reject_reason { prank, ghost, misdirected, duplicate, test };

enum class incident_status { open, dispatched, in_progress, resolved, closed, cancelled };

enum class dispatch_status { notified, acknowledged, en_route, on_scene, completed, declined, cancelled };

// Whether an agency on a run card leads the response or supports it.
enum class dispatch_role { primary, supporting };

enum class agency_kind {
  fire, health, disaster, civil_order, police, electricity, water, transport, public_works,
  social, blood, hospital, search_rescue, other
};

// How an agency is notified of its dispatches: a signed JSON webhook or a Telegram chat.
// whatsapp, sms and lapor are only the kinds of the replies to reporters (channels/; lapor: the
// status posted back to SP4N-LAPOR!), never an agency's.
enum class endpoint_kind { webhook, telegram, whatsapp, sms, lapor };

// An outbox row's state: pending (to be tried at next_attempt_at), delivered, or dead (gave up
// after the maximum number of attempts; a supervisor may requeue it).
enum class notification_status { pending, delivered, dead };

// String forms used in JSON and in the database. Each parse_* fails with invalid_input
// naming the accepted values.
std::string_view to_string(role v);
std::string_view to_string(urgency v);
std::string_view to_string(channel v);
std::string_view to_string(report_status v);
std::string_view to_string(reject_reason v);
std::string_view to_string(incident_status v);
std::string_view to_string(dispatch_status v);
std::string_view to_string(dispatch_role v);
std::string_view to_string(agency_kind v);
core::result<role> parse_role(std::string_view s);
core::result<urgency> parse_urgency(std::string_view s);
core::result<channel> parse_channel(std::string_view s);
core::result<report_status> parse_report_status(std::string_view s);
core::result<reject_reason> parse_reject_reason(std::string_view s);
core::result<incident_status> parse_incident_status(std::string_view s);
core::result<dispatch_status> parse_dispatch_status(std::string_view s);
core::result<dispatch_role> parse_dispatch_role(std::string_view s);
core::result<agency_kind> parse_agency_kind(std::string_view s);
std::string_view to_string(endpoint_kind v);
std::string_view to_string(notification_status v);
core::result<endpoint_kind> parse_endpoint_kind(std::string_view s);
core::result<notification_status> parse_notification_status(std::string_view s);

struct geo_point {
  double lat = 0;
  double lon = 0;
  bool operator==(const geo_point&) const = default;
};

struct district {
  std::string id;
  std::string jurisdiction_id;
  std::string code;  // "81.71.01"
  std::string name;
  std::optional<geo_point> center;
  std::string boundary_geojson;  // empty when unknown
  bool boundary_approximate = false;  // drawn roughly (the demo's), not an official boundary
};

// A kelurahan or desa, inside one district.
struct village {
  std::string id;
  std::string jurisdiction_id;
  std::string district_id;
  std::string code;  // "81.71.01.1001"
  std::string name;
  std::optional<geo_point> center;
  std::string boundary_geojson;  // empty when unknown
  bool boundary_approximate = false;
};

// Where an agency's dispatch notifications go. A webhook has a url and the secret its
// deliveries are signed with; a Telegram endpoint has a chat_id (the bot token is the
// server's). The secret is stored as given, since signing needs it, and never leaves the API.
struct agency_endpoint {
  endpoint_kind kind = endpoint_kind::webhook;
  std::string url;      // webhook: http(s)://...; empty for telegram
  std::string secret;   // webhook: the HMAC key; empty for telegram
  std::string chat_id;  // telegram: numeric id or @channel; empty for webhook
  bool active = true;
};

// A day the jurisdiction's offices are closed besides its weekend ("2025-08-17").
struct holiday {
  std::string date;  // YYYY-MM-DD, local
  std::string name;
  bool operator==(const holiday&) const = default;
};

struct jurisdiction {
  std::string id;
  std::string code;            // Kemendagri code, "81.71"
  std::string name;            // "Kota Ambon"
  std::string timezone;        // "Asia/Jayapura"
  std::string incident_prefix; // "AMB"
  // The working-day calendar of complaint and information SLAs (issue 10): weekend days as
  // 0 = Sunday .. 6 = Saturday, sorted and unique; holidays sorted by date, unique dates.
  std::vector<int> weekend_days{0, 6};
  std::vector<holiday> holidays;
  // Where the centre's supervisors are told of SLA warnings, breaches and escalations; outbox
  // rows for them carry an empty agency_id.
  std::vector<agency_endpoint> alert_endpoints;
};

struct agency {
  std::string id;
  std::string jurisdiction_id;
  std::string code;  // short, "DAMKAR"
  std::string name;
  agency_kind kind = agency_kind::other;
  std::string phone;
  bool active = true;
  std::vector<agency_endpoint> endpoints;
};

struct run_card_entry {
  std::string agency_id;
  dispatch_role role = dispatch_role::primary;
};

// Service-level targets. Each step has a limit in seconds of clock time (emergencies) or in
// working days of the jurisdiction's calendar (complaints, information requests: "3 hari
// kerja", the day of receipt not counted); 0 means "no target", and working days win when a
// step has both. The dispatch's own completion runs on the complete limit from its notification.
struct sla_policy {
  std::int64_t dispatch_within_s = 0;     // incident created -> first dispatch
  std::int64_t acknowledge_within_s = 0;  // dispatch notified -> acknowledged
  std::int64_t on_scene_within_s = 0;     // dispatch notified -> on scene
  std::int64_t complete_within_s = 0;     // incident created -> resolved
  std::int64_t close_within_s = 0;        // incident created -> closed
  int dispatch_within_days = 0;
  int acknowledge_within_days = 0;
  int on_scene_within_days = 0;
  int complete_within_days = 0;
  int close_within_days = 0;
  bool operator==(const sla_policy&) const = default;
};

struct category {
  std::string id;
  std::string jurisdiction_id;
  std::string code;     // "fire"
  std::string name_id;  // Bahasa Indonesia
  std::string name_en;
  urgency urgency_class = urgency::emergency;
  std::vector<run_card_entry> run_card;
  std::vector<std::string> sop;  // checklist lines for the call taker
  sla_policy sla;
  bool active = true;
  bool is_public = false;  // offered on the public channels (the /lapor form, later Open311)
};

struct user {
  std::string id;
  std::string jurisdiction_id;
  std::string username;
  std::string display_name;
  role user_role = role::call_taker;
  std::optional<std::string> agency_id;  // set exactly for agency operators
  std::string password_hash;             // Argon2id string; never leaves the server
  bool active = true;
  std::string pbx_agent;                 // the PBX agent id or extension this user answers as
  // Set by an admin: the user may do nothing but change their password until they have.
  bool must_change_password = false;

  timestamp created_at{};
};

// A login session or an API bearer token; only the SHA-256 of the secret is stored.
struct session {
  std::string token_hash;
  std::string user_id;
  timestamp created_at{};
  timestamp expires_at{};
};

// A defence that acted (a login rate limit that locked a source address or an account):
// kept for supervisors, outside the event log, since it may belong to no jurisdiction (an
// unknown username) and an attacker must not be able to grow the hash-chained log.
struct security_event {
  std::string id;
  std::optional<std::string> jurisdiction_id;  // the account's, when the username is known
  std::string kind;                            // "login.locked_address", "login.locked_account", ...
  std::string username;                        // as typed ("" for an address lock)
  std::string address;                         // the source address ("" for an account back-off)
  timestamp at{};
  timestamp until{};  // when the lock ends
  std::int64_t failures = 0;  // failed attempts that tripped it
};

struct report {
  std::string id;
  std::string jurisdiction_id;
  std::string tracking_code;
  channel source = channel::call;
  report_status status = report_status::new_;
  std::string reporter_name;   // protected: shown only to roles that need it
  std::string reporter_phone;  // protected, E.164 where known
  std::string description;
  std::optional<std::string> category_id;  // suggested category
  std::optional<geo_point> location;
  std::string address;
  std::optional<std::string> district_id;
  std::optional<std::string> village_id;   // inside district_id
  std::optional<std::string> incident_id;  // set when accepted
  std::optional<reject_reason> rejection;  // set when rejected
  std::string resolution_note;             // reject note or the information given
  std::string created_by;                  // user id
  timestamp created_at{};
  timestamp updated_at{};
};

struct incident {
  std::string id;
  std::string jurisdiction_id;
  std::string number;  // "AMB-261122-0042"
  std::string category_id;
  urgency urgency_class = urgency::emergency;
  incident_status status = incident_status::open;
  std::string summary;
  std::string description;
  std::optional<geo_point> location;
  std::string address;
  std::optional<std::string> district_id;
  std::optional<std::string> village_id;  // inside district_id
  std::string created_by;
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> first_dispatched_at;
  std::optional<timestamp> resolved_at;
  std::optional<timestamp> closed_at;
};

struct dispatch {
  std::string id;
  std::string jurisdiction_id;
  std::string incident_id;
  std::string agency_id;
  dispatch_role role = dispatch_role::primary;
  dispatch_status status = dispatch_status::notified;
  bool share_contact = false;  // may the agency see the reporter's contact
  std::string note;            // completion note
  std::string public_note;     // the agency's closing note for the reporter (tracking page)
  std::string decline_reason;
  timestamp notified_at{};
  std::optional<timestamp> acknowledged_at;
  std::optional<timestamp> en_route_at;
  std::optional<timestamp> on_scene_at;
  std::optional<timestamp> completed_at;
  std::optional<timestamp> declined_at;
  std::optional<timestamp> cancelled_at;
  timestamp updated_at{};
};

// One outbox row: a notification to one endpoint of an agency, written in the same command as
// the change it announces. Its id is also the idempotency key that every delivery attempt
// carries, so that a receiver recognises a retry.
struct notification {
  std::string id;
  std::string jurisdiction_id;
  std::string agency_id;
  std::optional<std::string> dispatch_id;
  std::optional<std::string> incident_id;
  int endpoint_index = 0;  // position in the agency's endpoints when enqueued
  endpoint_kind endpoint = endpoint_kind::webhook;
  std::string target;      // the endpoint's url or chat id when enqueued, for people to read
  std::string event_kind;  // "dispatch.notified", "dispatch.cancelled"
  std::string payload_json = "{}";  // the webhook body, compact JSON; its "text" is the chat message
  notification_status status = notification_status::pending;
  int attempts = 0;                 // delivery attempts made so far
  timestamp next_attempt_at{};      // when a pending row is due
  std::string last_error;           // why the last attempt failed; empty after success
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> delivered_at;
};

// What an event is about.
enum class subject_kind {
  report, incident, dispatch, user, agency, category, district, jurisdiction, notification,
  call, caller, callback, location, api_key, village
};
std::string_view to_string(subject_kind v);
core::result<subject_kind> parse_subject_kind(std::string_view s);

// One row of the append-only log. seq, prev_hash and hash are assigned by the store when
// the event is appended; everything else by the service that records it.
struct event {
  std::int64_t seq = 0;
  std::string id;
  std::string jurisdiction_id;
  subject_kind subject = subject_kind::incident;
  std::string subject_id;
  std::optional<std::string> incident_id;  // so an incident's timeline is one lookup
  std::optional<std::string> agency_id;    // so an agency's stream is one lookup
  std::string kind;                        // "incident.created", "dispatch.acknowledged", ...
  std::string actor_id;                    // user id, or "system"
  timestamp at{};
  std::string payload_json = "{}";         // compact JSON object
  std::string prev_hash;                   // hex SHA-256 of the previous event in the jurisdiction
  std::string hash;                        // hex SHA-256 over prev_hash and this event's fields
  // Hash version 2 (migration 18): the hex SHA-256 of the personal subject id and the payload
  // (compute_payload_digest); hash covers it instead of them, so that both can be erased
  // (UU PDP) while the chain stays verifiable. Empty on version-1 rows, which cannot be erased.
  std::string payload_digest;
  std::optional<timestamp> erased_at;      // set when the payload was erased (erased_payload)
};

}  // namespace siaga::domain
