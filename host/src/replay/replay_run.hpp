// `astra replay`: feeds a capture through a plugin with no network and summarizes what happened
// (frames, events, gaps, resyncs, checksums, crossed books, final tops) as one JSON object.
#pragma once

#include <astra/core/result.hpp>

#include "replay/capture.hpp"

#include <string>
#include <vector>

namespace astra::host {
class Logger;
}

namespace astra::host::replay {

struct ReplayOptions {
  std::string venue;  // plugin id
  std::string capture_path;
  std::vector<std::string> markets;  // empty: every listed market the capture mentions
  std::string plugin_dir;
  std::string settings_json = "{}";  // the plugin's config (its YAML section as JSON)
};

// The summary JSON (pretty or compact is the caller's choice: this is compact), or an error
// (unreadable capture, plugin refused, market list failed).
core::Result<std::string> run_replay(const ReplayOptions& options, Logger& log);

// Markets (normalized symbols) of a list_markets result whose venueSymbol appears, as a whole
// token and case-insensitively, in a recorded ws_open URL or ws_send text.
std::vector<std::string> markets_in_capture(const std::string& markets_json,
                                            const Capture& capture);

}  // namespace astra::host::replay
