#include "services/stats_table.hpp"

#include <array>
#include <utility>

namespace siaga::services {
namespace {

using storage::stats_dim;

std::string heading(stats_dim d) {
  switch (d) {
    case stats_dim::category: return "Kategori";
    case stats_dim::urgency: return "Urgensi";
    case stats_dim::district: return "Kecamatan";
    case stats_dim::status: return "Status";
    case stats_dim::channel: return "Kanal";
    case stats_dim::reject_reason: return "Alasan ditolak";
    case stats_dim::agency: return "Instansi";
    case stats_dim::call_taker: return "Petugas";
    case stats_dim::dispatched: return "Didispatch";
    case stats_dim::village: return "Kelurahan/Desa";
  }
  return "";
}

// Enum values in Bahasa Indonesia, as the consoles name them (web/src/lib/i18n.ts).
const std::map<std::string, std::string, std::less<>>& enum_names() {
  static const std::map<std::string, std::string, std::less<>> names{
      // incident, report and dispatch statuses
      {"open", "Terbuka"}, {"dispatched", "Didispatch"}, {"in_progress", "Ditangani"}, {"resolved", "Tuntas"},
      {"closed", "Ditutup"}, {"cancelled", "Dibatalkan"}, {"new", "Baru"}, {"accepted", "Diterima"},
      {"rejected", "Ditolak"}, {"answered", "Dijawab sebagai informasi"}, {"notified", "Dikirim"},
      {"acknowledged", "Diterima instansi"}, {"en_route", "Menuju lokasi"}, {"on_scene", "Di lokasi"},
      {"completed", "Selesai"}, {"declined", "Ditolak instansi"},
      // urgency
      {"emergency", "Gawat darurat"}, {"urgent", "Gawat tidak darurat"}, {"information", "Informasi"},
      {"complaint", "Pengaduan"},
      // channels
      {"call", "Telepon"}, {"web", "Web"}, {"whatsapp", "WhatsApp"}, {"app", "Aplikasi"}, {"lapor", "SP4N-LAPOR!"},
      {"open311", "Open311"}, {"telegram", "Telegram"}, {"walk_in", "Datang langsung"}, {"radio", "Radio"}, {"sms", "SMS"},
      {"cctv", "CCTV"}, {"handover", "Pelimpahan 112"},
      // reject reasons
      {"prank", "Iseng"}, {"ghost", "Tanpa suara"}, {"misdirected", "Salah sambung"}, {"duplicate", "Duplikat"},
      {"test", "Uji coba"},
  };
  return names;
}

std::string from(const std::map<std::string, std::string, std::less<>>& m, const std::string& id) {
  auto it = m.find(id);
  return it == m.end() ? id : it->second;
}

stats_cell seconds(std::int64_t s) { return s < 0 ? stats_cell{} : stats_cell{s}; }

}  // namespace

local_time local_time_of(core::timestamp at, int offset_minutes) {
  auto s = std::chrono::floor<std::chrono::seconds>(at).time_since_epoch().count();
  return {s + static_cast<std::int64_t>(offset_minutes) * 60};
}

core::result<stats_names> load_stats_names(storage::store_reader& rd, const actor& who) {
  stats_names n;
  SIAGA_TRY(categories, rd.list_categories(who.jurisdiction_id));
  for (const auto& c : categories) n.categories[c.id] = c.name_id;
  SIAGA_TRY(districts, rd.list_districts(who.jurisdiction_id));
  for (const auto& d : districts) n.districts[d.id] = d.name;
  SIAGA_TRY(villages, rd.list_villages(who.jurisdiction_id, std::nullopt));
  for (const auto& v : villages) n.villages[v.id] = v.name;
  SIAGA_TRY(agencies, rd.list_agencies(who.jurisdiction_id));
  for (const auto& a : agencies) n.agencies[a.id] = a.name;
  SIAGA_TRY(users, rd.list_users(who.jurisdiction_id));
  for (const auto& u : users) {
    n.users[u.id] = u.display_name;
    n.agents[u.username] = u.display_name;
    n.agent_users[u.username] = u.id;
  }
  // A pbx_agent wins over a username that happens to be the same text.
  for (const auto& u : users) {
    if (u.pbx_agent.empty()) continue;
    n.agents[u.pbx_agent] = u.display_name;
    n.agent_users[u.pbx_agent] = u.id;
  }
  return n;
}

std::string name_of(const stats_names& names, stats_dim d, const std::string& value) {
  if (value.empty()) return "(tanpa)";
  switch (d) {
    case stats_dim::category: return from(names.categories, value);
    case stats_dim::district: return from(names.districts, value);
    case stats_dim::agency: return from(names.agencies, value);
    case stats_dim::call_taker: return from(names.users, value);
    case stats_dim::village: return from(names.villages, value);
    default: return from(enum_names(), value);
  }
}

stats_table count_table(const stats_names& names, const stats_request& req, const stats_answer& answer) {
  stats_table t;
  if (req.grain) t.headers.push_back("Periode");
  for (auto d : req.dims) t.headers.push_back(heading(d));
  t.headers.push_back("Jumlah");
  for (const auto& r : answer.rows) {
    std::vector<stats_cell> row;
    if (req.grain) row.emplace_back(r.period);
    for (std::size_t i = 0; i < req.dims.size(); ++i) row.emplace_back(name_of(names, req.dims[i], r.dims[i]));
    row.emplace_back(r.count);
    t.rows.push_back(std::move(row));
  }
  return t;
}

stats_table dispatch_table(const stats_names& names, const stats_request& req, const std::vector<dispatch_stats_row>& rows) {
  static constexpr std::array<std::pair<const char*, const char*>, 4> outcomes{
      {{"completed", "Selesai"}, {"declined", "Ditolak instansi"}, {"cancelled", "Dibatalkan"}, {"", "Masih berjalan"}}};
  stats_table t;
  if (req.grain) t.headers.push_back("Periode");
  for (auto d : req.dims) t.headers.push_back(heading(d));
  t.headers.push_back("Jumlah dispatch");
  for (const auto& [status, title] : outcomes) t.headers.push_back(title);
  for (const char* h : {"Diterima p50 (detik)", "Diterima p90 (detik)", "Diterima sesuai SLA (%)", "Tiba p50 (detik)",
                        "Tiba p90 (detik)", "Tiba sesuai SLA (%)", "Selesai p50 (detik)"}) {
    t.headers.push_back(h);
  }
  auto share = [](const step_stats& s) {
    return s.with_limit ? stats_cell{100.0 * static_cast<double>(s.within) / static_cast<double>(s.with_limit)}
                        : stats_cell{};
  };
  for (const auto& r : rows) {
    std::vector<stats_cell> row;
    if (req.grain) row.emplace_back(r.period);
    for (std::size_t i = 0; i < req.dims.size(); ++i) row.emplace_back(name_of(names, req.dims[i], r.dims[i]));
    row.emplace_back(r.count);
    std::int64_t ended = 0;
    for (const auto& [status, title] : outcomes) {
      if (!*status) {
        row.emplace_back(r.count - ended);
        continue;
      }
      auto it = r.by_status.find(status);
      auto n = it == r.by_status.end() ? std::int64_t{0} : it->second;
      ended += n;
      row.emplace_back(n);
    }
    row.push_back(seconds(r.acknowledged.p50_s));
    row.push_back(seconds(r.acknowledged.p90_s));
    row.push_back(share(r.acknowledged));
    row.push_back(seconds(r.on_scene.p50_s));
    row.push_back(seconds(r.on_scene.p90_s));
    row.push_back(share(r.on_scene));
    row.push_back(seconds(r.completed.p50_s));
    t.rows.push_back(std::move(row));
  }
  return t;
}

namespace {

constexpr std::array<const char*, 7> call_classes{"valid", "prank", "ghost", "information", "misdirected", "test",
                                                   "unclassified"};

stats_cell optional_share(const std::map<int, std::optional<double>>& m, int target) {
  auto it = m.find(target);
  return it == m.end() || !it->second ? stats_cell{} : stats_cell{100.0 * *it->second};
}

std::int64_t within_of(const call_stats_bucket& b, int target) {
  auto it = b.answered_within.find(target);
  return it == b.answered_within.end() ? 0 : it->second;
}

stats_cell optional_seconds(const std::optional<double>& v) {
  return v ? stats_cell{*v} : stats_cell{};
}

}  // namespace

std::int64_t count_in(const std::map<std::string, std::int64_t>& m, std::string_view key) {
  auto it = m.find(std::string(key));
  return it == m.end() ? 0 : it->second;
}

std::string call_class_name(std::string_view c) {
  if (c == "valid") return "Valid";
  if (c == "information") return "Informasi";
  if (c == "unclassified") return "Belum diklasifikasi";
  return from(enum_names(), std::string(c));
}

stats_table call_table(const call_stats_report& report) {
  stats_table t;
  t.sheet = "Panggilan";
  switch (report.group) {
    case stats_group::agent: t.headers.push_back("Petugas"); break;
    case stats_group::line: t.headers.push_back("Jalur"); break;
    default: t.headers.push_back("Periode"); break;
  }
  for (const char* h : {"Panggilan", "Dijawab", "Ditinggalkan penelepon", "Tak terjawab", "Masih berlangsung"}) {
    t.headers.push_back(h);
  }
  for (const char* c : call_classes) t.headers.push_back(call_class_name(c));
  for (const char* h : {"Waktu jawab p50 (detik)", "Waktu jawab p90 (detik)", "Dijawab dalam 15 detik",
                        "Dijawab dalam 15 detik (%)", "Tindak lanjut ke lapangan"}) {
    t.headers.push_back(h);
  }
  auto add = [&](const call_stats_bucket& b, const std::string& key) {
    stats_cells row{key, b.total, b.answered, b.abandoned, b.missed, b.live};
    for (const char* c : call_classes) row.emplace_back(count_in(b.by_classification, c));
    row.push_back(optional_seconds(b.answer_p50_s));
    row.push_back(optional_seconds(b.answer_p90_s));
    row.emplace_back(within_of(b, 15));
    row.push_back(optional_share(b.share_within, 15));
    row.emplace_back(b.follow_ups);
    t.rows.push_back(std::move(row));
  };
  for (const auto& b : report.groups) add(b, b.key);
  add(report.total, "Total");
  return t;
}

stats_table summary_table(const stats_summary& s) {
  stats_table t;
  t.sheet = "Ringkasan";
  t.headers = {"Angka", "Jumlah"};
  t.widths = {44, 14};
  auto add = [&](std::string name, stats_cell v) { t.rows.push_back({std::move(name), std::move(v)}); };
  add("Panggilan", s.calls.total);
  add("Panggilan dijawab", s.calls.answered);
  add("Dijawab dalam 15 detik", within_of(s.calls, 15));
  add("Dijawab dalam 15 detik (%)", optional_share(s.calls.share_within, 15));
  add("Ditinggalkan penelepon", s.calls.abandoned);
  add("Tak terjawab", s.calls.missed);
  for (const char* c : call_classes) add("Panggilan " + call_class_name(c), count_in(s.calls.by_classification, c));
  add("Tindak lanjut ke lapangan", s.calls.follow_ups);
  add("Laporan", s.reports);
  for (const auto& [k, n] : s.reports_by_status) add("Laporan " + from(enum_names(), k), n);
  for (const auto& [k, n] : s.rejected_by_reason) add("Ditolak: " + from(enum_names(), k), n);
  add("Kejadian", s.incidents);
  for (const auto& [k, n] : s.incidents_by_urgency) add("Kejadian " + from(enum_names(), k), n);
  add("Dispatch", s.dispatches);
  for (const auto& [k, n] : s.dispatches_by_status) add("Dispatch " + from(enum_names(), k), n);
  add("Ringkasan", s.line);
  return t;
}

}  // namespace siaga::services
