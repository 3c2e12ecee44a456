// Integer ticks and lots <-> the venue's decimal text.
//
// The engine counts prices in ticks and quantities in lots (exact integers); a venue formats
// them back as `units * unit_size` with a fixed number of fractional digits ("0.35270000").
#pragma once

#include <astra/sdk/decimal.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace astra::sim {

// A unit size ("0.01000000") parsed once; nullopt when the text is not a positive decimal.
std::optional<astra_decimal> parse_unit(std::string_view text);

// `units * unit` written with exactly `digits` fractional digits. The unit must not be finer
// than the digits (a 0.001 tick cannot be written with 2 digits): nullopt then.
std::optional<std::string> format_units(int64_t units, astra_decimal unit, int digits);

// How many whole units `value` is; nullopt when it is not an exact multiple.
std::optional<int64_t> to_units(astra_decimal value, astra_decimal unit);

}  // namespace astra::sim
