// Places of a jurisdiction that a call taker can find by name as the caller says it: landmarks
// ("Gong Perdamaian"), streets and kelurahan, imported from an OpenStreetMap extract or from a
// CSV file the admin keeps. Pure parsing and matching; storage keeps the rows.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::domain {

enum class place_kind { landmark, street, village, other };

std::string_view to_string(place_kind v);
core::result<place_kind> parse_place_kind(std::string_view s);

struct place {
  std::string id;
  std::string jurisdiction_id;
  std::string name;
  std::string folded;  // fold_name(name): what searches compare
  place_kind kind = place_kind::landmark;
  geo_point location;
  std::optional<std::string> district_id;
  std::string source;  // the import it came from ("osm", "csv:<name>", "demo"), replaced as a whole
  timestamp created_at{};
};

// Lower case ASCII letters and digits with single spaces between words: accents dropped
// (UTF-8 Latin-1 letters folded to their base letter), punctuation a space. "Gong Perdamaian
// Dunia" and "gong  perdamaian-dunia" fold alike.
std::string fold_name(std::string_view name);

// One row a parser could not take, for the admin to fix (1-based line, or the OSM element id).
struct import_problem {
  std::string where;
  std::string message;
};

struct parsed_places {
  std::vector<place> places;  // id, jurisdiction, district, source and time left for the caller
  std::vector<import_problem> problems;
};

// A CSV file with a header row naming at least name, lat and lon (any order; kind optional,
// default landmark; other columns ignored), separated by commas or semicolons, fields quoted
// with "" when they hold a separator. A row with an empty name, a number that is not one, a
// point off the globe or an unknown kind is a problem; blank lines are skipped. Fails with
// invalid_input when there is no header with name, lat and lon.
core::result<parsed_places> parse_places_csv(std::string_view text);

// An OpenStreetMap XML extract (.osm): every named node that is a landmark (amenity, tourism,
// historic, leisure, shop, office, building, man_made, public_transport, healthcare), or a
// place (suburb, village, neighbourhood, quarter, hamlet: a kelurahan or desa), and every
// named way that is a highway (a street, at the middle of its nodes) or such a landmark (at the
// middle of its nodes). Names from name:id win over name. Fails with invalid_input when the
// text is not an <osm> document.
core::result<parsed_places> parse_osm_xml(std::string_view text);

}  // namespace siaga::domain
