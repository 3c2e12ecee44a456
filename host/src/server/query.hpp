// Request targets: "/path?a=1&b=x%20y" into a path and decoded parameters.
#pragma once

#include <astra/core/result.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace astra::host {

struct Target {
  std::string path;                           // as sent, not decoded (routes are plain ASCII)
  std::map<std::string, std::string> params;  // percent- and '+'-decoded

  // The value of a parameter, or nullopt when absent.
  std::optional<std::string_view> param(std::string_view name) const;
};

// Errors (INVALID_ARGUMENT, "bad_request"): a target not starting with '/', a bad percent
// escape, a parameter given twice.
core::Result<Target> parse_target(std::string_view target);

}  // namespace astra::host
