// Small helpers for core tests: decimals and book levels from text.
#pragma once

#include <astra/connector.h>
#include <astra/sdk/decimal.hpp>

#include <stdexcept>
#include <string_view>

namespace astra::test {

inline astra_decimal dec(std::string_view text) {
  astra_decimal d{};
  if (!sdk::parse_decimal(text, d)) throw std::invalid_argument("bad decimal in test");
  return d;
}

inline astra_book_level lvl(std::string_view price, std::string_view quantity) {
  return astra_book_level{dec(price), dec(quantity)};
}

inline astra_str str(std::string_view s) {
  return astra_str{s.data(), s.size()};
}

}  // namespace astra::test
