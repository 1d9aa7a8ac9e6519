#include "services/channel_dialogue.hpp"

#include "services/incident_rules.hpp"
#include "services/public_tracking.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace siaga::services {
namespace json = boost::json;

namespace {

domain::endpoint_kind reply_kind(domain::channel source) {
  switch (source) {
    case domain::channel::telegram: return domain::endpoint_kind::telegram;
    case domain::channel::sms: return domain::endpoint_kind::sms;
    case domain::channel::lapor: return domain::endpoint_kind::lapor;
    default: return domain::endpoint_kind::whatsapp;
  }
}

// The agencies a report was forwarded to, named once each, and the public closing notes.
std::string agencies_of(const public_report& p) {
  std::string out;
  for (const auto& s : p.timeline) {
    if (s.step != "forwarded" || s.agency.empty() || out.find(s.agency) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += s.agency;
  }
  return out;
}

std::string notes_of(const public_report& p) {
  std::string out;
  for (const auto& n : p.notes) {
    if (!out.empty()) out += " ";
    out += n.agency + ": " + n.text;
  }
  return out;
}

// The report of a finished conversation, as the web form's would be.
channel_report report_of(const domain::conversation& c, const channel_message& msg) {
  channel_report in;
  in.source = msg.source;
  in.jurisdiction_id = msg.jurisdiction_id;
  in.description = c.description;
  in.location = c.location;
  if (c.location && msg.placed_at && msg.placed_at->lat == c.location->lat && msg.placed_at->lon == c.location->lon) {
    in.district_id = msg.district_id;
    in.village_id = msg.village_id;
  }
  in.address = c.address;
  in.reporter_phone = msg.reporter_phone;
  in.consent = true;  // the greeting says the number is used to follow the report up
  in.contact_address = msg.reply_to;
  in.max_new_reports = msg.max_new_reports;
  if (msg.photo) in.photos.push_back(*msg.photo);
  return in;
}

// Why a complaint from SP4N-LAPOR! was closed without action, in LAPOR!'s words to its
// reporter (a duplicate is tracked publicly and told through status_text instead).
std::string lapor_rejection_text(const std::string& tracking_code, domain::reject_reason why) {
  std::string reason;
  switch (why) {
    case domain::reject_reason::misdirected: reason = "bukan kewenangan pusat layanan 112 ini"; break;
    case domain::reject_reason::prank: reason = "tidak dapat diverifikasi sebagai kejadian nyata"; break;
    case domain::reject_reason::ghost: reason = "tidak memuat keterangan yang dapat ditindaklanjuti"; break;
    case domain::reject_reason::test: reason = "merupakan uji coba"; break;
    case domain::reject_reason::duplicate: reason = "sama dengan laporan sebelumnya"; break;
  }
  return "Laporan " + tracking_code + " ditutup oleh pusat layanan 112 tanpa tindak lanjut: laporan " + reason + ".";
}

core::result<void> tell(storage::store_txn& tx, const context& ctx, const domain::channel_contact& contact,
                        bool joined) {
  SIAGA_TRY(r, tx.find_report(contact.jurisdiction_id, contact.report_id));
  if (!r) return {};
  auto p = track_report(tx, r->tracking_code);
  if (!p) {
    if (p.error().code != core::errc::not_found) return p.error();
    // Hidden from tracking (a prank, a test, ...): a reporter is told nothing, but SP4N-LAPOR!
    // keeps the complaint open until it hears that it was closed.
    if (contact.source != domain::channel::lapor || r->status != domain::report_status::rejected ||
        !r->rejection || contact.announced == "closed") {
      return {};
    }
    auto next = contact;
    next.announced = "closed";
    SIAGA_CHECK(tx.update_channel_contact(next));
    return queue_reply(tx, ctx, contact.jurisdiction_id, contact.source, contact.address, "status",
                       lapor_rejection_text(r->tracking_code, *r->rejection), r->incident_id, "closed");
  }
  if (p->status == contact.announced) return {};
  auto text = joined ? domain::joined_text(r->tracking_code, agencies_of(*p))
                     : domain::status_text(p->status, r->tracking_code, agencies_of(*p), notes_of(*p));
  auto next = contact;
  next.announced = p->status;
  SIAGA_CHECK(tx.update_channel_contact(next));
  if (text.empty()) return {};
  return queue_reply(tx, ctx, contact.jurisdiction_id, contact.source, contact.address, "status", text,
                     r->incident_id, p->status);
}

}  // namespace

bool channel_takes_photos(domain::channel source) { return source != domain::channel::sms; }

core::result<void> queue_reply(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                               domain::channel source, const std::string& to, const std::string& what,
                               const std::string& text, std::optional<std::string> incident_id,
                               const std::string& public_status) {
  auto now = ctx.clock.now();
  domain::notification n;
  n.id = ctx.ids.next(now);
  n.jurisdiction_id = jurisdiction_id;
  n.incident_id = std::move(incident_id);
  n.endpoint_index = 0;
  n.endpoint = reply_kind(source);
  n.target = to;
  n.event_kind = "reply." + what;
  json::object payload{{"id", n.id}, {"channel", to_string(source)}, {"to", to}, {"text", text}};
  if (!public_status.empty()) payload["status"] = public_status;
  n.payload_json = json::serialize(payload);
  n.status = domain::notification_status::pending;
  n.next_attempt_at = now;
  n.created_at = now;
  n.updated_at = now;
  return tx.insert_notification(n);
}

core::result<std::optional<domain::conversation>> current_conversation(storage::store_reader& rd,
                                                                       domain::channel source,
                                                                       const std::string& sender,
                                                                       core::timestamp now) {
  SIAGA_TRY(c, rd.find_conversation(source, sender));
  if (c && now - c->updated_at > domain::conversation_window) c.reset();
  return c;
}

core::result<message_outcome> receive_channel_message(storage::store_txn& tx, const context& ctx,
                                                      const channel_message& msg) {
  if (is_blank(msg.message_id) || is_blank(msg.sender) || is_blank(msg.reply_to)) {
    return core::invalid("pesan tanpa id atau pengirim (a message needs an id and a sender)");
  }
  SIAGA_TRY(seen, tx.find_channel_message(msg.source, msg.message_id));
  if (seen) return message_outcome{true, std::nullopt, ""};
  auto now = ctx.clock.now();

  domain::conversation fresh;
  fresh.source = msg.source;
  fresh.sender = msg.sender;
  fresh.jurisdiction_id = msg.jurisdiction_id;
  fresh.reply_to = msg.reply_to;
  SIAGA_TRY(current, tx.find_conversation(msg.source, msg.sender));
  auto turn = domain::advance(current, fresh, msg.content, channel_takes_photos(msg.source), now);
  turn.next.reply_to = msg.reply_to;

  domain::channel_message_record record{msg.source,       msg.message_id, msg.jurisdiction_id, msg.sender,
                                        msg.content.kind, now,            std::nullopt};
  message_outcome out;
  auto receipt = turn.submit ? intake_report(tx, ctx, report_of(turn.next, msg)) : core::result<intake_receipt>();
  if (turn.submit && !receipt && receipt.error().code == core::errc::too_many_requests) {
    SIAGA_CHECK(tx.delete_conversation(msg.source, msg.sender));
    out.reply = receipt.error().message;
    SIAGA_CHECK(queue_reply(tx, ctx, msg.jurisdiction_id, msg.source, msg.reply_to, "limit", out.reply));
  } else if (turn.submit) {
    if (!receipt) return receipt.error();
    record.report_id = receipt->report.id;
    SIAGA_CHECK(tx.insert_channel_contact(
        {receipt->report.id, msg.jurisdiction_id, msg.source, msg.reply_to, "received"}));
    SIAGA_CHECK(tx.delete_conversation(msg.source, msg.sender));
    const auto code = receipt->report.tracking_code;
    out.reply = domain::receipt_text(code, msg.track_url_base.empty() ? std::string() : msg.track_url_base + code);
    out.report = std::move(*receipt);
    SIAGA_CHECK(queue_reply(tx, ctx, msg.jurisdiction_id, msg.source, msg.reply_to, "receipt", out.reply));
  } else {
    if (turn.cancelled) {
      SIAGA_CHECK(tx.delete_conversation(msg.source, msg.sender));
    } else {
      SIAGA_CHECK(tx.upsert_conversation(turn.next));
    }
    out.reply = turn.reply;
    SIAGA_CHECK(queue_reply(tx, ctx, msg.jurisdiction_id, msg.source, msg.reply_to, "question", out.reply));
  }
  SIAGA_CHECK(tx.insert_channel_message(record));
  return out;
}

core::result<int> record_channel_statuses(storage::store_txn& tx, const context& ctx,
                                          const std::vector<domain::channel_delivery_status>& statuses) {
  for (auto s : statuses) {
    s.received_at = ctx.clock.now();
    SIAGA_CHECK(tx.insert_channel_status(s));
  }
  return static_cast<int>(statuses.size());
}

bool changes_public_status(std::string_view kind) {
  return kind == "report.accepted" || kind == "report.answered" || kind == "report.rejected" ||
         kind == "dispatch.notified" || kind == "dispatch.completed" || kind == "incident.status_changed" ||
         kind == "incident.closed" || kind == "incident.cancelled";
}

core::result<void> announce_public_status(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                                          domain::subject_kind subject, const std::string& subject_id,
                                          const std::optional<std::string>& incident_id, bool joined) {
  std::vector<domain::channel_contact> contacts;
  if (incident_id) {
    SIAGA_TRY(of_incident, tx.channel_contacts_of_incident(*incident_id));
    contacts = std::move(of_incident);
  }
  if (subject == domain::subject_kind::report) {
    SIAGA_TRY(own, tx.find_channel_contact(subject_id));
    if (own && std::none_of(contacts.begin(), contacts.end(),
                            [&](const domain::channel_contact& c) { return c.report_id == own->report_id; })) {
      contacts.push_back(std::move(*own));
    }
  }
  for (const auto& c : contacts) {
    if (c.jurisdiction_id != jurisdiction_id) continue;
    SIAGA_CHECK(tell(tx, ctx, c, joined && subject == domain::subject_kind::report && c.report_id == subject_id));
  }
  return {};
}

}  // namespace siaga::services
