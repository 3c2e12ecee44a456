// The next layer of a client WebSocket stream: a beast::tcp_stream whose writes never interleave.
//
// The session writes its data frames itself (several messages framed into one socket write, see
// websocket_session.cpp) while Beast still reads and writes its own control frames (pong, keep-
// alive ping, close) and the handshake answer. Beast serializes only its own writes, so both kinds
// go through this gate: every write here writes its whole buffer (a composed async_write) and
// writes run one at a time, in the order they were asked for. One write's bytes therefore never
// land inside another's frame. Reads pass straight through.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <deque>
#include <memory>
#include <utility>

namespace astra::host {

class GatedStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;

  explicit GatedStream(next_layer_type&& stream)
      : stream_(std::move(stream)), gate_(std::make_shared<Gate>(this, stream_.get_executor())) {}
  GatedStream(GatedStream&&) = delete;
  // A write may still be in flight (Beast's keep-alive ping holds no reference to the session):
  // it then finds the gate closed and touches nothing of this stream.
  ~GatedStream() {
    gate_->stream = nullptr;
    gate_->waiting.clear();
  }

  executor_type get_executor() noexcept { return stream_.get_executor(); }
  next_layer_type& next_layer() noexcept { return stream_; }
  const next_layer_type& next_layer() const noexcept { return stream_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return stream_.async_read_some(buffers, std::forward<Token>(token));
  }

  // Beast's writes: the whole buffer, after every write asked for before.
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return async_write_if(buffers, Always{}, std::forward<Token>(token));
  }

  // The whole buffer after every write asked for before, if allowed() still holds when its turn
  // comes; if not, nothing is written and it completes with operation_aborted.
  template <class ConstBuffers, class Allowed, class Token>
  auto async_write_if(const ConstBuffers& buffers, Allowed allowed, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        Op<ConstBuffers, Allowed>{gate_, buffers, std::move(allowed)}, token, stream_);
  }

 private:
  using Resume = boost::asio::any_completion_handler<void(boost::system::error_code, size_t)>;

  // Shared with the operations, which may outlive the stream.
  struct Gate {
    Gate(GatedStream* s, executor_type e) : stream(s), executor(std::move(e)) {}
    GatedStream* stream;  // null once the stream is gone
    executor_type executor;
    bool busy = false;
    std::deque<Resume> waiting;

    // Hands the gate to the oldest waiter (it stays busy), or frees it.
    void release() {
      if (waiting.empty()) {
        busy = false;
        return;
      }
      Resume next = std::move(waiting.front());
      waiting.pop_front();
      boost::asio::post(executor, [next = std::move(next)]() mutable {
        std::move(next)(boost::system::error_code{}, size_t{0});
      });
    }
  };

  struct Always {
    bool operator()() const noexcept { return true; }
  };

  template <class ConstBuffers, class Allowed>
  struct Op {
    std::shared_ptr<Gate> gate;
    ConstBuffers buffers;
    Allowed allowed;
    enum { start, queued, writing, refused } state = start;

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t n = 0) {
      switch (state) {
        case start:
          if (gate->busy) {
            state = queued;  // the gate is handed over to us by release()
            gate->waiting.emplace_back(std::move(self));
            return;
          }
          gate->busy = true;
          [[fallthrough]];
        case queued:
          if (gate->stream == nullptr || !allowed()) {
            gate->release();
            state = refused;  // completes from the loop, never inside the initiating call
            boost::asio::post(gate->executor, std::move(self));
            return;
          }
          state = writing;
          boost::asio::async_write(gate->stream->stream_.socket(), buffers, std::move(self));
          return;
        case writing:
          gate->release();
          self.complete(ec, n);
          return;
        case refused:
          self.complete(boost::asio::error::operation_aborted, 0);
          return;
      }
    }
  };

  next_layer_type stream_;
  std::shared_ptr<Gate> gate_;
};

// Beast's closing handshake ends with a teardown of the next layer: the TCP stream's.
inline void teardown(boost::beast::role_type role, GatedStream& stream,
                     boost::system::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <class Handler>
void async_teardown(boost::beast::role_type role, GatedStream& stream, Handler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<Handler>(handler));
}

}  // namespace astra::host
