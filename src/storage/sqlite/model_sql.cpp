#include "storage/sqlite/model_sql.hpp"

#include "storage/model_rows.hpp"
#include "storage/sqlite/multi_row.hpp"
#include "storage/sqlite/query.hpp"

#include "domain/phone_text.hpp"

#include <algorithm>

namespace siaga::storage::sqlite::model_sql {

// The rows and their JSON columns are read and written as every store does (storage/model_rows,
// storage/row_codec), with the SQL both stores share (storage/model_sql.ipp) on this store's
// connection and query toolkit.
using namespace model_rows;
using row_codec::encode_holidays;
using row_codec::encode_run_card;
using row_codec::encode_sop;
using row_codec::encode_weekend;

result<void> read_calendar(std::string_view weekend, std::string_view holidays, domain::jurisdiction& j) {
  return row_codec::decode_calendar(weekend, holidays, j);
}

#include "storage/model_sql.ipp"

result<void> insert_sealed_events(connection& c, std::span<const domain::event> events) {
  static const std::string head =
      "INSERT INTO events (seq, id, jurisdiction_id, subject, subject_id, incident_id, agency_id, kind, actor_id, at, "
      "payload_json, prev_hash, hash, payload_digest) VALUES ";
  return insert_rows(c, head, 14, events.size(), "events", [&](statement& st, std::size_t i) {
    const auto& e = events[i];
    st.bind(e.seq)
        .bind(e.id)
        .bind(e.jurisdiction_id)
        .bind(domain::to_string(e.subject))
        .bind(e.subject_id)
        .bind(e.incident_id)
        .bind(e.agency_id)
        .bind(e.kind)
        .bind(e.actor_id)
        .bind(e.at)
        .bind(e.payload_json)
        .bind(e.prev_hash)
        .bind(e.hash)
        .bind(e.payload_digest);
  });
}

}  // namespace siaga::storage::sqlite::model_sql
