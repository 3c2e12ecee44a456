#include "frames.hpp"

#include <astra/sdk/decimal.hpp>

#include <charconv>

namespace astra::huobi {

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

// The text of a JSON number (raw token) or string.
std::string_view scalar_text(od::value v, const char* why) {
  const od::json_type t = get(v.type(), why);
  if (t == od::json_type::string) return get(v.get_string(), why);
  require(t == od::json_type::number, why);
  return trim(v.raw_json_token());
}

astra_decimal decimal(od::value v, const char* why) {
  astra_decimal d{};
  require(sdk::parse_decimal(scalar_text(v, why), d), why);
  return d;
}

// A non-negative integer written as digits only (ids, sequence numbers, ms times).
uint64_t u64(od::value v, const char* why) {
  const std::string_view s = scalar_text(v, why);
  uint64_t n = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  require(ec == std::errc() && p == s.data() + s.size() && !s.empty(), why);
  return n;
}

int64_t ms(od::value v, const char* why) {
  const uint64_t n = u64(v, why);
  require(n < (uint64_t{1} << 52), why);
  return static_cast<int64_t>(n);
}

void levels(od::value v, std::vector<astra_book_level>& out) {
  out.clear();
  od::array rows = get(v.get_array(), "levels not an array");
  for (auto r : rows) {
    od::array row = get(r.get_array(), "level not an array");
    astra_book_level l{};
    size_t i = 0;
    for (auto e : row) {
      od::value x = get(std::move(e), "level element");
      if (i == 0) l.price = decimal(x, "bad price");
      if (i == 1) l.quantity = decimal(x, "bad quantity");
      ++i;
    }
    require(i >= 2, "level too short");
    require(l.price.mantissa > 0 && l.quantity.mantissa >= 0, "negative level");
    out.push_back(l);
  }
}

void trades(od::value v, std::vector<TradeRow>& out) {
  od::array rows = get(v.get_array(), "trades not an array");
  for (auto r : rows) {
    od::object o = get(r.get_object(), "trade not an object");
    TradeRow t;
    bool price = false, qty = false;
    std::string trade_id, id;
    for (auto f : o) {
      od::field field = get(std::move(f), "trade field");
      const std::string_view key = get(field.unescaped_key(), "trade key");
      od::value x = field.value();
      if (key == "price") {
        t.trade.price = decimal(x, "bad trade price");
        price = true;
      } else if (key == "amount") {
        t.trade.quantity = decimal(x, "bad trade amount");
        qty = true;
      } else if (key == "direction") {
        const std::string_view d = get(x.get_string(), "bad direction");
        // direction is the taker's side (HTX docs).
        if (d == "buy")
          t.trade.taker_side = ASTRA_SIDE_BUY;
        else if (d == "sell")
          t.trade.taker_side = ASTRA_SIDE_SELL;
        else
          throw Bad{"bad direction"};
      } else if (key == "ts") {
        t.trade.time_us = ms(x, "bad trade ts") * 1000;
      } else if (key == "tradeId") {
        trade_id = scalar_text(x, "bad tradeId");
      } else if (key == "id") {
        id = scalar_text(x, "bad trade id");
      }
    }
    require(price && qty && t.trade.taker_side != 0, "trade lacks price, amount or direction");
    require(t.trade.price.mantissa > 0 && t.trade.quantity.mantissa > 0, "non-positive trade");
    // Spot sends both: tradeId is the id private fills report; derivatives send only id.
    t.id = !trade_id.empty() ? std::move(trade_id) : std::move(id);
    out.push_back(std::move(t));
  }
}

// The tick (or a reply's data) object: any of bids, asks, seqNum, prevSeqNum, version, ts, data.
void tick(od::value v, Frame& out, bool& saw_book, bool& saw_trades) {
  od::object o = get(v.get_object(), "tick not an object");
  for (auto f : o) {
    od::field field = get(std::move(f), "tick field");
    const std::string_view key = get(field.unescaped_key(), "tick key");
    od::value x = field.value();
    if (key == "bids") {
      levels(x, out.bids);
      saw_book = true;
    } else if (key == "asks") {
      levels(x, out.asks);
      saw_book = true;
    } else if (key == "seqNum") {
      out.seq = u64(x, "bad seqNum");
      out.has_seq = true;
    } else if (key == "prevSeqNum") {
      out.prev = u64(x, "bad prevSeqNum");
      out.has_prev = true;
    } else if (key == "version") {
      out.version = u64(x, "bad version");
      out.has_version = true;
    } else if (key == "ts") {
      out.tick_ts_ms = ms(x, "bad tick ts");
    } else if (key == "data") {
      trades(x, out.trades);
      saw_trades = true;
    }
  }
}

void reset(Frame& out) {
  out.kind = Frame::Kind::bad;
  out.topic.clear();
  out.ping.clear();
  out.id.clear();
  out.message.clear();
  out.bids.clear();
  out.asks.clear();
  out.has_seq = out.has_prev = out.has_version = false;
  out.seq = out.prev = out.version = 0;
  out.ts_ms = out.tick_ts_ms = 0;
  out.trades.clear();
}

}  // namespace

Topic topic_of(std::string_view topic, std::string_view& symbol) {
  // market.<symbol>.<rest>
  constexpr std::string_view prefix = "market.";
  if (topic.substr(0, prefix.size()) != prefix) return Topic::other;
  const std::string_view tail = topic.substr(prefix.size());
  const size_t dot = tail.find('.');
  if (dot == std::string_view::npos || dot == 0) return Topic::other;
  symbol = tail.substr(0, dot);
  const std::string_view kind = tail.substr(dot + 1);
  if (kind == "depth.step0") return Topic::depth_step0;
  if (kind == "trade.detail") return Topic::trade_detail;
  if (kind == "mbp.5" || kind == "mbp.20" || kind == "mbp.150" || kind == "mbp.400")
    return Topic::mbp;
  return Topic::other;
}

Frame::Kind FrameDecoder::decode(std::string_view data, bool binary, Frame& out) noexcept {
  try {
    reset(out);
    if (binary) {
      const sdk::InflateError e = inflater_.inflate(data, inflated_);
      if (e != sdk::InflateError::none) {
        out.message = sdk::to_string(e);
        return out.kind = Frame::Kind::bad;
      }
      data = inflated_;
    }
    scratch_.reserve(data.size() + simdjson::SIMDJSON_PADDING);
    scratch_.assign(data);
    return out.kind = parse(out);
  } catch (const Bad& b) {
    out.message = b.why;
  } catch (...) {
    out.message = "unexpected decoder failure";
  }
  return out.kind = Frame::Kind::bad;
}

Frame::Kind FrameDecoder::parse(Frame& out) {
  od::document doc =
      get(parser_.iterate(scratch_.data(), scratch_.size(), scratch_.capacity()), "not JSON");
  od::object root = get(doc.get_object(), "not a JSON object");
  bool saw_tick = false, saw_book = false, saw_trades = false, saw_data = false;
  bool ping = false;
  std::string_view status, ch, rep, subbed, err;
  std::string err_code;
  for (auto f : root) {
    od::field field = get(std::move(f), "bad field");
    const std::string_view key = get(field.unescaped_key(), "bad key");
    od::value v = field.value();
    if (key == "ping") {
      const od::json_type t = get(v.type(), "bad ping");
      require(t == od::json_type::number, "ping is not a number");
      out.ping = std::string(scalar_text(v, "bad ping"));
      ping = true;
    } else if (key == "ch") {
      ch = get(v.get_string(), "ch not a string");
      out.topic = std::string(ch);
    } else if (key == "rep") {
      rep = get(v.get_string(), "rep not a string");
    } else if (key == "subbed" || key == "unsubbed") {
      subbed = get(v.get_string(), "subbed not a string");
    } else if (key == "status") {
      status = get(v.get_string(), "status not a string");
    } else if (key == "id") {
      out.id = std::string(scalar_text(v, "bad id"));
    } else if (key == "ts") {
      out.ts_ms = ms(v, "bad ts");
    } else if (key == "tick") {
      tick(v, out, saw_book, saw_trades);
      saw_tick = true;
    } else if (key == "data") {
      // A REQ reply's data (the mbp snapshot); other replies are not requested.
      if (get(v.type(), "bad data") == od::json_type::object) {
        tick(v, out, saw_book, saw_trades);
        saw_data = true;
      }
    } else if (key == "err-msg" || key == "err_msg") {
      err = get(v.get_string(), "err-msg not a string");
      out.message = std::string(err);
    } else if (key == "err-code" || key == "err_code") {
      err_code = std::string(scalar_text(v, "bad err-code"));
    }
  }
  if (ping) {
    require(ch.empty() && !saw_tick, "ping with other content");
    return Frame::Kind::ping;
  }
  if (status == "error") {
    if (!err_code.empty()) out.message = err_code + (out.message.empty() ? "" : " " + out.message);
    return Frame::Kind::venue_error;
  }
  if (!subbed.empty()) {
    out.topic = std::string(subbed);
    return Frame::Kind::ack;
  }
  std::string_view symbol;
  if (!rep.empty()) {
    out.topic = std::string(rep);
    if (topic_of(rep, symbol) != Topic::mbp) return Frame::Kind::other;
    require(status == "ok" && saw_data && saw_book && out.has_seq, "mbp reply without a book");
    return Frame::Kind::mbp_snapshot;
  }
  if (ch.empty()) return status.empty() ? Frame::Kind::bad : Frame::Kind::other;
  switch (topic_of(ch, symbol)) {
    case Topic::depth_step0:
      require(saw_tick && saw_book, "depth push without a book");
      return Frame::Kind::full_book;
    case Topic::mbp:
      require(saw_tick && out.has_seq && out.has_prev, "mbp push without seqNum/prevSeqNum");
      return Frame::Kind::mbp_update;
    case Topic::trade_detail:
      require(saw_tick && saw_trades, "trade push without data");
      return Frame::Kind::trades;
    case Topic::other:
      return Frame::Kind::other;
  }
  return Frame::Kind::other;
}

bool FrameDecoder::decode_rest_book(std::string_view body, Frame& out,
                                    std::string& error) noexcept {
  try {
    reset(out);
    scratch_.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    scratch_.assign(body);
    od::document doc =
        get(parser_.iterate(scratch_.data(), scratch_.size(), scratch_.capacity()), "not JSON");
    od::object root = get(doc.get_object(), "not a JSON object");
    bool saw_book = false, saw_trades = false, saw_tick = false;
    std::string status;
    for (auto f : root) {
      od::field field = get(std::move(f), "bad field");
      const std::string_view key = get(field.unescaped_key(), "bad key");
      od::value v = field.value();
      if (key == "status") {
        status = std::string(get(v.get_string(), "status not a string"));
      } else if (key == "tick") {
        tick(v, out, saw_book, saw_trades);
        saw_tick = true;
      } else if (key == "err-msg" || key == "err_msg") {
        out.message = std::string(get(v.get_string(), "err-msg not a string"));
      }
    }
    if (status != "ok") {
      error = "venue status " + (status.empty() ? std::string("missing") : status) +
              (out.message.empty() ? "" : ": " + out.message);
      return false;
    }
    require(saw_tick && saw_book, "no book in the answer");
    return true;
  } catch (const Bad& b) {
    error = b.why;
  } catch (...) {
    error = "unexpected decoder failure";
  }
  return false;
}

}  // namespace astra::huobi
