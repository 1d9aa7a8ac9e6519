#include "storage/sqlite/model_sql.hpp"

#include "storage/model_rows.hpp"
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

}  // namespace siaga::storage::sqlite::model_sql
