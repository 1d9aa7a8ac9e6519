// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// what an Open311 GeoReport v2 client sent with a request beyond the report itself (issue 11
// item 6, migration 17): its service code, its own description, attributes, media url and the
// contact fields that only staff may read.
// A new query of the area touches this header, the SQL both stores share (open311_sql.ipp) and the
// forwarding in sqlite/sqlite_store.cpp and postgres/postgres_store.cpp.
#pragma once

#include "storage/store_types.hpp"

#include <optional>
#include <string>

namespace siaga::storage {

// One Open311 request: the report it became and what only Open311 carries. email, device_id
// and account_id are the reporter's (protected like reporter_name and reporter_phone, never
// in an Open311 answer).
struct open311_record {
  std::string report_id;
  std::string jurisdiction_id;
  std::string service_code;  // as the client asked for it
  std::string description;   // the client's text, without the attributes that the report's text adds
  std::string attributes;    // JSON object: attribute code -> array of values
  std::string media_url;     // the client's photo url, "" when none
  std::string email;
  std::string device_id;
  std::string account_id;
  std::string api_key_id;  // the integration that posted it
  timestamp created_at{};
};

// Reads (see store_reader for the rules every read follows).
class open311_reader {
 public:
  virtual ~open311_reader() = default;

  // The Open311 record of a report, nullopt when the report did not come through Open311.
  virtual result<std::optional<open311_record>> find_open311_request(const std::string& report_id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class open311_writer {
 public:
  virtual ~open311_writer() = default;

  // Conflict when the report has one already.
  virtual result<void> insert_open311_request(const open311_record& r) = 0;
};

}  // namespace siaga::storage
