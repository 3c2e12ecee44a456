// connector.hpp's boundary guards, driven through the C table as a host would: nothing unwinds
// across the ABI, a throwing operation fails closed with ASTRA_E_INTERNAL and an error log line,
// and a throwing constructor fails create() with its message.
#include <astra/connector.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace astra::sdk;

// A tiny in-test host: records what the plugin asks of it.
struct RecordingHost {
  struct Log {
    int32_t level;
    std::string message;
  };
  std::vector<Log> logs;
  struct Completion {
    uint64_t call_id;
    astra_status status;
    std::string json;
  };
  std::vector<Completion> completions;
  std::vector<uint32_t> book_kinds;
  astra_host_api api{};

  RecordingHost() {
    api.struct_size = sizeof api;
    api.abi_major = ASTRA_ABI_VERSION_MAJOR;
    api.abi_minor = ASTRA_ABI_VERSION_MINOR;
    api.log = [](astra_host_ctx ctx, int32_t level, astra_str message) {
      self(ctx)->logs.push_back({level, std::string(view(message))});
    };
    api.complete = [](astra_host_ctx ctx, uint64_t id, astra_status status, astra_str json) {
      self(ctx)->completions.push_back({id, status, std::string(view(json))});
    };
    api.emit_book = [](astra_host_ctx ctx, const astra_book_event* e) {
      self(ctx)->book_kinds.push_back(e->kind);
    };
  }
  astra_host_ctx ctx() { return reinterpret_cast<astra_host_ctx>(this); }
  static RecordingHost* self(astra_host_ctx ctx) { return reinterpret_cast<RecordingHost*>(ctx); }
  bool logged(const std::string& needle) const {
    for (const auto& l : logs)
      if (l.level == ASTRA_LOG_ERROR && l.message.find(needle) != std::string::npos) return true;
    return false;
  }
};

// Throws from every operation it overrides; the constructor throws on request.
class Throwing : public Connector {
 public:
  Throwing(Host host, std::string_view config) : Connector(host) {
    if (config == "invalid") throw std::invalid_argument("missing field 'apiUrl'");
    if (config == "runtime") throw std::runtime_error("cannot start: boom");
    if (config == "int") throw 42;
  }
  Status list_markets(uint64_t) override { throw std::runtime_error("list_markets exploded"); }
  Status get_orderbook(uint64_t call_id, std::string_view, uint32_t) override {
    host().complete(call_id, ASTRA_OK, "{}");
    return ASTRA_OK;
  }
  Status subscribe(std::string_view, uint32_t) override { throw std::bad_alloc(); }
  Status place_order(uint64_t, const Credentials&, std::string_view) override {
    throw std::out_of_range("place_order exploded");
  }
  Status cancel_order(uint64_t, const Credentials&, std::string_view) override { throw 7; }
  void on_ws_message(uint64_t, std::string_view, bool) override {
    throw std::runtime_error("bad frame");
  }
  void on_http_response(uint64_t, const HttpResponse& r) override {
    last_error = r.error;
    throw std::logic_error("http handler exploded");
  }
  Status last_error = ASTRA_OK;
};

}  // namespace

ASTRA_CONNECTOR(Throwing, "throwing", "THROWING", "0.0.1", ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK)

namespace {

const astra_connector_api* table() {
  return astra_connector_entry(ASTRA_ABI_VERSION_MAJOR, ASTRA_ABI_VERSION_MINOR);
}

astra_connector* create(RecordingHost& host, const char* config) {
  astra_connector* c = nullptr;
  char error[128];
  EXPECT_EQ(table()->create(&host.api, host.ctx(), str(config), &c, error, sizeof error), ASTRA_OK);
  return c;
}

TEST(ConnectorGuard, EntryTable) {
  const astra_connector_api* t = table();
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->struct_size, sizeof(astra_connector_api));
  EXPECT_EQ(t->abi_major, ASTRA_ABI_VERSION_MAJOR);
  EXPECT_STREQ(t->id, "throwing");
  EXPECT_STREQ(t->exchange, "THROWING");
  EXPECT_STREQ(t->version, "0.0.1");
  EXPECT_EQ(t->capabilities, ASTRA_CAP_SPOT | ASTRA_CAP_ORDERBOOK);
  EXPECT_EQ(astra_connector_entry(ASTRA_ABI_VERSION_MAJOR + 1, 0), nullptr);
  // Every slot is filled: the host may call any of them.
  const void* const* slots = reinterpret_cast<const void* const*>(&t->create);
  const size_t n =
      (sizeof(astra_connector_api) - offsetof(astra_connector_api, create)) / sizeof(void*);
  for (size_t i = 0; i < n; ++i)
    EXPECT_NE(slots[i], nullptr) << "slot " << i;
}

TEST(ConnectorGuard, ThrowingOperationFailsClosedAndLogs) {
  RecordingHost host;
  astra_connector* c = create(host, "{}");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(table()->list_markets(c, 1), ASTRA_E_INTERNAL);
  EXPECT_TRUE(host.logged("list_markets exploded"));
  EXPECT_TRUE(host.logged("list_markets"));
  EXPECT_EQ(table()->subscribe(c, str("X"), ASTRA_DATA_ORDERBOOK), ASTRA_E_INTERNAL);
  EXPECT_TRUE(host.logged("subscribe"));
  astra_credentials k{sizeof(astra_credentials), str("key"), str("secret"), str("")};
  EXPECT_EQ(table()->place_order(c, 2, &k, str("{}")), ASTRA_E_INTERNAL);
  EXPECT_TRUE(host.logged("place_order exploded"));
  // A non-std exception is caught too.
  EXPECT_EQ(table()->cancel_order(c, 3, &k, str("{}")), ASTRA_E_INTERNAL);
  EXPECT_TRUE(host.logged("unknown exception"));
  // No complete() for a call that did not return ASTRA_OK.
  EXPECT_TRUE(host.completions.empty());
  // The credentials never reach the log.
  for (const auto& l : host.logs)
    EXPECT_EQ(l.message.find("secret"), std::string::npos) << l.message;
  table()->destroy(c);
}

TEST(ConnectorGuard, ThrowingCallbacksAreLoggedAndSwallowed) {
  RecordingHost host;
  astra_connector* c = create(host, "{}");
  ASSERT_NE(c, nullptr);
  table()->on_ws_message(c, 1, str("{}"), 0);
  EXPECT_TRUE(host.logged("on_ws_message: bad frame"));
  table()->on_http_response(c, 5, nullptr);  // a null response is reported as an error
  EXPECT_TRUE(host.logged("http handler exploded"));
  table()->on_ws_open(c, 1);  // defaults do nothing
  table()->on_timer(c, 1);
  table()->on_ws_close(c, 1, 1000, str("bye"));
  // The instance still works after exceptions.
  EXPECT_EQ(table()->get_orderbook(c, 9, str("X"), 0), ASTRA_OK);
  ASSERT_EQ(host.completions.size(), 1u);
  EXPECT_EQ(host.completions[0].call_id, 9u);
  table()->destroy(c);
}

TEST(ConnectorGuard, DefaultsAnswerUnimplemented) {
  RecordingHost host;
  astra_connector* c = create(host, "{}");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(table()->unsubscribe(c, str("X"), ASTRA_DATA_ORDERBOOK), ASTRA_E_UNIMPLEMENTED);
  EXPECT_EQ(table()->list_orders(c, 1, nullptr, str("")), ASTRA_E_UNIMPLEMENTED);
  EXPECT_EQ(table()->get_positions(c, 1, nullptr, str("")), ASTRA_E_UNIMPLEMENTED);
  EXPECT_EQ(table()->request_quote(c, 1, nullptr, str("")), ASTRA_E_UNIMPLEMENTED);
  table()->destroy(c);
}

TEST(ConnectorGuard, NullInstanceIsRejected) {
  EXPECT_EQ(table()->list_markets(nullptr, 1), ASTRA_E_INVALID_ARGUMENT);
  table()->on_ws_message(nullptr, 1, str("x"), 0);  // no crash
  table()->destroy(nullptr);
}

TEST(ConnectorGuard, ThrowingConstructorFailsCreateWithItsMessage) {
  RecordingHost host;
  astra_connector* c = reinterpret_cast<astra_connector*>(&host);  // must be reset to null
  char error[128] = "untouched";
  EXPECT_EQ(table()->create(&host.api, host.ctx(), str("invalid"), &c, error, sizeof error),
            ASTRA_E_INVALID_ARGUMENT);
  EXPECT_EQ(c, nullptr);
  EXPECT_STREQ(error, "missing field 'apiUrl'");

  EXPECT_EQ(table()->create(&host.api, host.ctx(), str("runtime"), &c, error, sizeof error),
            ASTRA_E_INTERNAL);
  EXPECT_STREQ(error, "cannot start: boom");

  EXPECT_EQ(table()->create(&host.api, host.ctx(), str("int"), &c, error, sizeof error),
            ASTRA_E_INTERNAL);
  EXPECT_STREQ(error, "unknown exception");

  // The message is cut to the buffer and always NUL-terminated.
  char small[8];
  EXPECT_EQ(table()->create(&host.api, host.ctx(), str("runtime"), &c, small, sizeof small),
            ASTRA_E_INTERNAL);
  EXPECT_STREQ(small, "cannot ");
  // No buffer at all is fine.
  EXPECT_EQ(table()->create(&host.api, host.ctx(), str("runtime"), &c, nullptr, 0),
            ASTRA_E_INTERNAL);
}

TEST(ConnectorGuard, CreateRefusesAnotherMajorAndBadArguments) {
  RecordingHost host;
  host.api.abi_major = ASTRA_ABI_VERSION_MAJOR + 1;
  astra_connector* c = nullptr;
  char error[128] = "";
  EXPECT_EQ(table()->create(&host.api, host.ctx(), str("{}"), &c, error, sizeof error),
            ASTRA_E_INCOMPATIBLE);
  EXPECT_EQ(c, nullptr);
  EXPECT_NE(std::string(error).find("ABI"), std::string::npos);
  EXPECT_EQ(table()->create(nullptr, host.ctx(), str("{}"), &c, error, sizeof error),
            ASTRA_E_INVALID_ARGUMENT);
  EXPECT_EQ(table()->create(&host.api, host.ctx(), str("{}"), nullptr, error, sizeof error),
            ASTRA_E_INVALID_ARGUMENT);
}

TEST(ConnectorGuard, ErrorJsonEscapes) {
  EXPECT_EQ(error_json("NOT_FOUND", "no \"X\"\n\x01"),
            "{\"code\":\"NOT_FOUND\",\"message\":\"no \\\"X\\\"\\n\\u0001\"}");
}

}  // namespace
