// OKX `books` sequencing and integrity for one market: pure logic, no I/O.
//
// Two ways into sync:
//   - the WebSocket snapshot (action "snapshot"), when the venue sends one (2022 recording,
//     and production until OKX removes it in 2026);
//   - a REST snapshot bridged onto buffered updates by seqId (OKX's documented procedure):
//     buffer updates, fetch GET /api/v5/market/books; a snapshot with seqId S older than the
//     first buffered update's prevSeqId is refetched; buffered updates with seqId <= S are
//     dropped; the first one kept must satisfy prevSeqId <= S < seqId; then every update must
//     have prevSeqId == the last applied seqId.
// While live: an update whose prevSeqId equals its seqId is a heartbeat (no change); a prevSeqId
// other than the last seqId is a gap; a seqId below its prevSeqId is the venue's sequence reset.
// Every message with a non-zero checksum is verified after it is applied (CRC32 over the top 25
// levels from the venue's text, signed); 0 means "no checksum" (OKX, 2026). Frames of the 2022
// protocol carry no seqId at all: then only the checksum guards the book.
#pragma once

#include <astra/connector.h>
#include <astra/sdk/l2_book.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace astra::okx {

// One level as received: parsed value and the venue's exact text (checksums use the text).
struct Level {
  astra_book_level value{};
  std::string price;
  std::string size;
};

// One `books` push (one element of `data`), or a REST snapshot.
struct BookMessage {
  bool snapshot = false;
  std::vector<Level> bids;
  std::vector<Level> asks;
  int64_t time_us = 0;
  int32_t checksum = 0;  // 0: none
  bool has_seq = false;
  int64_t seq_id = 0;
  int64_t prev_seq_id = 0;  // -1 on a WebSocket snapshot
};

// What the connector must do after a step: emit events, count, fetch, or resynchronize.
struct SyncOutput {
  struct Emit {
    uint32_t kind = ASTRA_BOOK_UPDATE;  // SNAPSHOT or UPDATE
    uint64_t update_id = 0;
    int64_t time_us = 0;
    std::vector<astra_book_level> bids;
    std::vector<astra_book_level> asks;
  };
  std::vector<Emit> emits;
  uint64_t checksum_ok = 0;
  uint64_t checksum_failures = 0;
  uint64_t stale_dropped = 0;
  bool fetch_snapshot = false;  // ask for a REST snapshot (seqId sync)
  uint32_t reset = 0;           // ASTRA_RESET_*: the book broke; it is cleared, resync it

  void clear() {
    emits.clear();
    checksum_ok = checksum_failures = stale_dropped = 0;
    fetch_snapshot = false;
    reset = 0;
  }
};

class BookSync {
 public:
  enum class State {
    awaiting,   // nothing usable yet: waits for a WS snapshot or a seqId update
    buffering,  // seqId updates buffered, a REST snapshot is wanted
    live
  };

  static constexpr size_t kMaxBuffered = 4000;

  State state() const noexcept { return state_; }
  bool live() const noexcept { return state_ == State::live; }
  // True when the stream carries seqIds (a REST snapshot can resynchronize it).
  bool sequenced() const noexcept { return sequenced_; }
  uint64_t last_seq() const noexcept { return last_ >= 0 ? static_cast<uint64_t>(last_) : 0; }
  const sdk::L2Book& book() const noexcept { return book_; }
  size_t buffered() const noexcept { return buffer_.size(); }

  // Forget the book and the buffer; wait for a snapshot.
  void restart();

  // A WebSocket push for this market.
  void on_message(const BookMessage& m, SyncOutput& out);
  // A REST snapshot (must carry a seqId). Ignored unless buffering.
  void on_rest_snapshot(const BookMessage& m, SyncOutput& out);

 private:
  void load(const BookMessage& m, SyncOutput& out);   // replaces the book, emits SNAPSHOT
  bool apply(const BookMessage& m, SyncOutput& out);  // applies, checks, emits UPDATE
  void fail(uint32_t reason, SyncOutput& out);
  void on_live_update(const BookMessage& m, SyncOutput& out);

  State state_ = State::awaiting;
  bool sequenced_ = false;
  bool bridging_ = false;  // live from a REST snapshot, no update applied yet
  int64_t last_ = -1;      // last applied seqId; -1: none
  sdk::L2Book book_;
  std::deque<BookMessage> buffer_;
};

}  // namespace astra::okx
