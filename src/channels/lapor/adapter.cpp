#include "channels/lapor/adapter.hpp"

#include "channels/notification_senders.hpp"
#include "domain/notification.hpp"

namespace siaga::channels::lapor {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

class http_adapter final : public adapter {
 public:
  http_adapter(lapor_config config, http_client_options options)
      : config_(std::move(config)), options_(std::move(options)), tls_(make_tls_client_context()) {}

  awaitable<core::result<feed_page>> fetch(std::string cursor) override {
    outbound_request req;
    req.get = true;
    req.url = feed_url(config_.base_url, cursor, max_page);
    req.headers = {{"Authorization", "Bearer " + config_.token}, {"Accept", "application/json"}};
    auto res = co_await post(tls_, req, options_);
    if (!res) co_return res.error();
    if (res->status == 401 || res->status == 403) {
      co_return core::make_error(core::errc::unavailable, "LAPOR! menolak token (HTTP " + std::to_string(res->status) +
                                                              "): periksa lapor_token (LAPOR! refused the token)");
    }
    if (res->status != 200) {
      co_return core::make_error(core::errc::unavailable, "LAPOR! menjawab HTTP " + std::to_string(res->status) +
                                                              " (LAPOR! answered " + std::to_string(res->status) + ")");
    }
    co_return parse_feed(res->body);
  }

  awaitable<core::result<void>> post_follow_up(std::string tracking_id, std::string id, std::string status,
                                               std::string text, core::timestamp at) override {
    if (!valid_tracking_id(tracking_id)) {
      co_return core::make_error(core::errc::internal, "an outbox row names no valid LAPOR! tracking id");
    }
    outbound_request req;
    req.url = follow_up_url(config_.base_url, tracking_id);
    req.body = follow_up_body(id, status, text, at);
    req.headers = {{"Authorization", "Bearer " + config_.token}, {std::string(domain::idempotency_header), id}};
    co_return judge_response(co_await post(tls_, req, options_));
  }

 private:
  lapor_config config_;
  http_client_options options_;
  asio::ssl::context tls_;
};

}  // namespace

std::shared_ptr<adapter> make_http_adapter(lapor_config config, http_client_options options) {
  return std::make_shared<http_adapter>(std::move(config), std::move(options));
}

}  // namespace siaga::channels::lapor
