// Connector tables written by hand, each with one defect the host's loader must refuse.
// Built once per variant (FAKE_<VARIANT>), as fake<variant>.so.
#include <astra/connector.h>

#include <cstddef>

namespace {

astra_status create(const astra_host_api*, astra_host_ctx, astra_str, astra_connector** out, char*,
                    size_t) {
  *out = nullptr;
  return ASTRA_E_UNIMPLEMENTED;
}
void destroy(astra_connector*) {}
void on_http_response(astra_connector*, uint64_t, const astra_http_response*) {}
void on_ws_open(astra_connector*, uint64_t) {}
void on_ws_message(astra_connector*, uint64_t, astra_str, int) {}
void on_ws_close(astra_connector*, uint64_t, int32_t, astra_str) {}
void on_timer(astra_connector*, uint64_t) {}
astra_status list_markets(astra_connector*, uint64_t) {
  return ASTRA_E_UNIMPLEMENTED;
}
astra_status get_orderbook(astra_connector*, uint64_t, astra_str, uint32_t) {
  return ASTRA_E_UNIMPLEMENTED;
}
astra_status subscribe(astra_connector*, astra_str, uint32_t) {
  return ASTRA_E_UNIMPLEMENTED;
}

astra_connector_api make_table() {
  astra_connector_api t{};
  t.struct_size = sizeof t;
  t.abi_major = ASTRA_ABI_VERSION_MAJOR;
  t.abi_minor = ASTRA_ABI_VERSION_MINOR;
#if defined(FAKE_ABI2)
  t.id = "fakeabi2";
  t.abi_major = 2;
#elif defined(FAKE_NULLTABLE)
  t.id = "fakenulltable";
#elif defined(FAKE_SMALLTABLE)
  t.id = "fakesmalltable";
  t.struct_size = static_cast<uint32_t>(offsetof(astra_connector_api, list_orders));
#elif defined(FAKE_MISSINGFN)
  t.id = "fakemissingfn";
#elif defined(FAKE_MISNAMED)
  t.id = "someoneelse";
#else
  t.id = "fakenoentry";
#endif
  t.exchange = "FAKE";
  t.version = "0.0.1";
  t.capabilities = ASTRA_CAP_SPOT;
  t.create = &create;
  t.destroy = &destroy;
  t.on_http_response = &on_http_response;
  t.on_ws_open = &on_ws_open;
  t.on_ws_message = &on_ws_message;
  t.on_ws_close = &on_ws_close;
  t.on_timer = &on_timer;
  t.list_markets = &list_markets;
  t.get_orderbook = &get_orderbook;
#if !defined(FAKE_MISSINGFN)
  t.subscribe = &subscribe;
#endif
  t.unsubscribe = &subscribe;
  return t;
}

const astra_connector_api table = make_table();

}  // namespace

#if defined(FAKE_NOENTRY)
// No astra_connector_entry: a shared library that is not a connector at all.
extern "C" ASTRA_EXPORT int fake_not_a_connector(void) {
  return table.abi_major == 0 ? 1 : 0;
}
#else
extern "C" ASTRA_EXPORT const astra_connector_api* astra_connector_entry(uint32_t host_abi_major,
                                                                         uint32_t) {
#if defined(FAKE_NULLTABLE)
  // A plugin that only serves ABI 2 refuses our major by returning no table.
  if (host_abi_major != 2) return nullptr;
#else
  (void)host_abi_major;  // these fakes answer whatever the host asks (the loader must check)
#endif
  return &table;
}
#endif
