// A small outbound HTTP/1.1 client for the channels: one POST per connection, http:// for
// local stand-ins and https:// with the peer verified against the system's trust store.
#pragma once

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace siaga::channels {

struct outbound_request {
  std::string url;  // http://host[:port]/path?query or https://...
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool get = false;  // GET without a body (a media download) instead of POST
};

struct outbound_response {
  int status = 0;
  std::string body;
  std::string content_type;  // as the server declared it, "" when it did not
};

struct http_client_options {
  std::chrono::milliseconds timeout{10000};  // the whole exchange: resolve, connect, TLS, write, read
  std::size_t body_limit = 64 * 1024;        // larger responses are a failure
  std::string user_agent = "Siaga112-notifier/1";
};

// A TLS client context that verifies peers against the system's default CA paths.
boost::asio::ssl::context make_tls_client_context();

// POSTs (or GETs, when request.get) the request on the calling coroutine's executor and returns the response, whatever
// its status. Fails with invalid_input for a url that is not http(s)://host..., and with
// unavailable for a name that does not resolve, a refused or reset connection, a TLS or
// certificate failure, the timeout, or a response over the body limit. Messages never repeat
// the url, which may carry a credential (the Telegram bot token is in its path).
boost::asio::awaitable<core::result<outbound_response>> post(boost::asio::ssl::context& tls,
                                                             const outbound_request& request,
                                                             const http_client_options& options);

}  // namespace siaga::channels
