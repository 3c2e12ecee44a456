#include "frames.hpp"

#include <astra/connector.h>

#include <charconv>

namespace astra::coinbase {

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

std::string_view text_of(od::value v, const char* why) {
  return get(v.get_string(), why);
}

// A trade id: Exchange sends a number, Advanced Trade a string. The raw token either way.
std::string_view id_of(od::value v, const char* why) {
  const od::json_type t = get(v.type(), why);
  if (t == od::json_type::string) return get(v.get_string(), why);
  require(t == od::json_type::number, why);
  return trim(v.raw_json_token());
}

int64_t time_of(od::value v, const char* why) {
  int64_t us = 0;
  require(rfc3339_to_us(text_of(v, why), us), why);
  return us;
}

uint32_t side_of(std::string_view s, const char* why) {
  if (s == "buy" || s == "BUY") return ASTRA_SIDE_BUY;
  if (s == "sell" || s == "SELL") return ASTRA_SIDE_SELL;
  throw Bad{why};
}

uint32_t opposite(uint32_t side) {
  return side == ASTRA_SIDE_BUY ? ASTRA_SIDE_SELL : ASTRA_SIDE_BUY;
}

BookPart& next_book(Frame& out) {
  if (out.book_count == out.books.size()) out.books.emplace_back();
  return out.books[out.book_count++];
}

// ---- exchange --------------------------------------------------------------------------------

// [[price, size], ...] -> levels of one side (snapshot).
void exchange_levels(od::value v, bool bid, std::vector<LevelText>& out) {
  od::array levels = get(v.get_array(), "levels not an array");
  for (auto l : levels) {
    od::array level = get(l.get_array(), "level not an array");
    LevelText t;
    t.bid = bid;
    size_t i = 0;
    for (auto e : level) {
      od::value x = get(std::move(e), "level element");
      if (i == 0) t.price = text_of(x, "price not a string");
      if (i == 1) t.qty = text_of(x, "size not a string");
      ++i;
    }
    require(i >= 2, "level too short");
    out.push_back(t);
  }
}

// [[side, price, size], ...] (l2update changes).
void exchange_changes(od::value v, std::vector<LevelText>& out) {
  od::array changes = get(v.get_array(), "changes not an array");
  for (auto c : changes) {
    od::array change = get(c.get_array(), "change not an array");
    LevelText t;
    size_t i = 0;
    for (auto e : change) {
      od::value x = get(std::move(e), "change element");
      if (i == 0) t.bid = side_of(text_of(x, "change side"), "change side") == ASTRA_SIDE_BUY;
      if (i == 1) t.price = text_of(x, "change price not a string");
      if (i == 2) t.qty = text_of(x, "change size not a string");
      ++i;
    }
    require(i == 3, "change is not [side, price, size]");
    out.push_back(t);
  }
}

void exchange_object(od::object o, Frame& out) {
  std::string_view type, product, side, price, size, id, message;
  int64_t time_us = 0;
  std::vector<LevelText> levels;
  bool has_levels = false;
  for (auto f : o) {
    od::field field = get(std::move(f), "field");
    const std::string_view key = get(field.unescaped_key(), "key");
    od::value v = field.value();
    if (key == "type") {
      type = text_of(v, "type not a string");
    } else if (key == "product_id") {
      product = text_of(v, "product_id not a string");
    } else if (key == "bids" || key == "asks") {
      exchange_levels(v, key == "bids", levels);
      has_levels = true;
    } else if (key == "changes") {
      exchange_changes(v, levels);
      has_levels = true;
    } else if (key == "side") {
      side = text_of(v, "side not a string");
    } else if (key == "price") {
      price = text_of(v, "price not a string");
    } else if (key == "size") {
      size = text_of(v, "size not a string");
    } else if (key == "trade_id") {
      id = id_of(v, "bad trade_id");
    } else if (key == "time") {
      time_us = time_of(v, "bad time");
    } else if (key == "message") {
      message = text_of(v, "message not a string");
    }
  }
  require(!type.empty(), "no type");
  if (type == "snapshot" || type == "l2update") {
    require(!product.empty() && has_levels, "book message without product_id or levels");
    BookPart& part = next_book(out);
    part.product = product;
    part.snapshot = type == "snapshot";
    part.levels = std::move(levels);
    part.time_us = time_us;
    out.kind = Frame::Kind::book;
  } else if (type == "match" || type == "last_match") {
    require(!product.empty() && !price.empty() && !size.empty(), "match without product/price");
    TradeText t;
    t.product = product;
    t.price = price;
    t.qty = size;
    t.id = id;
    t.venue_side = side_of(side, "match side");
    t.taker_side = opposite(t.venue_side);  // `side` is the maker order's side
    t.time_us = time_us;
    t.history = type == "last_match";
    out.trades.push_back(t);
    out.kind = Frame::Kind::trades;
  } else if (type == "subscriptions") {
    out.kind = Frame::Kind::ack;
  } else if (type == "heartbeat") {
    out.kind = Frame::Kind::heartbeat;
  } else if (type == "error") {
    out.message = std::string(message.empty() ? "error" : message);
    out.kind = Frame::Kind::venue_error;
  } else {
    out.kind = Frame::Kind::other;  // ticker, status, ...
  }
}

// ---- advanced trade --------------------------------------------------------------------------

void advanced_updates(od::value v, std::vector<LevelText>& out) {
  od::array updates = get(v.get_array(), "updates not an array");
  for (auto u : updates) {
    od::object update = get(u.get_object(), "update not an object");
    LevelText t;
    bool has_side = false;
    for (auto f : update) {
      od::field field = get(std::move(f), "update field");
      const std::string_view key = get(field.unescaped_key(), "update key");
      od::value x = field.value();
      if (key == "side") {
        const std::string_view s = text_of(x, "update side not a string");
        require(s == "bid" || s == "offer", "update side is not bid/offer");
        t.bid = s == "bid";
        has_side = true;
      } else if (key == "price_level") {
        t.price = text_of(x, "price_level not a string");
      } else if (key == "new_quantity") {
        t.qty = text_of(x, "new_quantity not a string");
      }
    }
    require(has_side && !t.price.empty() && !t.qty.empty(), "update without side/price/qty");
    out.push_back(t);
  }
}

void advanced_trades(od::value v, bool history, std::vector<TradeText>& out) {
  od::array trades = get(v.get_array(), "trades not an array");
  for (auto tr : trades) {
    od::object trade = get(tr.get_object(), "trade not an object");
    TradeText t;
    t.history = history;
    for (auto f : trade) {
      od::field field = get(std::move(f), "trade field");
      const std::string_view key = get(field.unescaped_key(), "trade key");
      od::value x = field.value();
      if (key == "product_id")
        t.product = text_of(x, "trade product_id");
      else if (key == "price")
        t.price = text_of(x, "trade price not a string");
      else if (key == "size")
        t.qty = text_of(x, "trade size not a string");
      else if (key == "trade_id")
        t.id = id_of(x, "bad trade_id");
      else if (key == "side")
        t.venue_side = side_of(text_of(x, "trade side"), "trade side is not BUY/SELL");
      else if (key == "time")
        t.time_us = time_of(x, "bad trade time");
    }
    require(!t.product.empty() && !t.price.empty() && !t.qty.empty() && t.venue_side != 0,
            "trade without product/price/size/side");
    out.push_back(t);
  }
}

// One element of `events`: a book event (updates) or a trades event.
void advanced_event(od::value v, Frame& out) {
  od::object event = get(v.get_object(), "event not an object");
  std::string_view type, product;
  std::vector<LevelText> levels;
  bool has_updates = false;
  size_t first_trade = out.trades.size();
  for (auto f : event) {
    od::field field = get(std::move(f), "event field");
    const std::string_view key = get(field.unescaped_key(), "event key");
    od::value x = field.value();
    if (key == "type") {
      type = text_of(x, "event type not a string");
    } else if (key == "product_id") {
      product = text_of(x, "event product_id");
    } else if (key == "updates") {
      advanced_updates(x, levels);
      has_updates = true;
    } else if (key == "trades") {
      advanced_trades(x, false, out.trades);
    }
  }
  if (type == "snapshot")  // market_trades snapshot: recent history
    for (size_t i = first_trade; i < out.trades.size(); ++i)
      out.trades[i].history = true;
  if (has_updates) {
    require(!product.empty() && (type == "snapshot" || type == "update"),
            "l2 event without product_id or type");
    BookPart& part = next_book(out);
    part.product = product;
    part.snapshot = type == "snapshot";
    part.levels = std::move(levels);
  }
}

void advanced_object(od::object o, Frame& out) {
  std::string_view channel, type, message;
  bool has_events = false;
  int64_t time_us = 0;
  for (auto f : o) {
    od::field field = get(std::move(f), "field");
    const std::string_view key = get(field.unescaped_key(), "key");
    od::value v = field.value();
    if (key == "channel") {
      channel = text_of(v, "channel not a string");
    } else if (key == "type") {
      type = text_of(v, "type not a string");
    } else if (key == "message") {
      message = text_of(v, "message not a string");
    } else if (key == "sequence_num") {
      out.seq = get(v.get_uint64(), "sequence_num not an unsigned integer");
      out.has_seq = true;
    } else if (key == "timestamp") {
      time_us = time_of(v, "bad timestamp");  // book events carry no time of their own
    } else if (key == "events") {
      od::array events = get(v.get_array(), "events not an array");
      for (auto e : events)
        advanced_event(get(std::move(e), "event"), out);
      has_events = true;
    }
  }
  if (type == "error") {
    out.message = std::string(message.empty() ? "error" : message);
    out.kind = Frame::Kind::venue_error;
    return;
  }
  require(!channel.empty(), "no channel");
  for (size_t i = 0; i < out.book_count; ++i)
    out.books[i].time_us = time_us;
  if (channel == "l2_data") {
    require(has_events && out.has_seq, "l2_data without events or sequence_num");
    require(out.trades.empty(), "l2_data carries trades");
    out.kind = Frame::Kind::book;
  } else if (channel == "market_trades") {
    require(has_events && out.book_count == 0, "market_trades without trades");
    out.kind = Frame::Kind::trades;
  } else if (channel == "heartbeats") {
    out.kind = Frame::Kind::heartbeat;
  } else if (channel == "subscriptions") {
    out.kind = Frame::Kind::ack;
  } else {
    out.kind = Frame::Kind::other;
  }
}

int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return int64_t(era) * 146097 + int64_t(doe) - 719468;
}

}  // namespace

Frame::Kind FrameDecoder::decode(Feed feed, std::string_view text, Frame& out) noexcept {
  out.kind = Frame::Kind::bad;
  out.book_count = 0;
  for (BookPart& b : out.books) {
    b.levels.clear();
    b.product = {};
    b.snapshot = false;
    b.time_us = 0;
  }
  out.trades.clear();
  out.message.clear();
  out.has_seq = false;
  out.seq = 0;
  try {
    scratch_.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    scratch_.assign(text);
    od::document doc;
    od::json_type t;
    if (parser_.iterate(scratch_.data(), scratch_.size(), scratch_.capacity()).get(doc) ||
        doc.type().get(t) || t != od::json_type::object) {
      out.message = "not a JSON object";
      return out.kind;
    }
    od::object o = get(doc.get_object(), "not an object");
    if (feed == Feed::exchange)
      exchange_object(o, out);
    else
      advanced_object(o, out);
    return out.kind;
  } catch (const Bad& b) {
    out.message = b.why;
  } catch (...) {
    out.message = "decoder failure";
  }
  out.book_count = 0;
  out.trades.clear();
  return out.kind = Frame::Kind::bad;
}

bool rfc3339_to_us(std::string_view s, int64_t& us) {
  // YYYY-MM-DDTHH:MM:SS[.fffffffff]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s.back() != 'Z')
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

}  // namespace astra::coinbase
