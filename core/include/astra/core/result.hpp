// Errors as values: Error carries a status (astra_status), a stable machine code and a message.
#pragma once

#include <astra/connector.h>

#include <string>
#include <utility>
#include <variant>

namespace astra::core {

struct Error {
  astra_status status = ASTRA_E_INTERNAL;
  std::string code;     // stable, machine-readable: "unknown_market", "bad_symbol", ...
  std::string message;  // for humans; never contains a secret
};

// A value or an Error. Small on purpose (std::expected is C++23).
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(astra_status status, std::string code, std::string message) {
  return Error{status, std::move(code), std::move(message)};
}

}  // namespace astra::core
