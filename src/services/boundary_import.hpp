// Boundaries of districts and villages from a GeoJSON FeatureCollection (`siaga import
// boundaries FILE`): each feature carries a Kemendagri code in its properties and a Polygon or
// MultiPolygon geometry, and is matched to the district or village of that code in whichever
// jurisdiction of the database has it.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::services {

// One feature of the file: its code in dotted form ("81.71.01" a kecamatan, "81.71.01.1006" a
// kelurahan/desa) and its geometry as compact GeoJSON text.
struct boundary_feature {
  std::string code;
  std::string geometry;
};

// The property names read for the code, first found wins (case-insensitive): code, kode,
// kode_desa, kode_kel, kode_kec, kd_desa, kd_kec, kdepum, id. A code may be dotted
// ("81.71.01.1006") or digits only (6 digits a kecamatan "817101", 10 a desa "8171011006").
extern const std::vector<std::string_view> boundary_code_properties;

// Reads the whole file; fails with invalid_input naming the first bad feature ("features[3]:
// no code in properties (code, kode, ...)", "features[0] (81.71.01): coordinates[0] is not
// closed ..."), a code given twice, or a document that is not a FeatureCollection.
core::result<std::vector<boundary_feature>> read_boundary_file(std::string_view text);

struct boundary_match {
  std::string code;
  std::string name;
  std::string kind;  // "kecamatan" or "kelurahan/desa"
  std::string jurisdiction_code;
};

struct boundary_import_result {
  std::vector<boundary_match> matched;
  std::vector<std::string> unmatched;  // codes of no district or village in the database
};

// Sets the boundary (and the approximate mark) of every district and village whose code a
// feature has, recording "district.boundary_set" / "village.boundary_set" by the system in its
// jurisdiction's log; features of no known code are listed, not errors. One write command:
// everything or nothing.
core::result<boundary_import_result> import_boundaries(storage::store_txn& tx, const context& ctx,
                                                       const std::vector<boundary_feature>& features, bool approximate);

}  // namespace siaga::services
