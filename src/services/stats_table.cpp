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
      {"open311", "Open311"}, {"telegram", "Telegram"}, {"walk_in", "Datang langsung"}, {"radio", "Radio"},
      {"cctv", "CCTV"},
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
  for (const auto& u : users) n.users[u.id] = u.display_name;
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

}  // namespace siaga::services
