/*
 * astra/connector.h: the Astra connector C ABI, version 1.
 *
 * This header is the only thing that crosses a shared-library boundary between the Astra host
 * and a venue connector plugin. It is plain C99 with no dependency beyond the C standard
 * library, so a plugin may be written in any language that can export a C function.
 *
 * COMPATIBILITY PROMISE
 *   - One exported symbol: astra_connector_entry (ASTRA_CONNECTOR_ENTRY_NAME).
 *   - Every table and every struct that crosses starts with `uint32_t struct_size`. Fields are only
 *     ever appended; nothing is reordered, removed or renumbered. A receiver treats a field that
 *     lies beyond the sender's struct_size as absent (ASTRA_HAS_FIELD).
 *   - The major version changes only when that promise is broken; the host refuses a plugin of
 *     another major. A newer minor adds fields at the end of tables; both sides cope with an older
 *     minor by checking struct_size.
 *   - Enum values and status codes are never renumbered; unknown values are ignored.
 *
 * SANS-I/O
 *   A plugin never opens a socket, never starts a thread and never sleeps. The host owns every
 *   connection, timer and clock; the plugin asks for I/O through astra_host_api and receives
 *   results through the on_* functions of astra_connector_api.
 *
 * THREADING
 *   (a) The host never calls one connector instance concurrently: all calls into an instance are
 *       serialized (one strand per instance).
 *   (b) A plugin calls host services only from inside a host call into that instance, on the same
 *       thread, and never after destroy() has returned.
 *   (c) Plugin functions must not block.
 *
 * OWNERSHIP AND LIFETIME
 *   - Every pointer passed in either direction is borrowed for the duration of the call only.
 *     Whoever keeps data copies it. Nothing allocated on one side is freed on the other.
 *   - Strings are astra_str views {data, size}: UTF-8, not NUL-terminated unless stated.
 *
 * ERRORS
 *   Errors are values: astra_status codes, and JSON error bodies {"code": "...", "message": "..."}
 *   passed through complete(). No C++ exception or other unwinding ever crosses this boundary.
 *
 * MONEY
 *   Prices and quantities cross as exact decimals (astra_decimal: mantissa x 10^exponent), never as
 *   binary floating point. Control-plane payloads (markets, orders, balances) are JSON in which
 *   decimals are strings.
 *
 * CREDENTIALS
 *   Exchange credentials reach a plugin only as arguments of the call that uses them
 *   (astra_credentials). A plugin never logs them and never keeps them after the call returns;
 *   signing happens inside the call.
 */
#ifndef ASTRA_CONNECTOR_H
#define ASTRA_CONNECTOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ASTRA_ABI_VERSION_MAJOR 1u
#define ASTRA_ABI_VERSION_MINOR 0u

#define ASTRA_CONNECTOR_ENTRY_NAME "astra_connector_entry"

/* True when `field` of struct `type` lies inside the first `size` bytes the sender declared. */
#define ASTRA_HAS_FIELD(type, ptr, field) \
  ((ptr) != NULL && (size_t)(ptr)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

#if defined(_WIN32)
#define ASTRA_EXPORT __declspec(dllexport)
#else
#define ASTRA_EXPORT __attribute__((visibility("default")))
#endif

/* ---------------------------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------------------------- */

/* A borrowed byte span. data may be NULL only when size is 0. */
typedef struct astra_str {
  const char* data;
  size_t size;
} astra_str;

/* An exact decimal: value = mantissa * 10^exponent. "0.35270000" is {35270000, -8}: the exponent
 * keeps the venue's own number of decimals, so formatting gives back the venue's text. */
typedef struct astra_decimal {
  int64_t mantissa;
  int32_t exponent;
} astra_decimal;

/* Status codes (canonical set, never renumbered). */
typedef int32_t astra_status;
enum {
  ASTRA_OK = 0,
  ASTRA_E_INVALID_ARGUMENT = 1,    /* the caller's input is wrong (HTTP 400) */
  ASTRA_E_NOT_FOUND = 2,           /* unknown market, order, ... (HTTP 404) */
  ASTRA_E_UNAUTHENTICATED = 3,     /* missing or bad credentials (HTTP 401) */
  ASTRA_E_PERMISSION_DENIED = 4,   /* credentials valid but not allowed (HTTP 403) */
  ASTRA_E_RESOURCE_EXHAUSTED = 5,  /* rate limited, venue or gateway (HTTP 429) */
  ASTRA_E_UNAVAILABLE = 6,         /* venue unreachable or not ready (HTTP 503) */
  ASTRA_E_DEADLINE_EXCEEDED = 7,   /* timed out (HTTP 504) */
  ASTRA_E_FAILED_PRECONDITION = 8, /* state does not allow it now (HTTP 409) */
  ASTRA_E_UNIMPLEMENTED = 9,       /* operation or capability not supported (HTTP 501) */
  ASTRA_E_INTERNAL = 10,           /* a bug or a caught exception (HTTP 500) */
  ASTRA_E_INCOMPATIBLE = 11,       /* ABI or protocol version mismatch */
  ASTRA_E_REJECTED = 12,           /* the venue refused the request (HTTP 422) */
  ASTRA_E_UNKNOWN_OUTCOME = 13, /* sent, but the venue's answer is unknown: reconcile (HTTP 502) */
  ASTRA_E_UPSTREAM = 14         /* the venue answered with an error or garbage (HTTP 502) */
};

/* Log levels. */
enum {
  ASTRA_LOG_TRACE = 0,
  ASTRA_LOG_DEBUG = 1,
  ASTRA_LOG_INFO = 2,
  ASTRA_LOG_WARN = 3,
  ASTRA_LOG_ERROR = 4
};

/* Market data types (subscribe / unsubscribe). */
enum { ASTRA_DATA_ORDERBOOK = 1, ASTRA_DATA_TRADES = 2 };

/* Capability bits, declared by the plugin. The host ignores bits it does not know. */
#define ASTRA_CAP_SPOT (1ull << 0)
#define ASTRA_CAP_PERP (1ull << 1)
#define ASTRA_CAP_FUTURES (1ull << 2)
#define ASTRA_CAP_OPTIONS (1ull << 3)
#define ASTRA_CAP_ORDERBOOK (1ull << 8)
#define ASTRA_CAP_TRADES (1ull << 9)
#define ASTRA_CAP_ORDERS (1ull << 16) /* list / place / cancel orders */
#define ASTRA_CAP_FILLS (1ull << 17)
#define ASTRA_CAP_BALANCES (1ull << 18)
#define ASTRA_CAP_POSITIONS (1ull << 19)
#define ASTRA_CAP_OTC_QUOTE (1ull << 24) /* the venue's own quote / convert API */

/* Opaque handles. astra_host_ctx is owned by the host, astra_connector by the plugin. */
typedef struct astra_host_ctx_s* astra_host_ctx;
typedef struct astra_connector_s astra_connector;

/* ---------------------------------------------------------------------------------------------
 * Market data events (hot path: POD structs)
 * ------------------------------------------------------------------------------------------- */

typedef struct astra_book_level {
  astra_decimal price;
  astra_decimal quantity; /* absolute quantity at this price; 0 removes the level in an update */
} astra_book_level;

enum {
  ASTRA_BOOK_SNAPSHOT = 1, /* the whole book: replaces whatever the host holds */
  ASTRA_BOOK_UPDATE = 2,   /* changed levels since the previous event of this market */
  ASTRA_BOOK_RESET = 3     /* the book is no longer valid (gap, checksum, disconnect); a new
                              SNAPSHOT follows when the plugin has resynchronized */
};

/* Why a RESET happened (also used as counters). */
enum {
  ASTRA_RESET_GAP = 1,      /* sequence gap detected */
  ASTRA_RESET_CHECKSUM = 2, /* venue checksum mismatch */
  ASTRA_RESET_DISCONNECT = 3,
  ASTRA_RESET_VENUE = 4, /* the venue said so (maintenance, sequence reset) */
  ASTRA_RESET_UNSUBSCRIBED = 5
};

typedef struct astra_book_event {
  uint32_t struct_size;
  uint32_t kind;         /* ASTRA_BOOK_* */
  astra_str market;      /* normalized market symbol, e.g. BINANCE-SPOT-BTC-USDT */
  uint64_t update_id;    /* the venue's sequence number after this event; 0: none, host counts */
  int64_t venue_time_us; /* venue event time, microseconds since the Unix epoch; 0 if unknown */
  const astra_book_level* bids; /* snapshot: best first; update: any order */
  size_t bid_count;
  const astra_book_level* asks;
  size_t ask_count;
  uint32_t reset_reason; /* ASTRA_RESET_* when kind == ASTRA_BOOK_RESET */
} astra_book_event;

enum { ASTRA_SIDE_BUY = 1, ASTRA_SIDE_SELL = 2 };

typedef struct astra_trade {
  astra_decimal price;
  astra_decimal quantity;
  uint32_t taker_side; /* ASTRA_SIDE_*: the side of the aggressor */
  int64_t time_us;     /* venue trade time, microseconds since the Unix epoch */
  astra_str trade_id;  /* the venue's id as text; may be empty */
} astra_trade;

typedef struct astra_trade_event {
  uint32_t struct_size;
  astra_str market;
  const astra_trade* trades;
  size_t trade_count;
} astra_trade_event;

/* Integrity counters a plugin reports (metrics, and the replay summary). */
enum {
  ASTRA_COUNT_CHECKSUM_OK = 1,      /* a venue checksum was verified and matched */
  ASTRA_COUNT_CHECKSUM_FAILURE = 2, /* a venue checksum did not match */
  ASTRA_COUNT_GAP = 3,              /* a sequence gap was detected */
  ASTRA_COUNT_RESYNC = 4,           /* a resynchronization (new snapshot) started */
  ASTRA_COUNT_BAD_FRAME = 5,        /* a frame could not be decoded */
  ASTRA_COUNT_STALE_DROPPED = 6     /* an event older than the book was dropped by the rules */
};

/* ---------------------------------------------------------------------------------------------
 * I/O requests (plugin -> host) and results (host -> plugin)
 * ------------------------------------------------------------------------------------------- */

typedef struct astra_header {
  astra_str name;
  astra_str value;
} astra_header;

typedef struct astra_http_request {
  uint32_t struct_size;
  astra_str method; /* "GET", "POST", "DELETE", ... */
  astra_str url;    /* absolute https:// (or http:// for loopback simulators) URL with query */
  const astra_header* headers;
  size_t header_count;
  astra_str body;
  uint32_t weight;     /* cost in the venue's request budget (e.g. Binance weight); 0 = 1 */
  uint32_t timeout_ms; /* 0: the host's default */
} astra_http_request;

typedef struct astra_http_response {
  uint32_t struct_size;
  int32_t status;     /* HTTP status; 0 when no response arrived (see error) */
  astra_status error; /* ASTRA_OK, or why there is no response (UNAVAILABLE, DEADLINE...) */
  const astra_header* headers;
  size_t header_count;
  astra_str body;
} astra_http_response;

/* ---------------------------------------------------------------------------------------------
 * Host services (host -> plugin table, passed at create)
 * ------------------------------------------------------------------------------------------- */

typedef struct astra_host_api {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;

  /* Logging. The message must never contain a credential. */
  void (*log)(astra_host_ctx ctx, int32_t level, astra_str message);
  int (*log_enabled)(astra_host_ctx ctx, int32_t level);

  /* Wall clock, microseconds since the Unix epoch (virtual time in replays). */
  int64_t (*now_us)(astra_host_ctx ctx);

  /* Starts an HTTP request. The result arrives later through on_http_response(token). The host
   * applies the venue's request budget; a request over budget completes with
   * ASTRA_E_RESOURCE_EXHAUSTED without reaching the venue. Returns ASTRA_OK if accepted. */
  astra_status (*http_request)(astra_host_ctx ctx, const astra_http_request* request,
                               uint64_t token);

  /* Opens a WebSocket. *out_conn receives the connection id at once; on_ws_open(conn) follows on
   * success, on_ws_close(conn) on failure or when the connection ends. The host answers venue
   * ping frames with pongs itself. */
  astra_status (*ws_open)(astra_host_ctx ctx, astra_str url, uint64_t* out_conn);
  astra_status (*ws_send)(astra_host_ctx ctx, uint64_t conn, astra_str text);
  /* Closes a WebSocket; on_ws_close is not called for a connection the plugin closed itself. */
  void (*ws_close)(astra_host_ctx ctx, uint64_t conn);

  /* One-shot timer: on_timer(token) after delay_ms. Returns a timer id for timer_cancel. */
  uint64_t (*timer_start)(astra_host_ctx ctx, uint32_t delay_ms, uint64_t token);
  void (*timer_cancel)(astra_host_ctx ctx, uint64_t timer_id);

  /* Market data out. The host copies what it needs before returning. */
  void (*emit_book)(astra_host_ctx ctx, const astra_book_event* event);
  void (*emit_trades)(astra_host_ctx ctx, const astra_trade_event* event);

  /* Integrity counters (ASTRA_COUNT_*) for a market (may be empty). */
  void (*count)(astra_host_ctx ctx, uint32_t counter, astra_str market, uint64_t n);

  /* Finishes an operation started with a call id. json is the result (see each operation) when
   * status is ASTRA_OK, else an error object {"code":"...","message":"..."} (may be empty).
   * Exactly one complete() per accepted call id. */
  void (*complete)(astra_host_ctx ctx, uint64_t call_id, astra_status status, astra_str json);
  /* appended fields go below this line, with the minor version that added them */
} astra_host_api;

/* ---------------------------------------------------------------------------------------------
 * Private calls
 * ------------------------------------------------------------------------------------------- */

/* Exchange credentials, borrowed for one call. Never logged, never kept. */
typedef struct astra_credentials {
  uint32_t struct_size;
  astra_str api_key;
  astra_str api_secret;
  astra_str passphrase; /* empty where the venue has none */
} astra_credentials;

/* ---------------------------------------------------------------------------------------------
 * Connector table (plugin -> host), returned by the entry point
 * ------------------------------------------------------------------------------------------- */

typedef struct astra_connector_api {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* id; /* NUL-terminated lowercase id, equal to the library's base name: "binance" */
  const char* exchange;  /* NUL-terminated exchange code used in market symbols: "BINANCE" */
  const char* version;   /* the plugin's own version, NUL-terminated */
  uint64_t capabilities; /* ASTRA_CAP_* */

  /* Creates an instance. config_json is the venue's YAML section as a JSON object. On failure
   * returns a status and writes a NUL-terminated message into error_buf (up to error_cap bytes).
   * `host` and `ctx` stay valid until destroy(). */
  astra_status (*create)(const astra_host_api* host, astra_host_ctx ctx, astra_str config_json,
                         astra_connector** out, char* error_buf, size_t error_cap);
  /* Destroys an instance. No host service is called after it returns. */
  void (*destroy)(astra_connector* self);

  /* I/O results. */
  void (*on_http_response)(astra_connector* self, uint64_t token,
                           const astra_http_response* response);
  void (*on_ws_open)(astra_connector* self, uint64_t conn);
  /* binary: 1 for a binary frame (e.g. HTX gzip), 0 for text. */
  void (*on_ws_message)(astra_connector* self, uint64_t conn, astra_str data, int binary);
  void (*on_ws_close)(astra_connector* self, uint64_t conn, int32_t code, astra_str reason);
  void (*on_timer)(astra_connector* self, uint64_t token);

  /* Operations. Each returns ASTRA_OK when accepted, and then calls complete(call_id) exactly once
   * (possibly before returning). Any other return means no complete() will come. */

  /* Result: JSON array of market objects (see sdk/ABI.md, "Market object"). */
  astra_status (*list_markets)(astra_connector* self, uint64_t call_id);
  /* Result: {"market","updateId","bids":[[price,qty],...],"asks":[...]} from the venue's REST
   * snapshot, prices and quantities as decimal strings. depth 0: the venue's default. */
  astra_status (*get_orderbook)(astra_connector* self, uint64_t call_id, astra_str market,
                                uint32_t depth);
  /* Starts or stops streaming one market's data type. Events follow through emit_*. Returns
   * NOT_FOUND for an unknown market, UNIMPLEMENTED for an unsupported data type. */
  astra_status (*subscribe)(astra_connector* self, astra_str market, uint32_t data_type);
  astra_status (*unsubscribe)(astra_connector* self, astra_str market, uint32_t data_type);

  /* Private trading. params_json is the normalized request (see sdk/ABI.md). */
  astra_status (*list_orders)(astra_connector* self, uint64_t call_id,
                              const astra_credentials* credentials, astra_str params_json);
  astra_status (*place_order)(astra_connector* self, uint64_t call_id,
                              const astra_credentials* credentials, astra_str params_json);
  astra_status (*cancel_order)(astra_connector* self, uint64_t call_id,
                               const astra_credentials* credentials, astra_str params_json);
  astra_status (*list_fills)(astra_connector* self, uint64_t call_id,
                             const astra_credentials* credentials, astra_str params_json);
  astra_status (*get_balances)(astra_connector* self, uint64_t call_id,
                               const astra_credentials* credentials, astra_str params_json);
  astra_status (*get_positions)(astra_connector* self, uint64_t call_id,
                                const astra_credentials* credentials, astra_str params_json);

  /* OTC through the venue's own quote / convert API (ASTRA_CAP_OTC_QUOTE). */
  astra_status (*request_quote)(astra_connector* self, uint64_t call_id,
                                const astra_credentials* credentials, astra_str params_json);
  astra_status (*accept_quote)(astra_connector* self, uint64_t call_id,
                               const astra_credentials* credentials, astra_str params_json);
  /* appended fields go below this line, with the minor version that added them */
} astra_connector_api;

/* The one exported symbol. The host passes the ABI version it speaks; the plugin returns its table
 * (a pointer to static storage, valid while the library is loaded), or NULL if it cannot serve
 * that major version. The host then refuses a table whose abi_major differs from its own. */
typedef const astra_connector_api* (*astra_connector_entry_fn)(uint32_t host_abi_major,
                                                               uint32_t host_abi_minor);

ASTRA_EXPORT const astra_connector_api* astra_connector_entry(uint32_t host_abi_major,
                                                              uint32_t host_abi_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ASTRA_CONNECTOR_H */
