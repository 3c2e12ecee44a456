// Pins the C ABI v1 layout on x86-64 (LP64). Fields are only ever appended: if one of these
// fails to compile, an edit broke every plugin already built. Append a new assert for a new
// field; never change an existing one.
#include <astra/connector.h>

#include <gtest/gtest.h>

#include <cstddef>

extern "C" size_t astra_c99_layout(int which);  // c99_check.c: the C compiler's view

#define ASTRA_PIN(type, field, offset) \
  static_assert(offsetof(type, field) == (offset), #type "." #field " moved")
#define ASTRA_PIN_SIZE(type, size) static_assert(sizeof(type) == (size), #type " changed size")

#if defined(__x86_64__) && defined(__LP64__)

ASTRA_PIN_SIZE(astra_str, 16);
ASTRA_PIN(astra_str, data, 0);
ASTRA_PIN(astra_str, size, 8);

ASTRA_PIN_SIZE(astra_decimal, 16);
ASTRA_PIN(astra_decimal, mantissa, 0);
ASTRA_PIN(astra_decimal, exponent, 8);

ASTRA_PIN_SIZE(astra_book_level, 32);
ASTRA_PIN(astra_book_level, price, 0);
ASTRA_PIN(astra_book_level, quantity, 16);

ASTRA_PIN_SIZE(astra_book_event, 80);
ASTRA_PIN(astra_book_event, struct_size, 0);
ASTRA_PIN(astra_book_event, kind, 4);
ASTRA_PIN(astra_book_event, market, 8);
ASTRA_PIN(astra_book_event, update_id, 24);
ASTRA_PIN(astra_book_event, venue_time_us, 32);
ASTRA_PIN(astra_book_event, bids, 40);
ASTRA_PIN(astra_book_event, bid_count, 48);
ASTRA_PIN(astra_book_event, asks, 56);
ASTRA_PIN(astra_book_event, ask_count, 64);
ASTRA_PIN(astra_book_event, reset_reason, 72);

ASTRA_PIN_SIZE(astra_trade, 64);
ASTRA_PIN(astra_trade, price, 0);
ASTRA_PIN(astra_trade, quantity, 16);
ASTRA_PIN(astra_trade, taker_side, 32);
ASTRA_PIN(astra_trade, time_us, 40);
ASTRA_PIN(astra_trade, trade_id, 48);

ASTRA_PIN_SIZE(astra_trade_event, 40);
ASTRA_PIN(astra_trade_event, struct_size, 0);
ASTRA_PIN(astra_trade_event, market, 8);
ASTRA_PIN(astra_trade_event, trades, 24);
ASTRA_PIN(astra_trade_event, trade_count, 32);

ASTRA_PIN_SIZE(astra_header, 32);
ASTRA_PIN(astra_header, name, 0);
ASTRA_PIN(astra_header, value, 16);

ASTRA_PIN_SIZE(astra_http_request, 80);
ASTRA_PIN(astra_http_request, struct_size, 0);
ASTRA_PIN(astra_http_request, method, 8);
ASTRA_PIN(astra_http_request, url, 24);
ASTRA_PIN(astra_http_request, headers, 40);
ASTRA_PIN(astra_http_request, header_count, 48);
ASTRA_PIN(astra_http_request, body, 56);
ASTRA_PIN(astra_http_request, weight, 72);
ASTRA_PIN(astra_http_request, timeout_ms, 76);

ASTRA_PIN_SIZE(astra_http_response, 48);
ASTRA_PIN(astra_http_response, struct_size, 0);
ASTRA_PIN(astra_http_response, status, 4);
ASTRA_PIN(astra_http_response, error, 8);
ASTRA_PIN(astra_http_response, headers, 16);
ASTRA_PIN(astra_http_response, header_count, 24);
ASTRA_PIN(astra_http_response, body, 32);

ASTRA_PIN_SIZE(astra_host_api, 120);
ASTRA_PIN(astra_host_api, struct_size, 0);
ASTRA_PIN(astra_host_api, abi_major, 4);
ASTRA_PIN(astra_host_api, abi_minor, 8);
ASTRA_PIN(astra_host_api, log, 16);
ASTRA_PIN(astra_host_api, log_enabled, 24);
ASTRA_PIN(astra_host_api, now_us, 32);
ASTRA_PIN(astra_host_api, http_request, 40);
ASTRA_PIN(astra_host_api, ws_open, 48);
ASTRA_PIN(astra_host_api, ws_send, 56);
ASTRA_PIN(astra_host_api, ws_close, 64);
ASTRA_PIN(astra_host_api, timer_start, 72);
ASTRA_PIN(astra_host_api, timer_cancel, 80);
ASTRA_PIN(astra_host_api, emit_book, 88);
ASTRA_PIN(astra_host_api, emit_trades, 96);
ASTRA_PIN(astra_host_api, count, 104);
ASTRA_PIN(astra_host_api, complete, 112);

ASTRA_PIN_SIZE(astra_credentials, 56);
ASTRA_PIN(astra_credentials, struct_size, 0);
ASTRA_PIN(astra_credentials, api_key, 8);
ASTRA_PIN(astra_credentials, api_secret, 24);
ASTRA_PIN(astra_credentials, passphrase, 40);

ASTRA_PIN_SIZE(astra_connector_api, 200);
ASTRA_PIN(astra_connector_api, struct_size, 0);
ASTRA_PIN(astra_connector_api, abi_major, 4);
ASTRA_PIN(astra_connector_api, abi_minor, 8);
ASTRA_PIN(astra_connector_api, id, 16);
ASTRA_PIN(astra_connector_api, exchange, 24);
ASTRA_PIN(astra_connector_api, version, 32);
ASTRA_PIN(astra_connector_api, capabilities, 40);
ASTRA_PIN(astra_connector_api, create, 48);
ASTRA_PIN(astra_connector_api, destroy, 56);
ASTRA_PIN(astra_connector_api, on_http_response, 64);
ASTRA_PIN(astra_connector_api, on_ws_open, 72);
ASTRA_PIN(astra_connector_api, on_ws_message, 80);
ASTRA_PIN(astra_connector_api, on_ws_close, 88);
ASTRA_PIN(astra_connector_api, on_timer, 96);
ASTRA_PIN(astra_connector_api, list_markets, 104);
ASTRA_PIN(astra_connector_api, get_orderbook, 112);
ASTRA_PIN(astra_connector_api, subscribe, 120);
ASTRA_PIN(astra_connector_api, unsubscribe, 128);
ASTRA_PIN(astra_connector_api, list_orders, 136);
ASTRA_PIN(astra_connector_api, place_order, 144);
ASTRA_PIN(astra_connector_api, cancel_order, 152);
ASTRA_PIN(astra_connector_api, list_fills, 160);
ASTRA_PIN(astra_connector_api, get_balances, 168);
ASTRA_PIN(astra_connector_api, get_positions, 176);
ASTRA_PIN(astra_connector_api, request_quote, 184);
ASTRA_PIN(astra_connector_api, accept_quote, 192);

#else
#error "abi_layout_test pins the x86-64 layout; add the pins for this target"
#endif

// Numbers that cross the ABI are never renumbered either.
static_assert(ASTRA_ABI_VERSION_MAJOR == 1u);
static_assert(ASTRA_OK == 0 && ASTRA_E_INVALID_ARGUMENT == 1 && ASTRA_E_NOT_FOUND == 2 &&
              ASTRA_E_UNAUTHENTICATED == 3 && ASTRA_E_PERMISSION_DENIED == 4 &&
              ASTRA_E_RESOURCE_EXHAUSTED == 5 && ASTRA_E_UNAVAILABLE == 6 &&
              ASTRA_E_DEADLINE_EXCEEDED == 7 && ASTRA_E_FAILED_PRECONDITION == 8 &&
              ASTRA_E_UNIMPLEMENTED == 9 && ASTRA_E_INTERNAL == 10 && ASTRA_E_INCOMPATIBLE == 11 &&
              ASTRA_E_REJECTED == 12 && ASTRA_E_UNKNOWN_OUTCOME == 13 && ASTRA_E_UPSTREAM == 14);
static_assert(ASTRA_LOG_TRACE == 0 && ASTRA_LOG_DEBUG == 1 && ASTRA_LOG_INFO == 2 &&
              ASTRA_LOG_WARN == 3 && ASTRA_LOG_ERROR == 4);
static_assert(ASTRA_DATA_ORDERBOOK == 1 && ASTRA_DATA_TRADES == 2);
static_assert(ASTRA_BOOK_SNAPSHOT == 1 && ASTRA_BOOK_UPDATE == 2 && ASTRA_BOOK_RESET == 3);
static_assert(ASTRA_RESET_GAP == 1 && ASTRA_RESET_CHECKSUM == 2 && ASTRA_RESET_DISCONNECT == 3 &&
              ASTRA_RESET_VENUE == 4 && ASTRA_RESET_UNSUBSCRIBED == 5);
static_assert(ASTRA_SIDE_BUY == 1 && ASTRA_SIDE_SELL == 2);
static_assert(ASTRA_COUNT_CHECKSUM_OK == 1 && ASTRA_COUNT_CHECKSUM_FAILURE == 2 &&
              ASTRA_COUNT_GAP == 3 && ASTRA_COUNT_RESYNC == 4 && ASTRA_COUNT_BAD_FRAME == 5 &&
              ASTRA_COUNT_STALE_DROPPED == 6);
static_assert(ASTRA_CAP_SPOT == 1ull && ASTRA_CAP_PERP == 2ull && ASTRA_CAP_FUTURES == 4ull &&
              ASTRA_CAP_OPTIONS == 8ull && ASTRA_CAP_ORDERBOOK == (1ull << 8) &&
              ASTRA_CAP_TRADES == (1ull << 9) && ASTRA_CAP_ORDERS == (1ull << 16) &&
              ASTRA_CAP_FILLS == (1ull << 17) && ASTRA_CAP_BALANCES == (1ull << 18) &&
              ASTRA_CAP_POSITIONS == (1ull << 19) && ASTRA_CAP_OTC_QUOTE == (1ull << 24));

namespace {

TEST(AbiLayout, CAndCppAgree) {
  EXPECT_EQ(astra_c99_layout(0), sizeof(astra_str));
  EXPECT_EQ(astra_c99_layout(1), sizeof(astra_decimal));
  EXPECT_EQ(astra_c99_layout(2), sizeof(astra_book_level));
  EXPECT_EQ(astra_c99_layout(3), sizeof(astra_book_event));
  EXPECT_EQ(astra_c99_layout(4), sizeof(astra_trade));
  EXPECT_EQ(astra_c99_layout(5), sizeof(astra_trade_event));
  EXPECT_EQ(astra_c99_layout(6), sizeof(astra_header));
  EXPECT_EQ(astra_c99_layout(7), sizeof(astra_http_request));
  EXPECT_EQ(astra_c99_layout(8), sizeof(astra_http_response));
  EXPECT_EQ(astra_c99_layout(9), sizeof(astra_host_api));
  EXPECT_EQ(astra_c99_layout(10), sizeof(astra_credentials));
  EXPECT_EQ(astra_c99_layout(11), sizeof(astra_connector_api));
  EXPECT_EQ(astra_c99_layout(12), offsetof(astra_connector_api, accept_quote));
  EXPECT_EQ(astra_c99_layout(13), offsetof(astra_host_api, complete));
  EXPECT_EQ(astra_c99_layout(14), offsetof(astra_book_event, reset_reason));
}

TEST(AbiLayout, HasFieldChecksTheSendersSize) {
  astra_credentials old_sender{};
  old_sender.struct_size = static_cast<uint32_t>(offsetof(astra_credentials, passphrase));
  EXPECT_TRUE(ASTRA_HAS_FIELD(astra_credentials, &old_sender, api_secret));
  EXPECT_FALSE(ASTRA_HAS_FIELD(astra_credentials, &old_sender, passphrase));
  const astra_credentials* none = nullptr;
  EXPECT_FALSE(ASTRA_HAS_FIELD(astra_credentials, none, api_key));
}

}  // namespace
