#include "services/lapor.hpp"

#include "services/incident_rules.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace siaga::services {
namespace json = boost::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool counts_working_days(const domain::sla_policy& p) {
  return p.dispatch_within_days > 0 || p.acknowledge_within_days > 0 || p.on_scene_within_days > 0 ||
         p.complete_within_days > 0 || p.close_within_days > 0;
}

// s cut to at most n bytes without splitting a UTF-8 sequence.
std::string cut_utf8(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// The report's text: the tracking id and title, the content (cut so that the whole fits the
// intake's limit, marked when cut), and the attachment urls.
std::string description_of(const lapor_import& in) {
  const std::string head = "[SP4N-LAPOR! " + in.lapor_id + "] " + in.title + "\n\n";
  std::string tail;
  if (!in.attachments.empty()) {
    tail = "\n\nLampiran:";
    for (const auto& a : in.attachments) tail += "\n" + a;
  }
  static const std::string cut_mark = " [...]";
  const auto room =
      max_intake_description > head.size() + tail.size() ? max_intake_description - head.size() - tail.size() : 0;
  std::string body = in.content;
  if (body.size() > room) body = cut_utf8(body, room > cut_mark.size() ? room - cut_mark.size() : 0) + cut_mark;
  return cut_utf8(head + body + tail, max_intake_description);
}

}  // namespace

core::result<domain::category> lapor_category_for(storage::store_reader& rd, const std::string& jurisdiction_id,
                                                  const std::string& code, const std::string& lapor_category) {
  SIAGA_TRY(cats, rd.list_categories(jurisdiction_id));
  std::vector<domain::category> open;
  for (auto& c : cats) {
    if (c.active && c.is_public) open.push_back(std::move(c));
  }
  const domain::category* pick = nullptr;
  if (!code.empty()) {
    auto it = std::find_if(open.begin(), open.end(), [&](const domain::category& c) { return c.code == code; });
    if (it == open.end()) {
      return core::invalid("lapor_category '" + code.substr(0, 64) +
                           "' bukan kategori publik yang aktif (is no active public category)");
    }
    pick = &*it;
  } else {
    const auto wanted = lower(lapor_category);
    auto named = std::find_if(open.begin(), open.end(), [&](const domain::category& c) {
      return counts_working_days(c.sla) && !wanted.empty() && (lower(c.name_id) == wanted || lower(c.code) == wanted);
    });
    if (named == open.end()) {
      named =
          std::find_if(open.begin(), open.end(), [](const domain::category& c) { return counts_working_days(c.sla); });
    }
    if (named != open.end()) pick = &*named;
  }
  if (!pick || !counts_working_days(pick->sla)) {
    return core::invalid(
        "pengaduan SP4N-LAPOR! memerlukan kategori publik dengan batas waktu dalam hari kerja; "
        "atur batas hari kerja pada kategori pengaduan atau setel lapor_category (LAPOR! complaints "
        "need a public category whose limits count working days)");
  }
  return *pick;
}

core::result<lapor_import_outcome> import_lapor_report(storage::store_txn& tx, const context& ctx,
                                                       const lapor_import& in) {
  if (is_blank(in.lapor_id) || is_blank(in.title)) {
    return core::invalid(
        "pengaduan LAPOR! tanpa tracking id atau judul (a LAPOR! complaint needs a tracking id and a "
        "title)");
  }
  SIAGA_TRY(seen, tx.find_lapor_report(in.jurisdiction_id, in.lapor_id));
  if (seen) return lapor_import_outcome{true, std::nullopt};
  SIAGA_TRY(category, lapor_category_for(tx, in.jurisdiction_id, in.category_code, in.category));

  channel_report r;
  r.source = domain::channel::lapor;
  r.jurisdiction_id = in.jurisdiction_id;
  r.description = description_of(in);
  r.category_code = category.code;
  r.location = in.location;
  r.district_id = in.district_id;
  r.village_id = in.village_id;
  r.address = is_blank(in.address) && !in.location ? std::string("tidak disebutkan (SP4N-LAPOR!)") : in.address;
  // The name as LAPOR! shows it; the complainant consented there to its being passed on.
  r.reporter_name = in.anonymous ? std::string() : in.reporter_name;
  r.consent = !r.reporter_name.empty();
  r.contact_address = in.lapor_id;
  r.max_new_reports = 0;  // LAPOR! screened the complaint; the cap is for floods from one number
  SIAGA_TRY(receipt, intake_report(tx, ctx, r));

  SIAGA_CHECK(tx.insert_channel_contact(
      {receipt.report.id, in.jurisdiction_id, domain::channel::lapor, in.lapor_id, "received"}));
  json::array urls;
  for (const auto& a : in.attachments) urls.emplace_back(a);
  storage::lapor_record rec;
  rec.jurisdiction_id = in.jurisdiction_id;
  rec.lapor_id = in.lapor_id;
  rec.report_id = receipt.report.id;
  rec.title = in.title;
  rec.content = in.content;
  rec.category = in.category;
  rec.attachments = json::serialize(urls);
  rec.anonymous = in.anonymous;
  rec.submitted_at = in.submitted_at;
  rec.imported_at = ctx.clock.now();
  SIAGA_CHECK(tx.insert_lapor_report(rec));
  return lapor_import_outcome{false, std::move(receipt)};
}

core::result<void> save_lapor_cursor(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                                     const std::string& cursor) {
  return tx.set_lapor_cursor(jurisdiction_id, cursor, ctx.clock.now());
}

}  // namespace siaga::services
