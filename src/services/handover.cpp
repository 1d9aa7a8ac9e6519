#include "services/handover.hpp"

#include "domain/phone.hpp"
#include "services/incident_rules.hpp"

#include <algorithm>

namespace siaga::services {

channel_report handover_report(const std::string& jurisdiction_id, const handover_notice& n,
                               const std::vector<domain::category>& categories) {
  channel_report r;
  r.source = domain::channel::handover;
  r.jurisdiction_id = jurisdiction_id;
  std::string description = "Pelimpahan dari pusat 112 " + n.from_jurisdiction;
  if (!n.incident_number.empty()) description += ", insiden " + n.incident_number;
  description += ": " + (is_blank(n.summary) ? n.text : n.summary);
  if (!is_blank(n.text) && !is_blank(n.summary)) description += "\n\n" + n.text;
  if (description.size() > max_intake_description) {
    description.resize(max_intake_description - 3);
    while (!description.empty() && (static_cast<unsigned char>(description.back()) & 0xC0) == 0x80) {
      description.pop_back();  // a cut UTF-8 sequence
    }
    if (!description.empty() && static_cast<unsigned char>(description.back()) >= 0xC0) description.pop_back();
    description += "...";
  }
  r.description = std::move(description);
  auto known = std::find_if(categories.begin(), categories.end(), [&](const domain::category& c) {
    return c.code == n.category_code && c.active && c.is_public;
  });
  if (known != categories.end()) r.category_code = n.category_code;
  r.location = n.location;
  r.district_id = n.district_id;
  r.village_id = n.village_id;
  r.address = n.address.substr(0, 500);
  if (auto phone = domain::normalize_reporter_phone(n.contact_phone, "contact.phone")) {
    r.reporter_phone = *phone;
    r.reporter_name = n.contact_name.substr(0, 100);
    r.consent = true;
  }
  r.max_new_reports = 0;
  return r;
}

core::result<handover_outcome> receive_handover(storage::store_txn& tx, const context& ctx,
                                                const std::string& jurisdiction_id, const handover_notice& n) {
  if (is_blank(n.dispatch_id)) return core::invalid("pelimpahan tanpa dispatch.id (a handover needs dispatch.id)");
  SIAGA_TRY(seen, tx.find_channel_message(domain::channel::handover, n.dispatch_id));
  if (seen && seen->report_id) {
    SIAGA_TRY(report, tx.find_report(jurisdiction_id, *seen->report_id));
    if (report) return handover_outcome{true, std::move(*report)};
  }
  SIAGA_TRY(categories, tx.list_categories(jurisdiction_id));
  auto in = handover_report(jurisdiction_id, n, categories);
  SIAGA_TRY(receipt, intake_report(tx, ctx, in));
  domain::channel_message_record record;
  record.source = domain::channel::handover;
  record.message_id = n.dispatch_id;
  record.jurisdiction_id = jurisdiction_id;
  record.sender = n.from_jurisdiction;
  record.kind = domain::message_kind::text;
  record.received_at = ctx.clock.now();
  record.report_id = receipt.report.id;
  SIAGA_CHECK(tx.insert_channel_message(record));
  return handover_outcome{false, std::move(receipt.report)};
}

}  // namespace siaga::services
