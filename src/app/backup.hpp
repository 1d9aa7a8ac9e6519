// `siaga backup --to FILE`: a consistent copy of the SQLite database while the server runs.
#pragma once

#include <ostream>
#include <string>

namespace siaga::app {

// Copies database to target (storage/sqlite/backup.hpp), printing progress to err every tenth
// and a summary to out ("CADANGAN selesai ..."). Returns 0 on success, 2 when target is empty,
// already exists or its folder is missing, or database does not exist (nothing written), 1
// when the copy or its check fails (the partial copy removed).
int run_backup(const std::string& database, const std::string& target, std::ostream& out, std::ostream& err);

}  // namespace siaga::app
