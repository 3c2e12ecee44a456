// OKX v5 wire messages, written in the key order and with the JSON types OKX uses (2022
// recordings; seqId/prevSeqId as documented since).
#pragma once

#include "astra/sim/okx/checksum.hpp"
#include "instruments.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sim::okx {

// REST: {"code":"0","data":[...],"msg":""} and errors {"code":"<n>","data":[],"msg":"..."}.
std::string instruments_json(const std::vector<InstrumentSpec>& instruments);
std::string rest_books_json(const TextLevels& bids, const TextLevels& asks, int64_t ts_ms,
                            int64_t seq_id);
std::string rest_error_json(std::string_view code, std::string_view msg);

// WebSocket. A books push: action "snapshot" or "update"; levels [px, sz, "0", numOrders].
struct BooksPush {
  std::string_view inst_id;
  bool snapshot = false;
  const TextLevels* bids = nullptr;
  const TextLevels* asks = nullptr;
  int64_t ts_ms = 0;
  int32_t checksum = 0;
  int64_t prev_seq_id = -1;
  int64_t seq_id = 0;
};
std::string books_push_json(const BooksPush& push);
std::string trade_push_json(std::string_view inst_id, std::string_view trade_id,
                            std::string_view px, std::string_view sz, std::string_view side,
                            int64_t ts_ms);
std::string event_json(std::string_view event, std::string_view channel, std::string_view inst_id);
std::string ws_error_json(std::string_view code, std::string_view msg);

}  // namespace astra::sim::okx
