#include "support/stand_in_receiver.hpp"

#include "net/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <cctype>
#include <thread>

namespace siaga::testing {
namespace asio = boost::asio;

struct stand_in_receiver::server {
  asio::io_context io;
  std::unique_ptr<net::http_server> http;
  std::thread thread;
};

const std::string& received_request::header(const std::string& lower_name) const {
  static const std::string none;
  auto it = headers.find(lower_name);
  return it == headers.end() ? none : it->second;
}

stand_in_receiver::stand_in_receiver(std::uint16_t port) : port_(port) { start(); }

stand_in_receiver::~stand_in_receiver() { stop(); }

std::string stand_in_receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void stand_in_receiver::fail_next(int n, int failure_status) {
  std::lock_guard lock(mutex_);
  fail_next_ = n;
  failure_status_ = failure_status;
}

void stand_in_receiver::fail_always(bool on, int failure_status) {
  std::lock_guard lock(mutex_);
  fail_always_ = on;
  failure_status_ = failure_status;
}

std::vector<received_request> stand_in_receiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void stand_in_receiver::go_down() { stop(); }

void stand_in_receiver::come_up() { start(); }

void stand_in_receiver::serve(const std::string& path, const std::string& content_type, const std::string& body) {
  std::lock_guard lock(mutex_);
  served_[path] = {content_type, body};
}

void stand_in_receiver::hold(bool on) {
  std::lock_guard lock(mutex_);
  hold_ = on;
}

bool stand_in_receiver::held() const {
  std::lock_guard lock(mutex_);
  return hold_;
}

int stand_in_receiver::next_status() {
  if (fail_always_) return failure_status_;
  if (fail_next_ > 0) {
    --fail_next_;
    return failure_status_;
  }
  return 200;
}

int stand_in_receiver::answer(received_request r) {
  std::lock_guard lock(mutex_);
  r.answered = next_status();
  requests_.push_back(std::move(r));
  return requests_.back().answered;
}

int stand_in_receiver::answer_held(std::size_t index) {
  std::lock_guard lock(mutex_);
  requests_[index].answered = next_status();
  return requests_[index].answered;
}

namespace {

// What the stand-in keeps of a request: its target, headers (lower-case names) and body.
received_request received_of(const net::request& req) {
  received_request r;
  r.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers[name] = std::string(field.value());
  }
  r.body = req.body();
  return r;
}

}  // namespace

void stand_in_receiver::start() {
  if (server_) return;
  net::router routes;
  auto handler = [this](net::request_context& ctx) -> asio::awaitable<net::response> {
    auto r = received_of(ctx.req);
    std::optional<std::size_t> held_index;
    if (held()) {
      {
        std::lock_guard lock(mutex_);
        held_index = requests_.size();
        requests_.push_back(r);  // answered 0 while it waits
      }
      asio::steady_timer wait(co_await asio::this_coro::executor);
      while (held()) {
        wait.expires_after(std::chrono::milliseconds(20));
        co_await wait.async_wait(asio::use_awaitable);
      }
    }
    int status = held_index ? answer_held(*held_index) : answer(std::move(r));
    net::response res{static_cast<net::http::status>(status), ctx.req.version()};
    res.set(net::http::field::content_type, "application/json");
    res.body() = status == 200 ? R"({"ok":true})" : R"({"ok":false,"description":"stand-in failure"})";
    res.keep_alive(ctx.req.keep_alive());
    res.prepare_payload();
    co_return res;
  };
  for (const char* path : {"/hook", "/hook/{name}", "/{bot}/sendMessage", "/{version}/{number}/messages"}) {
    routes.add(net::http::verb::post, path, handler);
  }
  // GETs: what serve() was given (media lookups and downloads, getFile), recorded like the posts.
  auto getter = [this](net::request_context& ctx) -> asio::awaitable<net::response> {
    auto r = received_of(ctx.req);
    auto path = r.target.substr(0, r.target.find('?'));
    int status = answer(std::move(r));
    std::optional<served> found;
    {
      std::lock_guard lock(mutex_);
      if (auto it = served_.find(path); it != served_.end()) found = it->second;
    }
    if (status == 200 && !found) status = 404;
    net::response res{static_cast<net::http::status>(status), ctx.req.version()};
    res.set(net::http::field::content_type, found ? found->content_type : std::string("application/json"));
    res.body() = status == 200 ? found->body : std::string(R"({"ok":false})");
    res.keep_alive(ctx.req.keep_alive());
    res.prepare_payload();
    co_return res;
  };
  for (const char* path : {"/{a}", "/{a}/{b}", "/{a}/{b}/{c}", "/{a}/{b}/{c}/{d}", "/{a}/{b}/{c}/{d}/{e}"}) {
    routes.add(net::http::verb::get, path, getter);
  }
  auto s = std::make_unique<server>();
  net::server_options opts;
  opts.address = "127.0.0.1";
  opts.port = port_;
  opts.api_prefix = "/";
  s->http = std::make_unique<net::http_server>(s->io, opts, routes);
  std::string err;
  // The port was just released by go_down(); a few tries cover a slow close.
  bool listening = false;
  for (int i = 0; i < 50 && !(listening = s->http->listen(err)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!listening) {
    ADD_FAILURE() << "stand-in receiver cannot listen: " << err;
    return;
  }
  port_ = s->http->port();
  s->thread = std::thread([io = &s->io] { io->run(); });
  server_ = std::move(s);
}

void stand_in_receiver::stop() {
  if (!server_) return;
  server_->http->stop();
  for (int i = 0; i < 100 && server_->http->connections() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server_->io.stop();
  server_->thread.join();
  server_->http.reset();
  server_.reset();
}

bool eventually(const std::function<bool()>& condition, std::chrono::seconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace siaga::testing
