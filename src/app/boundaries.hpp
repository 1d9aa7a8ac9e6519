// `siaga import boundaries FILE [--approximate]`: the boundaries of districts and villages from
// a GeoJSON FeatureCollection (services/boundary_import.hpp says which properties carry the
// code). Prints what it matched and what it did not; a bad file changes nothing.
#pragma once

#include <string>

namespace siaga::app {

// Exit code: 0 when the file was read and imported (even with codes that matched nothing),
// 1 when it was refused or the database failed, with the reason on stderr.
int run_import_boundaries(const std::string& database, const std::string& file, bool approximate);

}  // namespace siaga::app
