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

namespace siaga::api {

template <class Token>
auto async_submit(storage::store& st, storage::write_command command, Token&& token) {
  return boost::asio::async_initiate<Token, void(core::result<void>)>(
      [&st](auto handler, storage::write_command cmd) {
        // The store wants a copyable callback; the coroutine's handler is move-only.
        using handler_t = decltype(handler);
        auto shared = std::make_shared<handler_t>(std::move(handler));
        auto work = std::make_shared<boost::asio::executor_work_guard<
            boost::asio::associated_executor_t<handler_t, boost::asio::any_io_executor>>>(
            boost::asio::get_associated_executor(*shared, boost::asio::any_io_executor{}));
        st.submit(std::move(cmd), [shared, work](core::result<void> r) {
          auto ex = work->get_executor();
          boost::asio::post(ex, [shared, work, r = std::move(r)]() mutable {
            (*shared)(std::move(r));
            work->reset();
          });
        });
      },
      token, std::move(command));
}

// Runs fn inside a write command and returns its value once durable, or its error.
template <class T, class Fn>
boost::asio::awaitable<core::result<T>> run_write(storage::store& st, Fn fn) {
  auto out = std::make_shared<std::optional<core::result<T>>>();
  auto done = co_await async_submit(
      st,
      [fn = std::move(fn), out](storage::store_txn& tx) -> core::result<void> {
        core::result<T> v = fn(tx);
        if (!v) return v.error();
        out->emplace(std::move(v));
        return {};
      },
      boost::asio::use_awaitable);
  if (!done) co_return done.error();
  co_return std::move(**out);
}

}  // namespace siaga::api
