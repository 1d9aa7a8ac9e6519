// The SQL texts of the SQLite schema's migrations (migrations.cpp numbers them): the tables,
// indexes and triggers each migration adds, oldest first. Those made from a description at
// start-up (the rollups, the callers' counters) are in their own <area>_sql.cpp. A text, once
// released, is never edited: a change to the schema is a new migration.
#pragma once

#include <string>
#include <string_view>

namespace siaga::storage::sqlite::migration_texts {

extern const std::string_view schema_v1;
extern const std::string_view schema_v2;
extern const std::string_view schema_v3;
extern const std::string_view schema_v4;
extern const std::string_view schema_v5;
extern const std::string_view schema_v6;
extern const std::string_view schema_v8;
extern const std::string_view schema_hardening;
extern const std::string_view schema_public_channels;
extern const std::string_view schema_messaging_channels;
extern const std::string_view schema_open311;
extern const std::string_view schema_erasable_events;
extern const std::string_view schema_lapor;
extern const std::string_view schema_retention;
extern const std::string_view schema_idempotency;
extern const std::string_view schema_waiting_callbacks;

// Migration 9: the villages' tables, then one trigger per table and change that moves the
// jurisdiction's area version.
std::string schema_villages();

}  // namespace siaga::storage::sqlite::migration_texts
