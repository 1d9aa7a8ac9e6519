// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// The directory: jurisdictions, districts, agencies, categories, users and sessions.
// A new query of the area touches this header, the area's sqlite/<area>_sql.cpp and the
// forwarding in sqlite/sqlite_store.cpp.
#pragma once

#include "domain/model.hpp"
#include "storage/store_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage {

// Reads (see store_reader for the rules every read follows).
class directory_reader {
 public:
  virtual ~directory_reader() = default;

  virtual result<std::optional<domain::jurisdiction>> find_jurisdiction(const std::string& id) = 0;
  virtual result<std::optional<domain::jurisdiction>> find_jurisdiction_by_code(const std::string& code) = 0;
  virtual result<std::vector<domain::jurisdiction>> list_jurisdictions() = 0;
  virtual result<std::vector<domain::district>> list_districts(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::district>> find_district(const std::string& jurisdiction_id,
                                                                const std::string& id) = 0;
  // Villages by code: all of the jurisdiction's, or those of one district.
  virtual result<std::vector<domain::village>> list_villages(const std::string& jurisdiction_id,
                                                             const std::optional<std::string>& district_id) = 0;
  virtual result<std::optional<domain::village>> find_village(const std::string& jurisdiction_id,
                                                              const std::string& id) = 0;
  // A number that changes whenever a district or village of the jurisdiction is written (0 for
  // none yet): caches of parsed boundaries compare it to know they are stale.
  virtual result<std::int64_t> area_version(const std::string& jurisdiction_id) = 0;
  // A value that changes whenever the jurisdiction's row or one of its categories is written
  // (0 before any was): caches of the calendar and the categories' limits compare it for
  // equality to know they are stale. Not ordered (a new value may be smaller).
  virtual result<std::int64_t> directory_version(const std::string& jurisdiction_id) = 0;
  virtual result<std::vector<domain::agency>> list_agencies(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::agency>> find_agency(const std::string& jurisdiction_id,
                                                            const std::string& id) = 0;
  virtual result<std::vector<domain::category>> list_categories(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::category>> find_category(const std::string& jurisdiction_id,
                                                                const std::string& id) = 0;
  virtual result<std::vector<domain::user>> list_users(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::user>> find_user(const std::string& id) = 0;
  virtual result<std::optional<domain::user>> find_user_by_username(const std::string& username) = 0;
  virtual result<std::optional<domain::session>> find_session(const std::string& token_hash) = 0;
  // Security events newest first: the jurisdiction's and those of no jurisdiction (address
  // locks, unknown usernames), at most limit (clamped to 1..500).
  virtual result<std::vector<domain::security_event>> list_security_events(const std::string& jurisdiction_id,
                                                                           int limit) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class directory_writer {
 public:
  virtual ~directory_writer() = default;

  virtual result<void> insert_jurisdiction(const domain::jurisdiction& j) = 0;
  // Name, time zone, weekend days and holidays; not_found for an unknown id.
  virtual result<void> update_jurisdiction(const domain::jurisdiction& j) = 0;
  virtual result<void> insert_district(const domain::district& d) = 0;
  // A village of an existing district of the same jurisdiction (storage_failure otherwise).
  virtual result<void> insert_village(const domain::village& v) = 0;
  // Replaces the boundary (GeoJSON text, "" for none) and its approximate mark; not_found when
  // the jurisdiction has no such district or village.
  virtual result<void> set_district_boundary(const std::string& jurisdiction_id, const std::string& id,
                                             const std::string& geojson, bool approximate) = 0;
  virtual result<void> set_village_boundary(const std::string& jurisdiction_id, const std::string& id,
                                            const std::string& geojson, bool approximate) = 0;
  virtual result<void> upsert_agency(const domain::agency& a) = 0;
  virtual result<void> upsert_category(const domain::category& c) = 0;
  virtual result<void> insert_user(const domain::user& u) = 0;
  virtual result<void> update_user(const domain::user& u) = 0;
  virtual result<void> insert_session(const domain::session& s) = 0;
  virtual result<void> delete_session(const std::string& token_hash) = 0;
  // Deletes every session of the user but the one whose hash is keep ("" keeps none); returns
  // how many went.
  virtual result<std::int64_t> delete_sessions_of_user(const std::string& user_id, const std::string& keep) = 0;
  // Deletes the sessions that expired at or before now; returns how many went.
  virtual result<std::int64_t> delete_expired_sessions(domain::timestamp now) = 0;
  virtual result<void> insert_security_event(const domain::security_event& e) = 0;
};

}  // namespace siaga::storage
