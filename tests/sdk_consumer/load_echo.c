/* Loads the echo example plugin as a host would, using only the installed connector.h (C99):
 * entry -> create -> list_markets -> subscribe -> destroy. Exits non-zero on any failure. */
#include <astra/connector.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int completes, complete_status = -1, snapshots, snapshot_bids, snapshot_asks;
static char complete_json[4096];

static void host_log(astra_host_ctx ctx, int32_t level, astra_str message) {
  (void)ctx;
  fprintf(stderr, "plugin log %d: %.*s\n", (int)level, (int)message.size, message.data);
}
static int host_log_enabled(astra_host_ctx ctx, int32_t level) {
  (void)ctx;
  (void)level;
  return 1;
}
static int64_t host_now_us(astra_host_ctx ctx) {
  (void)ctx;
  return 1700000000000000;
}
static void host_emit_book(astra_host_ctx ctx, const astra_book_event* e) {
  (void)ctx;
  if (e->kind == ASTRA_BOOK_SNAPSHOT) {
    ++snapshots;
    snapshot_bids = (int)e->bid_count;
    snapshot_asks = (int)e->ask_count;
  }
}
static void host_complete(astra_host_ctx ctx, uint64_t call_id, astra_status status,
                          astra_str json) {
  size_t n = json.size < sizeof complete_json - 1 ? json.size : sizeof complete_json - 1;
  (void)ctx;
  (void)call_id;
  ++completes;
  complete_status = status;
  memcpy(complete_json, json.data, n);
  complete_json[n] = '\0';
}

#define CHECK(cond)                                            \
  do {                                                         \
    if (!(cond)) {                                             \
      fprintf(stderr, "load_echo: check failed: %s\n", #cond); \
      return 1;                                                \
    }                                                          \
  } while (0)

int main(int argc, char** argv) {
  void* lib;
  astra_connector_entry_fn entry;
  const astra_connector_api* api;
  astra_host_api host;
  astra_connector* self = NULL;
  char error[256] = "";
  astra_str config = {"{}", 2};
  astra_str market = {"ECHO-SPOT-BTC-USD", 17};

  CHECK(argc == 2);
  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "load_echo: %s\n", dlerror());
    return 1;
  }
  *(void**)(&entry) = dlsym(lib, ASTRA_CONNECTOR_ENTRY_NAME);
  CHECK(entry != NULL);
  CHECK(entry(ASTRA_ABI_VERSION_MAJOR + 1, 0) == NULL);
  api = entry(ASTRA_ABI_VERSION_MAJOR, ASTRA_ABI_VERSION_MINOR);
  CHECK(api != NULL);
  CHECK(api->abi_major == ASTRA_ABI_VERSION_MAJOR);
  CHECK(api->struct_size >= sizeof(astra_connector_api));
  CHECK(strcmp(api->id, "echo") == 0);
  CHECK(strcmp(api->exchange, "ECHO") == 0);

  memset(&host, 0, sizeof host);
  host.struct_size = sizeof host;
  host.abi_major = ASTRA_ABI_VERSION_MAJOR;
  host.abi_minor = ASTRA_ABI_VERSION_MINOR;
  host.log = host_log;
  host.log_enabled = host_log_enabled;
  host.now_us = host_now_us;
  host.emit_book = host_emit_book;
  host.complete = host_complete;

  CHECK(api->create(&host, NULL, config, &self, error, sizeof error) == ASTRA_OK);
  CHECK(self != NULL);
  CHECK(api->list_markets(self, 7) == ASTRA_OK);
  CHECK(completes == 1 && complete_status == ASTRA_OK);
  CHECK(strstr(complete_json, "\"symbol\":\"ECHO-SPOT-BTC-USD\"") != NULL);
  CHECK(api->subscribe(self, market, ASTRA_DATA_ORDERBOOK) == ASTRA_OK);
  CHECK(snapshots == 1 && snapshot_bids == 1 && snapshot_asks == 1);
  CHECK(api->subscribe(self, market, ASTRA_DATA_TRADES) == ASTRA_E_UNIMPLEMENTED);
  CHECK(api->get_orderbook(self, 8, market, 0) == ASTRA_E_UNIMPLEMENTED);
  api->destroy(self);
  CHECK(dlclose(lib) == 0);
  printf("load_echo: ok\n");
  return 0;
}
