#include "frames.hpp"

#include <astra/sdk/decimal.hpp>

#include <charconv>
#include <limits>

namespace astra::okx {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Frame::Kind bad(Frame& out, const char* why) {
  out.kind = Frame::Kind::bad;
  out.message = why;
  return out.kind;
}

// OKX times are milliseconds as strings ("1652459225464").
bool ms_text_to_us(std::string_view text, int64_t& us) {
  int64_t ms = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc() || ptr != text.data() + text.size() || ms < 0 ||
      ms > std::numeric_limits<int64_t>::max() / 1000)
    return false;
  us = ms * 1000;
  return true;
}

// An optional integer field; false when present but not an integer.
bool optional_int(object o, const char* key, bool& present, int64_t& v) {
  element e;
  present = !o[key].get(e);
  if (!present) return true;
  return !e.get_int64().get(v);
}

bool decode_book(object d, bool snapshot, BookMessage& m) {
  m.snapshot = snapshot;
  element asks, bids;
  if (d["asks"].get(asks) || d["bids"].get(bids)) return false;
  if (!decode_levels(bids, m.bids) || !decode_levels(asks, m.asks)) return false;
  m.time_us = 0;
  if (element ts; !d["ts"].get(ts)) {
    std::string_view t;
    if (ts.get_string().get(t) || !ms_text_to_us(t, m.time_us)) return false;
  }
  bool has_checksum = false;
  int64_t checksum = 0;
  if (!optional_int(d, "checksum", has_checksum, checksum)) return false;
  if (checksum < std::numeric_limits<int32_t>::min() ||
      checksum > std::numeric_limits<int32_t>::max())
    return false;
  m.checksum = static_cast<int32_t>(checksum);
  bool has_prev = false;
  m.seq_id = 0;
  m.prev_seq_id = 0;
  if (!optional_int(d, "seqId", m.has_seq, m.seq_id) ||
      !optional_int(d, "prevSeqId", has_prev, m.prev_seq_id))
    return false;
  if (m.has_seq && (!has_prev || m.seq_id < 0)) return false;
  return true;
}

Frame::Kind decode_books(object o, element data, Frame& out) {
  std::string_view action;
  if (o["action"].get_string().get(action)) return bad(out, "books push without action");
  if (action != "snapshot" && action != "update") return bad(out, "books push with odd action");
  array items;
  if (data.get_array().get(items) || items.size() == 0) return bad(out, "books push without data");
  size_t n = 0;
  for (element item : items) {
    object d;
    if (item.get_object().get(d)) return bad(out, "books data item is not an object");
    if (out.books.size() <= n) out.books.emplace_back();
    if (!decode_book(d, action == "snapshot", out.books[n]))
      return bad(out, "books data with malformed fields");
    ++n;
  }
  out.books.resize(n);
  out.kind = Frame::Kind::books;
  return out.kind;
}

Frame::Kind decode_trades(element data, Frame& out) {
  array items;
  if (data.get_array().get(items)) return bad(out, "trades push without data");
  out.trades.clear();
  for (element item : items) {
    object d;
    std::string_view id, px, sz, side, ts;
    if (item.get_object().get(d) || d["tradeId"].get_string().get(id) ||
        d["px"].get_string().get(px) || d["sz"].get_string().get(sz) ||
        d["side"].get_string().get(side) || d["ts"].get_string().get(ts))
      return bad(out, "trade with missing or mistyped fields");
    TradeRecord r;
    astra_trade& t = r.trade;
    if (!sdk::parse_decimal(px, t.price) || !sdk::parse_decimal(sz, t.quantity) ||
        t.price.mantissa <= 0 || t.quantity.mantissa <= 0)
      return bad(out, "trade with a bad price or size");
    if (!ms_text_to_us(ts, t.time_us)) return bad(out, "trade with a bad ts");
    // `side` is the taker's side.
    if (side == "buy")
      t.taker_side = ASTRA_SIDE_BUY;
    else if (side == "sell")
      t.taker_side = ASTRA_SIDE_SELL;
    else
      return bad(out, "trade with an unknown side");
    r.id.assign(id);
    out.trades.push_back(std::move(r));
  }
  out.kind = Frame::Kind::trades;
  return out.kind;
}

}  // namespace

bool decode_levels(element e, std::vector<Level>& out) {
  array levels;
  if (e.get_array().get(levels)) return false;
  out.clear();
  out.reserve(levels.size());
  for (element level : levels) {
    array fields;
    if (level.get_array().get(fields)) return false;
    std::string_view p, q;
    if (fields.at(0).get_string().get(p) || fields.at(1).get_string().get(q)) return false;
    Level l;
    if (!sdk::parse_decimal(p, l.value.price) || !sdk::parse_decimal(q, l.value.quantity) ||
        l.value.price.mantissa <= 0 || l.value.quantity.mantissa < 0)
      return false;
    l.price.assign(p);
    l.size.assign(q);
    out.push_back(std::move(l));
  }
  return true;
}

Frame::Kind FrameDecoder::decode(std::string_view text, Frame& out) noexcept {
  try {
    out.channel.clear();
    out.inst_id.clear();
    if (text == "pong") {
      out.kind = Frame::Kind::pong;
      return out.kind;
    }
    scratch_.assign(text);
    scratch_.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    element root;
    if (parser_.parse(scratch_.data(), scratch_.size(), false).get(root))
      return bad(out, "not JSON");
    object o;
    if (root.get_object().get(o)) return bad(out, "not a JSON object");
    object arg;
    const bool has_arg = !o["arg"].get_object().get(arg);
    if (has_arg) {
      std::string_view channel, inst;
      if (!arg["channel"].get_string().get(channel)) out.channel.assign(channel);
      if (!arg["instId"].get_string().get(inst)) out.inst_id.assign(inst);
    }
    if (std::string_view event; !o["event"].get_string().get(event)) {
      out.event.assign(event);
      if (event == "subscribe" || event == "unsubscribe") {
        out.kind = Frame::Kind::ack;
        return out.kind;
      }
      std::string_view code, msg;
      out.code.clear();
      out.message.clear();
      if (!o["code"].get_string().get(code)) out.code.assign(code);
      if (!o["msg"].get_string().get(msg)) out.message.assign(msg);
      out.kind = event == "error" ? Frame::Kind::error : Frame::Kind::notice;
      return out.kind;
    }
    element data;
    if (!has_arg || o["data"].get(data)) return bad(out, "neither an event nor a push");
    if (out.channel.empty() || out.inst_id.empty()) return bad(out, "push without channel/instId");
    if (out.channel == "books") return decode_books(o, data, out);
    if (out.channel == "trades") return decode_trades(data, out);
    out.kind = Frame::Kind::other;
    return out.kind;
  } catch (...) {
    return bad(out, "decoder exception");
  }
}

}  // namespace astra::okx
