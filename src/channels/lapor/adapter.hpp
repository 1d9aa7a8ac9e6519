// The SP4N-LAPOR! adapter (issue 11 item 7): the two calls Siaga makes to LAPOR!, behind an
// interface so that a client of LAPOR!'s real integration API (open only to registered
// agencies) can replace the HTTP one, which speaks the wire format of lapor/wire.hpp to a base
// url (an agency's integration proxy, or a stand-in in tests).
#pragma once

#include "channels/http_client.hpp"
#include "channels/lapor/wire.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace siaga::channels::lapor {

struct lapor_config {
  std::string base_url;      // lapor_base_url
  std::string token;         // lapor_token: the bearer token; never logged, never in an error
  std::chrono::seconds poll{300};  // lapor_poll_s: how often the feed is asked
  std::string category;      // lapor_category: the category code complaints land with ("" : chosen)
  bool enabled() const { return !token.empty(); }
};

class adapter {
 public:
  virtual ~adapter() = default;

  // One page of the complaints forwarded to the jurisdiction after cursor ("" : from the
  // start), oldest first, at most max_page. unavailable when LAPOR! cannot be reached or
  // answers other than 200 (a refused token says so and names lapor_token), invalid_input for
  // a page that breaks the wire format (nothing of it is taken).
  virtual boost::asio::awaitable<core::result<feed_page>> fetch(std::string cursor) = 0;

  // Posts a status and follow-up text on a complaint; id is the idempotency key (the outbox
  // row id, the same on every attempt). Success is a 2xx answer; unavailable otherwise.
  virtual boost::asio::awaitable<core::result<void>> post_follow_up(std::string tracking_id, std::string id,
                                                                    std::string status, std::string text,
                                                                    core::timestamp at) = 0;
};

// The adapter over HTTP (lapor/wire.hpp), https verified against the system's trust store.
std::shared_ptr<adapter> make_http_adapter(lapor_config config, http_client_options options);

}  // namespace siaga::channels::lapor
