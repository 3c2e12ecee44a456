#include "replay/replay_run.hpp"

#include <astra/core/book_store.hpp>
#include <astra/sdk/decimal.hpp>

#include "loader/plugin_loader.hpp"
#include "replay/capture.hpp"
#include "replay/replay_io.hpp"
#include "runtime/logger.hpp"
#include "runtime/market_sink.hpp"
#include "runtime/plugin_venue.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace astra::host::replay {

namespace {

// Applies book events to a BookStore and counts what the summary reports.
class ReplaySink final : public MarketSink {
 public:
  void on_book(const astra_book_event& e) override {
    ++book_events;
    const core::BookChange change = books.apply(e);
    if (change.needs_resync) ++rejected_events;
  }
  void on_trades(const astra_trade_event& e) override { trade_events += e.trade_count; }

  core::BookStore books;
  uint64_t book_events = 0;
  uint64_t trade_events = 0;
  uint64_t rejected_events = 0;  // crossed, or update id not increasing
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}

// `needle` occurs in `hay` with no letter, digit or '-' on either side (both lower-case).
bool contains_token(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return false;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) {
    const bool left_ok = at == 0 || !token_char(hay[at - 1]);
    const size_t end = at + needle.size();
    const bool right_ok = end == hay.size() || !token_char(hay[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

nlohmann::json level_json(const std::optional<core::Level>& level) {
  if (!level) return nullptr;
  return nlohmann::json::array(
      {sdk::format_decimal(level->price), sdk::format_decimal(level->quantity)});
}

}  // namespace

std::vector<std::string> markets_in_capture(const std::string& markets_json,
                                            const Capture& capture) {
  std::vector<std::string> texts;
  for (const auto& c : capture.connections) {
    texts.push_back(lower(c.url));
    for (const auto& s : c.sends)
      texts.push_back(lower(s));
  }
  std::vector<std::string> out;
  const auto list = nlohmann::json::parse(markets_json, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& m : list) {
    if (!m.is_object()) continue;
    auto symbol = m.find("symbol");
    auto venue_symbol = m.find("venueSymbol");
    if (symbol == m.end() || !symbol->is_string() || venue_symbol == m.end() ||
        !venue_symbol->is_string())
      continue;
    std::vector<std::string> needles{lower(venue_symbol->get<std::string>())};
    if (auto names = m.find("streamSymbols"); names != m.end() && names->is_array())
      for (const auto& n : *names)
        if (n.is_string()) needles.push_back(lower(n.get<std::string>()));
    const bool recorded = std::any_of(texts.begin(), texts.end(), [&](const std::string& t) {
      return std::any_of(needles.begin(), needles.end(),
                         [&](const std::string& needle) { return contains_token(t, needle); });
    });
    if (recorded) out.push_back(symbol->get<std::string>());
  }
  return out;
}

core::Result<std::string> run_replay(const ReplayOptions& options, Logger& log) {
  auto capture = load_capture(options.capture_path);
  if (!capture.ok()) return capture.error();

  PluginLoader loader(log);
  auto plugin = loader.load(options.plugin_dir, options.venue);
  if (!plugin.ok()) return plugin.error();

  ReplaySink sink;
  auto io_owned = std::make_unique<ReplayIo>(*capture);
  ReplayIo& io = *io_owned;
  auto created = PluginVenue::create(std::move(*plugin), options.settings_json, std::move(io_owned),
                                     sink, log);
  if (!created.ok()) return created.error();
  PluginVenue& venue = **created;

  // 1. The market list, answered from the capture.
  std::optional<std::pair<astra_status, std::string>> markets;
  venue.list_markets(
      [&](astra_status s, std::string json) { markets.emplace(s, std::move(json)); });
  io.run([&] { return markets.has_value(); });
  if (!markets)
    return core::make_error(ASTRA_E_UNAVAILABLE, "replay_failed",
                            "list_markets did not complete (no recorded answer?)");
  if (markets->first != ASTRA_OK)
    return core::make_error(markets->first, "replay_failed",
                            "list_markets failed: " + markets->second);

  // 2. Subscriptions.
  std::vector<std::string> symbols = options.markets;
  if (symbols.empty()) symbols = markets_in_capture(markets->second, *capture);
  nlohmann::json subscribe_errors = nlohmann::json::object();
  for (const auto& m : symbols) {
    for (auto type : {core::DataType::orderbook, core::DataType::trades}) {
      const astra_status s = venue.subscribe(m, type);
      if (s != ASTRA_OK && !(type == core::DataType::trades && s == ASTRA_E_UNIMPLEMENTED))
        subscribe_errors[m + " " + std::string(core::to_string(type))] =
            std::string(status_code_name(s));
    }
  }

  // 3. Every frame, to the end.
  io.run();

  const IntegrityCounters& counts = venue.counters().total();
  uint64_t crossed = 0;
  nlohmann::json tops = nlohmann::json::object();
  sink.books.for_each([&](const core::MarketBook& b) {
    crossed += b.crossed;
    tops[b.market] = {{"bestBid", level_json(b.book.best_bid())},
                      {"bestAsk", level_json(b.book.best_ask())},
                      {"updateId", b.update_id},
                      {"inSync", b.in_sync}};
  });
  for (const auto& m : symbols)
    if (!tops.contains(m))
      tops[m] = {{"bestBid", nullptr}, {"bestAsk", nullptr}, {"updateId", 0}, {"inSync", false}};

  nlohmann::json out = {
      {"venue", options.venue},
      {"capture", options.capture_path},
      {"frames", io.frames_delivered()},
      {"bookEvents", sink.book_events},
      {"tradeEvents", sink.trade_events},
      {"gaps", counts.gaps},
      {"resyncs", counts.resyncs},
      {"checksumsVerified", counts.checksum_ok},
      {"checksumFailures", counts.checksum_failures},
      {"crossedBooks", crossed},
      {"rejectedBookEvents", sink.rejected_events},
      {"staleDropped", counts.stale_dropped},
      {"unansweredRequests", io.unanswered_requests()},
      {"unansweredList", io.unanswered()},
      {"unmatchedWsOpens", io.unmatched_ws_opens()},
      {"badFrames", counts.bad_frames},
      {"subscribed", symbols},
      {"markets", tops},
  };
  if (!subscribe_errors.empty()) out["subscribeErrors"] = subscribe_errors;
  return out.dump();
}

}  // namespace astra::host::replay
