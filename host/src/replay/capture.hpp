// Reads an Astra capture v1 (JSON Lines, see shared/recordings/FORMAT.md) into what a replay
// needs: the recorded HTTP exchanges and each WebSocket connection with its frames.
#pragma once

#include <astra/core/result.hpp>

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace astra::host::replay {

struct HttpExchange {
  int64_t t_us = 0;
  std::string method;
  std::string url;
  int status = 0;
  std::string body;
};

struct WsFrame {
  int64_t t_us = 0;
  std::string data;  // text, or the decoded bytes of a b64 frame
  bool binary = false;
};

struct WsConnection {
  uint64_t conn = 0;
  int64_t open_t_us = 0;
  std::string url;
  std::vector<std::string> sends;  // what the recording client sent (ws_send text)
  std::vector<WsFrame> frames;     // ws_recv, in order
};

struct Capture {
  std::string source;      // meta.source, if any
  int64_t start_t_us = 0;  // the earliest t in the file
  std::vector<HttpExchange> http;
  std::vector<WsConnection> connections;
  size_t lines = 0;
};

// Errors: status ASTRA_E_INVALID_ARGUMENT, code "bad_capture", message "line N: ...".
core::Result<Capture> read_capture(std::istream& in);
// As above; an unreadable file gives code "capture_unreadable".
core::Result<Capture> load_capture(const std::string& path);

// A URL split for matching. Query parameters are kept in order of appearance.
struct UrlParts {
  std::string scheme;              // lower-case
  std::string host;                // lower-case, with ":port" when the URL has one
  std::string path;                // "/" when empty
  std::vector<std::string> query;  // "k=v" items, percent-encoding left as is
};
UrlParts split_url(std::string_view url);

}  // namespace astra::host::replay
