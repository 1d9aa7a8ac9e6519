#include "storage/row_codec.hpp"

#include <boost/json.hpp>

namespace siaga::storage::row_codec {
namespace {

core::error failure(std::string message) {
  return core::make_error(core::errc::storage_failure, std::move(message));
}

std::string_view json_text(const boost::json::string& s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace

std::string encode_run_card(const std::vector<domain::run_card_entry>& card) {
  boost::json::array a;
  a.reserve(card.size());
  for (const auto& e : card) {
    a.push_back(boost::json::object{{"agency_id", e.agency_id}, {"role", domain::to_string(e.role)}});
  }
  return boost::json::serialize(a);
}

std::string encode_sop(const std::vector<std::string>& sop) {
  boost::json::array a;
  a.reserve(sop.size());
  for (const auto& line : sop) a.emplace_back(line);
  return boost::json::serialize(a);
}

core::result<std::vector<domain::run_card_entry>> decode_run_card(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  auto bad = [] { return failure("categories: unreadable run_card"); };
  if (ec || !v.is_array()) return bad();
  std::vector<domain::run_card_entry> out;
  out.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    const auto* o = item.if_object();
    if (!o) return bad();
    const auto* agency = o->if_contains("agency_id");
    const auto* role = o->if_contains("role");
    if (!agency || !agency->is_string() || !role || !role->is_string()) return bad();
    auto parsed = domain::parse_dispatch_role(json_text(role->get_string()));
    if (!parsed) return bad();
    out.push_back({std::string(json_text(agency->get_string())), *parsed});
  }
  return out;
}

core::result<std::vector<std::string>> decode_sop(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  auto bad = [] { return failure("categories: unreadable sop"); };
  if (ec || !v.is_array()) return bad();
  std::vector<std::string> out;
  out.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    if (!item.is_string()) return bad();
    out.emplace_back(json_text(item.get_string()));
  }
  return out;
}

// The calendar is stored as JSON: [0, 6] and [{"date": "2025-08-17", "name": "..."}].
std::string encode_weekend(const std::vector<int>& days) {
  boost::json::array a;
  for (int d : days) a.emplace_back(d);
  return boost::json::serialize(a);
}

std::string encode_holidays(const std::vector<domain::holiday>& holidays) {
  boost::json::array a;
  for (const auto& h : holidays) a.push_back(boost::json::object{{"date", h.date}, {"name", h.name}});
  return boost::json::serialize(a);
}

core::result<void> decode_calendar(std::string_view weekend, std::string_view holidays, domain::jurisdiction& j) {
  auto bad = [] { return failure("jurisdictions: unreadable calendar"); };
  boost::system::error_code ec;
  auto w = boost::json::parse(weekend, ec);
  if (ec || !w.is_array()) return bad();
  j.weekend_days.clear();
  for (const auto& d : w.get_array()) {
    if (!d.is_int64()) return bad();
    j.weekend_days.push_back(static_cast<int>(d.get_int64()));
  }
  auto h = boost::json::parse(holidays, ec);
  if (ec || !h.is_array()) return bad();
  for (const auto& item : h.get_array()) {
    const auto* o = item.if_object();
    const auto* date = o ? o->if_contains("date") : nullptr;
    const auto* name = o ? o->if_contains("name") : nullptr;
    if (!date || !date->is_string() || !name || !name->is_string()) return bad();
    j.holidays.push_back({std::string(json_text(date->get_string())), std::string(json_text(name->get_string()))});
  }
  return {};
}

std::string encode_endpoints(const std::vector<domain::agency_endpoint>& endpoints) {
  boost::json::array a;
  a.reserve(endpoints.size());
  for (const auto& e : endpoints) {
    a.push_back(boost::json::object{{"kind", domain::to_string(e.kind)},
                                    {"url", e.url},
                                    {"secret", e.secret},
                                    {"chat_id", e.chat_id},
                                    {"active", e.active}});
  }
  return boost::json::serialize(a);
}

core::result<std::vector<domain::agency_endpoint>> decode_endpoints(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  auto bad = [] { return failure("agencies: unreadable endpoints"); };
  if (ec || !v.is_array()) return bad();
  std::vector<domain::agency_endpoint> out;
  out.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    const auto* o = item.if_object();
    if (!o) return bad();
    const auto* kind = o->if_contains("kind");
    const auto* url = o->if_contains("url");
    const auto* secret = o->if_contains("secret");
    const auto* chat = o->if_contains("chat_id");
    const auto* active = o->if_contains("active");
    if (!kind || !kind->is_string() || !url || !url->is_string() || !secret || !secret->is_string() || !chat ||
        !chat->is_string() || !active || !active->is_bool()) {
      return bad();
    }
    auto k = domain::parse_endpoint_kind(json_text(kind->get_string()));
    if (!k) return bad();
    out.push_back({*k, std::string(json_text(url->get_string())), std::string(json_text(secret->get_string())),
                   std::string(json_text(chat->get_string())), active->get_bool()});
  }
  return out;
}

}  // namespace siaga::storage::row_codec
