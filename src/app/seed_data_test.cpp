#include "app/seed_data.hpp"

#include <gtest/gtest.h>

#include <string>

namespace siaga::app {
namespace {

TEST(seed_data, the_compiled_in_city_parses_and_its_references_hold) {
  auto d = parse_demo_data(ambon_directory_json(), ambon_history_json());
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->districts.size(), 5u);
  EXPECT_EQ(d->agencies.size(), 13u);
  EXPECT_EQ(d->categories.size(), 18u);
  EXPECT_EQ(d->users.size(), 6u);
  EXPECT_EQ(d->places.size(), 30u);
  EXPECT_GT(d->stories.size(), 40u);
  EXPECT_EQ(d->category("fire").run_card.front(), "DAMKAR");
  EXPECT_EQ(d->place("honipopu").district, "81.71.02");
  EXPECT_EQ(d->supporting_note("PLN").substr(0, 14), "Aliran listrik");
  EXPECT_EQ(d->supporting_note("NOBODY"), d->default_supporting_note);
  EXPECT_EQ(&ambon(), &ambon());  // parsed once
}

const std::string directory = R"({
  "districts": [{"code": "81.71.01", "name": "Nusaniwe", "lat": -3.7, "lon": 128.1}],
  "agencies": [{"code": "DAMKAR", "name": "Damkar", "kind": "fire"}],
  "categories": [{"code": "fire", "name_id": "Kebakaran", "name_en": "Fire", "urgency": "emergency",
                  "run_card": ["DAMKAR"], "sop": []}],
  "users": [{"username": "admin", "display_name": "Admin", "role": "admin"}]
})";

std::string history(const std::string& story) {
  return R"({
  "places": [{"key": "p", "address": "Jl. A", "district": "81.71.01", "lat": -3.7, "lon": 128.1}],
  "stories": [)" + story + R"(],
  "supporting_notes": {"DAMKAR": "Selesai."},
  "default_supporting_note": "Penanganan selesai.",
  "first_names": ["Ana"], "last_names": ["Tuasikal"], "mobile_prefixes": ["12"]
})";
}

std::string refused(const std::string& dir, const std::string& hist) {
  auto d = parse_demo_data(dir, hist);
  return d ? std::string("accepted") : d.error().message;
}

TEST(seed_data, a_small_city_parses) {
  auto d = parse_demo_data(
      directory, history(R"({"day": 2, "at": "07:42", "category": "fire", "place": "p", "description": "Api", "end": "closed"})"));
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->stories.size(), 1u);
  EXPECT_EQ(d->stories[0].minute, 7 * 60 + 42);
  EXPECT_EQ(d->stories[0].end, ending::closed);
}

TEST(seed_data, malformed_data_are_refused_naming_the_place) {
  const std::string ok_story = R"({"day": 0, "minutes_ago": 5, "category": "fire", "place": "p", "description": "Api", "end": "closed"})";
  EXPECT_EQ(refused("{", history(ok_story)).substr(0, 30), "directory.json: not valid JSON");
  EXPECT_EQ(refused(directory, history(R"({"day": 0, "minutes_ago": 5, "category": "fire", "place": "nowhere",
                                          "description": "Api", "end": "closed"})")),
            "history.json: stories[0].place 'nowhere' is not a place key");
  EXPECT_EQ(refused(directory, history(R"({"day": 1, "at": "25:00", "category": "fire", "place": "p",
                                          "description": "Api", "end": "closed"})")),
            "history.json: stories[0].at must be a local time HH:MM");
  EXPECT_EQ(refused(directory, history(R"({"day": 0, "minutes_ago": 5, "place": "p", "description": "Api", "end": "closed"})")),
            "history.json: stories[0].category is needed for a story that becomes an incident");
  EXPECT_NE(refused(directory, history(R"({"day": 0, "minutes_ago": 5, "category": "fire", "place": "p",
                                          "description": "Api", "end": "finished"})"))
                .find("stories[0].end ending 'finished' is not one of: closed, resolved"),
            std::string::npos);
  auto bad_card = directory;
  bad_card.replace(bad_card.find("[\"DAMKAR\"]"), 10, "[\"PMK\"]");
  EXPECT_EQ(refused(bad_card, history(ok_story)),
            "directory.json: categories[0].run_card names 'PMK', which is not an agency code");
  auto no_lat = directory;
  no_lat.replace(no_lat.find("\"lat\": -3.7"), 11, "\"lat\": \"x\"");
  EXPECT_EQ(refused(no_lat, history(ok_story)), "directory.json: districts[0].lat must be a number");
}

}  // namespace
}  // namespace siaga::app
