// One /ws client: subscribes through the Api before the upgrade (so errors are plain HTTP
// answers), then streams the deliveries it gets.
//
// Slow clients: one write in flight and a bounded queue (ws_queue_limit). When a book message
// arrives with the queue full, the pending book messages are dropped and replaced by ONE fresh
// snapshot from the Api; later updates with updateId <= the snapshot's are skipped. A client
// still behind ws_behind_close_ms after it first fell behind is closed with 1008 "client too
// slow". Trades cannot be replaced: a trade stream that reaches twice the limit is closed at once.
//
// Writes: the session frames its messages itself and sends every message queued when the socket
// is free (up to kMaxBatch) in one socket write, through GatedStream so that Beast's control
// frames never land inside them. The queue limit counts every held message but one of a batch in
// flight, as it did when one message was written at a time: at most ws_queue_limit + 1 are held.
#pragma once

#include "server/gated_stream.hpp"
#include "server/state.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace astra::host {

class WebsocketSession : public Closable, public std::enable_shared_from_this<WebsocketSession> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  WebsocketSession(boost::beast::tcp_stream&& stream, std::shared_ptr<ServerState> state,
                   std::unique_ptr<ConnectionSlot> slot);
  ~WebsocketSession() override;

  // Subscribes, then answers the upgrade (101, or the HTTP error). started is the request's
  // arrival time, for the request metrics.
  void start(Request request, std::string market, std::string data_type,
             std::chrono::steady_clock::time_point started);
  void shutdown() override;

  // From the engine thread (through the subscriber): posts to this session's strand.
  void post_delivery(std::shared_ptr<const std::string> message, core::MessageKind kind,
                     uint64_t update_id);

 private:
  enum class Kind { snapshot, update, reset, trades, control };
  struct Pending {
    std::shared_ptr<const std::string> message;
    Kind kind;
  };

  void on_subscribed(core::Result<core::SubscriptionId> result);
  void fail_upgrade(unsigned status, std::string body);
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, size_t bytes);
  void on_delivery(std::shared_ptr<const std::string> message, core::MessageKind kind,
                   uint64_t update_id);
  void on_snapshot(SnapshotMessage snapshot);
  void push(Pending p);
  void replace_with_snapshot(std::optional<Pending> snapshot);
  void fall_behind();
  void do_write();
  void on_write(boost::beast::error_code ec, size_t bytes);
  void close_with(uint16_t code, std::string reason);
  void do_close();
  void finish();
  void record(unsigned status);
  void sync_depth();  // keeps astra_ws_queue_depth equal to the sum of queue sizes
  size_t waiting() const noexcept { return queue_.size() - (in_flight_ > 0 ? 1 : 0); }

  // Messages per socket write: 2 buffers each (frame header, payload), and 64 buffers is what
  // one sendmsg takes from Asio.
  static constexpr size_t kMaxBatch = 32;

  boost::beast::websocket::stream<GatedStream> ws_;
  const boost::asio::any_io_executor executor_;  // the connection's strand
  std::shared_ptr<ServerState> state_;
  std::unique_ptr<ConnectionSlot> slot_;
  Request request_;
  std::chrono::steady_clock::time_point started_;
  boost::beast::flat_buffer read_buffer_;
  boost::asio::steady_timer behind_timer_;
  boost::asio::steady_timer close_timer_;

  std::string market_;
  std::optional<core::SubscriptionId> subscription_;
  std::deque<Pending> queue_;  // the first in_flight_ are being written
  size_t in_flight_ = 0;
  std::array<std::array<unsigned char, 10>, kMaxBatch> headers_{};  // of the batch in flight
  std::vector<boost::asio::const_buffer> out_;                      // the batch in flight
  size_t counted_ = 0;  // queue_.size() as last added to astra_ws_queue_depth
  bool accepted_ = false;
  bool closing_ = false;  // a close frame is due (after the write in flight)
  bool finished_ = false;
  std::optional<boost::beast::websocket::close_reason> close_reason_;
  // Slow-client state.
  bool behind_ = false;
  uint64_t behind_generation_ = 0;
  bool awaiting_snapshot_ = false;  // updates are dropped until a snapshot is queued
  bool snapshot_requested_ = false;
  uint64_t skip_through_ = 0;  // updates with updateId <= this are already in a queued snapshot
};

}  // namespace astra::host
