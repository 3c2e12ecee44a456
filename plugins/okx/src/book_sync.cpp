#include "book_sync.hpp"

#include <astra/sdk/checksum.hpp>

namespace astra::okx {

namespace {

std::vector<astra_book_level> values_of(const std::vector<Level>& levels) {
  std::vector<astra_book_level> out;
  out.reserve(levels.size());
  for (const Level& l : levels)
    out.push_back(l.value);
  return out;
}

// Sets every level of a message into the book; false when one is refused (never after the
// decoder's checks, but a refused level must not pass silently).
bool set_levels(sdk::L2Book& book, const BookMessage& m) {
  bool ok = true;
  for (const Level& l : m.bids)
    ok = book.apply(sdk::BookSide::bid, l.price, l.size) && ok;
  for (const Level& l : m.asks)
    ok = book.apply(sdk::BookSide::ask, l.price, l.size) && ok;
  return ok;
}

}  // namespace

void BookSync::restart() {
  state_ = State::awaiting;
  bridging_ = false;
  last_ = -1;
  book_.clear();
  buffer_.clear();
}

void BookSync::fail(uint32_t reason, SyncOutput& out) {
  out.reset = reason;
  restart();
}

void BookSync::load(const BookMessage& m, SyncOutput& out) {
  book_.clear();
  if (!set_levels(book_, m)) {
    fail(ASTRA_RESET_GAP, out);
    return;
  }
  if (m.checksum != 0) {
    if (sdk::okx_checksum(book_) != m.checksum) {
      ++out.checksum_failures;
      fail(ASTRA_RESET_CHECKSUM, out);
      return;
    }
    ++out.checksum_ok;
  }
  state_ = State::live;
  bridging_ = false;
  last_ = m.has_seq ? m.seq_id : -1;
  SyncOutput::Emit e;
  e.kind = ASTRA_BOOK_SNAPSHOT;
  e.update_id = last_seq();
  e.time_us = m.time_us;
  e.bids = book_.top(sdk::BookSide::bid);
  e.asks = book_.top(sdk::BookSide::ask);
  out.emits.push_back(std::move(e));
}

bool BookSync::apply(const BookMessage& m, SyncOutput& out) {
  if (!set_levels(book_, m)) {
    fail(ASTRA_RESET_GAP, out);
    return false;
  }
  if (m.checksum != 0) {
    if (sdk::okx_checksum(book_) != m.checksum) {
      ++out.checksum_failures;
      fail(ASTRA_RESET_CHECKSUM, out);
      return false;
    }
    ++out.checksum_ok;
  }
  if (m.has_seq) last_ = m.seq_id;
  SyncOutput::Emit e;
  e.kind = ASTRA_BOOK_UPDATE;
  e.update_id = m.has_seq ? last_seq() : 0;
  e.time_us = m.time_us;
  e.bids = values_of(m.bids);
  e.asks = values_of(m.asks);
  out.emits.push_back(std::move(e));
  return true;
}

void BookSync::on_live_update(const BookMessage& m, SyncOutput& out) {
  if (!m.has_seq || last_ < 0) {
    apply(m, out);  // the 2022 protocol: only the checksum guards the book
    return;
  }
  if (m.seq_id < m.prev_seq_id) {
    fail(ASTRA_RESET_VENUE, out);  // the venue restarted its sequence (maintenance)
    return;
  }
  if (bridging_) {
    if (m.seq_id <= last_) {
      ++out.stale_dropped;  // already inside the REST snapshot
      return;
    }
    if (m.prev_seq_id <= last_) {
      bridging_ = false;
      apply(m, out);
      return;
    }
    fail(ASTRA_RESET_GAP, out);
    return;
  }
  if (m.prev_seq_id == m.seq_id) {
    // Heartbeat: no change, same seqId as the last push.
    if (m.seq_id != last_) {
      fail(ASTRA_RESET_GAP, out);
      return;
    }
    if (m.checksum != 0) {
      if (sdk::okx_checksum(book_) != m.checksum) {
        ++out.checksum_failures;
        fail(ASTRA_RESET_CHECKSUM, out);
        return;
      }
      ++out.checksum_ok;
    }
    return;
  }
  if (m.prev_seq_id != last_) {
    fail(ASTRA_RESET_GAP, out);
    return;
  }
  apply(m, out);
}

void BookSync::on_message(const BookMessage& m, SyncOutput& out) {
  sequenced_ = m.has_seq;
  if (m.snapshot) {
    buffer_.clear();
    load(m, out);
    return;
  }
  switch (state_) {
    case State::awaiting:
      if (!m.has_seq) return;  // nothing to bridge onto: wait for a WebSocket snapshot
      break;
    case State::buffering:
      if (!m.has_seq) return;
      break;
    case State::live:
      on_live_update(m, out);
      // A gap or a bad checksum does not make this push wrong: it starts the new buffer.
      if (state_ != State::awaiting || !m.has_seq || out.reset == ASTRA_RESET_VENUE) return;
      break;
  }
  if (m.seq_id < m.prev_seq_id) {
    buffer_.clear();  // a sequence reset: what was buffered belongs to the old sequence
    return;
  }
  if (buffer_.size() >= kMaxBuffered) buffer_.pop_front();
  buffer_.push_back(m);
  if (state_ != State::buffering) {
    state_ = State::buffering;
    out.fetch_snapshot = true;
  }
}

void BookSync::on_rest_snapshot(const BookMessage& m, SyncOutput& out) {
  if (state_ != State::buffering || !m.has_seq) return;
  const int64_t s = m.seq_id;
  while (!buffer_.empty() && buffer_.front().seq_id <= s) {
    buffer_.pop_front();
    ++out.stale_dropped;
  }
  if (!buffer_.empty() && buffer_.front().prev_seq_id > s) {
    out.fetch_snapshot = true;  // older than what was buffered: fetch again
    return;
  }
  std::deque<BookMessage> pending = std::move(buffer_);
  buffer_.clear();
  load(m, out);
  if (state_ != State::live) return;
  bridging_ = true;
  for (const BookMessage& b : pending) {
    on_live_update(b, out);
    if (state_ != State::live) return;
  }
}

}  // namespace astra::okx
