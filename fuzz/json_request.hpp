// The request of the JSON body targets: the fuzzer's input as the body of a POST declared
// JSON, as a console or a PBX bridge sends it.
#pragma once

#include "net/http_server.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

inline siaga::net::request json_request(std::string target, const std::uint8_t* data, std::size_t size) {
  siaga::net::request req{siaga::net::http::verb::post, target, 11};
  req.set(siaga::net::http::field::content_type, "application/json");
  req.body().assign(reinterpret_cast<const char*>(data), size);
  req.prepare_payload();
  return req;
}
