// The ELS / AML HTTPS form (domain/aml.hpp parse_els_form) as the route reads it: the body
// decoded by the server's own query parser (net::parse_query), then the fields checked.
#include "domain/aml.hpp"
#include "fuzz_support.hpp"
#include "net/http_server.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto q = siaga::net::parse_query(body);
  siaga::domain::form_fields fields(q.begin(), q.end());
  if (auto fix = siaga::domain::parse_els_form(fields)) {
    SIAGA_FUZZ_ASSERT(fix->lat >= -90 && fix->lat <= 90);
    SIAGA_FUZZ_ASSERT(fix->lon >= -180 && fix->lon <= 180);
  }
  return 0;
}
