// The official names and Kemendagri codes of a regency (kabupaten/kota), its kecamatan and its
// kelurahan/desa, from the data files of the idn-area-data npm package (4.0.1, installed into
// build/area-data/ by scripts/area-data.sh): regencies.csv (code,province_code,name),
// districts.csv (code,regency_code,name), villages.csv (code,district_code,name).
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::app {

struct area_row {
  std::string code;
  std::string parent;  // the code of the regency (districts) or district (villages)
  std::string name;
};

struct regency_areas {
  std::string code;  // "81.71"
  std::string name;  // "Kota Ambon"
  std::vector<area_row> districts;  // by code
  std::vector<area_row> villages;   // by code
};

// The rows of one CSV document with a header line, each as its fields (quotes as in RFC 4180).
// Fails with invalid_input naming the line of an unterminated quote.
core::result<std::vector<std::vector<std::string>>> read_csv(std::string_view text);

// The regency of code with its kecamatan and kelurahan/desa, read from dir (the package's data
// folder). Fails with not_found for an unknown code, invalid_input for a missing or unreadable
// file (naming it and how to get it).
core::result<regency_areas> load_regency(const std::string& dir, const std::string& code);

// The folder siaga looks in when --area-data is not given: SIAGA_AREA_DATA, else
// area-data/package/data beside the running executable (where scripts/area-data.sh puts it).
std::string default_area_data_dir();

}  // namespace siaga::app
