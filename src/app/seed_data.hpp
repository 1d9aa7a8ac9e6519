// The demo city's data (Kota Ambon): its directory (districts, agencies, categories with run
// cards and SOP, users) and the week of history the demo seed writes (places, stories, names).
// The data live in data/demo/ambon/*.json, compiled into the binary (CMakeLists.txt), so that
// `siaga seed --demo` never depends on its working directory; this module parses and checks them.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::app {

struct district_spec {
  std::string code;  // Kemendagri code, "81.71.02"
  std::string name;
  double lat = 0;
  double lon = 0;
};

struct agency_spec {
  std::string code;
  std::string name;
  domain::agency_kind kind = domain::agency_kind::other;
  std::string phone;
};

struct category_spec {
  std::string code;
  std::string name_id;
  std::string name_en;
  domain::urgency urgency_class = domain::urgency::emergency;
  std::vector<std::string> run_card;  // agency codes: the first leads (primary), the rest support
  std::vector<std::string> sop;
};

struct user_spec {
  std::string username;
  std::string display_name;
  domain::role user_role = domain::role::call_taker;
  std::string agency;  // agency code; empty unless an agency operator
};

struct place_spec {
  std::string key;
  std::string address;
  std::string district;  // Kemendagri code
  double lat = 0;
  double lon = 0;
};

// How a story ends at `now`.
enum class ending { closed, resolved, in_progress, dispatched, cancelled, rejected, answered, still_new };

// One event of the week as it reached 112: the first report and what became of it.
struct story {
  int day = 0;     // local days before today; 0 counts `minute` back from now
  int minute = 0;  // local minute of that day ("at": "07:42"), or minutes before now when day is 0
  domain::channel source = domain::channel::call;
  std::string category;  // suggested category code; empty when the report gave none
  std::string place;     // a place_spec key
  std::string description;
  ending end = ending::closed;
  std::string summary;  // the incident's one-line summary
  std::string note;     // rejection or answer note, or the lead agency's completion note
  domain::reject_reason reason = domain::reject_reason::prank;
  std::vector<std::string> repeats;  // later callers linked to the same incident
  std::string extra_agency;          // dispatched by hand after the run card
  std::string declining_agency;
  std::string decline_reason;
  std::string cancel_reason;
};

struct demo_data {
  std::vector<district_spec> districts;
  std::vector<agency_spec> agencies;
  std::vector<category_spec> categories;
  std::vector<user_spec> users;
  std::vector<place_spec> places;
  std::vector<story> stories;
  std::map<std::string, std::string, std::less<>> supporting_notes;  // agency code -> completion note
  std::string default_supporting_note;
  std::vector<std::string> first_names;
  std::vector<std::string> last_names;
  std::vector<std::string> mobile_prefixes;  // after +628

  const category_spec& category(std::string_view code) const;  // must exist (checked by parse)
  const place_spec& place(std::string_view key) const;         // must exist (checked by parse)
  const std::string& supporting_note(std::string_view agency) const;
};

// Parses the two documents (directory.json, history.json) and checks them: every field of the
// right type, enums by name, every agency, category, place and district a reference names
// exists, at least one name and prefix. Fails with invalid_input naming the document, the
// element and the field ("history.json: stories[12].place 'x' is not a place key").
core::result<demo_data> parse_demo_data(std::string_view directory_json, std::string_view history_json);

// Kota Ambon's data as compiled in; parsed once. Throws std::logic_error if the compiled-in
// data do not parse, which the seed tests rule out.
const demo_data& ambon();

// The compiled-in documents (generated from data/demo/ambon/ by CMake).
std::string_view ambon_directory_json();
std::string_view ambon_history_json();
std::string_view ambon_places_csv();
// Kota Ambon's kelurahan/desa and the approximate boundaries of them and of its kecamatan
// (data/demo/ambon/areas.json, derived by make_areas.py; codes and names from idn-area-data).
std::string_view ambon_areas_json();  // the gazetteer's landmarks, streets and kelurahan (approximate points)

}  // namespace siaga::app
