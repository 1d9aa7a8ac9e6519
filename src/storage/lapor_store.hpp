// A store facet, one feature area's narrow interface (storage/store.hpp composes them): the
// reports imported from SP4N-LAPOR! (issue 11 item 7, migration 19), one row per LAPOR!
// tracking id and jurisdiction, and the import's cursor into LAPOR!'s feed, so that an import
// is taken once and a restart continues where the last one stopped.
// A new query of the area touches this header, the SQL both stores share (lapor_sql.ipp) and the
// forwarding in sqlite/sqlite_store.cpp and postgres/postgres_store.cpp.
#pragma once

#include "storage/store_types.hpp"

#include <optional>
#include <string>

namespace siaga::storage {

// One imported LAPOR! report: the Siaga report it became and what LAPOR! sent beyond it (the
// report's text may be cut to the intake's limit; content keeps it whole).
struct lapor_record {
  std::string jurisdiction_id;
  std::string lapor_id;    // LAPOR!'s tracking id
  std::string report_id;   // the Siaga report
  std::string title;
  std::string content;     // the complaint's whole text
  std::string category;    // LAPOR!'s category name, as sent
  std::string attachments; // JSON array of urls
  bool anonymous = false;
  timestamp submitted_at{};  // when the complainant filed it at LAPOR!
  timestamp imported_at{};
};

// Reads (see store_reader for the rules every read follows).
class lapor_reader {
 public:
  virtual ~lapor_reader() = default;

  // The import of a LAPOR! tracking id in the jurisdiction, nullopt when it was never imported.
  virtual result<std::optional<lapor_record>> find_lapor_report(const std::string& jurisdiction_id,
                                                               const std::string& lapor_id) = 0;
  // The import of a Siaga report, nullopt when the report did not come from LAPOR!.
  virtual result<std::optional<lapor_record>> find_lapor_report_of(const std::string& report_id) = 0;
  // The jurisdiction's cursor into LAPOR!'s feed, nullopt before the first import.
  virtual result<std::optional<std::string>> lapor_cursor(const std::string& jurisdiction_id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class lapor_writer {
 public:
  virtual ~lapor_writer() = default;

  // Conflict when the tracking id was imported in the jurisdiction before.
  virtual result<void> insert_lapor_report(const lapor_record& r) = 0;
  // Sets (or replaces) the jurisdiction's cursor.
  virtual result<void> set_lapor_cursor(const std::string& jurisdiction_id, const std::string& cursor,
                                        timestamp at) = 0;
};

}  // namespace siaga::storage
