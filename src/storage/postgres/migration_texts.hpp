// The SQL texts of the PostgreSQL schema's migrations (migrations.cpp numbers them), oldest
// first; the rollups' tables are made from their description in rollups_sql and
// call_rollups_sql. A text, once released, is never edited: a change to the schema is a new
// migration.
#pragma once

#include <string_view>

namespace siaga::storage::postgres::migration_texts {

extern const std::string_view schema_v1;
extern const std::string_view schema_erasable_events;
extern const std::string_view schema_outbox;
extern const std::string_view schema_calls;
extern const std::string_view schema_directory_versions;
extern const std::string_view schema_areas;
extern const std::string_view schema_media;
extern const std::string_view schema_places;
extern const std::string_view schema_sla;
extern const std::string_view schema_conversations;
extern const std::string_view schema_open311;
extern const std::string_view schema_lapor;
extern const std::string_view schema_retention;
extern const std::string_view schema_idempotency;
extern const std::string_view schema_waiting_callbacks;

}  // namespace siaga::storage::postgres::migration_texts
