// Callback tasks of unanswered calls, one open task per number (issue 9): the service side of
// domain/callback_episodes.hpp. The commands that people run on a task (take, dial, record an
// attempt) are in call_service.hpp.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <string>

namespace siaga::services {

// Brings the callback tasks of `number` in step with domain::callback_episodes over its calls
// that rang from `around` - 2 x ctx.callback_expiry on: every unanswered call that could be
// called back has a row; per episode the row of its first call carries the task (open, or
// expired when the episode's last call ended more than the expiry ago; a task a call taker
// holds stays in_progress, and its attempts and holder move with it when an earlier call
// becomes the first), and the episode's other rows are merged into it; a call the number got
// through after is superseded. Rows closed by people (done, failed) are left alone and their
// calls start no episode. Writes only what changed, with callback.created, .merged, .updated,
// .expired and .superseded events. Order-independent: the same calls, ingested in any order,
// leave the same tasks. Fails only with storage errors.
core::result<void> reconcile_callbacks(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const std::string& number, core::timestamp around);

// Expires the open tasks of who's jurisdiction whose latest unanswered call ended more than
// ctx.callback_expiry ago (callback.expired each): they leave the queue. Returns how many.
// Tasks held by a call taker are left alone.
core::result<int> expire_callbacks(storage::store_txn& tx, const context& ctx, const actor& who);

// What the PBX bridge says happened to the call it placed for a dial request.
enum class dial_outcome { answered, no_answer, busy, failed };
std::string_view to_string(dial_outcome v);
core::result<dial_outcome> parse_dial_outcome(std::string_view s);

// The PBX bridge (an integration) reports the call it placed for a callback's dial request:
// links its call id to the task (callback.dialed). answered leaves the task with the call
// taker, who records what the call found; any other outcome counts as a no_answer attempt
// (retried later, failed after the last). Fails with not_found for an unknown callback,
// conflict unless a call taker holds the task (dial requested), invalid_input for a call id
// that is empty or longer than 128 characters.
core::result<domain::callback_task> record_callback_dialed(storage::store_txn& tx, const context& ctx, const actor& who,
                                                           const std::string& id, const std::string& call_id,
                                                           dial_outcome outcome);

// expire_callbacks for every jurisdiction, as the system: what the server runs every minute.
core::result<int> expire_all_callbacks(storage::store_txn& tx, const context& ctx);

}  // namespace siaga::services
