// Errors that callers can expect travel as values: core::result<T> holds a T or a core::error
// (a code from the project's own enum and a message for people). Exceptions are for bugs
// and start-up failures only.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace siaga::core {

// Every failure a module can report. The API maps each to one HTTP status (api/http_util.cpp).
enum class errc {
  invalid_input,       // malformed or missing field: 400
  unauthenticated,     // no or bad credentials: 401
  forbidden,           // authenticated but the role may not do this: 403
  not_found,           // unknown id, or one the caller may not see: 404
  conflict,            // illegal state transition or duplicate key: 409
  payload_too_large,   // body over the limit: 413
  unsupported_media,   // not JSON where JSON is required: 415
  unavailable,         // shutting down or overloaded: 503
  too_many_requests,   // a rate limit refused it (login attempts): 429 with Retry-After
  password_change_required,  // the user must change their password first: 403
  storage_failure,     // the database refused or failed: 500
  internal,            // a bug: 500
};

// Stable machine name of a code, used in the JSON error body ("invalid_input", ...).
std::string_view to_string(errc code);

struct error {
  errc code = errc::internal;
  std::string message;
};

// Thrown only by result<T>::value() on an error, which is a bug in the caller.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, error>;

inline error make_error(errc code, std::string message) { return error{code, std::move(message)}; }

// Shorthands so that code reads `return invalid("category_id is required");`.
inline error invalid(std::string message) { return {errc::invalid_input, std::move(message)}; }
inline error not_found(std::string message) { return {errc::not_found, std::move(message)}; }
inline error conflict(std::string message) { return {errc::conflict, std::move(message)}; }
inline error forbidden(std::string message) { return {errc::forbidden, std::move(message)}; }

}  // namespace siaga::core

// Early returns in plain functions: SIAGA_TRY binds var to the value of a result or returns its
// error from the enclosing function (whose return type must be constructible from core::error);
// SIAGA_CHECK returns the error of a result<void>. Coroutines use SIAGA_CO_TRY (api/handler.hpp).
#define SIAGA_TRY(var, expr)               \
  auto var##_r = (expr);                   \
  if (!var##_r) return var##_r.error();    \
  auto var = std::move(*var##_r)

#define SIAGA_CHECK(expr) \
  if (auto check_r = (expr); !check_r) return check_r.error()
