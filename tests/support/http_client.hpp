// A small blocking HTTP client for integration tests, over one keep-alive connection.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace siaga::testing {

struct http_reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  boost::json::value parsed;                   // the body as JSON; null when it is not JSON
  // The parsed body. A reference into this reply, so range-for over json().at(...) is safe
  // as long as the reply is a named variable.
  const boost::json::value& json() const { return parsed; }
};

class http_client {
 public:
  http_client(std::string host, std::uint16_t port);
  ~http_client();

  // Sends a request; body is sent as-is with the given content type (none when empty).
  // token, when set, goes in an Authorization: Bearer header.
  http_reply request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::string& token = {}, const std::string& content_type = "application/json",
                     const std::map<std::string, std::string>& extra_headers = {});

  http_reply get(const std::string& target, const std::string& token = {}) { return request("GET", target, {}, token); }
  http_reply post(const std::string& target, const boost::json::value& body, const std::string& token = {});

  // Logs in and returns the bearer token; fails the test when login fails.
  std::string login(const std::string& username, const std::string& password);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace siaga::testing
