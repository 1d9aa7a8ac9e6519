// The demo city: Kota Ambon with its directory and a week of 112 history, so that every
// screen has something to show right after `siaga seed --demo`.
#pragma once

#include "core/error.hpp"
#include "core/id.hpp"
#include "core/time.hpp"
#include "storage/store.hpp"

#include "app/seed_data.hpp"

#include <functional>
#include <string>
#include <vector>

namespace siaga::app {

// One account of the demo city and the password it was given.
struct demo_login {
  std::string username;
  std::string password;
  std::string role;
  std::string display_name;
};

// What seed_demo did, or found already done.
struct seed_summary {
  std::string jurisdiction_id;
  std::vector<demo_login> logins;
  int reports = 0;
  int incidents = 0;
  bool already_seeded = false;
};

// Creates Kota Ambon with its districts, agencies, categories with run cards, one user per role
// and a realistic history ending at `now`. Idempotent: when jurisdiction 81.71 exists it returns
// already_seeded=true (with the logins) and writes nothing. Fails with the store's error.
//
// Everything is written in one write command, so a failure leaves no half-seeded city behind.
// The history is the same for the same `now` (a fixed pseudo-random sequence chooses times,
// names and places); only ids and tracking codes come from rnd. Hashes the six passwords before
// writing, which takes about 100 ms each.
core::result<seed_summary> seed_demo(storage::store& st, core::random_source& rnd, core::timestamp now);

// A category of the demo's template (directory.json) with its run card (agency_id maps an
// agency code to the id it has in the jurisdiction), SOP and default_sla.
domain::category template_category(const category_spec& spec,
                                   const std::function<std::string(const std::string&)>& agency_id);

// The service levels a new category gets by its urgency class (DESIGN.md), editable later.
domain::sla_policy default_sla(domain::urgency u);

}  // namespace siaga::app
