#include "services/places_service.hpp"

#include "domain/geo.hpp"
#include "services/access.hpp"
#include "services/events.hpp"

#include <algorithm>

namespace siaga::services {
namespace {

constexpr std::size_t max_places = 200'000;
constexpr std::size_t max_listed_problems = 20;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

core::result<place_import> parse_place_import(place_format format, std::string_view text, const std::string& name) {
  place_import out;
  if (format == place_format::csv) {
    if (!valid_name(name)) return core::invalid("name must be 1 to 40 of a-z, 0-9, _ and - (it names the CSV's places)");
    SIAGA_TRY(parsed, domain::parse_places_csv(text));
    if (!parsed.problems.empty()) {
      std::string msg = std::to_string(parsed.problems.size()) + " row(s) cannot be read; nothing was imported:";
      for (std::size_t i = 0; i < parsed.problems.size() && i < max_listed_problems; ++i) {
        msg += " " + parsed.problems[i].where + ": " + parsed.problems[i].message + ";";
      }
      return core::invalid(msg);
    }
    out.source = "csv:" + name;
    out.places = std::move(parsed.places);
  } else {
    SIAGA_TRY(parsed, domain::parse_osm_xml(text));
    out.source = "osm";
    out.places = std::move(parsed.places);
    out.skipped = std::move(parsed.problems);
  }
  if (out.places.empty()) return core::invalid("the file holds no place to import");
  if (out.places.size() > max_places) return core::invalid("more than 200000 places: split the file");
  return out;
}

core::result<import_summary> import_places(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const place_import& in) {
  if (who.role != domain::role::admin) return core::forbidden("only an admin may import places");
  SIAGA_TRY(districts, tx.list_districts(who.jurisdiction_id));
  auto now = ctx.clock.now();
  std::vector<domain::place> rows = in.places;
  for (auto& p : rows) {
    p.id = ctx.ids.next(now);
    p.jurisdiction_id = who.jurisdiction_id;
    p.source = in.source;
    p.created_at = now;
    if (!p.district_id) p.district_id = domain::district_of(p.location, districts);
  }
  SIAGA_TRY(replaced, tx.replace_places(who.jurisdiction_id, in.source, rows));
  import_summary out{in.source, static_cast<std::int64_t>(rows.size()), replaced, in.skipped};
  SIAGA_CHECK(record(tx, ctx, who, domain::subject_kind::jurisdiction, who.jurisdiction_id, "places.imported",
                     {{"source", in.source},
                      {"imported", out.imported},
                      {"replaced", out.replaced},
                      {"skipped", static_cast<std::int64_t>(in.skipped.size())}}));
  return out;
}

core::result<std::vector<domain::place>> search_places_for(storage::store_reader& rd, const actor& who,
                                                           std::string_view query, int limit) {
  auto folded = domain::fold_name(query);
  if (folded.empty()) return std::vector<domain::place>{};
  return rd.search_places(who.jurisdiction_id, folded, std::clamp(limit, 1, 50));
}

core::result<std::vector<std::pair<std::string, std::int64_t>>> place_sources_for(storage::store_reader& rd,
                                                                                 const actor& who) {
  return rd.place_sources(who.jurisdiction_id);
}

}  // namespace siaga::services
