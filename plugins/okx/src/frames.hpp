// Decoding OKX public WebSocket frames (the hot path) with simdjson.
//
//   {"arg":{"channel":"books","instId":..},"action":"snapshot"|"update","data":[{asks,bids,ts,
//     checksum,seqId,prevSeqId}]}
//   {"arg":{"channel":"trades","instId":..},"data":[{instId,tradeId,px,sz,side,ts}]}
//   {"event":"subscribe"|"unsubscribe","arg":{..}}, {"event":"error","code":"..","msg":".."},
//   {"event":"notice",..}, and the text "pong".
// Pushes of other channels decode as `other`; anything malformed decodes as `bad` and never
// throws.
#pragma once

#include "book_sync.hpp"

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace astra::okx {

struct TradeRecord {
  astra_trade trade{};  // trade_id is left empty: point it at `id` when emitting
  std::string id;       // tradeId
};

struct Frame {
  enum class Kind { books, trades, ack, error, notice, pong, other, bad };
  Kind kind = Kind::bad;
  std::string channel;  // arg.channel
  std::string inst_id;  // arg.instId
  std::vector<BookMessage> books;
  std::vector<TradeRecord> trades;
  std::string event;    // ack: subscribe / unsubscribe
  std::string code;     // error, notice: the venue's code
  std::string message;  // error, notice: the venue's msg; bad: why
};

class FrameDecoder {
 public:
  // Decodes `text` into `out` (reusing its buffers). Never throws.
  Frame::Kind decode(std::string_view text, Frame& out) noexcept;

 private:
  simdjson::dom::parser parser_;
  std::string scratch_;  // the frame plus simdjson's padding
};

// Decodes one level array [["px","sz",...],...] into `out`; false on any malformed entry.
bool decode_levels(simdjson::dom::element e, std::vector<Level>& out);

}  // namespace astra::okx
