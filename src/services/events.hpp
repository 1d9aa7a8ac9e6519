// Building and recording events: every change a service makes writes one in the same command.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <boost/json/object.hpp>

namespace siaga::services {

// Appends an event about a subject, by the actor, now, with a JSON payload.
core::result<domain::event> record(storage::store_txn& tx, const context& ctx, const actor& who,
                                   domain::subject_kind subject, const std::string& subject_id,
                                   std::string kind, const boost::json::object& payload,
                                   std::optional<std::string> incident_id = std::nullopt,
                                   std::optional<std::string> agency_id = std::nullopt);

}  // namespace siaga::services
