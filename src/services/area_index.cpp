#include "services/area_index.hpp"

namespace siaga::services {

core::result<std::shared_ptr<const domain::area_directory>> area_index::of(storage::store_reader& rd,
                                                                           const std::string& jurisdiction_id) {
  return get(rd, jurisdiction_id, true);
}

core::result<std::shared_ptr<const domain::area_directory>> area_index::peek(storage::store_reader& rd,
                                                                             const std::string& jurisdiction_id) {
  return get(rd, jurisdiction_id, false);
}

core::result<std::shared_ptr<const domain::area_directory>> area_index::get(storage::store_reader& rd,
                                                                            const std::string& jurisdiction_id,
                                                                            bool remember) {
  SIAGA_TRY(version, rd.area_version(jurisdiction_id));
  {
    std::lock_guard lock(mutex_);
    auto it = by_jurisdiction_.find(jurisdiction_id);
    if (it != by_jurisdiction_.end() && it->second.version == version) return it->second.dir;
  }
  // Parsed outside the lock: two threads may both parse after a change, which is harmless.
  SIAGA_TRY(districts, rd.list_districts(jurisdiction_id));
  SIAGA_TRY(villages, rd.list_villages(jurisdiction_id, std::nullopt));
  auto dir = std::make_shared<const domain::area_directory>(domain::make_area_directory(districts, villages));
  if (remember) {
    std::lock_guard lock(mutex_);
    by_jurisdiction_[jurisdiction_id] = {version, dir};
  }
  return dir;
}

area_index& shared_area_index() {
  static area_index shared;
  return shared;
}

namespace {

// Checks the ids given; the placement they settle (the village's district when only a village
// was given), or nothing when neither was given.
core::result<std::optional<domain::placement>> given_place(storage::store_reader& rd, const actor& who,
                                                           const std::optional<std::string>& district_id,
                                                           const std::optional<std::string>& village_id) {
  if (district_id) {
    SIAGA_TRY(d, rd.find_district(who.jurisdiction_id, *district_id));
    if (!d) return core::invalid("district_id '" + *district_id + "' is not a district of this jurisdiction");
  }
  if (!village_id) {
    if (!district_id) return std::optional<domain::placement>{};
    return std::optional<domain::placement>(domain::placement{district_id, std::nullopt});
  }
  SIAGA_TRY(v, rd.find_village(who.jurisdiction_id, *village_id));
  if (!v) return core::invalid("village_id '" + *village_id + "' is not a village of this jurisdiction");
  if (district_id && v->district_id != *district_id) {
    return core::invalid("village_id '" + *village_id + "' is not in district_id '" + *district_id + "'");
  }
  return std::optional<domain::placement>(domain::placement{v->district_id, v->id});
}

}  // namespace

core::result<domain::placement> place_record(storage::store_reader& rd, area_index& areas, const actor& who,
                                             const std::optional<std::string>& district_id,
                                             const std::optional<std::string>& village_id,
                                             const std::optional<domain::geo_point>& location) {
  SIAGA_TRY(given, given_place(rd, who, district_id, village_id));
  if (given && (given->village_id || !location)) return *given;
  if (!location) return domain::placement{};
  SIAGA_TRY(dir, areas.of(rd, who.jurisdiction_id));
  return domain::place_point(*location, *dir, given ? given->district_id : std::nullopt);
}

core::result<domain::placement> locate_in_txn(storage::store_reader& tx, const actor& who,
                                              const std::optional<std::string>& district_id,
                                              const std::optional<std::string>& village_id,
                                              const std::optional<domain::geo_point>& location) {
  SIAGA_TRY(given, given_place(tx, who, district_id, village_id));
  if (given) return *given;
  if (!location) return domain::placement{};
  SIAGA_TRY(dir, shared_area_index().peek(tx, who.jurisdiction_id));
  return domain::place_point(*location, *dir);
}

}  // namespace siaga::services
