#include "support/demo.hpp"

#include "support/database.hpp"

#include <gtest/gtest.h>

namespace siaga::testing {

reporter_contact reveal_contact(http_client& c, const std::string& token, const std::string& report_id) {
  auto r = c.post("/api/v1/reports/" + report_id + "/contact", boost::json::object{}, token);
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return {};
  const auto& o = r.json().as_object();
  const auto text = [&](const char* key) { return o.at(key).is_string() ? std::string(o.at(key).as_string()) : ""; };
  return {text("name"), text("phone")};
}

std::int64_t count_rows(const std::string& database, const std::string& table) {
  return query_int(database, "SELECT COUNT(*) FROM " + table);
}

std::string str(const boost::json::value& v, const char* key) {
  if (!v.is_object()) return {};
  auto it = v.as_object().find(key);
  if (it == v.as_object().end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

std::string agency_id(http_client& c, const std::string& token, const std::string& code) {
  auto r = c.get("/api/v1/agencies", token);
  EXPECT_EQ(r.status, 200) << r.body;
  for (const auto& a : r.json().at("items").as_array()) {
    if (str(a, "code") == code) return str(a, "id");
  }
  ADD_FAILURE() << "no agency " << code;
  return {};
}

boost::json::object category(http_client& c, const std::string& token, const std::string& code) {
  auto r = c.get("/api/v1/categories", token);
  EXPECT_EQ(r.status, 200) << r.body;
  for (const auto& cat : r.json().at("items").as_array()) {
    if (str(cat, "code") == code) return cat.as_object();
  }
  ADD_FAILURE() << "no category " << code;
  return {};
}

http_reply set_webhook(http_client& c, const std::string& admin_token, const std::string& code,
                       const std::string& url) {
  auto r = c.get("/api/v1/agencies", admin_token);
  EXPECT_EQ(r.status, 200) << r.body;
  for (const auto& a : r.json().at("items").as_array()) {
    if (str(a, "code") != code) continue;
    boost::json::object body{{"code", a.at("code")},     {"name", a.at("name")},   {"kind", a.at("kind")},
                             {"phone", a.at("phone")},   {"active", a.at("active")},
                             {"endpoints", boost::json::array{boost::json::object{
                                               {"kind", "webhook"}, {"url", url}, {"secret", code + "-webhook-secret-2026"}}}}};
    return c.request("PUT", "/api/v1/agencies/" + str(a, "id"), boost::json::serialize(body), admin_token);
  }
  ADD_FAILURE() << "no agency " << code;
  return {};
}

bool complete_dispatches(http_client& c, const std::string& call_taker, const boost::json::value& incident,
                         const std::string& internal_note, const std::string& public_note) {
  auto damkar_id = agency_id(c, call_taker, "DAMKAR");
  auto damkar = c.login("damkar", demo_password);
  for (const auto& d : incident.at("dispatches").as_array()) {
    auto id = str(d, "id");
    auto ack = c.post("/api/v1/dispatches/" + id + "/acknowledge", boost::json::object{}, call_taker);
    EXPECT_EQ(ack.status, 200) << ack.body;
    boost::json::object done{{"note", internal_note}};
    bool is_damkar = str(d, "agency_id") == damkar_id;
    if (is_damkar) done["public_note"] = public_note;
    auto r = c.post("/api/v1/dispatches/" + id + "/complete", done, is_damkar ? damkar : call_taker);
    EXPECT_EQ(r.status, 200) << r.body;
    if (ack.status != 200 || r.status != 200) return false;
  }
  return true;
}

}  // namespace siaga::testing
