#include "assets.hpp"

#include <array>
#include <utility>

namespace astra::kraken {

std::string common_asset(std::string_view code) {
  // The legacy 4-letter codes, from AssetPairs (base/quote) and Kraken's asset documentation.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 27> kLegacy = {{
      {"XXBT", "BTC"}, {"XBT", "BTC"},  {"XXDG", "DOGE"}, {"XDG", "DOGE"}, {"XETH", "ETH"},
      {"XLTC", "LTC"}, {"XXRP", "XRP"}, {"XXLM", "XLM"},  {"XXMR", "XMR"}, {"XETC", "ETC"},
      {"XZEC", "ZEC"}, {"XMLN", "MLN"}, {"XREP", "REP"},  {"XICN", "ICN"}, {"XNMC", "NMC"},
      {"XXVN", "XVN"}, {"XDAO", "DAO"}, {"ZUSD", "USD"},  {"ZEUR", "EUR"}, {"ZGBP", "GBP"},
      {"ZCAD", "CAD"}, {"ZJPY", "JPY"}, {"ZAUD", "AUD"},  {"ZKRW", "KRW"}, {"ZCHF", "CHF"},
      {"XTZ", "XTZ"},  {"ZRX", "ZRX"},
  }};
  for (const auto& [kraken, common] : kLegacy)
    if (code == kraken) return std::string(common);
  return std::string(code);
}

bool is_asset_code(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

}  // namespace astra::kraken
