#include "frames.hpp"

#include <astra/sdk/decimal.hpp>

namespace astra::binance {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

bool read_levels(element e, std::vector<astra_book_level>& out) {
  array levels;
  if (e.get_array().get(levels)) return false;
  out.clear();
  for (element level : levels) {
    array pair;
    if (level.get_array().get(pair)) return false;
    std::string_view p, q;
    if (pair.at(0).get_string().get(p) || pair.at(1).get_string().get(q)) return false;
    astra_book_level l{};
    if (!sdk::parse_decimal(p, l.price) || !sdk::parse_decimal(q, l.quantity)) return false;
    out.push_back(l);
  }
  return true;
}

bool read_u64(object o, const char* key, uint64_t& v) {
  return !o[key].get_uint64().get(v);
}

Frame::Kind bad(Frame& out, const char* why) {
  out.kind = Frame::Kind::bad;
  out.error = why;
  return out.kind;
}

Frame::Kind decode_depth(object data, Frame& out) {
  DepthDiff& d = out.depth;
  uint64_t event_ms = 0;
  std::string_view s;
  if (data["s"].get_string().get(s)) return bad(out, "depthUpdate without s");
  if (!read_u64(data, "U", d.first) || !read_u64(data, "u", d.last) ||
      !read_u64(data, "E", event_ms))
    return bad(out, "depthUpdate without U, u or E");
  if (d.first > d.last) return bad(out, "depthUpdate with U > u");
  d.prev = 0;
  if (element pu; !data["pu"].get(pu) && pu.get_uint64().get(d.prev))
    return bad(out, "depthUpdate with a non-integer pu");
  element b, a;
  if (data["b"].get(b) || data["a"].get(a)) return bad(out, "depthUpdate without b or a");
  if (!read_levels(b, d.bids) || !read_levels(a, d.asks))
    return bad(out, "depthUpdate with malformed levels");
  d.time_us = static_cast<int64_t>(event_ms) * 1000;
  out.symbol.assign(s);
  out.kind = Frame::Kind::depth;
  return out.kind;
}

Frame::Kind decode_agg_trade(object data, Frame& out) {
  std::string_view s, p, q;
  uint64_t id = 0, time_ms = 0;
  bool maker = false;
  if (data["s"].get_string().get(s) || data["p"].get_string().get(p) ||
      data["q"].get_string().get(q) || !read_u64(data, "a", id) || !read_u64(data, "T", time_ms) ||
      data["m"].get_bool().get(maker))
    return bad(out, "aggTrade with missing or mistyped fields");
  astra_trade& t = out.agg.trade;
  if (!sdk::parse_decimal(p, t.price) || !sdk::parse_decimal(q, t.quantity))
    return bad(out, "aggTrade with a bad price or quantity");
  // m: the buyer is the maker, so the taker (aggressor) sold.
  t.taker_side = maker ? ASTRA_SIDE_SELL : ASTRA_SIDE_BUY;
  t.time_us = static_cast<int64_t>(time_ms) * 1000;
  out.agg.id = id;
  out.trade_id = std::to_string(id);
  t.trade_id = astra_str{nullptr, 0};  // set by the caller from out.trade_id (stable storage)
  out.symbol.assign(s);
  out.kind = Frame::Kind::agg_trade;
  return out.kind;
}

}  // namespace

Frame::Kind FrameDecoder::decode(std::string_view text, Frame& out) noexcept {
  try {
    scratch_.assign(text);
    scratch_.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    element root;
    if (parser_.parse(scratch_.data(), scratch_.size(), false).get(root))
      return bad(out, "not JSON");
    object o;
    if (root.get_object().get(o)) return bad(out, "not a JSON object");
    // Control answers: {"result":null,"id":1} or {"error":{"code":..,"msg":..},"id":1}.
    if (element id; !o["id"].get(id)) {
      int64_t n = 0;
      if (id.get_int64().get(n)) n = -1;  // string or null ids: we only send integers
      out.id = n;
      if (element err; !o["error"].get(err)) {
        std::string_view msg;
        if (err.is_object() && !err["msg"].get_string().get(msg))
          out.error.assign(msg);
        else
          out.error = "error";
        out.kind = Frame::Kind::error_ack;
        return out.kind;
      }
      out.kind = Frame::Kind::ack;
      return out.kind;
    }
    object data = o;
    if (element d; !o["data"].get(d)) {
      if (d.get_object().get(data)) return bad(out, "data is not an object");
    }
    std::string_view event;
    if (data["e"].get_string().get(event)) {
      // Events without "e" (bookTicker on spot) are valid but not ours; a combined frame must
      // still have a stream name.
      if (std::string_view stream; !o["stream"].get_string().get(stream)) {
        out.kind = Frame::Kind::other;
        return out.kind;
      }
      return bad(out, "no event type");
    }
    if (event == "depthUpdate") return decode_depth(data, out);
    if (event == "aggTrade") return decode_agg_trade(data, out);
    out.kind = Frame::Kind::other;
    return out.kind;
  } catch (...) {
    return bad(out, "decoder exception");
  }
}

}  // namespace astra::binance
