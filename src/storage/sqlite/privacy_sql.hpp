// The SQL of erasing personal data (issue 12, UU PDP; storage/privacy_store.hpp), kept apart
// from sqlite_store.cpp, which forwards its methods here (the SQL is shared with the PostgreSQL
// store: ../privacy_sql.ipp). reports_of_phone and latest_events_of_kind live in model_sql,
// the outbox's part in outbox_sql.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

namespace siaga::storage::sqlite::privacy_sql {

// The store contract's erasable_events, restatable_events, restatements_after and privacy writes (storage/privacy_store.hpp) over one
// connection.
result<std::vector<domain::event>> erasable_events(connection& c, const privacy_scope& scope, int limit);
result<std::vector<domain::event>> restatable_events(connection& c, const privacy_scope& scope, int limit);
result<std::vector<domain::event>> restatements_after(connection& c, std::int64_t after_seq, int limit);
result<contact_erasure> erase_reporter_contacts(connection& c, const privacy_scope& scope);
result<std::int64_t> erase_photos(connection& c, const privacy_scope& scope);
result<std::int64_t> coarsen_locations(connection& c, const privacy_scope& scope);
result<std::int64_t> erase_caller_numbers(connection& c, const privacy_scope& scope);
result<void> write_erased_event(connection& c, const domain::event& e);
result<std::vector<text_field>> texts_holding_phone(connection& c, const privacy_scope& scope);
result<std::int64_t> mask_phone_in_texts(connection& c, const privacy_scope& scope, const std::string& mask);
result<std::vector<domain::event>> events_writing_numbers(connection& c, const privacy_scope& scope,
                                                        std::int64_t after_seq, bool counted, int limit);
result<std::int64_t> mask_numbers_in_texts(connection& c, const privacy_scope& scope, text_reach reach);

}  // namespace siaga::storage::sqlite::privacy_sql
