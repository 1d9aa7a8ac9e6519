// The rules the call commands share (call_service.cpp: classification, callers; call_ingest.cpp:
// telephony events, calls known whole). Internal to services: no handler calls them.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::services::call_rules {

// The call with this record id; not_found when there is none.
core::result<domain::call_record> load_call(storage::store_reader& tx, const std::string& jurisdiction_id,
                                            const std::string& id);

// Whether a classification counts as a strike for the prank policy (prank, ghost).
bool is_strike(const std::optional<domain::call_class>& c);

// The ring time a call is stored with (calls.ring_at): its ring, or its creation before one came.
core::timestamp stored_ring_time(const domain::call_record& c);

// Re-applies the prank policy to a number after the strike of its call that rang at `ring_at`
// came, went or moved; records caller.flagged and caller.blocked when they happen. Only the
// windows that hold that ring time can have changed (every other was weighed when its own
// strikes came, and flags only grow), so only the strikes within one window of it are read:
// the cost does not grow with the number's history. Nothing for an empty number. Fails only
// with storage errors.
core::result<void> reevaluate_caller(storage::store_txn& tx, const context& ctx, const actor& who,
                                     const std::string& number, core::timestamp ring_at);

}  // namespace siaga::services::call_rules
