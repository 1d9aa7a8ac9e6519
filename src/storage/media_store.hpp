// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// Photos attached to dispatches (issue 4).
// A new query of the area touches this header, the SQL both stores share (media_sql.ipp) and the
// forwarding in sqlite/sqlite_store.cpp and postgres/postgres_store.cpp.
#pragma once

#include "domain/media.hpp"
#include "storage/store_types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage {

// Reads (see store_reader for the rules every read follows).
class media_reader {
 public:
  virtual ~media_reader() = default;

  // ---- Media: photos attached to dispatches (issue 4) ----
  // find_media and media_of_incident return the records without their bytes; media_of_incident
  // oldest first (created_at, then id). media_bytes: the stored bytes of one media record.
  virtual result<std::optional<domain::media>> find_media(const std::string& jurisdiction_id,
                                                          const std::string& id) = 0;
  virtual result<std::vector<domain::media>> media_of_incident(const std::string& incident_id) = 0;
  // The photos that came with a report, oldest first, without their bytes.
  virtual result<std::vector<domain::media>> media_of_report(const std::string& report_id) = 0;
  virtual result<std::optional<std::string>> media_bytes(const std::string& jurisdiction_id, const std::string& id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class media_writer {
 public:
  virtual ~media_writer() = default;

  // ---- Media (issue 4) ----
  // Writes a media record with its bytes, whose length must be m.size (storage_failure
  // otherwise); conflict on a duplicate id.
  virtual result<void> insert_media(const domain::media& m, std::string_view bytes) = 0;
  // Stores a media record's incident_id and is_public (the rest never changes); not_found
  // when it is not there.
  virtual result<void> update_media(const domain::media& m) = 0;
};

}  // namespace siaga::storage
