#include "server/routes.hpp"

#include "server/errors.hpp"

#include <astra/connector.h>

#include <nlohmann/json.hpp>

#include <charconv>

namespace astra::host {

namespace http = boost::beast::http;

Reply error_reply(unsigned status, std::string_view code, std::string_view message) {
  return Reply{status, error_json(code, message)};
}

namespace {

Reply error_reply_of(const core::Error& e) {
  return Reply{http_status(e.status), error_json(e)};
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Reply missing(std::string_view name) {
  return error_reply(400, "missing_parameter",
                     "query parameter '" + std::string(name) + "' is required");
}

// A present, non-empty parameter.
std::optional<std::string_view> required(const Target& t, std::string_view name) {
  auto v = t.param(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

}  // namespace

Route find_route(std::string_view path) noexcept {
  if (path == "/markets") return Route::markets;
  if (path == "/orderbook") return Route::orderbook;
  if (path == "/exchanges") return Route::exchanges;
  if (path == "/health") return Route::health;
  if (path == "/ready") return Route::ready;
  if (path == "/ws") return Route::ws;
  return Route::unknown;
}

std::string_view route_label(Route route) noexcept {
  switch (route) {
    case Route::markets:
      return "/markets";
    case Route::orderbook:
      return "/orderbook";
    case Route::exchanges:
      return "/exchanges";
    case Route::health:
      return "/health";
    case Route::ready:
      return "/ready";
    case Route::ws:
      return "/ws";
    case Route::unknown:
      break;
  }
  return "other";
}

std::optional<Reply> authenticate(Api& api, const http::fields& headers) {
  constexpr std::string_view kHeader = "x-astra-api-key";
  const size_t n = headers.count(kHeader);
  if (n == 0) {
    return error_reply(401, "unauthenticated", "the x-astra-api-key header is required");
  }
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view value = headers.find(kHeader)->value();
  if (n > 1 || value.size() <= kBearer.size() || value.size() > 1024 ||
      !value.starts_with(kBearer)) {
    return error_reply(401, "unauthenticated", "x-astra-api-key must be 'Bearer <key>'");
  }
  const std::string_view key = value.substr(kBearer.size());
  for (char c : key) {
    if (c <= ' ' || c > '~') {
      return error_reply(401, "unauthenticated", "x-astra-api-key must be 'Bearer <key>'");
    }
  }
  switch (api.check_key(key)) {
    case core::KeyCheck::valid:
      return std::nullopt;
    case core::KeyCheck::revoked:
      return error_reply(403, "key_revoked", "this API key has been revoked");
    case core::KeyCheck::unknown:
      break;
  }
  return error_reply(401, "unauthenticated", "unknown API key");
}

core::Result<uint32_t> parse_depth(std::optional<std::string_view> text) {
  if (!text) return uint32_t{0};
  uint32_t depth = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, depth);
  if (text->empty() || ec != std::errc{} || ptr != end || depth < 1 || depth > kMaxDepth) {
    return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_depth",
                            "depth must be an integer from 1 to " + std::to_string(kMaxDepth));
  }
  return depth;
}

std::vector<std::string> capability_names(uint64_t capabilities) {
  static constexpr std::pair<uint64_t, const char*> kNames[] = {
      {ASTRA_CAP_SPOT, "SPOT"},           {ASTRA_CAP_PERP, "PERP"},
      {ASTRA_CAP_FUTURES, "FUTURES"},     {ASTRA_CAP_OPTIONS, "OPTIONS"},
      {ASTRA_CAP_ORDERBOOK, "ORDERBOOK"}, {ASTRA_CAP_TRADES, "TRADES"},
      {ASTRA_CAP_ORDERS, "ORDERS"},       {ASTRA_CAP_FILLS, "FILLS"},
      {ASTRA_CAP_BALANCES, "BALANCES"},   {ASTRA_CAP_POSITIONS, "POSITIONS"},
      {ASTRA_CAP_OTC_QUOTE, "OTC_QUOTE"}};
  std::vector<std::string> out;
  for (const auto& [bit, name] : kNames) {
    if (capabilities & bit) out.emplace_back(name);
  }
  return out;
}

void handle_rest(Api& api, Route route, const Target& target, std::function<void(Reply)> done) {
  switch (route) {
    case Route::health:
      done(Reply{200, R"({"status":"ok"})"});
      return;

    case Route::markets: {
      auto exchange = required(target, "exchange");
      if (!exchange) return done(missing("exchange"));
      api.markets(std::string(*exchange),
                  [done = std::move(done)](core::Result<std::shared_ptr<const std::string>> r) {
                    if (!r) return done(error_reply_of(r.error()));
                    done(Reply{200, **r});
                  });
      return;
    }

    case Route::orderbook: {
      auto market = required(target, "market");
      if (!market) return done(missing("market"));
      auto depth = parse_depth(target.param("depth"));
      if (!depth) return done(error_reply_of(depth.error()));
      api.orderbook(std::string(*market), *depth,
                    [done = std::move(done)](astra_status status, std::string json) {
                      if (status != ASTRA_OK) {
                        return done(Reply{http_status(status), wrap_error_json(status, json)});
                      }
                      done(Reply{200, std::move(json)});
                    });
      return;
    }

    case Route::exchanges:
      api.exchanges([done = std::move(done)](std::vector<ExchangeInfo> venues) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& v : venues) {
          out.push_back({{"id", v.id},
                         {"exchange", v.exchange},
                         {"version", v.version},
                         {"capabilities", capability_names(v.capabilities)},
                         {"state", core::to_string(v.state)},
                         {"marketsLoaded", v.markets_loaded}});
        }
        done(Reply{200, dump(out)});
      });
      return;

    case Route::ready:
      api.exchanges([done = std::move(done)](std::vector<ExchangeInfo> venues) {
        std::string waiting;
        for (const auto& v : venues) {
          if (v.markets_loaded) continue;
          if (!waiting.empty()) waiting += ", ";
          waiting += v.exchange;
        }
        if (!waiting.empty()) {
          return done(error_reply(503, "not_ready", "markets not loaded yet: " + waiting));
        }
        done(Reply{200, R"({"ready":true})"});
      });
      return;

    case Route::ws:
    case Route::unknown:
      break;
  }
  done(error_reply(404, "not_found", "no such route"));
}

}  // namespace astra::host
