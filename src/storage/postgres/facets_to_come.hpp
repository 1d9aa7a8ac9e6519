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
  // privacy: numbers written in free text (issue 12), on SQLite only so far
  result<std::vector<text_field>> texts_holding_phone(const privacy_scope& scope) override {
    return not_yet("texts_holding_phone");
  }
};

// Writes of the facets to come, over any store_txn base.
template <class Base>
class writes_to_come : public Base {
 public:
  // privacy: numbers written in free text (issue 12), on SQLite only so far
  result<std::int64_t> mask_phone_in_texts(const privacy_scope& scope, const std::string& mask) override {
    return not_yet("mask_phone_in_texts");
  }
};

}  // namespace siaga::storage::postgres
