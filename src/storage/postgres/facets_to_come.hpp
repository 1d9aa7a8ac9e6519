// The methods of the store contract that the PostgreSQL store does not have yet (README.md
// lists the facets done and those left). Each fails with storage_failure naming the method,
// so that a caller that reaches one learns exactly what is missing instead of a wrong answer.
// As a facet is built its methods move from here to postgres_store.cpp.
#pragma once

#include "storage/store.hpp"

#include <string>
#include <string_view>

namespace siaga::storage::postgres {

inline core::error not_yet(std::string_view method) {
  return core::make_error(core::errc::storage_failure,
                          "the PostgreSQL store does not implement " + std::string(method) +
                              " yet (src/storage/postgres/README.md); use the SQLite store for this");
}

// Reads of the facets to come, over any store_reader base.
template <class Base>
class reads_to_come : public Base {
 public:
  // calls: the call rollups (with the statistics)
  result<std::vector<call_rollup_row>> call_rollup_counts(const call_rollup_range& range) override {
    return not_yet("call_rollup_counts");
  }
  result<std::vector<call_answer_row>> call_answer_histograms(const call_rollup_range& range) override {
    return not_yet("call_answer_histograms");
  }
  result<std::vector<call_period_row>> call_period_rollups(const call_rollup_range& range) override {
    return not_yet("call_period_rollups");
  }
  // stats
  result<std::vector<stats_count_row>> count_incidents(const stats_count_query& q) override {
    return not_yet("count_incidents");
  }
  result<std::vector<stats_count_row>> count_reports(const stats_count_query& q) override {
    return not_yet("count_reports");
  }
  result<std::vector<dispatch_time_row>> dispatch_times(const stats_count_query& q) override {
    return not_yet("dispatch_times");
  }
  result<dispatch_rollup> dispatch_rollups(const stats_count_query& q) override { return not_yet("dispatch_rollups"); }
  result<rollup_rows> kept_rollups(const std::string& jurisdiction_id) override { return not_yet("kept_rollups"); }
  result<record_counts> count_records(const std::string& jurisdiction_id) override { return not_yet("count_records"); }
};

// Writes of the facets to come, over any store_txn base.
template <class Base>
class writes_to_come : public Base {
 public:
  // stats
  result<std::vector<rollup_check>> rebuild_rollups() override { return not_yet("rebuild_rollups"); }
  result<void> replace_rollups(const std::string& jurisdiction_id, const rollup_rows& rows) override {
    return not_yet("replace_rollups");
  }
  result<std::vector<rollup_check>> rebuild_call_rollups() override { return not_yet("rebuild_call_rollups"); }
};

}  // namespace siaga::storage::postgres
