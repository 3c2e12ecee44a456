#include "replay/capture.hpp"

#include <astra/sdk/crypto.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>

namespace astra::host::replay {

namespace {

core::Error bad(size_t line, const std::string& what) {
  return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_capture",
                          "line " + std::to_string(line) + ": " + what);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A string field, or nullptr when absent or not a string.
const std::string* string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

}  // namespace

UrlParts split_url(std::string_view url) {
  UrlParts p;
  const auto scheme_end = url.find("://");
  std::string_view rest = url;
  if (scheme_end != std::string_view::npos) {
    p.scheme = lower(url.substr(0, scheme_end));
    rest = url.substr(scheme_end + 3);
  }
  const auto fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  const auto path_start = rest.find_first_of("/?");
  p.host = lower(rest.substr(0, path_start));
  if (path_start == std::string_view::npos) {
    p.path = "/";
    return p;
  }
  rest = rest.substr(path_start);
  const auto q = rest.find('?');
  p.path = std::string(rest.substr(0, q));
  if (p.path.empty()) p.path = "/";
  if (q == std::string_view::npos) return p;
  std::string_view query = rest.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    if (!item.empty()) p.query.emplace_back(item);
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return p;
}

core::Result<Capture> read_capture(std::istream& in) {
  Capture cap;
  std::map<uint64_t, size_t> by_conn;  // conn id -> index in connections
  std::string line;
  size_t n = 0;
  bool have_t = false;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return bad(n, "not a JSON object");
    const std::string* type = string_field(j, "type");
    if (type == nullptr) return bad(n, "no \"type\"");
    if (*type == "meta") {
      if (const std::string* s = string_field(j, "source")) cap.source = *s;
      continue;
    }
    auto t = j.find("t");
    if (t == j.end() || !t->is_number() || !std::isfinite(t->get<double>()) || t->get<double>() < 0)
      return bad(n, "no valid \"t\" (seconds)");
    const auto t_us = static_cast<int64_t>(std::llround(t->get<double>() * 1e6));
    if (!have_t || t_us < cap.start_t_us) cap.start_t_us = t_us;
    have_t = true;

    if (*type == "http") {
      HttpExchange h;
      h.t_us = t_us;
      const std::string* method = string_field(j, "method");
      const std::string* url = string_field(j, "url");
      auto status = j.find("status");
      if (!method || !url || status == j.end() || !status->is_number_integer())
        return bad(n, "http needs method, url and an integer status");
      h.method = *method;
      h.url = *url;
      h.status = status->get<int>();
      if (const std::string* body = string_field(j, "body")) h.body = *body;
      cap.http.push_back(std::move(h));
      continue;
    }
    if (*type != "ws_open" && *type != "ws_send" && *type != "ws_recv") {
      return bad(n, "unknown type '" + *type + "'");
    }
    auto conn = j.find("conn");
    if (conn == j.end() || !conn->is_number_unsigned()) return bad(n, "no valid \"conn\"");
    const uint64_t id = conn->get<uint64_t>();
    auto it = by_conn.find(id);
    if (*type == "ws_open") {
      const std::string* url = string_field(j, "url");
      if (!url) return bad(n, "ws_open needs a url");
      if (it != by_conn.end()) return bad(n, "conn " + std::to_string(id) + " opened twice");
      by_conn.emplace(id, cap.connections.size());
      cap.connections.push_back(WsConnection{id, t_us, *url, {}, {}});
      continue;
    }
    if (it == by_conn.end()) return bad(n, "conn " + std::to_string(id) + " used before ws_open");
    WsConnection& c = cap.connections[it->second];
    if (*type == "ws_send") {
      const std::string* text = string_field(j, "text");
      if (!text) return bad(n, "ws_send needs text");
      c.sends.push_back(*text);
      continue;
    }
    WsFrame f;
    f.t_us = t_us;
    if (const std::string* text = string_field(j, "text")) {
      f.data = *text;
    } else if (const std::string* b64 = string_field(j, "b64")) {
      if (!sdk::base64_decode(*b64, f.data)) return bad(n, "b64 is not valid base64");
      f.binary = true;
    } else {
      return bad(n, "ws_recv needs text or b64");
    }
    c.frames.push_back(std::move(f));
  }
  cap.lines = n;
  return cap;
}

core::Result<Capture> load_capture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return core::make_error(ASTRA_E_NOT_FOUND, "capture_unreadable",
                            "cannot open capture file '" + path + "'");
  auto r = read_capture(in);
  if (!r.ok()) {
    auto e = r.error();
    e.message = path + ": " + e.message;
    return e;
  }
  return r;
}

}  // namespace astra::host::replay
