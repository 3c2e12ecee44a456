// The API's REST routes, independent of the socket: authentication, parameters, and the JSON
// answer built from the Api. http_session.cpp does the I/O.
#pragma once

#include "server/api.hpp"
#include "server/query.hpp"

#include <boost/beast/http/fields.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace astra::host {

struct Reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  bool allow_get = false;  // 405: add "Allow: GET"
};

Reply error_reply(unsigned status, std::string_view code, std::string_view message);

enum class Route { markets, orderbook, exchanges, health, ready, ws, unknown };
Route find_route(std::string_view path) noexcept;
// The metrics label: "/markets", ..., or "other" for unknown paths (bounded cardinality).
std::string_view route_label(Route route) noexcept;

// Checks "x-astra-api-key: Bearer <key>": nullopt when the key is valid, else the 401 (missing,
// malformed, unknown) or 403 (revoked) reply.
std::optional<Reply> authenticate(Api& api, const boost::beast::http::fields& headers);

// depth: absent means 0 (the venue's default), else a decimal integer from 1 to kMaxDepth.
inline constexpr uint32_t kMaxDepth = 5000;
core::Result<uint32_t> parse_depth(std::optional<std::string_view> text);

// Serves GET /markets, /orderbook, /exchanges, /health, /ready (route is one of those). done
// runs once, on any thread.
void handle_rest(Api& api, Route route, const Target& target, std::function<void(Reply)> done);

// "SPOT", "PERP", ..., "OTC_QUOTE" for each ASTRA_CAP_* bit set.
std::vector<std::string> capability_names(uint64_t capabilities);

}  // namespace astra::host
