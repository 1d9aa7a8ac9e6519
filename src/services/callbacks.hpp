// Callback tasks of unanswered calls, one open task per number (issue 9): the service side of
// domain/callback_episodes.hpp. The commands that people run on a task (take, dial, record an
// attempt) are in call_service.hpp.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace siaga::services {

// What a bulk write (services::ingest_whole_calls) lets reconcile_callbacks do in memory: a call
// the command itself inserted has no task row yet, so none is looked up for it; the new rows,
// the rows that change and every event are gathered here and written together by write() (the
// new rows first: a stored row may be merged into one of them; the events in the order record()
// would have appended them). A number is reconciled at most once per bulk, and its rows are its
// own, so no reconcile reads a row that waits here.
struct callback_bulk {
  // Calls inserted by this command that no reconcile has seen yet (the caller keeps it so: a
  // number reconciled once already in the command must not be listed).
  std::set<std::string, std::less<>> fresh_calls;
  // The same calls by number, as inserted. When the store holds no other call of a number
  // (count_calls_of_caller), these are all its calls and none is read back.
  std::map<std::string, std::vector<domain::call_record>, std::less<>> new_calls;
  std::vector<domain::callback_task> new_rows;
  std::vector<domain::callback_task> changed_rows;  // stored rows, as they are to be updated
  std::vector<domain::event> events;

  // Lists a call this command inserted (fresh_calls and new_calls).
  void inserted(const domain::call_record& call);
  // Forgets the calls listed: another path may have given them rows.
  void forget_calls();

  // Writes the gathered rows (inserts, then updates), then the events, and forgets them. Fails only with storage errors
  // (conflict for a row of a call that had one: a caller that listed a call wrongly).
  core::result<void> write(storage::store_txn& tx);
};

// Brings the callback tasks of `number` in step with domain::callback_episodes over its calls
// that rang from `around` - 2 x ctx.callback_expiry on: every unanswered call that could be
// called back has a row; per episode the row of its first call carries the task (open, or
// expired when the episode's last call ended more than the expiry ago; a task a call taker
// holds stays in_progress, and its attempts and holder move with it when an earlier call
// becomes the first), and the episode's other rows are merged into it; a call the number got
// through after is superseded. Rows closed by people (done, failed) are left alone and their
// calls start no episode. Writes only what changed, with callback.created, .merged, .updated,
// .expired and .superseded events. Order-independent: the same calls, ingested in any order,
// leave the same tasks. bulk (optional): its fresh calls are taken to have no row, and the new
// rows and the events are left in it for its write(). Fails only with storage errors.
core::result<void> reconcile_callbacks(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const std::string& number, core::timestamp around,
                                       callback_bulk* bulk = nullptr);

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
