#include "app/init.hpp"

#include "app/seed.hpp"
#include "app/seed_data.hpp"
#include "services/directory_service.hpp"
#include "services/events.hpp"
#include "services/passwords.hpp"
#include "storage/open_database.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>

namespace siaga::app {
namespace {

// "Kota Kendari" -> "KEN"; a prefix another jurisdiction has gets the regency's own digits.
std::string prefix_of(const std::string& name, const std::string& code, const std::vector<domain::jurisdiction>& all) {
  auto space = name.rfind(' ');
  std::string word = space == std::string::npos ? name : name.substr(space + 1);
  std::string p;
  for (unsigned char c : word) {
    if (std::isalpha(c) && p.size() < 3) p += static_cast<char>(std::toupper(c));
  }
  if (p.empty()) p = "KAB";
  bool taken = std::any_of(all.begin(), all.end(), [&](const auto& j) { return j.incident_prefix == p; });
  if (taken) p += code.substr(code.find('.') + 1);
  return p;
}

// The demo's names are Kota Ambon's: a new city gets its own.
std::string for_city(std::string text, const std::string& city) {
  const std::string demo = "Kota Ambon";
  for (auto at = text.find(demo); at != std::string::npos; at = text.find(demo, at + city.size())) {
    text.replace(at, demo.size(), city);
  }
  return text;
}

// An agency of the template named for the new city: the demo's "... Kota Ambon" names carry
// over; those that are Ambon's own (a hospital, a water company) become generic, for the admin
// to complete.
std::string agency_name(const agency_spec& spec, const std::string& city) {
  if (spec.name.find("Kota Ambon") != std::string::npos) return for_city(spec.name, city);
  static const std::map<std::string, std::string, std::less<>> generic{
      {"POLRESTA", "Polres / Polresta"}, {"PLN", "PLN UP3 / ULP"}, {"PDAM", "PDAM / Perumda Air Minum"},
      {"RSUD", "RSUD"}, {"BASARNAS", "Basarnas / Kantor SAR"}};
  auto it = generic.find(spec.code);
  return (it == generic.end() ? spec.code : it->second) + " " + city;
}

bool valid_username(const std::string& u) {
  return !u.empty() && u.size() <= 64 && std::all_of(u.begin(), u.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

core::result<init_summary> init_jurisdiction(storage::store& st, core::random_source& rnd, const core::clock& clock,
                                             const regency_areas& areas, const init_request& req) {
  SIAGA_CHECK(core::zone_offset_minutes(req.time_zone));
  if (!valid_username(req.admin)) {
    return core::invalid("--admin must be a username of letters, digits, '.', '_' or '-' (at most 64)");
  }
  core::id_generator ids(rnd);
  services::context ctx{clock, ids, rnd};
  init_summary out;
  auto written = st.write([&](storage::store_txn& tx) -> core::result<void> {
    SIAGA_TRY(existing, tx.find_jurisdiction_by_code(areas.code));
    if (existing) {
      return core::conflict("regency " + areas.code + " (" + existing->name + ") already has a jurisdiction in this database");
    }
    SIAGA_TRY(taken, tx.find_user_by_username(req.admin));
    if (taken) return core::conflict("username '" + req.admin + "' is already taken");
    SIAGA_TRY(all, tx.list_jurisdictions());
    domain::jurisdiction j{ids.next(clock.now()), areas.code, areas.name, req.time_zone,
                           prefix_of(areas.name, areas.code, all)};
    SIAGA_CHECK(tx.insert_jurisdiction(j));
    auto system = services::system_actor(j.id);
    SIAGA_CHECK(services::record(tx, ctx, system, domain::subject_kind::jurisdiction, j.id, "jurisdiction.created",
                                 {{"code", j.code}, {"name", j.name}, {"timezone", j.timezone},
                                  {"incident_prefix", j.incident_prefix}, {"source", "idn-area-data"}}));
    std::map<std::string, std::string, std::less<>> district_ids;
    for (const auto& row : areas.districts) {
      domain::district d;
      d.id = ids.next(clock.now());
      d.jurisdiction_id = j.id;
      d.code = row.code;
      d.name = row.name;
      SIAGA_CHECK(tx.insert_district(d));
      SIAGA_CHECK(services::record(tx, ctx, system, domain::subject_kind::district, d.id, "district.created",
                                   {{"code", d.code}, {"name", d.name}}));
      district_ids.emplace(d.code, d.id);
    }
    for (const auto& row : areas.villages) {
      auto parent = district_ids.find(row.parent);
      if (parent == district_ids.end()) return core::invalid("village " + row.code + " names an unknown kecamatan " + row.parent);
      domain::village v;
      v.id = ids.next(clock.now());
      v.jurisdiction_id = j.id;
      v.district_id = parent->second;
      v.code = row.code;
      v.name = row.name;
      SIAGA_CHECK(tx.insert_village(v));
      SIAGA_CHECK(services::record(tx, ctx, system, domain::subject_kind::village, v.id, "village.created",
                                   {{"code", v.code}, {"name", v.name}, {"district_id", v.district_id}}));
    }
    std::map<std::string, std::string, std::less<>> agency_ids;
    for (const auto& spec : ambon().agencies) {
      domain::agency a;
      a.code = spec.code;
      a.name = agency_name(spec, areas.name);
      a.kind = spec.kind;
      // National short numbers (113, 119, 110, ...) hold everywhere; local numbers do not.
      if (spec.phone.size() == 3) a.phone = spec.phone;
      SIAGA_TRY(saved, services::save_agency(tx, ctx, system, std::move(a)));
      agency_ids.emplace(saved.code, saved.id);
    }
    for (const auto& spec : ambon().categories) {
      auto c = template_category(spec, [&](const std::string& code) { return agency_ids.at(code); });
      for (auto& line : c.sop) line = for_city(line, areas.name);
      SIAGA_CHECK(services::save_category(tx, ctx, system, std::move(c)));
    }
    services::new_user admin;
    admin.username = req.admin;
    admin.display_name = "Admin " + areas.name;
    admin.user_role = domain::role::admin;
    admin.password_hash = req.password_hash;
    SIAGA_CHECK(services::create_user(tx, ctx, system, admin));
    out = {j.id, j.name, j.incident_prefix, areas.districts.size(), areas.villages.size(), ambon().agencies.size(),
           ambon().categories.size()};
    return {};
  });
  if (!written) return written.error();
  return out;
}

int run_init(const std::string& database, const std::vector<std::string>& args, std::istream& in, std::ostream& out,
             std::ostream& err, bool interactive) {
  init_request req;
  std::string area_dir = default_area_data_dir();
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    bool ok = (args[i] == "--regency" && value(req.regency)) || (args[i] == "--time-zone" && value(req.time_zone)) ||
              (args[i] == "--admin" && value(req.admin)) || (args[i] == "--area-data" && value(area_dir));
    if (!ok) {
      err << "siaga init: unknown or incomplete flag '" << args[i] << "'\n";
      return 2;
    }
  }
  if (req.regency.empty() || req.time_zone.empty() || req.admin.empty()) {
    err << "siaga init: needs --regency CODE --time-zone ZONE --admin NAME (e.g. --regency 74.71 --time-zone "
           "Asia/Makassar --admin admin)\n";
    return 2;
  }
  auto areas = load_regency(area_dir, req.regency);
  if (!areas) {
    err << "siaga init: " << areas.error().message << "\n";
    return 1;
  }
  std::string password;
  if (interactive) out << "Kata sandi admin / admin password (kosong: dibuatkan / empty: generated): " << std::flush;
  std::getline(in, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
  bool generated = password.empty();
  if (generated) {
    core::secure_random rnd;
    password = services::make_token(rnd).substr(0, 16);
  }
  auto hash = services::hash_password(password);
  if (!hash) {
    err << "siaga init: " << hash.error().message << "\n";
    return 1;
  }
  req.password_hash = *hash;
  auto st = storage::open_database(database);
  if (!st) {
    err << "siaga init: cannot open " << storage::printable_location(database) << ": " << st.error().message << "\n";
    return 1;
  }
  core::secure_random rnd;
  core::system_clock clock;
  core::result<init_summary> made = core::make_error(core::errc::internal, "not run");
  if (auto m = (*st)->migrate(); !m) {
    made = m.error();
  } else {
    made = init_jurisdiction(**st, rnd, clock, *areas, req);
  }
  (*st)->close();
  if (!made) {
    err << "siaga init: " << made.error().message << "\n";
    return 1;
  }
  out << made->name << " (" << req.regency << ", " << req.time_zone << ", nomor insiden " << made->incident_prefix
      << "-...) dibuat: " << made->districts << " kecamatan, " << made->villages << " kelurahan/desa, "
      << made->agencies << " instansi (lengkapi nomor dan notifikasinya), " << made->categories
      << " kategori dengan run card, SOP dan SLA dari templat.\n";
  out << "Admin: " << req.admin;
  if (generated) out << "  kata sandi / password (dicetak sekali ini saja / shown this once): " << password;
  out << "\n";
  return 0;
}

}  // namespace siaga::app
