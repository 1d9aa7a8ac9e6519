// The project's SQL functions, registered on every connection, that the rollup triggers
// (rollups_sql) compute their keys with, so that a key is computed by the same C++ code that
// reads it back:
//   siaga_local_day(micros, zone)  the local day number (days since 1970-01-01 in the zone) of
//                                  a UTC time in microseconds; NULL for NULL input; an error for
//                                  an unknown zone.
//   siaga_local_hour(micros, zone) the local hour number (hours since 1970-01-01 in the zone).
//   siaga_working_deadline(micros, days, zone, weekend_days, holidays)
//                                  domain::working_deadline of a UTC time in microseconds in
//                                  the calendar of a jurisdiction's columns (JSON), in
//                                  microseconds; NULL for a NULL time.
//   siaga_counts_agg(value, n)     aggregate: storage::encode_value_counts of those counts.
//   siaga_counts_merge(text)       aggregate: the encoded sum of encoded value counts.
//   siaga_hist_bucket(seconds)     domain::duration_histogram::bucket_of(seconds).
//   siaga_hist_agg(bucket, n)      aggregate: the encoded histogram of those bucket counts.
//   siaga_hist_merge(h)            aggregate: the sum of histograms, packed (BLOB) when the rows
//                                  were packed, else as text (the rows of migrations 7 and 16).
//   siaga_hist_pack(text)          the packed BLOB (duration_histogram::pack) of a text one.
//   siaga_hist_text(blob)          the text (duration_histogram::encode) of a packed one.
//   siaga_ms_hist_agg(ms)          aggregate: the domain::millis_histogram (encoded BLOB) of the
//                                  non-NULL millisecond values.
//   siaga_ms_hist_merge(blob)      aggregate: the encoded sum of encoded millis histograms.
//   siaga_ms_hist_from_counts(text) aggregate: the millis histogram of encoded exact value
//                                  counts (migration 15 converts the older rollups with it).
// All are deterministic; the aggregates do not depend on the order of their rows. A database with rollup triggers can only be written by a connection
// that has them (the sqlite3 shell fails with "no such function" instead of skipping a count).
#pragma once

struct sqlite3;

namespace siaga::storage::sqlite {

// Registers the functions on db; false when SQLite refused (out of memory).
bool register_sql_functions(sqlite3* db);

}  // namespace siaga::storage::sqlite
