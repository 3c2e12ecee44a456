// The few pieces of RFC 6455 the load harness needs on raw sockets: the opening handshake, frame
// headers and an incremental frame parser. Raw sockets keep the load side cheap: the feed writes a
// whole batch of pre-framed updates with one send(), the clients read many frames per recv().
#pragma once

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace astra::loadgen {

using Clock = std::chrono::steady_clock;

inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
inline std::string ws_accept_key(std::string_view key) {
  const std::string text = std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  unsigned char out[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

// Appends a frame header; server frames are unmasked, client frames carry a (zero) mask key,
// which leaves the payload unchanged.
inline void append_frame_header(std::string& out, uint8_t opcode, size_t length, bool masked) {
  out += static_cast<char>(0x80 | opcode);
  const char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (length < 126) {
    out += static_cast<char>(mask_bit | static_cast<char>(length));
  } else if (length <= 0xffff) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>((length >> 8) & 0xff);
    out += static_cast<char>(length & 0xff);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out += static_cast<char>((length >> shift) & 0xff);
  }
  if (masked) out.append(4, '\0');
}

inline void append_frame(std::string& out, uint8_t opcode, std::string_view payload, bool masked) {
  append_frame_header(out, opcode, payload.size(), masked);
  out.append(payload);
}

struct Frame {
  uint8_t opcode = 0;
  bool fin = false;
  std::string_view payload;
};

// Parses one frame at the start of [data, data+size), unmasking in place. Returns the bytes it
// spans, 0 when the frame is not complete yet, or -1 for a malformed or oversized frame.
inline long parse_frame(char* data, size_t size, Frame& frame, size_t max_payload) {
  if (size < 2) return 0;
  const auto b0 = static_cast<uint8_t>(data[0]);
  const auto b1 = static_cast<uint8_t>(data[1]);
  if ((b0 & 0x70) != 0) return -1;  // no extensions negotiated
  const bool masked = (b1 & 0x80) != 0;
  uint64_t length = b1 & 0x7f;
  size_t at = 2;
  if (length == 126) {
    if (size < 4) return 0;
    length = (uint64_t(uint8_t(data[2])) << 8) | uint8_t(data[3]);
    at = 4;
  } else if (length == 127) {
    if (size < 10) return 0;
    length = 0;
    for (int i = 0; i < 8; ++i)
      length = (length << 8) | uint8_t(data[2 + i]);
    at = 10;
  }
  if (length > max_payload) return -1;
  char mask[4] = {0, 0, 0, 0};
  if (masked) {
    if (size < at + 4) return 0;
    std::memcpy(mask, data + at, 4);
    at += 4;
  }
  if (size < at + length) return 0;
  char* payload = data + at;
  if (masked)
    for (uint64_t i = 0; i < length; ++i)
      payload[i] ^= mask[i & 3];
  frame.opcode = b0 & 0x0f;
  frame.fin = (b0 & 0x80) != 0;
  frame.payload = std::string_view(payload, length);
  return static_cast<long>(at + length);
}

// Reads an HTTP head (through the blank line) from a blocking or non-blocking socket without
// consuming a byte past it: peeks, then takes exactly the head. Bounded by `timeout`.
inline bool read_http_head(int fd, std::string& head, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char buf[8192];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK);
    if (n <= 0) return false;
    const std::string_view seen(buf, static_cast<size_t>(n));
    const size_t end = seen.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (n == sizeof buf) return false;  // a head this large is not ours
      continue;
    }
    head.assign(buf, end + 4);
    return recv(fd, buf, end + 4, 0) == static_cast<ssize_t>(end + 4);
  }
  return false;
}

// Writes all of `data` to a socket, waiting (bounded) while its buffer is full.
inline bool send_all(int fd, std::string_view data, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    if (Clock::now() >= deadline) return false;
    pollfd p{fd, POLLOUT, 0};
    poll(&p, 1, 10);
  }
  return true;
}

}  // namespace astra::loadgen
