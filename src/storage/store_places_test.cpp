// Contract tests of storage::store, continued: places found by any word, and the villages kept per
// district with the area version. Split from store_queries_test.cpp.
#include "storage/store_test_fixture.hpp"

namespace siaga::storage::contract {
namespace {

domain::place make_place(const char* id, const char* name, domain::place_kind kind, const std::string& source) {
  domain::place p;
  p.id = id;
  p.name = name;
  p.folded = domain::fold_name(name);
  p.kind = kind;
  p.location = {-3.69, 128.18};
  p.source = source;
  p.created_at = at(0);
  return p;
}

std::vector<std::string> names(const result<std::vector<domain::place>>& r) {
  std::vector<std::string> out;
  if (r) {
    for (const auto& p : *r) out.push_back(p.name);
  }
  return out;
}

TEST_P(store_places_contract, places_are_found_by_the_start_of_any_word_and_replaced_per_source) {
  using domain::place_kind;
  std::vector<domain::place> osm{make_place("p1", "Gong Perdamaian Dunia", place_kind::landmark, "osm"),
                                 make_place("p2", "Jalan Perdamaian", place_kind::street, "osm"),
                                 make_place("p3", "Perdana Hotel", place_kind::landmark, "osm"),
                                 make_place("p4", "Batu Merah", place_kind::village, "osm")};
  std::vector<domain::place> csv{make_place("p5", "Pos Damkar Perdamaian", place_kind::landmark, "csv:pos")};
  osm[0].district_id = "d1";
  ASSERT_EQ(
      outcome(write([&](store_txn& t) -> result<void> {
        if (auto r = t.replace_places("j1", "osm", osm); !r) return r.error();
        if (auto r = t.replace_places("j1", "csv:pos", csv); !r) return r.error();
        if (auto r = t.replace_places("j2", "osm", {make_place("p9", "Perdamaian Lain", place_kind::landmark, "osm")});
            !r) {
          return r.error();
        }
        return {};
      })),
      "ok");
  auto& rd = reader();
  // Names that start with it first, then by kind (landmark, street, village), shorter first.
  EXPECT_EQ(names(rd.search_places("j1", "perda", 10)),
            (std::vector<std::string>{"Perdana Hotel", "Gong Perdamaian Dunia", "Pos Damkar Perdamaian",
                                      "Jalan Perdamaian"}));
  EXPECT_EQ(names(rd.search_places("j1", "perdamaian", 2)),
            (std::vector<std::string>{"Gong Perdamaian Dunia", "Pos Damkar Perdamaian"}));
  EXPECT_EQ(names(rd.search_places("j1", "gong perd", 10)), std::vector<std::string>{"Gong Perdamaian Dunia"});
  EXPECT_EQ(names(rd.search_places("j1", "gong dun", 10)), std::vector<std::string>{"Gong Perdamaian Dunia"})
      << "every word starts a word, not necessarily the next";
  EXPECT_EQ(names(rd.search_places("j1", "pos perdamaian", 10)), std::vector<std::string>{"Pos Damkar Perdamaian"});
  EXPECT_TRUE(names(rd.search_places("j1", "gong hotel", 10)).empty());
  EXPECT_TRUE(names(rd.search_places("j1", "amaian", 10)).empty()) << "the start of a word, not its middle";
  EXPECT_TRUE(names(rd.search_places("j1", "", 10)).empty());
  auto gong = rd.search_places("j1", "gong", 10);
  ASSERT_TRUE(gong && gong->size() == 1u);
  EXPECT_EQ((*gong)[0].district_id, std::optional<std::string>("d1"));
  EXPECT_EQ((*gong)[0].kind, place_kind::landmark);
  EXPECT_DOUBLE_EQ((*gong)[0].location.lon, 128.18);
  EXPECT_EQ((*gong)[0].source, "osm");

  // A new extract replaces the old one and leaves the CSV as it is.
  result<std::int64_t> removed = 0;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              removed = t.replace_places("j1", "osm",
                                         {make_place("p6", "Gong Perdamaian Dunia", place_kind::landmark, "osm")});
              return removed ? result<void>{} : result<void>(removed.error());
            })),
            "ok");
  EXPECT_EQ(removed.value(), 4);
  auto sources = rd.place_sources("j1");
  ASSERT_TRUE(sources);
  EXPECT_EQ(*sources, (std::vector<std::pair<std::string, std::int64_t>>{{"csv:pos", 1}, {"osm", 1}}));
  EXPECT_EQ(names(rd.search_places("j1", "perdamaian", 10)),
            (std::vector<std::string>{"Gong Perdamaian Dunia", "Pos Damkar Perdamaian"}));
}

// ---------------------------------------------------------------------------------------
// Villages and boundaries.

TEST_P(store_areas_contract, villages_are_kept_per_district_and_every_area_change_moves_the_version) {
  EXPECT_EQ(reader().area_version("j1").value(), 2);  // the fixture's two districts of j1, counted apart from j2's
  EXPECT_EQ(reader().area_version("j2").value(), 1);
  EXPECT_EQ(reader().area_version("nowhere").value(), 0);
  domain::village v1{"v1", "j1", "d1", "81.71.01.1006", "Nusaniwe", domain::geo_point{-3.73, 128.15}, "", false};
  domain::village v2{"v2", "j1", "d2", "81.71.02.1010", "Pandan Kasturi", std::nullopt, "", false};
  domain::village v0{"v0", "j1", "d1", "81.71.01.1001", "Amahusu", std::nullopt, "", false};
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (const auto& v : {v1, v2, v0}) SIAGA_CHECK(t.insert_village(v));
              return {};
            })),
            "ok");
  EXPECT_EQ(all_fields(reader().list_villages("j1", std::nullopt).value()), all_fields(std::vector{v0, v1, v2}));
  EXPECT_EQ(all_fields(reader().list_villages("j1", std::string("d1")).value()), all_fields(std::vector{v0, v1}));
  EXPECT_TRUE(reader().list_villages("j2", std::nullopt).value().empty());
  EXPECT_EQ(fields(reader().find_village("j1", "v2").value().value()), fields(v2));
  EXPECT_FALSE(reader().find_village("j2", "v2").value());  // another jurisdiction's: not found
  auto before = reader().area_version("j1").value();
  EXPECT_EQ(before, 5);

  std::string box = R"({"type":"Polygon","coordinates":[[[128,-4],[129,-4],[129,-3],[128,-4]]]})";
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.set_district_boundary("j1", "d1", box, true));
              return t.set_village_boundary("j1", "v1", box, false);
            })),
            "ok");
  EXPECT_EQ(reader().area_version("j1").value(), before + 2);
  EXPECT_EQ(reader().area_version("j2").value(), 1);
  auto d1 = reader().find_district("j1", "d1").value().value();
  EXPECT_EQ(d1.boundary_geojson, box);
  EXPECT_TRUE(d1.boundary_approximate);
  auto got = reader().find_village("j1", "v1").value().value();
  EXPECT_EQ(got.boundary_geojson, box);
  EXPECT_FALSE(got.boundary_approximate);

  // Another jurisdiction's district or village is not found, and nothing changes.
  auto code = [](const result<void>& r) { return outcome(r).substr(0, outcome(r).find(' ')); };
  EXPECT_EQ(code(write([&](store_txn& t) { return t.set_district_boundary("j2", "d1", "", false); })), "not_found");
  EXPECT_EQ(code(write([&](store_txn& t) { return t.set_village_boundary("j2", "v1", "", false); })), "not_found");
  // A village in a district of another jurisdiction, or a duplicate code, is refused.
  domain::village cross{"vx", "j2", "d1", "32.73.09.1001", "X", std::nullopt, "", false};
  EXPECT_NE(outcome(write([&](store_txn& t) { return t.insert_village(cross); })), "ok");
  domain::village twice{"vy", "j1", "d1", "81.71.01.1006", "Y", std::nullopt, "", false};
  EXPECT_EQ(code(write([&](store_txn& t) { return t.insert_village(twice); })), "conflict");
  EXPECT_EQ(reader().area_version("j1").value(), before + 2);

  // Records keep their village.
  auto r = make_report("j1", "r1", at(0));
  r.district_id = "d1";
  r.village_id = "v1";
  auto i = make_incident("j1", "i1", "c_fire", at(0));
  i.district_id = "d2";
  i.village_id = "v2";
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_report(r));
              return t.insert_incident(i);
            })),
            "ok");
  EXPECT_EQ(fields(reader().find_report("j1", "r1").value().value()), fields(r));
  EXPECT_EQ(fields(reader().find_incident("j1", "i1").value().value()), fields(i));
  EXPECT_EQ(reader().list_incidents({.jurisdiction_id = "j1", .village_id = "v2"}).value().total, 1);
  EXPECT_EQ(reader().list_incidents({.jurisdiction_id = "j1", .village_id = "v1"}).value().total, 0);
}

}  // namespace
}  // namespace siaga::storage::contract
