#include "server/http_session.hpp"

#include "server/errors.hpp"
#include "server/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace astra::host {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using std::chrono::milliseconds;

namespace {

// An Api call that has not answered by then gets a 504 (the connection moves on).
constexpr std::chrono::seconds kApiDeadline{30};
// After the last response on a closing connection, unread request bytes are drained (so that
// the close does not reset the connection and lose the response) up to these bounds.
constexpr std::chrono::seconds kLingerTime{1};
constexpr size_t kLingerBytes = 1 << 20;

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state,
                         Port port, std::unique_ptr<ConnectionSlot> slot)
    : stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      state_(std::move(state)),
      port_(port),
      slot_(std::move(slot)),
      // Room for the largest allowed header plus one read; the parser's limits fire first.
      buffer_(state_->config.max_header_bytes + 64 * 1024),
      api_deadline_(executor_) {}

HttpSession::~HttpSession() {
  state_->remove_session(this);
}

void HttpSession::run() {
  net::dispatch(executor_, [self = shared_from_this()] {
    self->state_->add_session(self.get(), self->weak_from_this());
    if (!self->slot_) {
      self->started_ = std::chrono::steady_clock::now();
      self->reply(error_reply(503, "too_many_connections", "the server is at max_connections"),
                  false);
      return;
    }
    self->wait_for_request();
  });
}

void HttpSession::shutdown() {
  net::post(executor_, [self = shared_from_this()] { self->close(); });
}

void HttpSession::wait_for_request() {
  if (closed_ || state_->stopping) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(state_->config.max_header_bytes));
  parser_->body_limit(state_->config.max_body_bytes);
  if (buffer_.size() > 0) {  // a pipelined request is already here
    started_ = std::chrono::steady_clock::now();
    read_request();
    return;
  }
  // Keep-alive: wait for the first byte of the next request, at most idle_timeout.
  stream_.expires_after(milliseconds(state_->config.idle_timeout_ms));
  stream_.async_read_some(
      buffer_.prepare(1024),
      beast::bind_front_handler(&HttpSession::on_first_bytes, shared_from_this()));
}

void HttpSession::on_first_bytes(beast::error_code ec, size_t bytes) {
  if (ec) return close();
  buffer_.commit(bytes);
  started_ = std::chrono::steady_clock::now();
  read_request();
}

void HttpSession::read_request() {
  // The whole request (header and body) must arrive within read_timeout.
  stream_.expires_after(milliseconds(state_->config.read_timeout_ms));
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, size_t) {
  route_ = "other";
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return reply(error_reply(431, "headers_too_large", "request headers are too large"), false);
  }
  if (ec == http::error::body_limit) {
    return reply(error_reply(413, "body_too_large", "request body is too large"), false);
  }
  if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return reply(error_reply(400, "bad_request", "malformed HTTP request"), false);
  }
  if (ec) return close();  // closed by the client, timed out, reset
  handle(parser_->release());
}

void HttpSession::handle(Request request) {
  version_ = request.version();
  const bool keep_alive = request.keep_alive();
  if (port_ == Port::metrics) return handle_metrics_port(request);

  auto target = parse_target(request.target());
  if (!target) return reply(Reply{400, error_json(target.error())}, false);
  if (auto denied = authenticate(state_->api, request))
    return reply(std::move(*denied), keep_alive);

  const Route route = find_route(target->path);
  route_ = std::string(route_label(route));
  if (route == Route::unknown) {
    return reply(error_reply(404, "not_found", "no such route"), keep_alive);
  }
  if (request.method() != http::verb::get) {
    Reply r = error_reply(405, "method_not_allowed", "only GET is allowed here");
    r.allow_get = true;
    return reply(std::move(r), keep_alive);
  }

  if (route == Route::ws) {
    if (!beast::websocket::is_upgrade(request)) {
      return reply(error_reply(426, "upgrade_required", "/ws needs a WebSocket upgrade"), false);
    }
    auto market = target->param("market");
    auto data_type = target->param("dataType");
    if (!market || market->empty()) {
      return reply(error_reply(400, "missing_parameter", "query parameter 'market' is required"),
                   false);
    }
    if (!data_type || data_type->empty()) {
      return reply(error_reply(400, "missing_parameter", "query parameter 'dataType' is required"),
                   false);
    }
    // The connection (and its slot) now belongs to the WebSocket session.
    closed_ = true;
    auto ws = std::make_shared<WebsocketSession>(std::move(stream_), state_, std::move(slot_));
    ws->start(std::move(request), std::string(*market), std::string(*data_type), started_);
    return;
  }

  const uint64_t seq = ++request_seq_;
  api_deadline_.expires_after(kApiDeadline);
  api_deadline_.async_wait([self = shared_from_this(), seq, keep_alive](beast::error_code ec) {
    if (ec || seq != self->request_seq_ || self->closed_) return;
    ++self->request_seq_;  // the late answer is ignored
    self->reply(error_reply(504, "deadline_exceeded", "the gateway did not answer in time"),
                keep_alive);
  });
  handle_rest(state_->api, route, *target, [self = shared_from_this(), seq, keep_alive](Reply r) {
    net::post(self->executor_, [self, seq, keep_alive, r = std::move(r)]() mutable {
      if (seq != self->request_seq_ || self->closed_) return;
      ++self->request_seq_;
      self->api_deadline_.cancel();
      self->reply(std::move(r), keep_alive);
    });
  });
}

void HttpSession::handle_metrics_port(const Request& request) {
  route_ = "/metrics";
  const bool keep_alive = request.keep_alive();
  const std::string_view target = request.target();
  if (target != "/metrics" && !target.starts_with("/metrics?")) {
    route_ = "other";
    return reply(error_reply(404, "not_found", "only /metrics is served here"), keep_alive);
  }
  if (request.method() != http::verb::get) {
    Reply r = error_reply(405, "method_not_allowed", "only GET is allowed here");
    r.allow_get = true;
    return reply(std::move(r), keep_alive);
  }
  reply(Reply{200, state_->metrics.render(), "text/plain; version=0.0.4; charset=utf-8"},
        keep_alive);
}

void HttpSession::reply(Reply r, bool keep_alive) {
  if (closed_) return;
  response_ = std::make_shared<Response>(static_cast<http::status>(r.status), version_);
  response_->set(http::field::server, "astra");
  response_->set(http::field::content_type, r.content_type);
  if (r.allow_get) response_->set(http::field::allow, "GET");
  response_->keep_alive(keep_alive && !state_->stopping);
  response_->body() = std::move(r.body);
  response_->prepare_payload();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  state_->record_request(route_, r.status, seconds);
  stream_.expires_after(milliseconds(state_->config.read_timeout_ms));
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                              response_->keep_alive()));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, size_t) {
  response_.reset();
  if (ec) return close();
  if (!keep_alive) return linger_close();
  wait_for_request();
}

void HttpSession::linger_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(net::buffer(linger_buffer_),
                          beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::on_linger(beast::error_code ec, size_t bytes) {
  lingered_ += bytes;
  if (ec || lingered_ > kLingerBytes) return close();
  stream_.async_read_some(net::buffer(linger_buffer_),
                          beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  api_deadline_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace astra::host
