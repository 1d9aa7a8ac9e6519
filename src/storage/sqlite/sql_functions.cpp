#include "storage/sqlite/sql_functions.hpp"

#include "core/time.hpp"
#include "domain/duration_histogram.hpp"
#include "domain/millis_histogram.hpp"
#include "domain/sla.hpp"
#include "storage/call_rollup_deltas.hpp"
#include "storage/sqlite/model_sql.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace siaga::storage::sqlite {
namespace {

// Floor division: a time before 1970 still falls in the right local day.
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

void local_day(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  auto micros = sqlite3_value_int64(argv[0]);
  const auto* zone = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  auto offset = core::zone_offset_minutes(zone ? std::string_view(zone) : std::string_view());
  if (!offset) {
    sqlite3_result_error(ctx, offset.error().message.c_str(), -1);
    return;
  }
  sqlite3_result_int64(ctx, floor_div(floor_div(micros, 1'000'000) + std::int64_t{*offset} * 60, 86400));
}

void local_hour(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto* zone = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  auto offset = core::zone_offset_minutes(zone ? std::string_view(zone) : std::string_view());
  if (!offset) {
    sqlite3_result_error(ctx, offset.error().message.c_str(), -1);
    return;
  }
  sqlite3_result_int64(ctx, storage::local_hour_number(core::from_micros(sqlite3_value_int64(argv[0])), *offset));
}

// The calendars of the jurisdictions met, by their columns: a recount reads the same few
// calendars for every dispatch with a limit in working days.
const domain::work_calendar* calendar_of_columns(std::string_view zone, std::string_view weekend,
                                                 std::string_view holidays, std::string& error) {
  thread_local std::map<std::string, domain::work_calendar, std::less<>> calendars;
  auto key = std::string(zone) + '\n' + std::string(weekend) + '\n' + std::string(holidays);
  if (auto it = calendars.find(key); it != calendars.end()) return &it->second;
  domain::jurisdiction j;
  j.timezone = std::string(zone);
  if (auto r = model_sql::read_calendar(weekend, holidays, j); !r) {
    error = r.error().message;
    return nullptr;
  }
  if (auto offset = core::zone_offset_minutes(zone); !offset) {
    error = offset.error().message;
    return nullptr;
  }
  if (calendars.size() > 64) calendars.clear();
  return &calendars.emplace(std::move(key), domain::calendar_of(j)).first->second;
}

std::string_view text_of(sqlite3_value* v) {
  const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return t ? std::string_view(t, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string_view();
}

void working_deadline(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  std::string error;
  const auto* cal = calendar_of_columns(text_of(argv[2]), text_of(argv[3]), text_of(argv[4]), error);
  if (!cal) {
    sqlite3_result_error(ctx, ("siaga_working_deadline: " + error).c_str(), -1);
    return;
  }
  auto due = domain::working_deadline(*cal, core::from_micros(sqlite3_value_int64(argv[0])), sqlite3_value_int(argv[1]));
  sqlite3_result_int64(ctx, core::to_micros(due));
}

void hist_bucket(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_int(ctx, domain::duration_histogram::bucket_of(sqlite3_value_int64(argv[0])));
}

// The aggregates build a duration_histogram in the aggregate context (a pointer to it, made on
// the first row and freed in the final step). Rollup rows keep the packed bytes (a BLOB); the
// tables as migrations 7 and 16 made them kept text, which those migrations still write.
struct histogram_state {
  domain::duration_histogram histogram;
  bool packed = false;  // the merged rows were packed: answer packed too
};

histogram_state* histogram_of(sqlite3_context* ctx, bool make) {
  auto** slot = static_cast<histogram_state**>(
      sqlite3_aggregate_context(ctx, make ? static_cast<int>(sizeof(histogram_state*)) : 0));
  if (!slot) return nullptr;
  if (!*slot && make) *slot = new histogram_state();
  return *slot;
}

std::string_view bytes_of(sqlite3_value* v) {
  const auto* bytes = static_cast<const char*>(sqlite3_value_blob(v));
  return bytes ? std::string_view(bytes, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string_view();
}

void result_histogram(sqlite3_context* ctx, const domain::duration_histogram& h, bool packed) {
  auto out = packed ? h.pack() : h.encode();
  if (packed && out.empty()) return sqlite3_result_zeroblob(ctx, 0);
  if (packed) return sqlite3_result_blob(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  sqlite3_result_text(ctx, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

void hist_agg_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* s = histogram_of(ctx, true);
  if (!s) return sqlite3_result_error_nomem(ctx);
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  if (!s->histogram.add_to_bucket(sqlite3_value_int(argv[0]), sqlite3_value_int64(argv[1]))) {
    sqlite3_result_error(ctx, "siaga_hist_agg: a bucket out of range or below zero", -1);
  }
}

// Merges packed rows (BLOB) or text rows (as migrations 7 and 16 wrote them).
void hist_merge_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* s = histogram_of(ctx, true);
  if (!s) return sqlite3_result_error_nomem(ctx);
  core::result<void> merged;
  if (sqlite3_value_type(argv[0]) == SQLITE_BLOB) {
    s->packed = true;
    merged = s->histogram.merge_packed(bytes_of(argv[0]));
  } else {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    merged = s->histogram.merge_encoded(text ? std::string_view(text) : std::string_view());
  }
  if (!merged) return sqlite3_result_error(ctx, merged.error().message.c_str(), -1);
}

void hist_final(sqlite3_context* ctx) {
  auto* s = histogram_of(ctx, false);
  if (!s) return sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
  result_histogram(ctx, s->histogram, s->packed);
  delete s;
}

// siaga_hist_pack(text): the packed bytes of a histogram's text; siaga_hist_text(bytes): back.
void hist_pack(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  auto h = domain::duration_histogram::decode(text ? std::string_view(text) : std::string_view());
  if (!h) return sqlite3_result_error(ctx, h.error().message.c_str(), -1);
  result_histogram(ctx, *h, true);
}

void hist_text(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto h = domain::duration_histogram::unpack(bytes_of(argv[0]));
  if (!h) return sqlite3_result_error(ctx, h.error().message.c_str(), -1);
  result_histogram(ctx, *h, false);
}

// The exact value counts (call_rollup_deltas.hpp) of the call rollups, built the same way.
storage::value_counts* counts_of(sqlite3_context* ctx, bool make) {
  auto** slot = static_cast<storage::value_counts**>(
      sqlite3_aggregate_context(ctx, make ? static_cast<int>(sizeof(storage::value_counts*)) : 0));
  if (!slot) return nullptr;
  if (!*slot && make) *slot = new storage::value_counts();
  return *slot;
}

void counts_agg_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* m = counts_of(ctx, true);
  if (!m) return sqlite3_result_error_nomem(ctx);
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  (*m)[sqlite3_value_int64(argv[0])] += sqlite3_value_int64(argv[1]);
}

void counts_merge_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* m = counts_of(ctx, true);
  if (!m) return sqlite3_result_error_nomem(ctx);
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  auto other = storage::decode_value_counts(text ? std::string_view(text) : std::string_view());
  if (!other) return sqlite3_result_error(ctx, "siaga_counts_merge: unreadable counts", -1);
  for (const auto& [v, n] : *other) (*m)[v] += n;
}

void counts_final(sqlite3_context* ctx) {
  auto* m = counts_of(ctx, false);
  auto text = m ? storage::encode_value_counts(*m) : std::string();
  delete m;
  sqlite3_result_text(ctx, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// The answer-time histograms of the call rollups (domain::millis_histogram), summed densely in
// the aggregate context the same way.
domain::millis_histogram_sum* ms_sum_of(sqlite3_context* ctx, bool make) {
  auto** slot = static_cast<domain::millis_histogram_sum**>(
      sqlite3_aggregate_context(ctx, make ? static_cast<int>(sizeof(domain::millis_histogram_sum*)) : 0));
  if (!slot) return nullptr;
  if (!*slot && make) *slot = new domain::millis_histogram_sum();
  return *slot;
}

void ms_hist_agg_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* sum = ms_sum_of(ctx, true);
  if (!sum) return sqlite3_result_error_nomem(ctx);
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  sum->add_value(sqlite3_value_int64(argv[0]));
}

void ms_hist_merge_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* sum = ms_sum_of(ctx, true);
  if (!sum) return sqlite3_result_error_nomem(ctx);
  const auto* bytes = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  auto n = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  auto h = domain::millis_histogram::decode(bytes ? std::string_view(bytes, n) : std::string_view());
  if (!h) return sqlite3_result_error(ctx, h.error().message.c_str(), -1);
  sum->add(*h);
}

void ms_hist_from_counts_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* sum = ms_sum_of(ctx, true);
  if (!sum) return sqlite3_result_error_nomem(ctx);
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  auto counts = storage::decode_value_counts(text ? std::string_view(text) : std::string_view());
  if (!counts) return sqlite3_result_error(ctx, "siaga_ms_hist_from_counts: unreadable counts", -1);
  for (const auto& [ms, n] : *counts) sum->add_value(ms, n);
}

void ms_hist_final(sqlite3_context* ctx) {
  auto* sum = ms_sum_of(ctx, false);
  auto bytes = sum ? sum->histogram().encode() : std::string();
  delete sum;
  if (bytes.empty()) return sqlite3_result_zeroblob(ctx, 0);
  sqlite3_result_blob(ctx, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

}  // namespace

bool register_sql_functions(sqlite3* db) {
  constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  return sqlite3_create_function_v2(db, "siaga_local_day", 2, flags, nullptr, local_day, nullptr, nullptr,
                                    nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_local_hour", 2, flags, nullptr, local_hour, nullptr, nullptr,
                                    nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_counts_agg", 2, flags, nullptr, nullptr, counts_agg_step, counts_final,
                                    nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_counts_merge", 1, flags, nullptr, nullptr, counts_merge_step,
                                    counts_final, nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_working_deadline", 5, flags, nullptr, working_deadline, nullptr, nullptr,
                                    nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_hist_bucket", 1, flags, nullptr, hist_bucket, nullptr, nullptr,
                                    nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_hist_agg", 2, flags, nullptr, nullptr, hist_agg_step, hist_final,
                                    nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_hist_merge", 1, flags, nullptr, nullptr, hist_merge_step, hist_final,
                                    nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_hist_pack", 1, flags, nullptr, hist_pack, nullptr, nullptr, nullptr) ==
             SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_hist_text", 1, flags, nullptr, hist_text, nullptr, nullptr, nullptr) ==
             SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_ms_hist_agg", 1, flags, nullptr, nullptr, ms_hist_agg_step,
                                    ms_hist_final, nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_ms_hist_merge", 1, flags, nullptr, nullptr, ms_hist_merge_step,
                                    ms_hist_final, nullptr) == SQLITE_OK &&
         sqlite3_create_function_v2(db, "siaga_ms_hist_from_counts", 1, flags, nullptr, nullptr,
                                    ms_hist_from_counts_step, ms_hist_final, nullptr) == SQLITE_OK;
}

}  // namespace siaga::storage::sqlite
