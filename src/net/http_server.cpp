// The HTTP/1.1 server: one acceptor coroutine and one coroutine per connection, in the style of
// Boost.Beast's C++20 coroutine examples. Each connection runs on its own strand, so the
// io_context may be run by several threads without locks inside a session.
#include "net/http_server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <tuple>
#include <unordered_map>

namespace siaga::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// How long a connection that is closed after an error keeps draining what the client still
// sends, so that the close does not reset the connection before the client read our answer.
constexpr std::chrono::seconds linger_timeout{2};

// Pause after an accept failure such as "too many open files", so that the acceptor does not
// spin while the condition lasts.
constexpr std::chrono::milliseconds accept_retry_delay{100};

std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}

// One connection. The stream and `idle` are touched only on the connection's strand: by the
// session coroutine and by the handler that stop() posts there.
struct session {
  explicit session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = false;  // waiting for the first byte of the next request
};

// "application/json" style type for a file extension (lower case, without the dot).
std::string_view mime_type(std::string_view ext) {
  static const std::unordered_map<std::string_view, std::string_view> types = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
  };
  auto it = types.find(ext);
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

std::string lower_extension(const fs::path& file) {
  auto ext = file.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// Decodes one query component; '+' is a space there (HTML forms). A malformed escape is kept
// as written rather than dropping the parameter, since a lenient reading serves users better
// than a silent loss.
std::string decode_query_component(std::string_view text) {
  if (auto encoded = boost::urls::make_pct_string_view(text)) {
    return encoded->decode(boost::urls::encoding_opts(true));
  }
  std::string out(text);
  std::replace(out.begin(), out.end(), '+', ' ');
  return out;
}

bool is_within(const fs::path& file, const fs::path& root) {
  auto rel = file.lexically_relative(root);
  return !rel.empty() && *rel.begin() != ".." && *rel.begin() != ".";
}

std::optional<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

std::string join_methods(const std::vector<http::verb>& methods) {
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += to_std(http::to_string(m));
  }
  return out;
}

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
  res.set("X-Content-Type-Options", "nosniff");
  res.prepare_payload();
  // A HEAD answer carries the GET answer's headers, Content-Length included, without a body.
  if (head_request) res.body().clear();
}

}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, server_options options, const router& routes)
      : io_(io), options_(std::move(options)), routes_(routes), acceptor_(asio::make_strand(io)) {}

  static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
  static asio::awaitable<void> run_session(std::shared_ptr<impl> self, std::shared_ptr<session> s, std::uint64_t id);
  asio::awaitable<response> dispatch(request& req, const std::string& remote_address);
  response serve_static(const request& req, std::string_view path) const;
  void stop();

  asio::io_context& io_;
  server_options options_;
  // A copy, so that the table outlives the caller's and sessions never see it change.
  router routes_;
  fs::path static_root_;    // canonical; empty when static files are not served
  tcp::acceptor acceptor_;  // used only on its strand once the accept loop runs
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint16_t> port_{0};

  // Weak, so that tracking does not keep a finished connection alive; stop() uses it to
  // cancel connections that wait idle for their next request.
  std::mutex sessions_mutex_;
  std::uint64_t next_session_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<session>> sessions_;
};

asio::awaitable<void> http_server::impl::accept_loop(std::shared_ptr<impl> self) {
  for (;;) {
    auto [ec, socket] = co_await self->acceptor_.async_accept(asio::make_strand(self->io_), use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || self->stopping_ || !self->acceptor_.is_open()) {
        break;
      }
      spdlog::warn("http: accept failed: {}", ec.message());
      asio::steady_timer pause(self->acceptor_.get_executor(), accept_retry_delay);
      co_await pause.async_wait(use_tuple);
      continue;
    }
    auto s = std::make_shared<session>(std::move(socket));
    std::uint64_t id = 0;
    {
      std::lock_guard lock(self->sessions_mutex_);
      id = self->next_session_id_++;
      self->sessions_.emplace(id, s);
    }
    auto executor = s->stream.get_executor();
    asio::co_spawn(executor, run_session(self, std::move(s), id), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("http: session ended by exception: {}", ex.what());
      }
    });
  }
}

asio::awaitable<void> http_server::impl::run_session(std::shared_ptr<impl> self, std::shared_ptr<session> s,
                                                     std::uint64_t id) {
  struct unregister {
    impl& server;
    std::uint64_t id;
    ~unregister() {
      std::lock_guard lock(server.sessions_mutex_);
      server.sessions_.erase(id);
    }
  } unregister_on_exit{*self, id};

  const auto& options = self->options_;
  beast::error_code endpoint_ec;
  auto remote = s->stream.socket().remote_endpoint(endpoint_ec);
  std::string remote_address = endpoint_ec ? std::string() : remote.address().to_string();

  beast::flat_buffer buffer;
  bool linger = false;  // the client may still be sending: drain before closing
  for (;;) {
    // stop() sets the flag before it cancels idle sessions on this strand, so a session either
    // sees the flag here or is already waiting and gets cancelled.
    if (self->stopping_) break;

    // Between requests the connection is idle and gets idle_timeout; leftover bytes of a
    // pipelined request skip the wait.
    if (buffer.size() == 0) {
      s->idle = true;
      s->stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await s->stream.async_read_some(buffer.prepare(4096), use_tuple);
      s->idle = false;
      if (ec) break;
      buffer.commit(n);
    }

    // From the first byte on, the whole request must arrive within read_timeout, which also
    // disconnects a client that sends half a request and stalls.
    s->stream.expires_after(options.read_timeout);
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    beast::error_code ec;
    std::tie(ec, std::ignore) = co_await http::async_read_header(s->stream, buffer, parser, use_tuple);
    // Clients such as curl announce larger bodies with "Expect: 100-continue" and wait for a
    // go-ahead; a body over the limit has already failed above and gets its 413 instead.
    if (!ec && parser.get().version() == 11 && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_ahead{http::status::continue_, 11};
      std::tie(ec, std::ignore) = co_await http::async_write(s->stream, go_ahead, use_tuple);
    }
    if (!ec) {
      std::tie(ec, std::ignore) = co_await http::async_read(s->stream, buffer, parser, use_tuple);
    }
    if (deserves_answer(ec)) {
      // Answer what we can about a request we will not read to the end, then close.
      response res =
          ec == http::error::body_limit
              ? json_error(http::status::payload_too_large, "payload_too_large",
                           "request body is larger than " + std::to_string(options.body_limit) + " bytes")
              : json_error(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
      const auto& header = parser.get();
      finish(res, header.version() == 10 ? 10 : 11, false, false);
      spdlog::debug("http: {} {} {} (unread request: {})", to_std(header.method_string()),
                    to_std(split_target(to_std(header.target())).first), res.result_int(), ec.message());
      s->stream.expires_after(options.read_timeout);
      co_await http::async_write(s->stream, res, use_tuple);
      linger = true;
      break;
    }
    if (ec) break;  // closed by the client, timed out or cancelled

    request req = parser.release();
    auto started = std::chrono::steady_clock::now();

    // Upgrade hand-off point. When the WebSocket endpoint lands, a request for which
    // beast::websocket::is_upgrade(req) holds and whose route accepts upgrades leaves this
    // loop here, taking s->stream and buffer (which may already hold the first frames) to the
    // WebSocket session; every other request goes through ordinary dispatch below.
    response res = co_await self->dispatch(req, remote_address);

    bool keep_alive = req.keep_alive() && res.keep_alive() && !self->stopping_;
    finish(res, req.version(), keep_alive, req.method() == http::verb::head);
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::debug("http: {} {} {} {}us", to_std(req.method_string()), to_std(split_target(to_std(req.target())).first),
                  res.result_int(), micros);

    // A client that does not read its answer gets the same bound as one that does not send.
    s->stream.expires_after(options.read_timeout);
    auto [write_ec, written] = co_await http::async_write(s->stream, res, use_tuple);
    if (write_ec || !keep_alive) break;
  }

  beast::error_code ignored;
  s->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    std::array<char, 4096> scratch;
    s->stream.expires_after(linger_timeout);
    for (;;) {
      auto [ec, n] = co_await s->stream.async_read_some(asio::buffer(scratch), use_tuple);
      if (ec) break;
    }
  }
  s->stream.socket().close(ignored);
}

asio::awaitable<response> http_server::impl::dispatch(request& req, const std::string& remote_address) {
  auto path = split_target(to_std(req.target())).first;
  auto method = req.method();
  auto m = routes_.match(method, path);
  // HEAD is answered by the GET handler (the body is dropped in finish()), as HTTP expects.
  if (!m.found && method == http::verb::head) {
    auto as_get = routes_.match(http::verb::get, path);
    if (as_get.found) m = std::move(as_get);
  }

  if (m.found) {
    request_context ctx{req, std::move(m.params), remote_address};
    try {
      co_return co_await m.found->fn(ctx);
    } catch (const std::exception& e) {
      spdlog::error("http: handler for {} {} threw: {}", to_std(req.method_string()), path, e.what());
    } catch (...) {
      spdlog::error("http: handler for {} {} threw a non-standard exception", to_std(req.method_string()), path);
    }
    co_return json_error(http::status::internal_server_error, "internal", "internal error");
  }

  if (m.path_known) {
    auto allowed = m.allowed;
    bool has_get = std::find(allowed.begin(), allowed.end(), http::verb::get) != allowed.end();
    bool has_head = std::find(allowed.begin(), allowed.end(), http::verb::head) != allowed.end();
    if (has_get && !has_head) allowed.push_back(http::verb::head);
    auto res = json_error(http::status::method_not_allowed, "method_not_allowed",
                          std::string(to_std(req.method_string())) + " is not allowed on " + std::string(path));
    res.set(http::field::allow, join_methods(allowed));
    co_return res;
  }

  if ((method == http::verb::get || method == http::verb::head) && !static_root_.empty() &&
      !path.starts_with(options_.api_prefix)) {
    co_return serve_static(req, path);
  }

  co_return json_error(http::status::not_found, "not_found",
                       "no route for " + std::string(to_std(req.method_string())) + " " + std::string(path));
}

response http_server::impl::serve_static(const request& req, std::string_view path) const {
  auto not_found = [&] { return json_error(http::status::not_found, "not_found", "no file for " + std::string(path)); };

  // Decode first, so that "%2e%2e" and "%2f" are judged as the file system will see them.
  auto encoded = boost::urls::make_pct_string_view(path);
  if (!encoded) return not_found();
  std::string decoded = encoded->decode();
  if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) {
    return not_found();
  }

  fs::path relative;
  std::string_view last;
  std::string_view rest = decoded;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment == "..") return not_found();  // never walk up, even when it would stay inside
    if (segment.empty() || segment == ".") continue;
    relative /= fs::path(std::string(segment));
    last = segment;
  }

  std::error_code ec;
  fs::path file = static_root_ / relative;
  if (relative.empty() || fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::is_regular_file(file, ec)) {
    // Client-side routes such as /incidents/42 have no file; the single-page app's
    // index.html handles them. A name with an extension is a missing asset, not a route.
    if (last.find('.') != std::string_view::npos) return not_found();
    file = static_root_ / "index.html";
  }

  // Symbolic links may point anywhere; only files that really live under the root are served.
  auto real = fs::canonical(file, ec);
  if (ec || !is_within(real, static_root_) || !fs::is_regular_file(real, ec)) return not_found();
  auto body = read_file(real);
  if (!body) return not_found();

  response res{http::status::ok, req.version()};
  auto ext = lower_extension(file);
  res.set(http::field::content_type, mime_type(ext));
  // index.html names the hashed bundles of the current build, so it must be revalidated.
  if (ext == "html") res.set(http::field::cache_control, "no-cache");
  res.body() = std::move(*body);
  return res;
}

void http_server::impl::stop() {
  if (stopping_.exchange(true)) return;
  asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
  std::vector<std::shared_ptr<session>> live;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  // A session busy with a request finishes it (and answers with Connection: close); one that
  // waits for the next request would otherwise hold stop up for idle_timeout.
  for (auto& s : live) {
    asio::post(s->stream.get_executor(), [s] {
      if (s->idle) s->stream.cancel();
    });
  }
}

http_server::http_server(asio::io_context& io, server_options options, const router& routes)
    : impl_(std::make_shared<impl>(io, std::move(options), routes)) {}

std::size_t http_server::connections() const {
  std::lock_guard lock(impl_->sessions_mutex_);
  return impl_->sessions_.size();
}

http_server::~http_server() {
  impl_->stop();
}

bool http_server::listen(std::string& error_out) {
  auto& acceptor = impl_->acceptor_;
  const auto& options = impl_->options_;
  beast::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) {
    error_out = "invalid listen address '" + options.address + "': " + ec.message();
    return false;
  }
  tcp::endpoint endpoint(address, options.port);
  auto fail = [&](std::string_view step) {
    error_out = std::string(step) + " " + options.address + ":" + std::to_string(options.port) + ": " + ec.message();
    beast::error_code ignored;
    acceptor.close(ignored);
    return false;
  };
  if (acceptor.is_open()) {
    error_out = "already listening";
    return false;
  }
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open a socket for");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on");
  acceptor.bind(endpoint, ec);
  if (ec) return fail("cannot bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on");
  impl_->port_ = acceptor.local_endpoint(ec).port();

  if (!options.static_root.empty()) {
    // A missing web build should not keep the API from starting; it is reported instead.
    std::error_code fs_ec;
    auto root = fs::canonical(options.static_root, fs_ec);
    if (fs_ec || !fs::is_directory(root, fs_ec)) {
      spdlog::warn("http: static root '{}' is not a directory; static files are not served", options.static_root);
    } else {
      impl_->static_root_ = root;
    }
  }

  asio::co_spawn(acceptor.get_executor(), impl::accept_loop(impl_), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("http: accept loop ended by exception: {}", ex.what());
    }
  });
  spdlog::info("http: listening on {}:{}", options.address, port());
  return true;
}

std::uint16_t http_server::port() const {
  return impl_->port_;
}

void http_server::stop() {
  impl_->stop();
}

response json_error(http::status status, std::string_view code, std::string_view message, unsigned version,
                    bool keep_alive) {
  response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  boost::json::object body;
  body["error"] = code;
  body["message"] = message;
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

std::map<std::string, std::string, std::less<>> parse_query(std::string_view query) {
  std::map<std::string, std::string, std::less<>> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = decode_query_component(pair.substr(0, eq));
    if (key.empty()) continue;
    auto value = eq == std::string_view::npos ? std::string() : decode_query_component(pair.substr(eq + 1));
    out.insert_or_assign(std::move(key), std::move(value));
  }
  return out;
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace siaga::net
