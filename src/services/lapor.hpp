// SP4N-LAPOR! (issue 11 item 7): the use cases behind the LAPOR! adapter (the wire format, the
// adapter and its schedule are channels/lapor/). A complaint that LAPOR! forwarded to the
// jurisdiction becomes a report with channel lapor in the call takers' queue (through
// intake_report, like every channel), taken once per LAPOR! tracking id; its status goes back
// to LAPOR! through the outbox like a messaging reply (the channel contact's address is the
// tracking id, channel_dialogue's announce_public_status queues it).
//
// Working-day clocks: LAPOR!'s own service levels count working days (forwarded within 3,
// followed up within 5 more), so a LAPOR! complaint always gets a category whose limits count
// working days; the incident accepted from it inherits that category and its clocks.
#pragma once

#include "services/channel_intake.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

// One complaint as the adapter hands it over (already checked by the wire format).
struct lapor_import {
  std::string jurisdiction_id;
  std::string lapor_id;  // LAPOR!'s tracking id
  std::string title;
  std::string content;
  std::string category;                  // LAPOR!'s category name ("" when none)
  std::vector<std::string> attachments;  // urls, shown to the call taker as links (not fetched)
  bool anonymous = false;
  std::string reporter_name;  // as LAPOR! shows it (masked); "" when anonymous
  std::optional<domain::geo_point> location;
  std::optional<std::string> district_id;  // where location lies (placed by the adapter first)
  std::optional<std::string> village_id;
  std::string address;
  core::timestamp submitted_at{};
  std::string category_code;  // the lapor_category setting ("" : chosen as lapor_category_for says)
};

struct lapor_import_outcome {
  bool duplicate = false;                // the tracking id was imported before: nothing written
  std::optional<intake_receipt> report;  // the new report
};

// The category a LAPOR! complaint lands with: the one of code when given, else the active
// public category whose Indonesian name or code equals LAPOR!'s category (case-insensitive),
// else the first active public category in the jurisdiction. It must count at least one limit
// in working days; invalid_input (saying what to set) otherwise, or when code names no active
// public category.
core::result<domain::category> lapor_category_for(storage::store_reader& rd, const std::string& jurisdiction_id,
                                                  const std::string& code, const std::string& lapor_category);

// Records the complaint in one command: intake_report (channel lapor; the text is the title,
// the content cut to the intake's limit, the attachment urls and the tracking id; an address
// "tidak disebutkan" when LAPOR! gave no place), the channel contact (address: the tracking id,
// so status changes are queued for LAPOR!) and the lapor_reports row with the whole content.
// A tracking id imported before returns duplicate and writes nothing. Fails with the errors of
// intake_report and lapor_category_for, and invalid_input for a blank tracking id or title.
core::result<lapor_import_outcome> import_lapor_report(storage::store_txn& tx, const context& ctx,
                                                       const lapor_import& in);

// Keeps the jurisdiction's cursor into LAPOR!'s feed (the next import asks from it).
core::result<void> save_lapor_cursor(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                                     const std::string& cursor);

}  // namespace siaga::services
