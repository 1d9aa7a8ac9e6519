#include "services/handover.hpp"

#include "domain/phone.hpp"
#include "services/events.hpp"
#include "services/incident_rules.hpp"

#include <algorithm>

namespace siaga::services {

namespace {

// As a note written on the console (services/incident_updates).
constexpr std::size_t max_handover_note = 2'000;

// s cut to at most max bytes without splitting a UTF-8 sequence, "..." marking the cut.
std::string cut_text(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  s.resize(max - 3);
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();  // a cut sequence
  if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  return s + "...";
}

}  // namespace

channel_report handover_report(const std::string& jurisdiction_id, const handover_notice& n,
                               const std::vector<domain::category>& categories) {
  channel_report r;
  r.source = domain::channel::handover;
  r.jurisdiction_id = jurisdiction_id;
  std::string description = "Pelimpahan dari pusat 112 " + n.from_jurisdiction;
  if (!n.incident_number.empty()) description += ", insiden " + n.incident_number;
  description += ": " + (is_blank(n.summary) ? n.text : n.summary);
  if (!is_blank(n.text) && !is_blank(n.summary)) description += "\n\n" + n.text;
  r.description = cut_text(std::move(description), max_intake_description);
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

std::string handover_update_text(const handover_update& u) {
  std::string out = "Pusat 112 " + u.from_jurisdiction;
  if (!u.incident_number.empty()) out += " (insiden " + u.incident_number + ")";
  out += u.event == "dispatch.cancelled" ? " membatalkan pelimpahan"
         : u.event == "incident.updated" ? " memperbarui data pelimpahan"
                                         : " menambah catatan pada pelimpahan";
  if (!is_blank(u.detail)) out += ": " + u.detail;
  return out;
}

core::result<handover_update_result> receive_handover_update(storage::store_txn& tx, const context& ctx,
                                                             const std::string& jurisdiction_id,
                                                             const handover_update& u) {
  if (is_blank(u.notice_id) || is_blank(u.dispatch_id)) {
    return core::invalid("pembaruan pelimpahan tanpa id atau dispatch.id (an update needs id and dispatch.id)");
  }
  if (u.event != "dispatch.cancelled" && u.event != "incident.updated" && u.event != "incident.note_added") {
    return core::invalid("event " + u.event + " bukan pembaruan pelimpahan (not a handover update)");
  }
  // Its own key space beside the dispatch ids of the notices that made reports.
  const std::string key = "update:" + u.notice_id;
  SIAGA_TRY(seen, tx.find_channel_message(domain::channel::handover, key));
  if (seen) return handover_update_result::duplicate;
  SIAGA_TRY(made, tx.find_channel_message(domain::channel::handover, u.dispatch_id));
  std::optional<domain::report> report;
  if (made && made->report_id) {
    SIAGA_TRY(found, tx.find_report(jurisdiction_id, *made->report_id));
    report = std::move(found);
  }
  if (!report) {
    return core::conflict("pelimpahan " + u.dispatch_id + " belum diterima di sini; kirim ulang nanti "
                          "(no report of this dispatch yet: retry later)");
  }
  const auto who = channel_actor(jurisdiction_id, domain::channel::handover);
  const auto text = cut_text(handover_update_text(u), max_handover_note);
  auto result = handover_update_result::closed;
  if (report->incident_id) {
    SIAGA_TRY(inc, tx.find_incident(jurisdiction_id, *report->incident_id));
    if (inc && inc->status != domain::incident_status::closed && inc->status != domain::incident_status::cancelled) {
      SIAGA_CHECK(record(tx, ctx, who, domain::subject_kind::incident, inc->id, "incident.note_added",
                         {{"text", text}}, inc->id));
      result = handover_update_result::on_incident;
    }
  } else if (report->status == domain::report_status::new_) {
    report->description = cut_text(report->description + "\n\n" + text, max_intake_description);
    report->updated_at = ctx.clock.now();
    SIAGA_CHECK(tx.update_report(*report));
    SIAGA_CHECK(record(tx, ctx, who, domain::subject_kind::report, report->id, "report.handover_updated",
                       {{"text", text}}));
    result = handover_update_result::on_report;
  }
  domain::channel_message_record seen_now;
  seen_now.source = domain::channel::handover;
  seen_now.message_id = key;
  seen_now.jurisdiction_id = jurisdiction_id;
  seen_now.sender = u.from_jurisdiction;
  seen_now.kind = domain::message_kind::text;
  seen_now.received_at = ctx.clock.now();
  seen_now.report_id = report->id;
  SIAGA_CHECK(tx.insert_channel_message(seen_now));
  return result;
}

}  // namespace siaga::services
