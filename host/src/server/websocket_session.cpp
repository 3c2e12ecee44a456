#include "server/websocket_session.hpp"

#include "server/errors.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <span>

namespace astra::host {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using std::chrono::milliseconds;

namespace {

// Hands the gateway's deliveries (engine thread) to a session that may be gone.
class SessionSubscriber final : public core::Subscriber {
 public:
  explicit SessionSubscriber(std::weak_ptr<WebsocketSession> session)
      : session_(std::move(session)) {}
  void deliver(const std::shared_ptr<const std::string>& message, core::MessageKind kind,
               uint64_t update_id) override {
    if (auto s = session_.lock()) s->post_delivery(message, kind, update_id);
  }

 private:
  std::weak_ptr<WebsocketSession> session_;
};

// The header of an unmasked, unfragmented server text frame (RFC 6455 section 5.2): FIN and
// opcode 1, then the payload length in 7, 7+16 or 7+64 bits, network order. Returns its size.
size_t text_frame_header(size_t length, std::array<unsigned char, 10>& h) {
  h[0] = 0x81;
  if (length < 126) {
    h[1] = static_cast<unsigned char>(length);
    return 2;
  }
  if (length <= 0xffff) {
    h[1] = 126;
    h[2] = static_cast<unsigned char>(length >> 8);
    h[3] = static_cast<unsigned char>(length);
    return 4;
  }
  h[1] = 127;
  for (int i = 0; i < 8; ++i)
    h[2 + i] = static_cast<unsigned char>(static_cast<uint64_t>(length) >> (56 - 8 * i));
  return 10;
}

std::shared_ptr<const std::string> control_message(std::string_view code,
                                                   std::string_view message) {
  return std::make_shared<const std::string>(error_json(code, message));
}

}  // namespace

WebsocketSession::WebsocketSession(beast::tcp_stream&& stream, std::shared_ptr<ServerState> state,
                                   std::unique_ptr<ConnectionSlot> slot)
    : ws_(std::move(stream)),
      executor_(ws_.get_executor()),
      state_(std::move(state)),
      slot_(std::move(slot)),
      behind_timer_(executor_),
      close_timer_(executor_) {}

WebsocketSession::~WebsocketSession() {
  if (subscription_) state_->api.unsubscribe(*subscription_);
  if (accepted_ && !finished_) state_->ws_clients.add(-1);
  state_->ws_queue_depth.add(-static_cast<int64_t>(counted_));
  state_->remove_session(this);
}

void WebsocketSession::start(Request request, std::string market, std::string data_type,
                             std::chrono::steady_clock::time_point started) {
  request_ = std::move(request);
  market_ = std::move(market);
  started_ = started;
  state_->add_session(this, weak_from_this());
  // The subscription answer and the handshake must come within the read timeout.
  beast::get_lowest_layer(ws_).expires_after(milliseconds(state_->config.read_timeout_ms));
  auto subscriber = std::make_shared<SessionSubscriber>(weak_from_this());
  state_->api.subscribe(market_, std::move(data_type), std::move(subscriber),
                        [self = shared_from_this()](core::Result<core::SubscriptionId> r) {
                          net::post(self->executor_, [self, r = std::move(r)]() mutable {
                            self->on_subscribed(std::move(r));
                          });
                        });
}

void WebsocketSession::record(unsigned status) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  state_->record_request("/ws", status, seconds);
}

void WebsocketSession::on_subscribed(core::Result<core::SubscriptionId> result) {
  if (finished_) {
    if (result) state_->api.unsubscribe(*result);
    return;
  }
  if (!result) {
    fail_upgrade(http_status(result.error().status), error_json(result.error()));
    return;
  }
  subscription_ = *result;

  ws_.read_message_max(state_->config.max_ws_message_bytes);
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = milliseconds(state_->config.read_timeout_ms);
  timeout.idle_timeout = milliseconds(state_->config.idle_timeout_ms);
  timeout.keep_alive_pings = true;
  // The websocket stream has its own timeouts; the TCP stream's must be off.
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "astra"); }));
  ws_.async_accept(request_,
                   beast::bind_front_handler(&WebsocketSession::on_accept, shared_from_this()));
}

void WebsocketSession::fail_upgrade(unsigned status, std::string body) {
  record(status);
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status),
                                                                 request_.version());
  res->set(http::field::server, "astra");
  res->set(http::field::content_type, "application/json");
  res->keep_alive(false);
  res->body() = std::move(body);
  res->prepare_payload();
  http::async_write(ws_.next_layer(), *res,
                    [self = shared_from_this(), res](beast::error_code, size_t) {
                      beast::error_code ignored;
                      beast::get_lowest_layer(self->ws_).socket().shutdown(
                          net::ip::tcp::socket::shutdown_send, ignored);
                      self->finish();
                    });
}

void WebsocketSession::on_accept(beast::error_code ec) {
  if (ec) {
    record(400);  // Beast answered the bad handshake itself
    finish();
    return;
  }
  record(101);
  accepted_ = true;
  state_->ws_clients.add(1);
  if (finished_) return;
  do_read();
  do_write();
}

void WebsocketSession::do_read() {
  ws_.async_read(read_buffer_,
                 beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this()));
}

void WebsocketSession::on_read(beast::error_code ec, size_t) {
  // Any error ends the session: the client closed, sent an oversized message (Beast has closed
  // with 1009), broke the protocol, timed out, or we closed.
  if (ec) {
    finish();
    return;
  }
  if (!closing_) {
    if (!ws_.got_text()) {
      close_with(static_cast<uint16_t>(websocket::close_code::unknown_data),
                 "binary frames are not supported");
    } else {
      const std::string_view text(static_cast<const char*>(read_buffer_.data().data()),
                                  read_buffer_.size());
      // Replies to a client that sends but does not read are dropped (bounded memory).
      if (nlohmann::json::accept(text)) {
        push({control_message("unsupported",
                              "this stream takes no client messages; subscribe with "
                              "/ws?market=M&dataType=ORDERBOOK|TRADE"),
              Kind::control});
      } else {
        push({control_message("bad_json", "message is not valid JSON"), Kind::control});
      }
    }
  }
  read_buffer_.consume(read_buffer_.size());
  do_read();
}

void WebsocketSession::post_delivery(std::shared_ptr<const std::string> message,
                                     core::MessageKind kind, uint64_t update_id) {
  net::post(executor_,
            [self = shared_from_this(), message = std::move(message), kind, update_id]() mutable {
              self->on_delivery(std::move(message), kind, update_id);
            });
}

void WebsocketSession::on_delivery(std::shared_ptr<const std::string> message,
                                   core::MessageKind kind, uint64_t update_id) {
  if (finished_ || closing_ || !message) return;
  switch (kind) {
    case core::MessageKind::trades:
      push({std::move(message), Kind::trades});
      return;
    case core::MessageKind::book_reset:
      push({std::move(message), Kind::reset});
      return;
    case core::MessageKind::book_snapshot:
      // A snapshot from the gateway (first one, or after a venue resync) also satisfies a
      // pending replacement.
      awaiting_snapshot_ = false;
      skip_through_ = update_id;
      push({std::move(message), Kind::snapshot});
      return;
    case core::MessageKind::book_update:
      // While a replacement snapshot is on its way, updates are covered by it.
      if (awaiting_snapshot_ || update_id <= skip_through_) return;
      push({std::move(message), Kind::update});
      return;
  }
}

void WebsocketSession::push(Pending p) {
  const size_t limit = std::max<size_t>(state_->config.ws_queue_limit, 1);
  if (waiting() < limit) {
    queue_.push_back(std::move(p));
    sync_depth();
    do_write();
    return;
  }
  switch (p.kind) {
    case Kind::control:
      return;  // a client that does not read gets no replies
    case Kind::trades:
      // Trades cannot be summarized by a snapshot, and are never dropped silently.
      fall_behind();
      if (waiting() >= 2 * limit) {
        state_->ws_slow_closed.inc();
        close_with(static_cast<uint16_t>(websocket::close_code::policy_error), "client too slow");
        return;
      }
      queue_.push_back(std::move(p));
      sync_depth();
      return;
    case Kind::snapshot:
      replace_with_snapshot(std::move(p));
      return;
    case Kind::update:
    case Kind::reset:
      replace_with_snapshot(std::nullopt);
      return;
  }
}

void WebsocketSession::replace_with_snapshot(std::optional<Pending> snapshot) {
  const auto first = queue_.begin() + static_cast<ptrdiff_t>(in_flight_);
  queue_.erase(std::remove_if(first, queue_.end(),
                              [](const Pending& p) {
                                return p.kind == Kind::snapshot || p.kind == Kind::update ||
                                       p.kind == Kind::reset;
                              }),
               queue_.end());
  state_->ws_snapshots_replaced.inc();
  fall_behind();
  if (snapshot) {
    queue_.push_back(std::move(*snapshot));
    awaiting_snapshot_ = false;
  } else {
    awaiting_snapshot_ = true;
    if (!snapshot_requested_) {
      snapshot_requested_ = true;
      state_->api.snapshot(market_, [self = shared_from_this()](SnapshotMessage s) {
        net::post(self->executor_,
                  [self, s = std::move(s)]() mutable { self->on_snapshot(std::move(s)); });
      });
    }
  }
  sync_depth();
  do_write();
}

void WebsocketSession::on_snapshot(SnapshotMessage snapshot) {
  snapshot_requested_ = false;
  if (finished_ || closing_ || !awaiting_snapshot_) return;  // a gateway snapshot came first
  if (!snapshot.message) {
    // The book is out of sync: tell the client its book is invalid; the gateway delivers a
    // snapshot when the venue has resynchronized.
    nlohmann::json reset = {
        {"market", market_}, {"dataType", "ORDERBOOK"}, {"reset", true}, {"reason", "slow_client"}};
    queue_.push_back({std::make_shared<const std::string>(
                          reset.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)),
                      Kind::reset});
  } else {
    queue_.push_back({std::move(snapshot.message), Kind::snapshot});
    skip_through_ = std::max(skip_through_, snapshot.update_id);
    awaiting_snapshot_ = false;
  }
  sync_depth();
  do_write();
}

void WebsocketSession::fall_behind() {
  if (behind_) return;
  behind_ = true;
  const uint64_t generation = ++behind_generation_;
  behind_timer_.expires_after(milliseconds(state_->config.ws_behind_close_ms));
  behind_timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    if (ec || !self->behind_ || generation != self->behind_generation_) return;
    if (self->finished_ || self->closing_) return;
    self->state_->ws_slow_closed.inc();
    self->close_with(static_cast<uint16_t>(websocket::close_code::policy_error), "client too slow");
  });
}

void WebsocketSession::do_write() {
  if (!accepted_ || in_flight_ > 0 || closing_ || finished_ || queue_.empty()) return;
  // Not open: Beast got the client's close or failed the connection, and sends a close frame;
  // no data frame may follow it. The read in progress ends the session.
  if (!ws_.is_open()) return;
  // Every queued message (up to kMaxBatch) as one text frame each, in one socket write.
  in_flight_ = std::min(queue_.size(), kMaxBatch);
  out_.clear();
  for (size_t i = 0; i < in_flight_; ++i) {
    const std::string& m = *queue_[i].message;
    out_.emplace_back(headers_[i].data(), text_frame_header(m.size(), headers_[i]));
    out_.emplace_back(m.data(), m.size());
  }
  // The same check when the gate lets the batch through (a control frame may have gone first).
  ws_.next_layer().async_write_if(
      std::span<const net::const_buffer>(out_), [this] { return ws_.is_open(); },
      beast::bind_front_handler(&WebsocketSession::on_write, shared_from_this()));
}

void WebsocketSession::on_write(beast::error_code ec, size_t) {
  const size_t sent = in_flight_;
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(sent));
  in_flight_ = 0;
  sync_depth();
  // Refused by the gate: Beast is closing the connection, and its read ends the session.
  if (ec == net::error::operation_aborted && !ws_.is_open()) return;
  if (ec) {
    finish();
    return;
  }
  state_->ws_messages_sent.inc(sent);
  state_->ws_data_writes.fetch_add(1, std::memory_order_relaxed);
  if (closing_) {
    do_close();
    return;
  }
  if (behind_ && queue_.empty() && !awaiting_snapshot_) {
    behind_ = false;  // caught up
    behind_timer_.cancel();
  }
  do_write();
}

void WebsocketSession::close_with(uint16_t code, std::string reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  queue_.erase(queue_.begin() + static_cast<ptrdiff_t>(in_flight_), queue_.end());
  sync_depth();
  close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
  // A client that does not read may never let the write in flight (or the close frame) finish.
  const uint32_t grace = std::max<uint32_t>(1000, state_->config.ws_behind_close_ms);
  close_timer_.expires_after(milliseconds(grace));
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->finished_) return;
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
  if (!accepted_) {
    finish();
    return;
  }
  if (in_flight_ == 0) do_close();
}

void WebsocketSession::do_close() {
  ws_.async_close(*close_reason_,
                  [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void WebsocketSession::shutdown() {
  net::post(executor_, [self = shared_from_this()] {
    self->close_with(static_cast<uint16_t>(websocket::close_code::going_away),
                     "server shutting down");
  });
}

void WebsocketSession::finish() {
  if (finished_) return;
  finished_ = true;
  if (subscription_) {
    state_->api.unsubscribe(*subscription_);
    subscription_.reset();
  }
  if (accepted_) state_->ws_clients.add(-1);
  queue_.erase(queue_.begin() + static_cast<ptrdiff_t>(in_flight_), queue_.end());
  sync_depth();
  behind_timer_.cancel();
  close_timer_.cancel();
  // Ends a write stuck on a client that does not read.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void WebsocketSession::sync_depth() {
  state_->ws_queue_depth.add(static_cast<int64_t>(queue_.size()) - static_cast<int64_t>(counted_));
  counted_ = queue_.size();
}

}  // namespace astra::host
