// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// the messaging channels' conversations, seen messages, reporters' contacts and delivery
// receipts (issue 11).
// A new query of the area touches this header, the SQL both stores share (conversation_sql.ipp) and the
// forwarding in sqlite/sqlite_store.cpp and postgres/postgres_store.cpp.
#pragma once

#include "domain/conversation.hpp"
#include "storage/store_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage {

// Reads (see store_reader for the rules every read follows).
class conversation_reader {
 public:
  virtual ~conversation_reader() = default;

  // The conversation of a sender on a channel, nullopt when none is kept.
  virtual result<std::optional<domain::conversation>> find_conversation(domain::channel source,
                                                                        const std::string& sender) = 0;
  // The inbound message with this provider id on this channel, nullopt when never seen.
  virtual result<std::optional<domain::channel_message_record>> find_channel_message(domain::channel source,
                                                                                    const std::string& message_id) = 0;
  // The channel contacts of the reports of an incident, and of one report.
  virtual result<std::vector<domain::channel_contact>> channel_contacts_of_incident(const std::string& incident_id) = 0;
  virtual result<std::optional<domain::channel_contact>> find_channel_contact(const std::string& report_id) = 0;
  // How many reports of a jurisdiction still wait for triage (status new) from one reporter:
  // those with this phone (E.164; "" matches none) and those whose channel contact is this
  // address on this channel ("" matches none). The queue of new reports is short, so this
  // reads it through the status index.
  virtual result<std::int64_t> count_new_reports_from(const std::string& jurisdiction_id, const std::string& phone,
                                                      domain::channel source, const std::string& address) = 0;
  // The delivery receipts of one outbound message, oldest first.
  virtual result<std::vector<domain::channel_delivery_status>> channel_statuses(domain::channel source,
                                                                               const std::string& message_id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class conversation_writer {
 public:
  virtual ~conversation_writer() = default;

  // Writes the conversation of (source, sender), replacing the one kept; deleting one that is
  // not kept succeeds.
  virtual result<void> upsert_conversation(const domain::conversation& c) = 0;
  virtual result<void> delete_conversation(domain::channel source, const std::string& sender) = 0;
  // Conflict on a message id already seen on that channel.
  virtual result<void> insert_channel_message(const domain::channel_message_record& m) = 0;
  // insert: conflict on a report that has one; update_channel_contact writes `announced`.
  virtual result<void> insert_channel_contact(const domain::channel_contact& c) = 0;
  virtual result<void> update_channel_contact(const domain::channel_contact& c) = 0;
  // A receipt already recorded (same channel, message and status) is kept as it is.
  virtual result<void> insert_channel_status(const domain::channel_delivery_status& s) = 0;
};

}  // namespace siaga::storage
