#!/usr/bin/env python3
"""Holds one WebSocket ORDERBOOK subscription on the gateway open (Python stdlib only), so the
market streams and GET /orderbook is served from the live in-memory book. Prints "synced <n>"
once the first snapshot message arrived, then reads (and answers pings) until killed.

usage: ws_hold.py HOST PORT MARKET KEY"""
import base64
import os
import socket
import struct
import sys


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("gateway closed the WebSocket")
        buf += chunk
    return buf


def send_frame(sock, opcode, payload):
    # Client frames are masked (RFC 6455 5.3).
    mask = os.urandom(4)
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def main():
    host, port, market, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    sock = socket.create_connection((host, port))
    nonce = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (f"GET /ws?market={market}&dataType=ORDERBOOK HTTP/1.1\r\nHost: {host}:{port}\r\n"
         f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {nonce}\r\n"
         f"Sec-WebSocket-Version: 13\r\nx-astra-api-key: Bearer {key}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            sys.exit("ws_hold: no handshake answer")
        head += chunk
    status, rest = head.split(b"\r\n\r\n", 1)
    if b" 101 " not in status.split(b"\r\n")[0]:
        sys.exit("ws_hold: upgrade refused: " + status.decode(errors="replace"))
    pending = rest
    messages = 0
    synced = False
    while True:
        def take(n):
            nonlocal pending
            if len(pending) < n:
                pending += read_exact(sock, n - len(pending))
            out, pending = pending[:n], pending[n:]
            return out

        b0, b1 = take(2)
        opcode, n = b0 & 0x0F, b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", take(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", take(8))[0]
        payload = take(n)
        if opcode == 0x9:
            send_frame(sock, 0xA, payload)
        elif opcode == 0x8:
            sys.exit("ws_hold: gateway closed the subscription")
        elif opcode in (0x1, 0x0):
            messages += 1
            if not synced and b'"snapshot":true' in payload:
                synced = True
                print(f"synced {messages}", flush=True)


if __name__ == "__main__":
    main()
