#include "frames.hpp"

#include <astra/sdk/decimal.hpp>

#include <algorithm>
#include <charconv>

namespace astra::kucoin {

namespace {

namespace dom = simdjson::dom;

// Thrown inside the decoder only; decode() turns it into a bad frame.
struct Bad {
  const char* why;
};

void require(bool ok, const char* why) {
  if (!ok) throw Bad{why};
}

std::string_view str(dom::element e, const char* why) {
  std::string_view s;
  require(e.get_string().get(s) == simdjson::SUCCESS, why);
  return s;
}

bool u64_of_text(std::string_view s, uint64_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

// A sequence sent as a number or as a decimal string.
uint64_t seq(dom::element e, const char* why) {
  uint64_t v = 0;
  if (e.get_uint64().get(v) == simdjson::SUCCESS) return v;
  std::string_view s;
  require(e.get_string().get(s) == simdjson::SUCCESS && u64_of_text(s, v), why);
  return v;
}

astra_decimal dec(std::string_view s, const char* why) {
  astra_decimal d{};
  require(sdk::parse_decimal(s, d), why);
  return d;
}

uint32_t side_of(std::string_view s) {
  if (s == "buy") return ASTRA_SIDE_BUY;
  require(s == "sell", "side is neither buy nor sell");
  return ASTRA_SIDE_SELL;
}

// The symbol after the colon of a topic: "/market/level2:BTC-USDT" -> "BTC-USDT".
std::string_view topic_symbol(std::string_view topic) {
  const auto colon = topic.find(':');
  return colon == std::string_view::npos ? std::string_view() : topic.substr(colon + 1);
}

void spot_levels(dom::element side, bool bid, L2Message& m) {
  dom::array arr;
  require(side.get_array().get(arr) == simdjson::SUCCESS, "changes side not an array");
  for (dom::element e : arr) {
    dom::array entry;
    require(e.get_array().get(entry) == simdjson::SUCCESS && entry.size() >= 3,
            "change entry is not [price,size,sequence]");
    Change c;
    c.bid = bid;
    c.level.price = dec(str(entry.at(0), "price not a string"), "bad price");
    c.level.quantity = dec(str(entry.at(1), "size not a string"), "bad size");
    require(c.level.quantity.mantissa >= 0 && c.level.price.mantissa >= 0, "negative level");
    c.noop = sdk::is_zero(c.level.price);
    c.seq = seq(entry.at(2), "bad change sequence");
    m.changes.push_back(c);
  }
}

void spot_level2(dom::object data, Frame& out) {
  L2Message& m = out.l2;
  m.start = seq(data["sequenceStart"], "no sequenceStart");
  m.end = seq(data["sequenceEnd"], "no sequenceEnd");
  require(m.start <= m.end, "sequenceStart after sequenceEnd");
  int64_t ms = 0;
  if (data["time"].get_int64().get(ms) == simdjson::SUCCESS) m.time_us = ms * 1000;
  dom::object changes;
  require(data["changes"].get_object().get(changes) == simdjson::SUCCESS, "no changes object");
  dom::element side;
  if (changes["asks"].get(side) == simdjson::SUCCESS) spot_levels(side, false, m);
  if (changes["bids"].get(side) == simdjson::SUCCESS) spot_levels(side, true, m);
  // Entries of both sides interleave in sequence order; apply them in that order.
  std::stable_sort(m.changes.begin(), m.changes.end(),
                   [](const Change& a, const Change& b) { return a.seq < b.seq; });
  std::string_view symbol;
  if (data["symbol"].get_string().get(symbol) == simdjson::SUCCESS) out.symbol = symbol;
}

void futures_level2(dom::object data, Frame& out) {
  L2Message& m = out.l2;
  m.start = m.end = seq(data["sequence"], "no sequence");
  int64_t ms = 0;
  if (data["timestamp"].get_int64().get(ms) == simdjson::SUCCESS) m.time_us = ms * 1000;
  // "price,side,size" (the docs' examples; the prose's order is wrong).
  const std::string_view change = str(data["change"], "no change");
  const auto c1 = change.find(',');
  const auto c2 = change.find(',', c1 == std::string_view::npos ? c1 : c1 + 1);
  require(c1 != std::string_view::npos && c2 != std::string_view::npos, "change is not p,side,s");
  Change c;
  c.level.price = dec(change.substr(0, c1), "bad price");
  c.bid = side_of(change.substr(c1 + 1, c2 - c1 - 1)) == ASTRA_SIDE_BUY;
  c.level.quantity = dec(change.substr(c2 + 1), "bad size");
  require(c.level.quantity.mantissa >= 0 && c.level.price.mantissa >= 0, "negative level");
  c.noop = sdk::is_zero(c.level.price);
  c.seq = m.end;
  m.changes.push_back(c);
}

// `number_text`: the raw token of a price sent as a JSON number (futures), else empty.
void match(dom::object data, Frame& out, std::string_view number_text) {
  TradeData& t = out.trade;
  std::string_view price;
  if (data["price"].get_string().get(price) != simdjson::SUCCESS) price = number_text;
  t.trade.price = dec(price, "no price");
  std::string_view size;
  if (data["size"].get_string().get(size) != simdjson::SUCCESS) {
    uint64_t n = 0;  // futures matchSize is a number of contracts
    require(data["matchSize"].get_uint64().get(n) == simdjson::SUCCESS, "no size");
    t.trade.quantity = astra_decimal{static_cast<int64_t>(n), 0};
  } else {
    t.trade.quantity = dec(size, "bad size");
  }
  t.trade.taker_side = side_of(str(data["side"], "no side"));
  t.trade_id = std::string(str(data["tradeId"], "no tradeId"));
  dom::element time;
  require(data["time"].get(time) == simdjson::SUCCESS || data["ts"].get(time) == simdjson::SUCCESS,
          "no time");
  std::string_view ns_text;
  uint64_t ns = 0;
  int64_t us = 0;
  if (time.get_string().get(ns_text) == simdjson::SUCCESS) {
    require(ns_text_to_us(ns_text, us), "bad time");
  } else {
    require(time.get_uint64().get(ns) == simdjson::SUCCESS, "no time");
    us = static_cast<int64_t>(ns / 1000);
  }
  t.trade.time_us = us;
  std::string_view symbol;
  if (data["symbol"].get_string().get(symbol) == simdjson::SUCCESS) out.symbol = symbol;
}

}  // namespace

std::string FrameDecoder::raw_number(std::string_view text, std::string_view key) {
  // simdjson's DOM keeps numbers as binary floating point; On-Demand gives the venue's own
  // characters, which is what an exact decimal needs.
  padded_.assign(text.data(), text.size());
  padded_.append(simdjson::SIMDJSON_PADDING, ' ');
  simdjson::ondemand::document doc;
  if (od_parser_.iterate(padded_.data(), text.size(), padded_.size()).get(doc)) return {};
  simdjson::ondemand::value v;
  if (doc["data"][key].get(v)) return {};
  std::string_view token = v.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t'))
    token.remove_suffix(1);
  return std::string(token);
}

bool ns_text_to_us(std::string_view text, int64_t& us) {
  uint64_t ns = 0;
  if (!u64_of_text(text, ns)) return false;
  us = static_cast<int64_t>(ns / 1000);
  return true;
}

Frame::Kind FrameDecoder::decode(std::string_view text, Frame& out) noexcept {
  out.kind = Frame::Kind::bad;
  out.id.clear();
  out.symbol.clear();
  out.message.clear();
  out.l2.changes.clear();
  out.l2.time_us = 0;
  out.trade = TradeData{};
  try {
    dom::element doc;
    if (auto err = parser_.parse(text.data(), text.size()).get(doc)) {
      out.message = simdjson::error_message(err);
      return out.kind = Frame::Kind::bad;
    }
    dom::object o;
    require(doc.get_object().get(o) == simdjson::SUCCESS, "not a JSON object");
    const std::string_view type = str(o["type"], "no type");
    std::string_view id;
    if (o["id"].get_string().get(id) == simdjson::SUCCESS) out.id = id;
    if (type == "welcome") return out.kind = Frame::Kind::welcome;
    if (type == "ack") return out.kind = Frame::Kind::ack;
    if (type == "pong") return out.kind = Frame::Kind::pong;
    if (type == "error") {
      std::string_view data;
      if (o["data"].get_string().get(data) == simdjson::SUCCESS) out.message = data;
      int64_t code = 0;
      if (o["code"].get_int64().get(code) == simdjson::SUCCESS)
        out.message += " (code " + std::to_string(code) + ")";
      return out.kind = Frame::Kind::error;
    }
    if (type != "message") return out.kind = Frame::Kind::other;
    const std::string_view topic = str(o["topic"], "no topic");
    const std::string_view subject = str(o["subject"], "no subject");
    dom::object data;
    if (subject == "trade.l2update" || subject == "level2" || subject == "trade.l3match" ||
        subject == "match")
      require(o["data"].get_object().get(data) == simdjson::SUCCESS, "no data object");
    if (subject == "trade.l2update") {
      spot_level2(data, out);
      out.kind = Frame::Kind::level2;
    } else if (subject == "level2") {
      futures_level2(data, out);
      out.kind = Frame::Kind::level2;
    } else if (subject == "trade.l3match" || subject == "match") {
      std::string raw;
      std::string_view price_text;
      if (data["price"].get_string().get(price_text) != simdjson::SUCCESS)
        raw = raw_number(text, "price");
      match(data, out, raw);
      out.kind = Frame::Kind::trade;
    } else {
      return out.kind = Frame::Kind::other;
    }
    // The topic names the market even when data omits it (futures level2).
    if (out.symbol.empty()) out.symbol = topic_symbol(topic);
    require(!out.symbol.empty(), "no symbol");
    return out.kind;
  } catch (const Bad& b) {
    out.message = b.why;
  } catch (const std::exception& e) {
    out.message = e.what();
  }
  return out.kind = Frame::Kind::bad;
}

}  // namespace astra::kucoin
