// Small JSON writing helpers shared by plugins for control-plane results (the hot path emits POD
// structs, not JSON). Decimals cross as JSON strings so no binary floating point touches them.
#pragma once

#include <astra/connector.hpp>
#include <astra/sdk/decimal.hpp>

#include <string>
#include <string_view>

namespace astra::sdk {

// Appends "text" as a quoted, escaped JSON string.
inline void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

// Appends a decimal as a quoted JSON string: "0.35270000".
inline void append_json_decimal(std::string& out, astra_decimal d) {
  out.push_back('"');
  append_decimal(out, d);
  out.push_back('"');
}

// Appends [["price","qty"],...] for book levels (the get_orderbook result format).
inline void append_json_levels(std::string& out, const astra_book_level* levels, size_t count) {
  out.push_back('[');
  for (size_t i = 0; i < count; ++i) {
    if (i) out.push_back(',');
    out.push_back('[');
    append_json_decimal(out, levels[i].price);
    out.push_back(',');
    append_json_decimal(out, levels[i].quantity);
    out.push_back(']');
  }
  out.push_back(']');
}

}  // namespace astra::sdk
