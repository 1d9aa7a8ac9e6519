// One connection's request loop: wait for a request, read it under its route's body limit,
// hand an upgrade to its WebSocket route or answer through the route table, keep the
// connection alive or close it. Every step has its timeout (idle_timeout between requests,
// read_timeout from the first byte to the last and for writing the answer).
#include "net/server_impl.hpp"

#include "net/browser_policy.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <exception>
#include <tuple>

namespace siaga::net {
namespace {

// How long a connection that is closed after an error keeps draining what the client still
// sends, so that the close does not reset the connection before the client read our answer.
constexpr std::chrono::seconds linger_timeout{2};

// Read failures the client should hear about before the close: a body over the limit and a
// malformed request. The others (the client left, a timeout, stop()) end the connection
// without an answer, since nobody is there to read one or the request is merely unfinished.
bool deserves_answer(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return true;
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// The headers every answer carries, whoever built it.
void finish(response& res, unsigned version, bool keep_alive, bool head_request) {
  res.version(version);
  res.keep_alive(keep_alive);
  res.set(http::field::server, "siaga");
  set_security_headers(res);
  res.prepare_payload();
  // A HEAD answer carries the GET answer's headers, Content-Length included, without a body.
  if (head_request) res.body().clear();
}

}  // namespace

asio::awaitable<void> http_server::impl::run_session(std::shared_ptr<impl> self, std::shared_ptr<session> s,
                                                     std::uint64_t id) {
  struct unregister {
    impl& server;
    std::uint64_t id;
    const session& s;
    ~unregister() { server.release(id, s); }
  } unregister_on_exit{*self, id, *s};

  const std::string& remote_address = s->address;

  beast::flat_buffer buffer;
  bool linger = false;  // the client may still be sending: drain before closing
  for (;;) {
    if (!co_await self->await_request(*s, buffer)) break;
    http::request_parser<http::string_body> parser;
    auto [ec, body_limit] = co_await self->read_request(*s, buffer, parser);
    if (deserves_answer(ec)) {
      co_await self->answer_unread(*s, parser.get(), ec, body_limit);
      linger = true;
      break;
    }
    if (ec) break;  // closed by the client, timed out or cancelled

    request req = parser.release();
    auto started = std::chrono::steady_clock::now();
    std::optional<response> refused;
    // Near the connection limit the last places are kept for signed-in consoles: anything
    // else is turned away, so that a flood cannot push the centre's own staff out.
    bool vouched = self->vouch(*s, req);
    if (!vouched && self->crowded()) {
      auto res = json_error(http::status::service_unavailable, "server_busy",
                            "server sibuk, coba lagi sebentar / server busy, try again shortly", req.version(), false);
      res.set(http::field::retry_after, "5");
      co_await self->answer(*s, req, res, started);
      break;
    }
    // A page of another site may not make the browser write here with the user's cookie, nor
    // open the stream with it (cross-site request forgery, cross-site WebSocket hijacking).
    bool upgrade = beast::websocket::is_upgrade(req);
    if ((upgrade || is_unsafe_method(req.method())) &&
        !origin_allowed(req[http::field::origin], req[http::field::host], self->options_.trusted_origins)) {
      refused = json_error(http::status::forbidden, "forbidden_origin",
                           "permintaan dari situs lain ditolak / requests from another site's pages are refused "
                           "(origin " + std::string(to_std(req[http::field::origin]).substr(0, 100)) + ")",
                           req.version(), req.keep_alive());
    } else if (co_await try_upgrade(self, s, req, remote_address, refused)) {
      co_return;
    }
    // No co_await inside a conditional expression: GCC 12 miscompiles that in coroutines.
    response res;
    std::optional<body_stream> streamed;
    if (refused) {
      res = std::move(*refused);
    } else {
      res = co_await self->dispatch(req, remote_address, streamed);
    }
    bool go_on = false;
    if (streamed && streamed->next) {
      go_on = co_await self->answer_streamed(*s, req, res, *streamed, started);
    } else {
      go_on = co_await self->answer(*s, req, res, started);
    }
    if (!go_on) break;
  }
  co_await close_connection(*s, linger);
}

asio::awaitable<bool> http_server::impl::await_request(session& s, beast::flat_buffer& buffer) {
  // stop() sets the flag before it cancels idle sessions on this strand, so a session either
  // sees the flag here or is already waiting and gets cancelled.
  if (stopping_) co_return false;
  // Leftover bytes of a pipelined request skip the wait.
  if (buffer.size() > 0) co_return true;
  s.idle = true;
  // A new connection must speak at once; so must an anonymous one between requests when
  // places are scarce. Signed-in consoles keep the ordinary keep-alive wait.
  bool short_wait = s.fresh || (!s.signed_in && crowded());
  s.fresh = false;
  if (short_wait) {
    s.stream.expires_after(options_.first_byte_timeout);
  } else {
    s.stream.expires_after(options_.idle_timeout);
  }
  auto [ec, n] = co_await s.stream.async_read_some(buffer.prepare(4096), use_tuple);
  s.idle = false;
  if (ec) co_return false;
  buffer.commit(n);
  co_return true;
}

asio::awaitable<std::pair<beast::error_code, std::size_t>> http_server::impl::read_request(
    session& s, beast::flat_buffer& buffer, http::request_parser<http::string_body>& parser) {
  // From the first byte on, the whole request must arrive within read_timeout, which also
  // disconnects a client that sends half a request and stalls.
  s.stream.expires_after(options_.read_timeout);
  parser.body_limit(largest_body_limit_);
  beast::error_code ec;
  std::tie(ec, std::ignore) = co_await http::async_read_header(s.stream, buffer, parser, use_tuple);
  // The header is whole (also when its Content-Length broke the largest limit): now the
  // route's own limit applies, to the announced length at once and to the body as it comes.
  std::size_t body_limit = options_.body_limit;
  if (!ec || ec == http::error::body_limit) body_limit = body_limit_for(parser.get());
  if (!ec) {
    auto length = parser.content_length();
    if (length && *length > body_limit) {
      ec = http::error::body_limit;
    } else {
      parser.body_limit(body_limit);
    }
  }
  // Clients such as curl announce larger bodies with "Expect: 100-continue" and wait for a
  // go-ahead; a body over the limit has already failed above and gets its 413 instead.
  if (!ec && parser.get().version() == 11 && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_ahead{http::status::continue_, 11};
    std::tie(ec, std::ignore) = co_await http::async_write(s.stream, go_ahead, use_tuple);
  }
  if (!ec) std::tie(ec, std::ignore) = co_await http::async_read(s.stream, buffer, parser, use_tuple);
  co_return std::pair{ec, body_limit};
}

asio::awaitable<void> http_server::impl::answer_unread(session& s, const http::request_header<>& header,
                                                       beast::error_code ec, std::size_t body_limit) {
  response res =
      ec == http::error::body_limit
          ? json_error(http::status::payload_too_large, "payload_too_large",
                       "request body is larger than " + std::to_string(body_limit) + " bytes")
          : json_error(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
  finish(res, header.version() == 10 ? 10 : 11, false, false);
  spdlog::debug("http: {} {} {} (unread request: {})", to_std(header.method_string()),
                to_std(split_target(to_std(header.target())).first), res.result_int(), ec.message());
  s.stream.expires_after(options_.read_timeout);
  co_await http::async_write(s.stream, res, use_tuple);
}

asio::awaitable<bool> http_server::impl::try_upgrade(std::shared_ptr<impl> self, std::shared_ptr<session> s,
                                                     request& req, const std::string& remote_address,
                                                     std::optional<response>& refused) {
  // An upgrade to a WebSocket route takes s->stream to the WebSocket. Bytes left in the buffer
  // are dropped: a client must wait for the 101 before it sends frames (RFC 6455 section 4.1).
  // Every other request, and an upgrade the route refuses, gets an ordinary answer.
  if (!beast::websocket::is_upgrade(req)) co_return false;
  auto m = self->routes_.match(http::verb::get, split_target(to_std(req.target())).first);
  if (!m.found || !m.found->upgrade) co_return false;
  websocket_accept accept;
  bool failed = false;
  request_context ctx{req, std::move(m.params), remote_address};
  try {
    accept = co_await m.found->upgrade(ctx);
  } catch (const std::exception& e) {
    spdlog::error("http: upgrade handler for {} threw: {}", m.found->pattern, e.what());
    failed = true;
  } catch (...) {
    spdlog::error("http: upgrade handler for {} threw a non-standard exception", m.found->pattern);
    failed = true;
  }
  if (failed) {
    refused = json_error(http::status::internal_server_error, "internal", "internal error");
    co_return false;
  }
  if (accept.refusal) {
    refused = std::move(accept.refusal);
    co_return false;
  }
  co_await run_websocket(self, s, std::move(req), std::move(accept));
  co_return true;
}

asio::awaitable<bool> http_server::impl::answer(session& s, const request& req, response& res,
                                                std::chrono::steady_clock::time_point started) {
  bool keep_alive = req.keep_alive() && res.keep_alive() && !stopping_;
  finish(res, req.version(), keep_alive, req.method() == http::verb::head);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  spdlog::debug("http: {} {} {} {}us", to_std(req.method_string()), to_std(split_target(to_std(req.target())).first),
                res.result_int(), micros);
  // A client that does not read its answer gets the same bound as one that does not send.
  s.stream.expires_after(options_.read_timeout);
  auto [write_ec, written] = co_await http::async_write(s.stream, res, use_tuple);
  co_return !write_ec && keep_alive;
}

asio::awaitable<bool> http_server::impl::answer_streamed(session& s, const request& req, response& res,
                                                         body_stream& body,
                                                         std::chrono::steady_clock::time_point started) {
  bool chunked = req.version() == 11;
  bool keep_alive = chunked && req.keep_alive() && res.keep_alive() && !stopping_;
  set_security_headers(res);
  http::response<http::empty_body> head{res.result(), req.version()};
  for (const auto& f : res) head.set(f.name_string(), f.value());
  head.erase(http::field::content_length);
  head.keep_alive(keep_alive);
  head.set(http::field::server, "siaga");
  if (chunked) head.chunked(true);
  bool head_request = req.method() == http::verb::head;
  s.stream.expires_after(options_.read_timeout);
  http::response_serializer<http::empty_body> sr{head};
  auto [head_ec, head_n] = co_await http::async_write_header(s.stream, sr, use_tuple);
  if (head_ec) co_return false;
  if (head_request) co_return keep_alive;

  std::uint64_t bytes = 0;
  for (;;) {
    std::optional<std::string> piece;
    try {
      piece = co_await body.next();
    } catch (const std::exception& e) {
      spdlog::error("http: streamed body of {} failed after {} bytes: {}",
                    to_std(split_target(to_std(req.target())).first), bytes, e.what());
      co_return false;
    }
    if (!piece) break;
    if (piece->empty()) continue;
    bytes += piece->size();
    s.stream.expires_after(options_.read_timeout);
    beast::error_code ec;
    if (chunked) {
      std::tie(ec, std::ignore) = co_await asio::async_write(s.stream, http::make_chunk(asio::buffer(*piece)), use_tuple);
    } else {
      std::tie(ec, std::ignore) = co_await asio::async_write(s.stream, asio::buffer(*piece), use_tuple);
    }
    if (ec) co_return false;
  }
  if (chunked) {
    s.stream.expires_after(options_.read_timeout);
    auto [ec, n] = co_await asio::async_write(s.stream, http::make_chunk_last(), use_tuple);
    if (ec) co_return false;
  }
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  spdlog::debug("http: {} {} {} streamed {} bytes {}us", to_std(req.method_string()),
                to_std(split_target(to_std(req.target())).first), res.result_int(), bytes, micros);
  co_return keep_alive;
}

asio::awaitable<void> http_server::impl::close_connection(session& s, bool linger) {
  beast::error_code ignored;
  s.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    std::array<char, 4096> scratch;
    s.stream.expires_after(linger_timeout);
    for (;;) {
      auto [ec, n] = co_await s.stream.async_read_some(asio::buffer(scratch), use_tuple);
      if (ec) break;
    }
  }
  s.stream.socket().close(ignored);
}

}  // namespace siaga::net
