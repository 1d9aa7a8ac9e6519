// The list filters the leader's drill-downs use: incidents by urgency, dispatches by their
// incident's category and by notification time; bad values refused with 400.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>

namespace siaga::testing {
namespace {

namespace json = boost::json;

std::set<std::string> ids_of(const http_reply& r) {
  std::set<std::string> out;
  auto body = r.json();
  for (const auto& item : body.at("items").as_array()) out.insert(str(item, "id"));
  return out;
}

TEST(list_filters, incidents_by_urgency_and_dispatches_by_category_and_time) {
  server_process server;
  http_client client("127.0.0.1", server.port());
  auto taker = client.login("calltaker", demo_password);
  auto make = [&](const std::string& category_code, const std::string& agency) {
    auto cat = category(client, taker, category_code);
    auto r = client.post("/api/v1/incidents",
                         json::object{{"category_id", cat.at("id")},
                                      {"summary", "Uji filter " + category_code},
                                      {"address", "Jl. Sultan Hairun, Ambon"},
                                      {"agency_ids", json::array{json::value(agency_id(client, taker, agency))}}},
                         taker);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().as_object();
  };
  auto before = client.get("/api/v1/incidents?limit=1", taker).json().at("items").as_array();
  auto since = before.empty() ? std::string("2000-01-01T00:00:00Z") : str(before.at(0), "created_at");
  auto fire = make("fire", "DAMKAR");
  auto light = make("street_light", "PLN");
  auto fire_dispatch = str(fire.at("dispatches").as_array().at(0), "id");
  auto light_dispatch = str(light.at("dispatches").as_array().at(0), "id");

  // The new fire is an emergency, the street light is not.
  auto emergencies = ids_of(client.get("/api/v1/incidents?urgency=emergency&limit=500", taker));
  EXPECT_TRUE(emergencies.contains(str(fire, "id")));
  EXPECT_FALSE(emergencies.contains(str(light, "id")));
  auto urgency_of_light = str(category(client, taker, "street_light"), "urgency");
  auto both = ids_of(client.get("/api/v1/incidents?urgency=emergency," + urgency_of_light + "&limit=500", taker));
  EXPECT_TRUE(both.contains(str(fire, "id")) && both.contains(str(light, "id")));

  // Dispatches of the fire category notified since the two were made: the fire's only.
  auto fire_cat = str(category(client, taker, "fire"), "id");
  auto r = client.get("/api/v1/dispatches?category_id=" + fire_cat + "&from=" + since + "&limit=500", taker);
  ASSERT_EQ(r.status, 200) << r.body;
  auto got = ids_of(r);
  EXPECT_TRUE(got.contains(fire_dispatch));
  EXPECT_FALSE(got.contains(light_dispatch));
  // Before the first: none of them.
  auto old = ids_of(client.get("/api/v1/dispatches?to=2001-01-01T00:00:00Z&limit=500", taker));
  EXPECT_FALSE(old.contains(fire_dispatch) || old.contains(light_dispatch));

  EXPECT_EQ(client.get("/api/v1/incidents?urgency=sangat", taker).status, 400);
  EXPECT_EQ(client.get("/api/v1/dispatches?from=kemarin", taker).status, 400);
}

}  // namespace
}  // namespace siaga::testing
