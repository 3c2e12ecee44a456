// How HTX writes numbers in its JSON (as JSON numbers, never strings).
//
// Spot market data is printed like Java's Double.toString: "57000.0", "0.0012", "9.2E-7",
// "4.0E7" (all seen in the recorded spot frames). Derivatives print plain decimals without
// trailing zeros: "26.52", "56" (recorded swap frames).
#pragma once

#include <astra/connector.h>

#include <optional>
#include <string>

namespace astra::sim::huobi {

// `value` written as Java's Double.toString writes the double nearest to it (the value must
// have at most 17 significant digits, so that the double's shortest form is the value itself).
std::string java_double_text(astra_decimal value);

// `value` as a plain decimal without trailing fractional zeros ("40000.10" -> "40000.1").
std::string plain_text(astra_decimal value);

// `units * unit` exactly, or nullopt on overflow.
std::optional<astra_decimal> times(int64_t units, astra_decimal unit);

}  // namespace astra::sim::huobi
