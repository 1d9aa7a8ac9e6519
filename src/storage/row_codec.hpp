// The JSON a store keeps in a column beside its row, shared by every store: a category's run
// card and SOP, a jurisdiction's working-day calendar, an agency's (and a jurisdiction's alert)
// endpoints. They are always read and written whole with their row. Decoding fails with
// storage_failure naming the column when the text is not what this program writes.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage::row_codec {

std::string encode_run_card(const std::vector<domain::run_card_entry>& card);
core::result<std::vector<domain::run_card_entry>> decode_run_card(std::string_view text);
std::string encode_sop(const std::vector<std::string>& sop);
core::result<std::vector<std::string>> decode_sop(std::string_view text);
// [0, 6] and [{"date": "2025-08-17", "name": "..."}].
std::string encode_weekend(const std::vector<int>& days);
std::string encode_holidays(const std::vector<domain::holiday>& holidays);
// Sets j.weekend_days and appends to j.holidays.
core::result<void> decode_calendar(std::string_view weekend, std::string_view holidays, domain::jurisdiction& j);
std::string encode_endpoints(const std::vector<domain::agency_endpoint>& endpoints);
core::result<std::vector<domain::agency_endpoint>> decode_endpoints(std::string_view text);

}  // namespace siaga::storage::row_codec
