// `siaga privacy export --phone N` and `siaga privacy erase --phone N`: a data subject's
// request under UU PDP 27/2022 (services/privacy.hpp), over every jurisdiction of the database.
#pragma once

#include <ostream>
#include <string>

namespace siaga::app {

// Migrates the database, then for each jurisdiction records privacy.exported and writes one
// JSON document to out: {"phone", "jurisdictions": [{"code", "name", "reports", "calls",
// "caller", "events"}]}. Returns 0; 2 for a text that is not a phone number (nothing opened,
// nothing recorded; the message says what to type); 1 when the database cannot be used.
int run_privacy_export(const std::string& database, const std::string& phone, std::ostream& out, std::ostream& err);

// Migrates the database, then erases everything held about the number in each jurisdiction
// now (reporters' contacts, callers' numbers, event payloads: their digests and hashes stay,
// so `siaga audit verify` still passes) and records privacy.erased with the counts. Prints one
// line per jurisdiction. Returns like run_privacy_export.
int run_privacy_erase(const std::string& database, const std::string& phone, std::ostream& out, std::ostream& err);

}  // namespace siaga::app
