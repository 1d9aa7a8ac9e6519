#include "domain/model.hpp"

#include <array>
#include <utility>

namespace siaga::domain {
namespace {

// One table per enum keeps the string forms in one place; the enum value is the index.
template <class E, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, E v) {
  auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view{"unknown"};
}

template <class E, std::size_t N>
core::result<E> parse_of(const std::array<std::string_view, N>& names, std::string_view s,
                         std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  std::string accepted;
  for (auto n : names) {
    if (!accepted.empty()) accepted += ", ";
    accepted += n;
  }
  return core::invalid(std::string(what) + " '" + std::string(s) + "' is not one of: " + accepted);
}

constexpr std::array<std::string_view, 5> role_names{"admin", "supervisor", "call_taker", "agency_operator", "leader"};
constexpr std::array<std::string_view, 4> urgency_names{"emergency", "urgent", "information", "complaint"};
constexpr std::array<std::string_view, 10> channel_names{"call", "web", "whatsapp", "app", "lapor",
                                                         "open311", "telegram", "walk_in", "radio", "cctv"};
constexpr std::array<std::string_view, 4> report_status_names{"new", "accepted", "rejected", "answered"};
constexpr std::array<std::string_view, 5> reject_reason_names{"prank", "ghost", "misdirected", "duplicate", "test"};
constexpr std::array<std::string_view, 6> incident_status_names{"open", "dispatched", "in_progress",
                                                                "resolved", "closed", "cancelled"};
constexpr std::array<std::string_view, 7> dispatch_status_names{"notified", "acknowledged", "en_route", "on_scene",
                                                                "completed", "declined", "cancelled"};
constexpr std::array<std::string_view, 2> dispatch_role_names{"primary", "supporting"};
constexpr std::array<std::string_view, 14> agency_kind_names{
    "fire", "health", "disaster", "civil_order", "police", "electricity", "water", "transport",
    "public_works", "social", "blood", "hospital", "search_rescue", "other"};
constexpr std::array<std::string_view, 14> subject_kind_names{
    "report", "incident", "dispatch", "user", "agency", "category", "district", "jurisdiction", "notification",
    "call", "caller", "callback", "location", "api_key"};
constexpr std::array<std::string_view, 2> endpoint_kind_names{"webhook", "telegram"};
constexpr std::array<std::string_view, 3> notification_status_names{"pending", "delivered", "dead"};

}  // namespace

std::string_view to_string(role v) { return name_of(role_names, v); }
std::string_view to_string(urgency v) { return name_of(urgency_names, v); }
std::string_view to_string(channel v) { return name_of(channel_names, v); }
std::string_view to_string(report_status v) { return name_of(report_status_names, v); }
std::string_view to_string(reject_reason v) { return name_of(reject_reason_names, v); }
std::string_view to_string(incident_status v) { return name_of(incident_status_names, v); }
std::string_view to_string(dispatch_status v) { return name_of(dispatch_status_names, v); }
std::string_view to_string(dispatch_role v) { return name_of(dispatch_role_names, v); }
std::string_view to_string(agency_kind v) { return name_of(agency_kind_names, v); }
std::string_view to_string(subject_kind v) { return name_of(subject_kind_names, v); }
std::string_view to_string(endpoint_kind v) { return name_of(endpoint_kind_names, v); }
std::string_view to_string(notification_status v) { return name_of(notification_status_names, v); }

core::result<role> parse_role(std::string_view s) { return parse_of<role>(role_names, s, "role"); }
core::result<urgency> parse_urgency(std::string_view s) { return parse_of<urgency>(urgency_names, s, "urgency"); }
core::result<channel> parse_channel(std::string_view s) { return parse_of<channel>(channel_names, s, "channel"); }
core::result<report_status> parse_report_status(std::string_view s) {
  return parse_of<report_status>(report_status_names, s, "report status");
}
core::result<reject_reason> parse_reject_reason(std::string_view s) {
  return parse_of<reject_reason>(reject_reason_names, s, "reject reason");
}
core::result<incident_status> parse_incident_status(std::string_view s) {
  return parse_of<incident_status>(incident_status_names, s, "incident status");
}
core::result<dispatch_status> parse_dispatch_status(std::string_view s) {
  return parse_of<dispatch_status>(dispatch_status_names, s, "dispatch status");
}
core::result<dispatch_role> parse_dispatch_role(std::string_view s) {
  return parse_of<dispatch_role>(dispatch_role_names, s, "dispatch role");
}
core::result<agency_kind> parse_agency_kind(std::string_view s) {
  return parse_of<agency_kind>(agency_kind_names, s, "agency kind");
}
core::result<subject_kind> parse_subject_kind(std::string_view s) {
  return parse_of<subject_kind>(subject_kind_names, s, "subject kind");
}
core::result<endpoint_kind> parse_endpoint_kind(std::string_view s) {
  return parse_of<endpoint_kind>(endpoint_kind_names, s, "endpoint kind");
}
core::result<notification_status> parse_notification_status(std::string_view s) {
  return parse_of<notification_status>(notification_status_names, s, "notification status");
}

}  // namespace siaga::domain
