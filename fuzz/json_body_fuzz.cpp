// The JSON request bodies of the routes: api::parse_body (Content-Type, parse, an object at
// the top) and the field readers every handler uses on the object (api/http_util.hpp), with
// the limits the routes give them.
#include "api/http_util.hpp"
#include "fuzz_support.hpp"
#include "json_request.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siaga;
  auto req = json_request("/api/v1/reports", data, size);
  auto body = api::parse_body(req);
  if (!body) return 0;
  const auto& o = *body;
  (void)api::only_fields(o, {"channel", "reporter_name", "reporter_phone", "description", "category_id", "location"});
  for (const auto& kv : o) {
    std::string_view key = kv.key();
    if (auto s = api::opt_string(o, key, 32); s && *s) SIAGA_FUZZ_ASSERT((*s)->size() <= 32);
    (void)api::required_string(o, key, 200);
    (void)api::opt_bool(o, key);
    (void)api::opt_number(o, key);
    (void)api::opt_int(o, key);
    (void)api::opt_string_array(o, key);
  }
  return 0;
}
