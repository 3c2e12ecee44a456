// Kraken asset codes -> abstract asset tokens: XXBT and XBT -> BTC, XXDG and XDG -> DOGE, the
// legacy X-prefixed crypto codes (XETH -> ETH) and Z-prefixed fiat codes (ZUSD -> USD). Newer
// codes pass unchanged: letters are never stripped blindly (XTZ is Tezos).
#pragma once

#include <string>
#include <string_view>

namespace astra::kraken {

std::string common_asset(std::string_view kraken_code);

// True for a non-empty run of [A-Z0-9]: what a symbol part may contain.
bool is_asset_code(std::string_view s) noexcept;

}  // namespace astra::kraken
