// Awaiting a write command from a coroutine: the command runs on the store's writer thread,
// and the coroutine resumes on its own executor once the batch holding it is durable.
#pragma once

#include "storage/store.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace siaga::services {

// Submits a command of this weight (storage::write_weight) and completes with its outcome once
// durable.
template <class Token>
auto async_submit(storage::store& st, storage::write_command command, storage::write_weight weight, Token&& token) {
  return boost::asio::async_initiate<Token, void(core::result<void>)>(
      [&st, weight](auto handler, storage::write_command cmd) {
        // The store wants a copyable callback; the coroutine's handler is move-only.
        using handler_t = decltype(handler);
        auto shared = std::make_shared<handler_t>(std::move(handler));
        auto work = std::make_shared<boost::asio::executor_work_guard<
            boost::asio::associated_executor_t<handler_t, boost::asio::any_io_executor>>>(
            boost::asio::get_associated_executor(*shared, boost::asio::any_io_executor{}));
        st.submit(
            std::move(cmd),
            [shared, work](core::result<void> r) {
          auto ex = work->get_executor();
          boost::asio::post(ex, [shared, work, r = std::move(r)]() mutable {
            // The handler owns the coroutine's stack: move it out before the call, as Asio
            // does, so that the shared copy left behind is empty and destroys nothing twice.
            auto handler = std::move(*shared);
            work->reset();
            std::move(handler)(std::move(r));
          });
            },
            weight);
      },
      token, std::move(command));
}

template <class Token>
auto async_submit(storage::store& st, storage::write_command command, Token&& token) {
  return async_submit(st, std::move(command), 1, std::forward<Token>(token));
}

namespace detail {

template <class T>
boost::asio::awaitable<core::result<T>> await_write(storage::store& st, storage::write_command command,
                                                    std::shared_ptr<std::optional<core::result<T>>> out,
                                                    storage::write_weight weight) {
  auto done = co_await async_submit(st, std::move(command), weight, boost::asio::use_awaitable);
  if (!done) co_return done.error();
  co_return std::move(**out);
}

}  // namespace detail

// Runs fn inside a write command and returns its value once durable, or its error.
// Not a coroutine itself on purpose: with GCC 12, lambdas with init-captures built inside a
// coroutine body came out corrupted (a captured std::string freed with a bad size), so commands
// are built in plain functions and only finished values go into the coroutine.
template <class T, class Fn>
boost::asio::awaitable<core::result<T>> run_write(storage::store& st, Fn fn, storage::write_weight weight = 1) {
  auto out = std::make_shared<std::optional<core::result<T>>>();
  storage::write_command command = [fn = std::move(fn), out](storage::store_txn& tx) -> core::result<void> {
    core::result<T> v = fn(tx);
    if (!v) return v.error();
    out->emplace(std::move(v));
    return {};
  };
  return detail::await_write<T>(st, std::move(command), std::move(out), weight);
}

// Runs fn(tx, args...) as a write command: the usual shape of a service call. The arguments
// are copied into the command here, outside any coroutine (see run_write).
template <class T, class F, class... Args>
boost::asio::awaitable<core::result<T>> run_service(storage::store& st, F fn, Args... args) {
  return run_write<T>(st, [fn, ... args = std::move(args)](storage::store_txn& tx) -> core::result<T> {
    return fn(tx, args...);
  });
}

// As run_service, for a command that writes weight records (a bridge's batch: its events), so
// that the writer runs it apart from the small commands (storage/group_writer.hpp).
template <class T, class F, class... Args>
boost::asio::awaitable<core::result<T>> run_large_service(storage::store& st, storage::write_weight weight, F fn,
                                                          Args... args) {
  return run_write<T>(
      st, [fn, ... args = std::move(args)](storage::store_txn& tx) -> core::result<T> { return fn(tx, args...); },
      weight);
}

}  // namespace siaga::services
