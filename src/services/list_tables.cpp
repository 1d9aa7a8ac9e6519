#include "services/list_tables.hpp"

#include "domain/phone.hpp"

namespace siaga::services {
namespace {

stats_cell when(const std::optional<core::timestamp>& t, int offset) {
  return t ? stats_cell{local_time_of(*t, offset)} : stats_cell{};
}

stats_cell seconds_cell(std::optional<std::chrono::milliseconds> d) {
  return d ? stats_cell{static_cast<double>(d->count()) / 1000.0} : stats_cell{};
}

std::string named(const std::map<std::string, std::string, std::less<>>& m, const std::string& id) {
  auto it = m.find(id);
  return it == m.end() ? id : it->second;
}

std::string call_outcome_name(const std::optional<domain::call_outcome>& o) {
  if (!o) return "Masih berlangsung";
  switch (*o) {
    case domain::call_outcome::answered: return "Dijawab";
    case domain::call_outcome::abandoned: return "Ditinggalkan penelepon";
    case domain::call_outcome::missed: return "Tak terjawab";
  }
  return "";
}

// The user a PBX agent is: by pbx_agent, else by username; the agent itself when neither.
std::string agent_name(const stats_names& names, const std::string& agent) {
  if (agent.empty()) return "";
  auto it = names.agents.find(agent);
  return it == names.agents.end() ? agent : it->second;
}

}  // namespace

stats_table list_shape(list_kind kind) {
  stats_table t;
  switch (kind) {
    case list_kind::incidents:
      t.sheet = "Kejadian";
      t.headers = {"Nomor",    "Dibuat",     "Kategori",   "Urgensi",          "Status", "Kecamatan", "Alamat",
                   "Ringkasan", "Dibuat oleh", "Pertama didispatch", "Tuntas", "Ditutup"};
      t.widths = {20, 19, 24, 20, 14, 20, 36, 48, 20, 19, 19, 19};
      break;
    case list_kind::dispatches:
      t.sheet = "Dispatch";
      t.headers = {"Kejadian", "Instansi", "Peran",      "Status",  "Dikirim",          "Diterima instansi",
                   "Menuju lokasi", "Di lokasi", "Selesai", "Ditolak instansi", "Dibatalkan", "Alasan ditolak",
                   "Catatan"};
      t.widths = {20, 28, 12, 18, 19, 19, 19, 19, 19, 19, 19, 30, 40};
      break;
    case list_kind::calls:
      t.sheet = "Panggilan";
      t.headers = {"Berdering", "Penelepon", "Jalur", "Hasil", "Klasifikasi", "Dijawab", "Dijawab oleh",
                   "Berakhir", "Menunggu (detik)", "Bicara (detik)", "Dialihkan", "Catatan"};
      t.widths = {19, 18, 10, 22, 20, 19, 22, 19, 16, 14, 10, 40};
      break;
  }
  return t;
}

stats_cells incident_row(const stats_names& names, const domain::incident& i, int offset) {
  return {i.number,
          local_time_of(i.created_at, offset),
          named(names.categories, i.category_id),
          name_of(names, storage::stats_dim::urgency, std::string(domain::to_string(i.urgency_class))),
          name_of(names, storage::stats_dim::status, std::string(domain::to_string(i.status))),
          i.district_id ? named(names.districts, *i.district_id) : std::string(),
          i.address,
          i.summary,
          named(names.users, i.created_by),
          when(i.first_dispatched_at, offset),
          when(i.resolved_at, offset),
          when(i.closed_at, offset)};
}

stats_cells dispatch_row(const stats_names& names, const std::map<std::string, std::string, std::less<>>& numbers,
                         const domain::dispatch& d, int offset) {
  return {named(numbers, d.incident_id),
          named(names.agencies, d.agency_id),
          std::string(d.role == domain::dispatch_role::primary ? "Utama" : "Pendukung"),
          name_of(names, storage::stats_dim::status, std::string(domain::to_string(d.status))),
          local_time_of(d.notified_at, offset),
          when(d.acknowledged_at, offset),
          when(d.en_route_at, offset),
          when(d.on_scene_at, offset),
          when(d.completed_at, offset),
          when(d.declined_at, offset),
          when(d.cancelled_at, offset),
          d.decline_reason,
          d.note};
}

stats_cells call_row(const stats_names& names, const domain::call_record& c, int offset, bool caller_shown) {
  const auto& s = c.state;
  std::string classification;
  if (c.classification) classification = call_class_name(domain::to_string(*c.classification));
  return {when(s.ring_at, offset),
          caller_shown ? s.caller : domain::mask_phone(s.caller),
          s.line,
          call_outcome_name(s.outcome),
          classification,
          when(s.answered_at, offset),
          agent_name(names, s.answered_by),
          when(s.ended_at, offset),
          seconds_cell(s.wait()),
          seconds_cell(s.talk()),
          std::int64_t{s.transfers},
          c.note};
}

}  // namespace siaga::services
