// The composition root of `siaga serve`: opens the store, wires the API into the HTTP server
// and runs until SIGINT or SIGTERM.
#pragma once

#include "app/config.hpp"

namespace siaga::app {

// Serves until a stop signal; returns the process exit code (0 after a clean stop, 1 when
// the database or the address cannot be opened, with the reason logged).
int run_serve(const config& cfg);

// Opens the database and applies pending migrations; returns the exit code.
int run_migrate(const config& cfg);

// Opens and migrates the database, then seeds the demo city and prints its logins.
int run_seed_demo(const config& cfg);

}  // namespace siaga::app
