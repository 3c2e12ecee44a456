#include "frames.hpp"

#include <astra/sdk/decimal.hpp>

#include <charconv>

namespace astra::kraken {

namespace {

namespace od = simdjson::ondemand;

// Thrown inside the decoder only; decode() turns it into a bad frame.
struct Bad {
  const char* why;
};

void require(bool ok, const char* why) {
  if (!ok) throw Bad{why};
}

template <class T>
T get(simdjson::simdjson_result<T>&& r, const char* why) {
  T v{};
  if (std::move(r).get(v)) throw Bad{why};
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The venue's text of a decimal sent as a JSON string or a JSON number (the raw token).
std::string_view decimal_text(od::value v, const char* why) {
  const od::json_type t = get(v.type(), why);
  if (t == od::json_type::string) return get(v.get_string(), why);
  require(t == od::json_type::number, why);
  return trim(v.raw_json_token());
}

uint64_t u64(od::value v, const char* why) {
  return get(v.get_uint64(), why);
}

uint32_t checksum_of(od::value v) {
  // v1 quotes it ("c":"123"), v2 sends a number.
  const od::json_type t = get(v.type(), "bad checksum");
  if (t == od::json_type::number) {
    const uint64_t n = u64(v, "bad checksum");
    require(n <= 0xffffffffu, "checksum out of range");
    return static_cast<uint32_t>(n);
  }
  const std::string_view s = get(v.get_string(), "bad checksum");
  uint32_t n = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  require(ec == std::errc() && p == s.data() + s.size() && !s.empty(), "bad checksum");
  return n;
}

uint32_t side_of(std::string_view s, const char* why) {
  if (s == "buy" || s == "b") return ASTRA_SIDE_BUY;
  if (s == "sell" || s == "s") return ASTRA_SIDE_SELL;
  throw Bad{why};
}

// ---- spot v1 ---------------------------------------------------------------------------------

// [[price, volume, timestamp(, "r")], ...] -> levels of one side.
void v1_levels(od::value v, bool bid, BookPart& part) {
  od::array levels = get(v.get_array(), "v1 levels not an array");
  for (auto l : levels) {
    od::array level = get(l.get_array(), "v1 level not an array");
    LevelText t;
    t.bid = bid;
    size_t i = 0;
    for (auto e : level) {
      od::value x = get(std::move(e), "v1 level element");
      if (i == 0) t.price = get(x.get_string(), "v1 price not a string");
      if (i == 1) t.qty = get(x.get_string(), "v1 volume not a string");
      if (i == 2) {
        int64_t us = 0;
        if (seconds_text_to_us(get(x.get_string(), "v1 time not a string"), us) &&
            us > part.time_us)
          part.time_us = us;
      }
      ++i;
    }
    require(i >= 3, "v1 level too short");
    part.levels.push_back(t);
  }
}

void v1_book_dict(od::object o, BookPart& part, bool& saw_snapshot, bool& saw_update) {
  for (auto f : o) {
    od::field field = get(std::move(f), "v1 book field");
    const std::string_view key = get(field.unescaped_key(), "v1 book key");
    od::value v = field.value();
    if (key == "as" || key == "bs") {
      saw_snapshot = true;
      v1_levels(v, key == "bs", part);
    } else if (key == "a" || key == "b") {
      saw_update = true;
      v1_levels(v, key == "b", part);
    } else if (key == "c") {
      part.checksum = checksum_of(v);
    }
  }
}

void v1_trades(od::value v, std::vector<TradeText>& out) {
  od::array rows = get(v.get_array(), "v1 trades not an array");
  for (auto r : rows) {
    od::array row = get(r.get_array(), "v1 trade not an array");
    TradeText t;
    size_t i = 0;
    for (auto e : row) {
      od::value x = get(std::move(e), "v1 trade element");
      if (i == 0) t.price = get(x.get_string(), "v1 trade price");
      if (i == 1) t.qty = get(x.get_string(), "v1 trade volume");
      if (i == 2)
        require(seconds_text_to_us(get(x.get_string(), "v1 trade time"), t.time_us),
                "v1 trade time");
      if (i == 3) t.taker_side = side_of(get(x.get_string(), "v1 trade side"), "v1 trade side");
      ++i;
    }
    require(i >= 4, "v1 trade too short");
    out.push_back(t);
  }
}

Frame::Kind v1_event(od::object o, Frame& out) {
  std::string_view event, status, message;
  for (auto f : o) {
    od::field field = get(std::move(f), "v1 event field");
    const std::string_view key = get(field.unescaped_key(), "v1 event key");
    od::value v = field.value();
    if (key == "event") event = get(v.get_string(), "v1 event not a string");
    if (key == "status" && v.type().value_unsafe() == od::json_type::string)
      status = get(v.get_string(), "v1 status");
    if (key == "errorMessage") message = get(v.get_string(), "v1 errorMessage");
  }
  require(!event.empty(), "object without event");
  if (event == "error" || status == "error") {
    out.message.assign(message.empty() ? std::string_view("error") : message);
    return out.kind = Frame::Kind::venue_error;
  }
  if (event == "subscriptionStatus") return out.kind = Frame::Kind::ack;
  return out.kind = Frame::Kind::other;  // heartbeat, systemStatus, pong
}

Frame::Kind v1_array(od::array a, Frame& out) {
  if (out.books.empty()) out.books.emplace_back();
  BookPart& part = out.books[0];
  bool saw_snapshot = false, saw_update = false, saw_trades = false;
  std::string_view strings[2];
  size_t string_count = 0, i = 0;
  for (auto e : a) {
    od::value v = get(std::move(e), "v1 element");
    const od::json_type t = get(v.type(), "v1 element type");
    if (i == 0) {
      require(t == od::json_type::number, "v1 frame without a channel id");
    } else if (t == od::json_type::object) {
      v1_book_dict(get(v.get_object(), "v1 dict"), part, saw_snapshot, saw_update);
    } else if (t == od::json_type::array) {
      saw_trades = true;
      v1_trades(v, out.trades);
    } else if (t == od::json_type::string) {
      require(string_count < 2, "v1 frame with extra strings");
      strings[string_count++] = get(v.get_string(), "v1 string");
    } else {
      throw Bad{"v1 element of an unexpected type"};
    }
    ++i;
  }
  require(string_count == 2, "v1 frame without channel name and pair");
  const std::string_view channel = strings[0];
  part.symbol = strings[1];
  if (channel == "trade") {
    require(saw_trades && !saw_snapshot && !saw_update, "v1 trade frame without trades");
    for (TradeText& t : out.trades)
      t.symbol = part.symbol;
    return out.kind = Frame::Kind::trades;
  }
  if (channel.substr(0, 5) == "book-") {
    require(!saw_trades && (saw_snapshot != saw_update), "v1 book frame with odd content");
    uint32_t depth = 0;
    const auto d = channel.substr(5);
    const auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), depth);
    if (ec == std::errc() && p == d.data() + d.size()) part.depth = depth;
    part.snapshot = saw_snapshot;
    require(!part.snapshot || !part.checksum, "v1 snapshot with a checksum");
    require(part.snapshot || part.checksum.has_value(), "v1 book update without checksum");
    out.book_count = 1;
    return out.kind = Frame::Kind::book;
  }
  return out.kind = Frame::Kind::other;  // a channel we never subscribe (ticker, spread, ...)
}

// ---- spot v2 ---------------------------------------------------------------------------------

void v2_levels(od::value v, bool bid, BookPart& part) {
  od::array levels = get(v.get_array(), "v2 levels not an array");
  for (auto l : levels) {
    od::object level = get(l.get_object(), "v2 level not an object");
    LevelText t;
    t.bid = bid;
    for (auto f : level) {
      od::field field = get(std::move(f), "v2 level field");
      const std::string_view key = get(field.unescaped_key(), "v2 level key");
      if (key == "price") t.price = decimal_text(field.value(), "v2 price");
      if (key == "qty") t.qty = decimal_text(field.value(), "v2 qty");
    }
    require(!t.price.empty() && !t.qty.empty(), "v2 level without price or qty");
    part.levels.push_back(t);
  }
}

// One data[] entry: book fields and trade fields are collected alike; the channel decides.
void v2_entry(od::object o, BookPart& part, TradeText& trade, bool& has_levels) {
  for (auto f : o) {
    od::field field = get(std::move(f), "v2 data field");
    const std::string_view key = get(field.unescaped_key(), "v2 data key");
    od::value v = field.value();
    if (key == "symbol") {
      part.symbol = trade.symbol = get(v.get_string(), "v2 symbol");
    } else if (key == "bids" || key == "asks") {
      has_levels = true;
      v2_levels(v, key == "bids", part);
    } else if (key == "checksum") {
      part.checksum = checksum_of(v);
    } else if (key == "timestamp") {
      int64_t us = 0;
      require(rfc3339_to_us(get(v.get_string(), "v2 timestamp"), us), "v2 timestamp");
      part.time_us = trade.time_us = us;
    } else if (key == "price") {
      trade.price = decimal_text(v, "v2 trade price");
    } else if (key == "qty") {
      trade.qty = decimal_text(v, "v2 trade qty");
    } else if (key == "side") {
      trade.taker_side = side_of(get(v.get_string(), "v2 side"), "v2 side");
    } else if (key == "trade_id") {
      trade.id = decimal_text(v, "v2 trade_id");
    }
  }
}

Frame::Kind v2_object(od::object o, Frame& out) {
  std::string_view channel, type, method, error;
  bool has_success = false, success = false, has_data = false;
  for (auto f : o) {
    od::field field = get(std::move(f), "v2 field");
    const std::string_view key = get(field.unescaped_key(), "v2 key");
    od::value v = field.value();
    if (key == "channel") {
      channel = get(v.get_string(), "v2 channel");
    } else if (key == "type") {
      type = get(v.get_string(), "v2 type");
    } else if (key == "method") {
      method = get(v.get_string(), "v2 method");
    } else if (key == "success") {
      has_success = true;
      success = get(v.get_bool(), "v2 success");
    } else if (key == "error") {
      error = get(v.get_string(), "v2 error");
    } else if (key == "data") {
      has_data = true;
      const od::json_type t = get(v.type(), "v2 data");
      if (t != od::json_type::array) continue;  // status/instrument data: not ours
      od::array entries = get(v.get_array(), "v2 data");
      for (auto e : entries) {
        if (out.book_count == out.books.size()) out.books.emplace_back();
        BookPart& part = out.books[out.book_count];
        part = BookPart{};
        TradeText trade;
        bool has_levels = false;
        od::object entry;
        if (e.get_object().get(entry)) continue;  // non-object entries: ignored below
        v2_entry(entry, part, trade, has_levels);
        if (has_levels) ++out.book_count;
        if (!trade.price.empty()) out.trades.push_back(trade);
      }
    }
  }
  if (!method.empty()) {
    if (has_success && !success) {
      out.message.assign(error.empty() ? std::string_view("request failed") : error);
      return out.kind = Frame::Kind::venue_error;
    }
    return out.kind = Frame::Kind::ack;
  }
  require(!channel.empty(), "v2 object without channel or method");
  if (channel == "book") {
    require(has_data && out.book_count > 0, "v2 book without data");
    require(type == "snapshot" || type == "update", "v2 book of unknown type");
    for (size_t i = 0; i < out.book_count; ++i) {
      BookPart& part = out.books[i];
      require(!part.symbol.empty(), "v2 book entry without symbol");
      require(part.checksum.has_value(), "v2 book entry without checksum");
      part.snapshot = type == "snapshot";
    }
    return out.kind = Frame::Kind::book;
  }
  if (channel == "trade") {
    require(has_data && !out.trades.empty(), "v2 trade without data");
    for (const TradeText& t : out.trades)
      require(!t.symbol.empty() && !t.qty.empty() && t.taker_side != 0 && t.time_us != 0,
              "v2 trade entry missing fields");
    return out.kind = type == "snapshot" ? Frame::Kind::trade_snapshot : Frame::Kind::trades;
  }
  return out.kind = Frame::Kind::other;  // heartbeat, status, instrument, ...
}

// ---- futures ---------------------------------------------------------------------------------

void futures_levels(od::value v, bool bid, BookPart& part) {
  od::array levels = get(v.get_array(), "futures levels not an array");
  for (auto l : levels) {
    od::object level = get(l.get_object(), "futures level not an object");
    LevelText t;
    t.bid = bid;
    for (auto f : level) {
      od::field field = get(std::move(f), "futures level field");
      const std::string_view key = get(field.unescaped_key(), "futures level key");
      if (key == "price") t.price = decimal_text(field.value(), "futures price");
      if (key == "qty") t.qty = decimal_text(field.value(), "futures qty");
    }
    require(!t.price.empty() && !t.qty.empty(), "futures level without price or qty");
    part.levels.push_back(t);
  }
}

// A trade object's fields (a live `trade` frame or an entry of `trade_snapshot`).
void futures_trade_field(std::string_view key, od::value v, TradeText& t) {
  if (key == "product_id") t.symbol = get(v.get_string(), "futures product_id");
  if (key == "uid") t.id = get(v.get_string(), "futures trade uid");
  if (key == "side") t.taker_side = side_of(get(v.get_string(), "futures side"), "futures side");
  if (key == "seq") {
    t.seq = u64(v, "futures trade seq");
    t.has_seq = true;
  }
  if (key == "time") t.time_us = static_cast<int64_t>(u64(v, "futures trade time")) * 1000;
  if (key == "qty") t.qty = decimal_text(v, "futures trade qty");
  if (key == "price") t.price = decimal_text(v, "futures trade price");
}

void require_trade(const TradeText& t) {
  require(!t.symbol.empty() && !t.price.empty() && !t.qty.empty() && t.taker_side != 0 && t.has_seq,
          "futures trade missing fields");
}

Frame::Kind futures_object(od::object o, Frame& out) {
  if (out.books.empty()) out.books.emplace_back();
  BookPart& part = out.books[0];
  std::string_view feed, event, message, side;
  TradeText trade;  // the scalar fields of this object, whatever its feed
  bool has_levels = false, has_trades = false;
  for (auto f : o) {
    od::field field = get(std::move(f), "futures field");
    const std::string_view key = get(field.unescaped_key(), "futures key");
    od::value v = field.value();
    if (key == "feed") {
      feed = get(v.get_string(), "futures feed");
    } else if (key == "event") {
      event = get(v.get_string(), "futures event");
    } else if (key == "message") {
      if (v.type().value_unsafe() == od::json_type::string)
        message = get(v.get_string(), "futures message");
    } else if (key == "bids" || key == "asks") {
      has_levels = true;
      futures_levels(v, key == "bids", part);
    } else if (key == "trades") {
      has_trades = true;
      od::array rows = get(v.get_array(), "futures trades");
      for (auto r : rows) {
        od::object row = get(r.get_object(), "futures trade entry");
        TradeText t;
        for (auto rf : row) {
          od::field tf = get(std::move(rf), "futures trade field");
          futures_trade_field(get(tf.unescaped_key(), "futures trade key"), tf.value(), t);
        }
        require_trade(t);
        out.trades.push_back(t);
      }
    } else if (key == "timestamp") {
      part.time_us = static_cast<int64_t>(u64(v, "futures timestamp")) * 1000;
    } else if (key == "side") {
      side = get(v.get_string(), "futures side");
      trade.taker_side = side_of(side, "futures side");
    } else {
      futures_trade_field(key, v, trade);  // product_id, uid, seq, time, qty, price
    }
  }
  if (!event.empty()) {
    if (event == "error" || event == "alert") {
      out.message.assign(message.empty() ? event : message);
      return out.kind = Frame::Kind::venue_error;
    }
    return out.kind = event == "subscribed" ? Frame::Kind::ack : Frame::Kind::other;
  }
  require(!feed.empty(), "futures object without feed or event");
  part.symbol = trade.symbol;
  part.seq = trade.seq;
  part.has_seq = trade.has_seq;
  if (feed == "book_snapshot") {
    require(has_levels && !part.symbol.empty() && part.has_seq, "futures book_snapshot fields");
    part.snapshot = true;
    out.book_count = 1;
    return out.kind = Frame::Kind::book;
  }
  if (feed == "book") {
    require(!part.symbol.empty() && part.has_seq && !trade.price.empty() && !trade.qty.empty() &&
                trade.taker_side != 0,
            "futures book delta fields");
    part.levels.push_back(LevelText{trade.price, trade.qty, trade.taker_side == ASTRA_SIDE_BUY});
    out.book_count = 1;
    return out.kind = Frame::Kind::book;
  }
  if (feed == "trade") {
    require_trade(trade);
    out.trades.push_back(trade);
    return out.kind = Frame::Kind::trades;
  }
  if (feed == "trade_snapshot") {
    require(has_trades && !part.symbol.empty(), "futures trade_snapshot fields");
    return out.kind = Frame::Kind::trade_snapshot;
  }
  return out.kind = Frame::Kind::other;  // ticker, ticker_lite, heartbeat, ...
}

}  // namespace

Frame::Kind FrameDecoder::decode(Protocol protocol, std::string_view text, Frame& out) noexcept {
  out.kind = Frame::Kind::bad;
  out.book_count = 0;
  for (BookPart& b : out.books) {
    b.levels.clear();
    b.checksum.reset();
    b.symbol = {};
    b.snapshot = false;
    b.depth = 0;
    b.has_seq = false;
    b.seq = 0;
    b.time_us = 0;
  }
  out.trades.clear();
  out.message.clear();
  try {
    scratch_.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    scratch_.assign(text);
    od::document doc;
    if (parser_.iterate(scratch_.data(), scratch_.size(), scratch_.capacity()).get(doc)) {
      out.message = "not JSON";
      return out.kind;
    }
    od::json_type t;
    if (doc.type().get(t)) {
      out.message = "not JSON";
      return out.kind;
    }
    if (t == od::json_type::object) {
      od::object o = get(doc.get_object(), "not an object");
      if (protocol == Protocol::futures)
        futures_object(o, out);
      else if (protocol == Protocol::spot_v2)
        v2_object(o, out);
      else
        v1_event(o, out);
    } else if (t == od::json_type::array && protocol == Protocol::spot_v1) {
      v1_array(get(doc.get_array(), "not an array"), out);
    } else {
      out.message = "not a venue message";
      return out.kind = Frame::Kind::bad;
    }
    return out.kind;
  } catch (const Bad& b) {
    out.message = b.why;
  } catch (...) {
    out.message = "decoder exception";
  }
  out.kind = Frame::Kind::bad;
  out.book_count = 0;
  out.trades.clear();
  return out.kind;
}

namespace {

// [[price, qty, ...], ...]: strings or numbers.
void rest_levels(od::value v, bool bid, std::vector<LevelText>& out) {
  od::array levels = get(v.get_array(), "levels not an array");
  for (auto l : levels) {
    od::array level = get(l.get_array(), "level not an array");
    LevelText t;
    t.bid = bid;
    size_t i = 0;
    for (auto e : level) {
      od::value x = get(std::move(e), "level element");
      if (i == 0) t.price = decimal_text(x, "bad price");
      if (i == 1) t.qty = decimal_text(x, "bad quantity");
      ++i;
    }
    require(i >= 2, "level too short");
    out.push_back(t);
  }
}

void rest_sides(od::object o, std::vector<LevelText>& out, bool& found) {
  for (auto f : o) {
    od::field field = get(std::move(f), "book field");
    const std::string_view key = get(field.unescaped_key(), "book key");
    if (key == "bids" || key == "asks") {
      found = true;
      rest_levels(field.value(), key == "bids", out);
    }
  }
}

}  // namespace

bool FrameDecoder::decode_rest_book(std::string_view body, std::vector<LevelText>& levels,
                                    std::string& error) noexcept {
  levels.clear();
  try {
    scratch_.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    scratch_.assign(body);
    od::document doc =
        get(parser_.iterate(scratch_.data(), scratch_.size(), scratch_.capacity()), "not JSON");
    od::object root = get(doc.get_object(), "not a JSON object");
    bool found = false;
    std::string venue_error;
    for (auto f : root) {
      od::field field = get(std::move(f), "field");
      const std::string_view key = get(field.unescaped_key(), "key");
      od::value v = field.value();
      const od::json_type t = get(v.type(), "value");
      if (key == "error" && t == od::json_type::array) {  // spot: ["EQuery:Unknown asset pair"]
        od::array errors = get(v.get_array(), "error");
        for (auto e : errors) {
          std::string_view text;
          if (!e.get_string().get(text)) venue_error += std::string(text) + " ";
        }
      } else if (key == "error" && t == od::json_type::string) {  // futures
        venue_error = std::string(get(v.get_string(), "error"));
      } else if (key == "result" && t == od::json_type::object) {  // spot: keyed by pair
        od::object result = get(v.get_object(), "result");
        for (auto pf : result) {
          od::field pair = get(std::move(pf), "pair");
          rest_sides(get(pair.value().get_object(), "pair book"), levels, found);
        }
      } else if (key == "orderBook" && t == od::json_type::object) {
        rest_sides(get(v.get_object(), "orderBook"), levels, found);
      }
    }
    if (!venue_error.empty()) {
      error = venue_error;
      return false;
    }
    require(found, "no bids or asks");
    return true;
  } catch (const Bad& b) {
    error = b.why;
  } catch (...) {
    error = "decoder exception";
  }
  levels.clear();
  return false;
}

bool seconds_text_to_us(std::string_view text, int64_t& us) {
  astra_decimal d{};
  if (!sdk::parse_decimal(text, d) || d.mantissa < 0) return false;
  int64_t m = d.mantissa;
  int32_t e = d.exponent;
  while (e < -6) {  // finer than a microsecond: truncate
    m /= 10;
    ++e;
  }
  while (e > -6) {
    if (m > INT64_MAX / 10) return false;
    m *= 10;
    --e;
  }
  us = m;
  return true;
}

namespace {
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
}  // namespace

bool rfc3339_to_us(std::string_view s, int64_t& us) {
  // YYYY-MM-DDTHH:MM:SS[.ffffff]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':' || s.back() != 'Z')
    return false;
  auto num = [&](size_t pos, size_t len, int& v) {
    const auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    return ec == std::errc() && p == s.data() + pos + len;
  };
  int y, mo, d, h, mi, sec;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, sec))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  int64_t frac_us = 0;
  size_t pos = 19;
  if (s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() - 1) {
      const char c = s[pos++];
      if (c < '0' || c > '9') return false;
      if (digits < 6) frac_us = frac_us * 10 + (c - '0');
      ++digits;
    }
    if (digits == 0) return false;
    for (int i = digits; i < 6; ++i)
      frac_us *= 10;
  } else if (pos != s.size() - 1) {
    return false;
  }
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  us = ((days * 24 + h) * 60 + mi) * 60 * 1'000'000 + int64_t(sec) * 1'000'000 + frac_us;
  return true;
}

}  // namespace astra::kraken
