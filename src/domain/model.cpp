#include "domain/model.hpp"

#include <utility>
#include "core/enum_names.hpp"

namespace siaga::domain {
namespace {

constexpr auto role_names =
    core::make_enum_names<role>("role", {"admin", "supervisor", "call_taker", "agency_operator", "leader"});
constexpr auto urgency_names =
    core::make_enum_names<urgency>("urgency", {"emergency", "urgent", "information", "complaint"});
constexpr auto channel_names = core::make_enum_names<channel>(
    "channel", {"call", "web", "whatsapp", "app", "lapor", "open311", "telegram", "walk_in", "radio", "cctv", "sms", "handover"});
constexpr auto report_status_names =
    core::make_enum_names<report_status>("report status", {"new", "accepted", "rejected", "answered"});
constexpr auto reject_reason_names =
    core::make_enum_names<reject_reason>("reject reason", {"prank", "ghost", "misdirected", "duplicate", "test"});
constexpr auto incident_status_names = core::make_enum_names<incident_status>(
    "incident status", {"open", "dispatched", "in_progress", "resolved", "closed", "cancelled"});
constexpr auto dispatch_status_names = core::make_enum_names<dispatch_status>(
    "dispatch status", {"notified", "acknowledged", "en_route", "on_scene", "completed", "declined", "cancelled"});
constexpr auto dispatch_role_names = core::make_enum_names<dispatch_role>("dispatch role", {"primary", "supporting"});
constexpr auto agency_kind_names = core::make_enum_names<agency_kind>(
    "agency kind", {"fire", "health", "disaster", "civil_order", "police", "electricity", "water", "transport",
                    "public_works", "social", "blood", "hospital", "search_rescue", "other"});
constexpr auto subject_kind_names = core::make_enum_names<subject_kind>(
    "subject kind", {"report", "incident", "dispatch", "user", "agency", "category", "district", "jurisdiction",
                     "notification", "call", "caller", "callback", "location", "api_key", "village"});
constexpr auto endpoint_kind_names = core::make_enum_names<endpoint_kind>("endpoint kind", {"webhook", "telegram", "whatsapp", "sms", "lapor"});
constexpr auto notification_status_names =
    core::make_enum_names<notification_status>("notification status", {"pending", "delivered", "dead"});

}  // namespace

std::string_view to_string(role v) {
  return role_names.name(v);
}
std::string_view to_string(urgency v) {
  return urgency_names.name(v);
}
std::string_view to_string(channel v) {
  return channel_names.name(v);
}
std::string_view to_string(report_status v) {
  return report_status_names.name(v);
}
std::string_view to_string(reject_reason v) {
  return reject_reason_names.name(v);
}
std::string_view to_string(incident_status v) {
  return incident_status_names.name(v);
}
std::string_view to_string(dispatch_status v) {
  return dispatch_status_names.name(v);
}
std::string_view to_string(dispatch_role v) {
  return dispatch_role_names.name(v);
}
std::string_view to_string(agency_kind v) {
  return agency_kind_names.name(v);
}
std::string_view to_string(subject_kind v) {
  return subject_kind_names.name(v);
}
std::string_view to_string(endpoint_kind v) {
  return endpoint_kind_names.name(v);
}
std::string_view to_string(notification_status v) {
  return notification_status_names.name(v);
}

core::result<role> parse_role(std::string_view s) {
  return role_names.parse(s);
}
core::result<urgency> parse_urgency(std::string_view s) {
  return urgency_names.parse(s);
}
core::result<channel> parse_channel(std::string_view s) {
  return channel_names.parse(s);
}
core::result<report_status> parse_report_status(std::string_view s) {
  return report_status_names.parse(s);
}
core::result<reject_reason> parse_reject_reason(std::string_view s) {
  return reject_reason_names.parse(s);
}
core::result<incident_status> parse_incident_status(std::string_view s) {
  return incident_status_names.parse(s);
}
core::result<dispatch_status> parse_dispatch_status(std::string_view s) {
  return dispatch_status_names.parse(s);
}
core::result<dispatch_role> parse_dispatch_role(std::string_view s) {
  return dispatch_role_names.parse(s);
}
core::result<agency_kind> parse_agency_kind(std::string_view s) {
  return agency_kind_names.parse(s);
}
core::result<subject_kind> parse_subject_kind(std::string_view s) {
  return subject_kind_names.parse(s);
}
core::result<endpoint_kind> parse_endpoint_kind(std::string_view s) {
  return endpoint_kind_names.parse(s);
}
core::result<notification_status> parse_notification_status(std::string_view s) {
  return notification_status_names.parse(s);
}

}  // namespace siaga::domain
