#include "support/ws_client.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace siaga::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct ws_client::impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::error_code error;
  std::string refusal;
  bool closed = false;

  // Runs the io_context until the operation sets done or the limit passes; then cuts the
  // connection and lets the operation finish with an error.
  void wait(bool& done, std::chrono::milliseconds limit) {
    io.restart();
    io.run_for(limit);
    if (!done) {
      beast::get_lowest_layer(ws).close();
      io.restart();
      io.run();
    }
  }
};

ws_client::ws_client(std::uint16_t port, int receive_buffer) : impl_(std::make_unique<impl>()) {
  auto& socket = beast::get_lowest_layer(impl_->ws).socket();
  socket.open(tcp::v4());
  if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  bool done = false;
  beast::get_lowest_layer(impl_->ws).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                                   [this, &done](beast::error_code ec) {
                                                     impl_->error = ec;
                                                     done = true;
                                                   });
  impl_->wait(done, std::chrono::seconds(5));
}

ws_client::~ws_client() = default;

int ws_client::connect(const std::string& target, const std::map<std::string, std::string>& headers) {
  if (impl_->error) return 0;
  impl_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  websocket::response_type res;
  bool done = false;
  beast::error_code peer_ec;
  auto peer = beast::get_lowest_layer(impl_->ws).socket().remote_endpoint(peer_ec);
  auto host = "127.0.0.1:" + std::to_string(peer_ec ? 0 : peer.port());  // host:port, as browsers send it
  impl_->ws.async_handshake(res, host, target, [this, &done](beast::error_code ec) {
    impl_->error = ec;
    done = true;
  });
  impl_->wait(done, std::chrono::seconds(10));
  if (impl_->error) impl_->refusal = res.body();
  return res.result_int();
}

const std::string& ws_client::refusal_body() const { return impl_->refusal; }

std::optional<boost::json::value> ws_client::next(std::chrono::milliseconds limit) {
  if (impl_->closed) return std::nullopt;
  beast::flat_buffer buffer;
  bool done = false;
  impl_->ws.async_read(buffer, [this, &done](beast::error_code ec, std::size_t) {
    impl_->error = ec;
    done = true;
  });
  impl_->wait(done, limit);
  if (impl_->error) {
    if (impl_->error == websocket::error::closed) impl_->closed = true;
    return std::nullopt;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(beast::buffers_to_string(buffer.data()), ec);
  if (ec) return boost::json::value(beast::buffers_to_string(buffer.data()));
  return v;
}

bool ws_client::closed() const { return impl_->closed; }

int ws_client::close_code() const { return impl_->ws.reason().code; }

std::string ws_client::close_reason() const {
  auto r = impl_->ws.reason().reason;
  return std::string(r.data(), r.size());
}

std::string ws_client::last_error() const { return impl_->error.message(); }

std::uint16_t ws_client::local_port() const {
  beast::error_code ec;
  auto local = beast::get_lowest_layer(impl_->ws).socket().local_endpoint(ec);
  return ec ? 0 : local.port();
}

void ws_client::close() {
  if (impl_->closed || !impl_->ws.is_open()) return;
  bool done = false;
  impl_->ws.async_close(websocket::close_code::normal, [this, &done](beast::error_code ec) {
    impl_->error = ec;
    done = true;
  });
  impl_->wait(done, std::chrono::seconds(5));
  impl_->closed = true;
}

std::int64_t read_hello(ws_client& ws) {
  auto m = ws.next();
  if (!m || !m->is_object() || !m->as_object().contains("type") || m->at("type") != "hello") {
    ADD_FAILURE() << "expected hello, got " << (m ? boost::json::serialize(*m) : ws.last_error());
    return -1;
  }
  return m->at("last_seq").as_int64();
}

std::vector<boost::json::value> read_messages_until(ws_client& ws,
                                                    const std::function<bool(const boost::json::value&)>& done) {
  std::vector<boost::json::value> out;
  for (;;) {
    auto m = ws.next(std::chrono::seconds(15));
    if (!m) {
      ADD_FAILURE() << "the stream ended or went quiet after " << out.size() << " messages: " << ws.last_error();
      return out;
    }
    out.push_back(*m);
    if (done(out.back())) return out;
  }
}

}  // namespace siaga::testing
