// `siaga init --regency 81.71 --time-zone Asia/Jayapura --admin NAME`: a real city from zero.
// Creates the jurisdiction with its official name and Kemendagri code, its kecamatan and
// kelurahan/desa (idn-area-data, app/area_data.hpp), the demo's categories with their run
// cards, SOP and SLA as a template, the agencies of a typical 112 centre (named for the city,
// without endpoints: the admin completes them), and the first admin.
#pragma once

#include "app/area_data.hpp"
#include "core/id.hpp"
#include "core/time.hpp"
#include "storage/store.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace siaga::app {

struct init_request {
  std::string regency;    // Kemendagri code, "81.71"
  std::string time_zone;  // "Asia/Jayapura"
  std::string admin;      // the first admin's username
  std::string password_hash;
};

struct init_summary {
  std::string jurisdiction_id;
  std::string name;
  std::string incident_prefix;
  std::size_t districts = 0, villages = 0, agencies = 0, categories = 0;
};

// Writes the city in one command: all of it or nothing. Fails with invalid_input for a bad
// time zone or username, conflict when the regency already has a jurisdiction or the username
// is taken, and the store's errors.
core::result<init_summary> init_jurisdiction(storage::store& st, core::random_source& rnd, const core::clock& clock,
                                             const regency_areas& areas, const init_request& req);

// The subcommand: parses its flags (--regency, --time-zone, --admin, --area-data), reads the
// admin's password from in (a line; prompted when in is a terminal), generates and prints one
// when none is given, and prints what it made. Exit code 0, 1 on failure, 2 on bad usage.
int run_init(const std::string& database, const std::vector<std::string>& args, std::istream& in, std::ostream& out,
             std::ostream& err, bool interactive);

}  // namespace siaga::app
