// Events made for a bulk write (services::ingest_whole_calls): built as record() builds them,
// appended together with storage::append_events (storage/bulk_writes.hpp).
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace siaga::services {

// The event record() would append, not yet appended (its id and time taken now, so a batch's
// events keep record()'s order). Only for kinds that tell no reporter of a public status
// (changes_public_status false), whose recording does nothing more than append them.
domain::event make_event(const context& ctx, const actor& who, domain::subject_kind subject,
                         const std::string& subject_id, std::string kind, const boost::json::object& payload);

}  // namespace siaga::services
