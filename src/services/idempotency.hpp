// Idempotent creation (issue 13 item 4): a client may send an Idempotency-Key (the IETF httpapi
// draft "The Idempotency-Key HTTP Header Field") with a request that creates an incident or a
// report, and send it again when it did not get the answer (a 503 whose COMMIT's outcome is
// unknown after a failover, a dropped connection, a double click). The key is stored in the
// same write command as the record (storage/idempotency_store.hpp), so the check and the insert
// are one transaction on the store's one writer (batches are serialised: SQLite's single
// writer, PostgreSQL's events lock taken first), and two requests with one key make one record.
#pragma once

#include "services/channel_intake.hpp"
#include "services/context.hpp"
#include "services/incident_queries.hpp"
#include "services/incident_service.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace siaga::services {

// The key of a request, as the API parsed it; an empty key means the request had none.
struct idempotency_key {
  std::string key;     // 1-128 printable ASCII characters (the API checks)
  std::string digest;  // SHA-256 (hex) of the request's raw body
};

// The kinds of route a key is unique within (with the jurisdiction).
inline constexpr std::string_view incident_kind = "incident";
inline constexpr std::string_view report_kind = "report";
inline constexpr std::string_view public_report_kind = "public_report";

// Keys older than this are purged (purge_idempotency_keys): a retry comes within seconds or
// minutes, never a day later.
inline constexpr std::chrono::hours idempotency_key_lifetime{24};

enum class idempotent_outcome {
  created,     // the first request with the key (or one without a key): the record was written
  replayed,    // the key came with the same body before: value is that first record, read again
  key_reused,  // the key came with another body before: nothing written, value is empty
};

template <class T>
struct idempotent {
  T value{};
  idempotent_outcome outcome = idempotent_outcome::created;
};

// create_incident (all its checks and errors) once per key: a replay returns the incident the
// key's first request created and writes nothing (no event, no dispatch, no notification); the
// key used before with another body gives key_reused and writes nothing. Fails with conflict
// when another command claimed the key between the check and the claim (the batches are
// serialised, so this is a guard), with not_found when the key's incident is gone.
core::result<idempotent<domain::incident>> create_incident_once(storage::store_txn& tx, const context& ctx,
                                                                const actor& who, const new_incident& in,
                                                                const idempotency_key& key);

// create_incident_once with its answer read in the same command: the incident's detail as the
// actor sees it (read_incident_detail), as the first request created it for a replay, empty
// for key_reused. The writer's pages are warm; a reader's read-back after the commit found its
// cache stale and read again every page the commit changed (a third of creation's throughput
// with 64 consoles, docs/benchmarks.md).
core::result<idempotent<incident_detail>> create_incident_detail_once(storage::store_txn& tx, const context& ctx,
                                                                      const actor& who, const new_incident& in,
                                                                      const idempotency_key& key);

// create_report once per key, as create_incident_once.
core::result<idempotent<domain::report>> create_report_once(storage::store_txn& tx, const context& ctx,
                                                            const actor& who, const new_report& in,
                                                            const idempotency_key& key);

// intake_report (the public form) once per key of the report's jurisdiction, as
// create_incident_once; a replay's receipt has the first report and its photos. The replay is
// decided before the reporter's cap of untriaged reports, which the first request counted.
core::result<idempotent<intake_receipt>> intake_report_once(storage::store_txn& tx, const context& ctx,
                                                            const channel_report& in, const idempotency_key& key);

// Deletes the keys older than idempotency_key_lifetime; returns how many (the session purge).
core::result<std::int64_t> purge_idempotency_keys(storage::store_txn& tx, const context& ctx);

}  // namespace siaga::services
