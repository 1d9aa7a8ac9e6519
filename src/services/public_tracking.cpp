#include "services/public_tracking.hpp"

#include "services/access.hpp"
#include "services/events.hpp"

#include <algorithm>
#include <cctype>

namespace siaga::services {
namespace {

using domain::incident_status;
using domain::report_status;

// One message for every code that shows nothing, so that answers cannot be told apart.
core::error no_such_code() {
  return core::not_found("kode lacak tidak ditemukan (no report with this tracking code)");
}

bool hidden(const domain::report& r) {
  return r.status == report_status::rejected && r.rejection &&
         (*r.rejection == domain::reject_reason::prank || *r.rejection == domain::reject_reason::ghost ||
          *r.rejection == domain::reject_reason::test);
}

core::result<domain::report> visible_report(storage::store_reader& rd, const std::string& code) {
  if (!core::looks_like_tracking_code(code)) return no_such_code();
  std::string upper = code;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  SIAGA_TRY(found, rd.find_report_by_tracking_code(upper));
  if (!found || hidden(*found)) return no_such_code();
  return std::move(*found);
}

std::string status_of_incident(incident_status s) {
  switch (s) {
    case incident_status::open: return "verified";
    case incident_status::dispatched:
    case incident_status::in_progress: return "in_progress";
    case incident_status::resolved:
    case incident_status::closed: return "done";
    case incident_status::cancelled: return "cancelled";
  }
  return "verified";
}

// The photos of the report and its incident that a call taker let out, oldest first.
core::result<std::vector<domain::media>> public_photos(storage::store_reader& rd, const domain::report& r) {
  SIAGA_TRY(own, rd.media_of_report(r.id));
  std::vector<domain::media> all = std::move(own);
  if (r.incident_id) {
    SIAGA_TRY(of_incident, rd.media_of_incident(*r.incident_id));
    for (auto& m : of_incident) {
      if (m.report_id != r.id) all.push_back(std::move(m));
    }
  }
  std::erase_if(all, [](const domain::media& m) { return !m.is_public; });
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return all;
}

// The incident's part of the timeline: verified, each agency it was forwarded to (declined and
// cancelled ones left out: they did not take it), done, and the agencies' public notes.
core::result<void> add_incident(storage::store_reader& rd, const domain::report& r, public_report& out) {
  SIAGA_TRY(inc, rd.find_incident(r.jurisdiction_id, *r.incident_id));
  if (!inc) return {};
  out.status = status_of_incident(inc->status);
  if (!out.category || out.category->id != inc->category_id) {
    SIAGA_TRY(cat, rd.find_category(r.jurisdiction_id, inc->category_id));
    if (cat) out.category = std::move(*cat);
  }
  // Accepted when the report was linked: the report.accepted event, else the report's last change.
  core::timestamp verified_at = std::max(r.updated_at, inc->created_at);
  SIAGA_TRY(events, rd.events_of_incident(inc->id));
  for (const auto& e : events) {
    if (e.kind == "report.accepted" && e.subject_id == r.id) verified_at = e.at;
  }
  out.timeline.push_back({"verified", verified_at, ""});
  SIAGA_TRY(dispatches, rd.dispatches_of_incident(inc->id));
  for (const auto& d : dispatches) {
    if (d.status == domain::dispatch_status::declined || d.status == domain::dispatch_status::cancelled) continue;
    SIAGA_TRY(ag, rd.find_agency(r.jurisdiction_id, d.agency_id));
    std::string name = ag ? ag->name : std::string();
    out.timeline.push_back({"forwarded", std::max(d.notified_at, verified_at), name});
    if (!d.public_note.empty() && d.completed_at) out.notes.push_back({name, d.public_note, *d.completed_at});
  }
  if (inc->status == incident_status::cancelled) {
    out.timeline.push_back({"cancelled", inc->updated_at, ""});
  } else if (inc->resolved_at || inc->closed_at) {
    out.timeline.push_back({"done", inc->resolved_at ? *inc->resolved_at : *inc->closed_at, ""});
  }
  if (!inc->district_id) return {};
  SIAGA_TRY(dist, rd.find_district(r.jurisdiction_id, *inc->district_id));
  if (dist) out.district = dist->name;
  return {};
}

}  // namespace

core::result<public_report> track_report(storage::store_reader& rd, const std::string& code) {
  SIAGA_TRY(r, visible_report(rd, code));
  public_report out;
  out.tracking_code = r.tracking_code;
  out.source = r.source;
  out.received_at = r.created_at;
  out.status = "received";
  SIAGA_TRY(jur, rd.find_jurisdiction(r.jurisdiction_id));
  if (jur) {
    out.jurisdiction = jur->name;
    out.timezone = jur->timezone;
  }
  if (r.category_id) {
    SIAGA_TRY(cat, rd.find_category(r.jurisdiction_id, *r.category_id));
    if (cat) out.category = std::move(*cat);
  }
  if (r.district_id) {
    SIAGA_TRY(dist, rd.find_district(r.jurisdiction_id, *r.district_id));
    if (dist) out.district = dist->name;
  }
  out.timeline.push_back({"received", r.created_at, ""});
  if (r.status == report_status::answered) {
    out.status = "answered";
    out.timeline.push_back({"answered", r.updated_at, ""});
  } else if (r.status == report_status::rejected) {
    out.status = "closed";
    out.timeline.push_back({"closed", r.updated_at, ""});
  } else if (r.status == report_status::accepted && r.incident_id) {
    SIAGA_CHECK(add_incident(rd, r, out));
  }
  std::stable_sort(out.timeline.begin(), out.timeline.end(),
                   [](const public_step& a, const public_step& b) { return a.at < b.at; });
  SIAGA_TRY(photos, public_photos(rd, r));
  out.photos = std::move(photos);
  return out;
}

core::result<public_photo_content> read_public_photo(storage::store_reader& rd, const std::string& code,
                                                     const std::string& media_id) {
  SIAGA_TRY(r, visible_report(rd, code));
  SIAGA_TRY(photos, public_photos(rd, r));
  auto it = std::find_if(photos.begin(), photos.end(), [&](const domain::media& m) { return m.id == media_id; });
  if (it == photos.end()) return core::not_found("foto tidak ditemukan (no such photo)");
  SIAGA_TRY(bytes, rd.media_bytes(r.jurisdiction_id, it->id));
  if (!bytes) return core::not_found("foto tidak ditemukan (no such photo)");
  return public_photo_content{std::move(*it), std::move(*bytes)};
}

core::result<domain::media> set_media_public(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& media_id, bool is_public) {
  SIAGA_CHECK(require_dispatcher(who));
  SIAGA_TRY(found, tx.find_media(who.jurisdiction_id, media_id));
  if (!found) return core::not_found("media " + media_id + " not found");
  auto m = std::move(*found);
  if (m.is_public == is_public) return m;
  m.is_public = is_public;
  SIAGA_CHECK(tx.update_media(m));
  boost::json::object payload{{"media_id", m.id}, {"public", is_public}};
  std::optional<std::string> incident;
  if (!m.incident_id.empty()) incident = m.incident_id;
  auto subject = incident ? domain::subject_kind::incident : domain::subject_kind::report;
  const std::string& subject_id = incident ? *incident : *m.report_id;
  SIAGA_CHECK(record(tx, ctx, who, subject, subject_id, "media.visibility_set", payload, incident));
  return m;
}

}  // namespace siaga::services
