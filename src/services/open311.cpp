#include "services/open311.hpp"

#include "services/public_tracking.hpp"

#include <algorithm>
#include <cctype>

namespace siaga::services {
namespace {

core::error no_such_request() {
  return core::not_found("service_request_id tidak ditemukan (no such service request)");
}

bool is_open(const std::string& public_status) {
  return public_status == "received" || public_status == "verified" || public_status == "in_progress";
}

// The view of a report, or nullopt when Open311 must not show it (another channel, another
// jurisdiction, hidden from tracking).
core::result<std::optional<open311_view>> view_of(storage::store_reader& rd, const std::string& jurisdiction_id,
                                                  const domain::report& r) {
  using maybe = std::optional<open311_view>;
  if (r.source != domain::channel::open311 || r.jurisdiction_id != jurisdiction_id) return maybe{};
  SIAGA_TRY(rec, rd.find_open311_request(r.id));
  if (!rec) return maybe{};
  auto tracked = track_report(rd, r.tracking_code);
  if (!tracked) {
    if (tracked.error().code == core::errc::not_found) return maybe{};
    return tracked.error();
  }
  open311_view v;
  v.service_request_id = r.id;
  v.open = is_open(tracked->status);
  for (const auto& n : tracked->notes) {
    if (!v.status_notes.empty()) v.status_notes += "; ";
    v.status_notes += n.agency.empty() ? n.text : n.agency + ": " + n.text;
  }
  v.service_code = tracked->category ? tracked->category->code : rec->service_code;
  v.service_name = tracked->category ? tracked->category->name_id : rec->service_code;
  v.description = rec->description;
  std::vector<std::string> agencies;
  for (const auto& s : tracked->timeline) {
    if (s.step == "forwarded" && !s.agency.empty() &&
        std::find(agencies.begin(), agencies.end(), s.agency) == agencies.end()) {
      agencies.push_back(s.agency);
    }
  }
  for (const auto& a : agencies) v.agency_responsible += (v.agency_responsible.empty() ? "" : ", ") + a;
  v.requested_at = r.created_at;
  v.updated_at = r.created_at;
  for (const auto& s : tracked->timeline) v.updated_at = std::max(v.updated_at, s.at);
  v.address = r.address;
  v.location = r.location;
  v.media_url = rec->media_url;
  return maybe(std::move(v));
}

}  // namespace

core::result<intake_receipt> submit_open311(storage::store_txn& tx, const context& ctx, const open311_submission& in) {
  SIAGA_TRY(receipt, intake_report(tx, ctx, in.report));
  storage::open311_record rec;
  rec.report_id = receipt.report.id;
  rec.jurisdiction_id = receipt.report.jurisdiction_id;
  rec.service_code = in.service_code;
  rec.description = in.description;
  rec.attributes = in.attributes.empty() ? "{}" : in.attributes;
  rec.media_url = in.media_url;
  rec.email = in.email;
  rec.device_id = in.device_id;
  rec.account_id = in.account_id;
  rec.api_key_id = in.api_key_id;
  rec.created_at = receipt.report.created_at;
  SIAGA_CHECK(tx.insert_open311_request(rec));
  return receipt;
}

core::result<open311_view> find_open311(storage::store_reader& rd, const std::string& jurisdiction_id,
                                        const std::string& id) {
  if (id.empty() || id.size() > 64) return no_such_request();
  SIAGA_TRY(r, rd.find_report(jurisdiction_id, id));
  if (!r) return no_such_request();
  SIAGA_TRY(v, view_of(rd, jurisdiction_id, *r));
  if (!v) return no_such_request();
  return std::move(*v);
}

core::result<std::vector<open311_view>> list_open311(storage::store_reader& rd, const std::string& jurisdiction_id,
                                                     const open311_query& q) {
  std::vector<open311_view> out;
  if (!q.ids.empty()) {
    for (const auto& id : q.ids) {
      auto v = find_open311(rd, jurisdiction_id, id);
      if (v) {
        out.push_back(std::move(*v));
      } else if (v.error().code != core::errc::not_found) {
        return v.error();
      }
      if (static_cast<int>(out.size()) >= q.limit) break;
    }
    return out;
  }
  storage::report_filter f;
  f.jurisdiction_id = jurisdiction_id;
  f.source = domain::channel::open311;
  f.from = q.from;
  f.to = q.to;
  f.page.limit = 500;
  // Pages of the channel's reports, newest first, until the limit is met: the status and
  // service filters need each report's incident, so they are applied here.
  for (f.page.offset = 0;; f.page.offset += f.page.limit) {
    SIAGA_TRY(page, rd.list_reports(f));
    for (const auto& r : page.items) {
      SIAGA_TRY(v, view_of(rd, jurisdiction_id, r));
      if (!v) continue;
      if (q.open && v->open != *q.open) continue;
      if (!q.service_codes.empty() &&
          std::find(q.service_codes.begin(), q.service_codes.end(), v->service_code) == q.service_codes.end()) {
        continue;
      }
      out.push_back(std::move(*v));
      if (static_cast<int>(out.size()) >= q.limit) return out;
    }
    if (static_cast<int>(page.items.size()) < f.page.limit) break;
  }
  return out;
}

core::result<std::string> open311_token(storage::store_reader& rd, const std::string& jurisdiction_id,
                                        const std::string& token) {
  auto nothing = [] { return core::not_found("token tidak ditemukan (no such token)"); };
  if (!core::looks_like_tracking_code(token)) return nothing();
  std::string upper = token;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  SIAGA_TRY(r, rd.find_report_by_tracking_code(upper));
  if (!r) return nothing();
  SIAGA_TRY(v, view_of(rd, jurisdiction_id, *r));
  if (!v) return nothing();
  return v->service_request_id;
}

}  // namespace siaga::services
