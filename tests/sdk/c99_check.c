/* connector.h compiled as strict C99 (-std=c99 -pedantic -Werror), and the C compiler's view of
 * every public struct's size, reported to abi_layout_test so C and C++ are known to agree. */
#include <astra/connector.h>

#include <stddef.h>

size_t astra_c99_layout(int which);

size_t astra_c99_layout(int which) {
  switch (which) {
    case 0:
      return sizeof(astra_str);
    case 1:
      return sizeof(astra_decimal);
    case 2:
      return sizeof(astra_book_level);
    case 3:
      return sizeof(astra_book_event);
    case 4:
      return sizeof(astra_trade);
    case 5:
      return sizeof(astra_trade_event);
    case 6:
      return sizeof(astra_header);
    case 7:
      return sizeof(astra_http_request);
    case 8:
      return sizeof(astra_http_response);
    case 9:
      return sizeof(astra_host_api);
    case 10:
      return sizeof(astra_credentials);
    case 11:
      return sizeof(astra_connector_api);
    case 12:
      return offsetof(astra_connector_api, accept_quote);
    case 13:
      return offsetof(astra_host_api, complete);
    case 14:
      return offsetof(astra_book_event, reset_reason);
    default:
      return 0;
  }
}
