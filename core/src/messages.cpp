#include <astra/core/messages.hpp>

#include <astra/sdk/decimal.hpp>

#include <charconv>

namespace astra::core {
namespace {

// Appends s as a JSON string. Control characters are escaped; bytes that are not valid UTF-8
// become U+FFFD so that every client's JSON parser accepts the message.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      // Copy the run of plain ASCII at once.
      size_t j = i + 1;
      while (j < s.size()) {
        const auto d = static_cast<unsigned char>(s[j]);
        if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
        ++j;
      }
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c < 0x20) {
      switch (c) {
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: validate the sequence (no overlongs, no surrogates, <= U+10FFFF).
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (ok) {
      if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
          (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        ok = false;
    }
    if (ok) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  out.push_back('"');
}

template <class Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, static_cast<size_t>(p - buf));
}

void append_levels(std::string& out, std::span<const astra_book_level> levels) {
  out.push_back('[');
  bool first = true;
  for (const auto& l : levels) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    sdk::append_decimal(out, l.price);
    out.push_back(',');
    sdk::append_decimal(out, l.quantity);
    out.push_back(']');
  }
  out.push_back(']');
}

// A generous estimate so that a message is built with one allocation.
size_t book_size_hint(std::string_view market, size_t levels) {
  return 128 + market.size() + levels * 48;
}

}  // namespace

Result<DataType> parse_data_type(std::string_view text) {
  if (text == "ORDERBOOK") return DataType::orderbook;
  if (text == "TRADE" || text == "TRADES") return DataType::trades;
  std::string shown(text.substr(0, 40));
  return make_error(ASTRA_E_INVALID_ARGUMENT, "bad_data_type",
                    "dataType '" + shown + "' must be ORDERBOOK or TRADE");
}

std::string_view to_string(DataType t) noexcept {
  switch (t) {
    case DataType::orderbook:
      return "ORDERBOOK";
    case DataType::trades:
      return "TRADE";
  }
  return "UNKNOWN";
}

std::string_view reset_reason_name(uint32_t reason) noexcept {
  switch (reason) {
    case ASTRA_RESET_GAP:
      return "gap";
    case ASTRA_RESET_CHECKSUM:
      return "checksum";
    case ASTRA_RESET_DISCONNECT:
      return "disconnect";
    case ASTRA_RESET_VENUE:
      return "venue";
    case ASTRA_RESET_UNSUBSCRIBED:
      return "unsubscribed";
    case kResetCrossed:
      return "crossed";
    case kResetOutOfOrder:
      return "out_of_order";
    case kResetBadEvent:
      return "bad_event";
    default:
      return "unknown";
  }
}

std::string encode_book_message(std::string_view market, bool snapshot, uint64_t update_id,
                                int64_t time_us, std::span<const astra_book_level> bids,
                                std::span<const astra_book_level> asks) {
  std::string out;
  out.reserve(book_size_hint(market, bids.size() + asks.size()));
  out.append("{\"market\":");
  append_json_string(out, market);
  out.append(",\"dataType\":\"ORDERBOOK\",\"snapshot\":");
  out.append(snapshot ? "true" : "false");
  out.append(",\"updateId\":");
  append_int(out, update_id);
  out.append(",\"time\":");
  append_int(out, time_us);
  out.append(",\"bids\":");
  append_levels(out, bids);
  out.append(",\"asks\":");
  append_levels(out, asks);
  out.push_back('}');
  return out;
}

std::string encode_reset_message(std::string_view market, std::string_view reason) {
  std::string out;
  out.reserve(80 + market.size() + reason.size());
  out.append("{\"market\":");
  append_json_string(out, market);
  out.append(",\"dataType\":\"ORDERBOOK\",\"reset\":true,\"reason\":");
  append_json_string(out, reason);
  out.push_back('}');
  return out;
}

std::string encode_trades_message(std::string_view market, std::span<const astra_trade> trades) {
  std::string out;
  out.reserve(64 + market.size() + trades.size() * 112);
  out.append("{\"market\":");
  append_json_string(out, market);
  out.append(",\"dataType\":\"TRADE\",\"trades\":[");
  bool first = true;
  for (const astra_trade& t : trades) {
    if (!first) out.push_back(',');
    first = false;
    out.append("{\"price\":");
    sdk::append_decimal(out, t.price);
    out.append(",\"quantity\":");
    sdk::append_decimal(out, t.quantity);
    out.append(",\"side\":");
    out.append(t.taker_side == ASTRA_SIDE_BUY    ? "\"BUY\""
               : t.taker_side == ASTRA_SIDE_SELL ? "\"SELL\""
                                                 : "\"UNKNOWN\"");
    out.append(",\"time\":");
    append_int(out, t.time_us);
    out.append(",\"id\":");
    append_json_string(out, std::string_view(t.trade_id.data ? t.trade_id.data : "",
                                             t.trade_id.data ? t.trade_id.size : 0));
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

std::string encode_orderbook_json(std::string_view market, uint64_t update_id, int64_t time_us,
                                  std::span<const astra_book_level> bids,
                                  std::span<const astra_book_level> asks) {
  std::string out;
  out.reserve(book_size_hint(market, bids.size() + asks.size()));
  out.append("{\"market\":");
  append_json_string(out, market);
  out.append(",\"updateId\":");
  append_int(out, update_id);
  out.append(",\"time\":");
  append_int(out, time_us);
  out.append(",\"bids\":");
  append_levels(out, bids);
  out.append(",\"asks\":");
  append_levels(out, asks);
  out.push_back('}');
  return out;
}

std::string encode_error_json(std::string_view code, std::string_view message) {
  std::string out;
  out.reserve(40 + code.size() + message.size());
  out.append("{\"error\":{\"code\":");
  append_json_string(out, code);
  out.append(",\"message\":");
  append_json_string(out, message);
  out.append("}}");
  return out;
}

std::string encode_error_body(std::string_view code, std::string_view message) {
  std::string out;
  out.reserve(32 + code.size() + message.size());
  out.append("{\"code\":");
  append_json_string(out, code);
  out.append(",\"message\":");
  append_json_string(out, message);
  out.push_back('}');
  return out;
}

}  // namespace astra::core
