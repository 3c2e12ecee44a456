// astra/sdk/testing/conformance.hpp: the connector conformance suite (an abstract,
// value-parameterized GoogleTest suite). Any plugin instantiates it with its own data:
//
//   #include <astra/sdk/testing/conformance.hpp>
//   using astra::sdk::testing::ConformanceParam;
//   INSTANTIATE_TEST_SUITE_P(MyVenue, ConnectorConformance,
//                            ::testing::Values(ConformanceParam{...}),
//                            astra::sdk::testing::conformance_name);
//
// It loads the .so and checks the ABI contract and the normalization rules: entry versions, table
// shape, create with good and malformed config, list_markets (exactly one completion, a JSON array
// of well-formed symbols), NOT_FOUND for unknown markets, books sorted, uncrossed and with strictly
// increasing update ids, well-formed error bodies, garbage frames survived (BAD_FRAME counted, no
// exception reaching the ABI boundary), and a clean destroy.
//
// Needs GoogleTest and nlohmann_json (test-only dependencies). It defines the TEST_Ps: include it
// in exactly one source file of a test binary.
#pragma once

#include <astra/sdk/decimal.hpp>
#include <astra/sdk/testing/fake_host.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace astra::sdk::testing {

struct ConformanceParam {
  std::string name;         // test name suffix: letters, digits, underscores
  std::string plugin_path;  // .../<id>.so
  std::string config_json;  // a valid configuration
  std::string malformed_config_json = "{\"unterminated\": ";
  // Returns a reason to skip (e.g. recorded data not found), or "" to run.
  std::function<std::string()> missing_data = [] { return std::string(); };
  // Answers the requests list_markets() made (host.pending_requests()) with recorded responses.
  std::function<void(FakeHost&)> feed_markets;
  std::string market;  // a market from the list to subscribe (ORDERBOOK)
  // After subscribe(market, ORDERBOOK): opens connections, feeds frames and REST answers.
  std::function<void(FakeHost&)> feed_data;
  // Extra frames that are valid JSON but malformed for this venue; each must count BAD_FRAME.
  std::vector<std::string> bad_frames;
};

// Test names print the parameter's name, not its bytes.
inline void PrintTo(const ConformanceParam& p, std::ostream* os) {
  *os << p.name;
}

inline std::string conformance_name(const ::testing::TestParamInfo<ConformanceParam>& info) {
  return info.param.name;
}

// The light symbol grammar (the full one lives in core/, which the SDK cannot link):
// EXCHANGE-TYPE-BASE-QUOTE[-YYMMDD][-STRIKE-C|P][-DISAMBIGUATOR]. Returns "" or the reason.
inline std::string check_symbol(std::string_view symbol, std::string_view exchange) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : symbol) {
    if (c == '-') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  parts.push_back(cur);
  auto code = [](const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return true;
  };
  auto date = [](const std::string& s) {
    if (s.size() != 6) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    const int month = (s[2] - '0') * 10 + (s[3] - '0');
    const int day = (s[4] - '0') * 10 + (s[5] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  };
  auto strike = [](const std::string& s) {
    astra_decimal d{};
    return !s.empty() && s.find_first_not_of("0123456789.") == std::string::npos &&
           parse_decimal(s, d) && d.mantissa > 0;
  };
  if (parts.size() < 4) return "fewer than 4 parts";
  if (parts[0] != exchange) return "exchange part is not " + std::string(exchange);
  const std::string& type = parts[1];
  if (!code(parts[2]) || !code(parts[3])) return "base/quote must be [A-Z0-9]+";
  size_t i = 4;
  if (type == "FUT" || type == "OPT") {
    if (i >= parts.size() || !date(parts[i])) return type + " needs a YYMMDD expiry";
    ++i;
    if (type == "OPT") {
      if (i + 1 >= parts.size() || !strike(parts[i]) ||
          (parts[i + 1] != "C" && parts[i + 1] != "P"))
        return "OPT needs STRIKE-C|P";
      i += 2;
    }
  } else if (type != "SPOT" && type != "PERP") {
    return "unknown type " + type;
  }
  if (i < parts.size()) {
    if (!code(parts[i])) return "bad disambiguator";
    ++i;
  }
  if (i != parts.size()) return "trailing parts";
  return "";
}

// Returns "" when json is {"code": string, "message": string}, else the reason.
inline std::string check_error_json(std::string_view text) {
  const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "not a JSON object: " + std::string(text);
  if (!j.contains("code") || !j["code"].is_string()) return "no string code: " + std::string(text);
  if (!j.contains("message") || !j["message"].is_string())
    return "no string message: " + std::string(text);
  return "";
}

class ConnectorConformance : public ::testing::TestWithParam<ConformanceParam> {
 protected:
  void SetUp() override {
    const std::string missing = GetParam().missing_data ? GetParam().missing_data() : "";
    if (!missing.empty()) GTEST_SKIP() << missing;
    lib_ = PluginLibrary::open(GetParam().plugin_path);
    api_ = lib_.api();
    ASSERT_NE(api_, nullptr);
  }

  std::string basename_without_so() const {
    std::string p = GetParam().plugin_path;
    if (auto slash = p.find_last_of('/'); slash != std::string::npos) p = p.substr(slash + 1);
    if (p.size() > 3 && p.compare(p.size() - 3, 3, ".so") == 0) p.resize(p.size() - 3);
    return p;
  }

  // Creates, lists markets, checks the list; returns the parsed list.
  nlohmann::json create_and_list(FakeHost& host) {
    std::string error;
    EXPECT_EQ(host.create(GetParam().config_json, &error), ASTRA_OK) << error;
    if (!host.instance()) return {};
    EXPECT_EQ(host.list_markets(7), ASTRA_OK);
    if (GetParam().feed_markets) GetParam().feed_markets(host);
    const auto done = host.completions_of(7);
    EXPECT_EQ(done.size(), 1u) << "list_markets must complete exactly once";
    if (done.size() != 1) return {};
    EXPECT_EQ(done[0]->status, ASTRA_OK) << done[0]->json;
    const auto list = nlohmann::json::parse(done[0]->json, nullptr, false);
    EXPECT_TRUE(list.is_array()) << "list_markets result must be a JSON array";
    return list;
  }

  // Every error completion is a well-formed {"code","message"}.
  void expect_errors_well_formed(const FakeHost& host) {
    for (const auto& c : host.completions()) {
      if (c.status != ASTRA_OK) {
        EXPECT_EQ(check_error_json(c.json), "");
      }
    }
  }

  void expect_no_boundary_exception(const FakeHost& host) {
    for (const auto& l : host.logs())
      EXPECT_EQ(l.message.find("exception at the ABI boundary"), std::string::npos) << l.message;
  }

  // Rebuilds each market's book from the events and checks the invariants after every event.
  void check_books(const FakeHost& host) {
    struct Less {
      bool operator()(const astra_decimal& a, const astra_decimal& b) const {
        return compare_decimal(a, b) < 0;
      }
    };
    struct State {
      bool valid = false;
      uint64_t last_id = 0;
      std::map<astra_decimal, astra_decimal, Less> bids, asks;
    };
    std::map<std::string, State> books;
    for (const auto& e : host.books()) {
      State& s = books[e.market];
      if (e.kind == ASTRA_BOOK_RESET) {
        s = State();
        continue;
      }
      if (e.kind == ASTRA_BOOK_SNAPSHOT) {
        s = State();
        s.valid = true;
        for (size_t i = 1; i < e.bids.size(); ++i)
          EXPECT_GT(compare_decimal(e.bids[i - 1].price, e.bids[i].price), 0)
              << e.market << ": snapshot bids must be sorted best (highest) first";
        for (size_t i = 1; i < e.asks.size(); ++i)
          EXPECT_LT(compare_decimal(e.asks[i - 1].price, e.asks[i].price), 0)
              << e.market << ": snapshot asks must be sorted best (lowest) first";
      } else {
        ASSERT_EQ(e.kind, uint32_t(ASTRA_BOOK_UPDATE));
        ASSERT_TRUE(s.valid) << e.market << ": UPDATE before any SNAPSHOT";
        if (e.update_id != 0) {
          EXPECT_GT(e.update_id, s.last_id) << e.market << ": update ids must strictly increase";
        }
      }
      if (e.update_id != 0) s.last_id = e.update_id;
      auto apply = [](auto& side, const std::vector<astra_book_level>& levels) {
        for (const auto& l : levels) {
          if (is_zero(l.quantity))
            side.erase(l.price);
          else
            side[l.price] = l.quantity;
        }
      };
      apply(s.bids, e.bids);
      apply(s.asks, e.asks);
      if (!s.bids.empty() && !s.asks.empty()) {
        EXPECT_LT(compare_decimal(s.bids.rbegin()->first, s.asks.begin()->first), 0)
            << e.market << ": crossed book after update " << e.update_id;
      }
    }
  }

  PluginLibrary lib_;
  const astra_connector_api* api_ = nullptr;
};

TEST_P(ConnectorConformance, EntryServesMajor1AndRefusesMajor2) {
  EXPECT_NE(lib_.api(ASTRA_ABI_VERSION_MAJOR, ASTRA_ABI_VERSION_MINOR), nullptr);
  EXPECT_EQ(lib_.api(ASTRA_ABI_VERSION_MAJOR + 1, 0), nullptr);
}

TEST_P(ConnectorConformance, TableShape) {
  EXPECT_GE(api_->struct_size, sizeof(astra_connector_api));
  EXPECT_EQ(api_->abi_major, ASTRA_ABI_VERSION_MAJOR);
  ASSERT_NE(api_->id, nullptr);
  EXPECT_EQ(std::string(api_->id), basename_without_so());
  ASSERT_NE(api_->exchange, nullptr);
  EXPECT_EQ(check_symbol(std::string(api_->exchange) + "-SPOT-A-B", api_->exchange), "")
      << "exchange code must be [A-Z0-9]+";
  ASSERT_NE(api_->version, nullptr);
  EXPECT_GT(std::string(api_->version).size(), 0u);
  EXPECT_TRUE(api_->create && api_->destroy && api_->on_http_response && api_->on_ws_open &&
              api_->on_ws_message && api_->on_ws_close && api_->on_timer && api_->list_markets &&
              api_->get_orderbook && api_->subscribe && api_->unsubscribe && api_->list_orders &&
              api_->place_order && api_->cancel_order && api_->list_fills && api_->get_balances &&
              api_->get_positions && api_->request_quote && api_->accept_quote)
      << "every function pointer of ABI v1.0 must be set";
}

TEST_P(ConnectorConformance, CreateWithValidConfig) {
  FakeHost host(api_);
  std::string error;
  EXPECT_EQ(host.create(GetParam().config_json, &error), ASTRA_OK) << error;
  EXPECT_NE(host.instance(), nullptr);
  host.destroy();
  EXPECT_EQ(host.violations(), 0u);
}

TEST_P(ConnectorConformance, CreateWithMalformedConfigFailsWithMessage) {
  FakeHost host(api_);
  std::string error;
  EXPECT_NE(host.create(GetParam().malformed_config_json, &error), ASTRA_OK);
  EXPECT_EQ(host.instance(), nullptr);
  EXPECT_FALSE(error.empty()) << "create must explain the failure";
  EXPECT_EQ(host.violations(), 0u);
}

TEST_P(ConnectorConformance, ListMarketsCompletesOnceWithWellFormedSymbols) {
  FakeHost host(api_);
  const auto list = create_and_list(host);
  ASSERT_TRUE(list.is_array());
  EXPECT_GT(list.size(), 0u);
  bool found = false;
  for (const auto& m : list) {
    ASSERT_TRUE(m.is_object());
    ASSERT_TRUE(m.contains("symbol") && m["symbol"].is_string());
    const std::string symbol = m["symbol"];
    EXPECT_EQ(check_symbol(symbol, api_->exchange), "") << symbol;
    found = found || symbol == GetParam().market;
  }
  EXPECT_TRUE(found) << GetParam().market << " is not in the list";
  host.advance(60'000);  // nothing more completes later
  EXPECT_EQ(host.completions_of(7).size(), 1u);
  expect_errors_well_formed(host);
}

TEST_P(ConnectorConformance, UnknownMarketIsNotFound) {
  FakeHost host(api_);
  create_and_list(host);
  const std::string unknown = std::string(api_->exchange) + "-SPOT-NOSUCHCOIN-NOSUCHQUOTE";
  EXPECT_EQ(host.subscribe(unknown, ASTRA_DATA_ORDERBOOK), ASTRA_E_NOT_FOUND);
  EXPECT_EQ(host.subscribe("not a symbol", ASTRA_DATA_TRADES), ASTRA_E_NOT_FOUND);
  const astra_status s = host.get_orderbook(9, unknown);
  if (s == ASTRA_OK) {
    ASSERT_EQ(host.completions_of(9).size(), 1u);
    EXPECT_NE(host.completions_of(9)[0]->status, ASTRA_OK);
  } else {
    EXPECT_EQ(s, ASTRA_E_NOT_FOUND);
  }
  expect_errors_well_formed(host);
}

TEST_P(ConnectorConformance, BooksAreSortedUncrossedAndIncreasing) {
  FakeHost host(api_);
  create_and_list(host);
  ASSERT_EQ(host.subscribe(GetParam().market, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  ASSERT_TRUE(GetParam().feed_data);
  GetParam().feed_data(host);
  size_t snapshots = 0, updates = 0;
  for (const auto* e : host.books_of(GetParam().market)) {
    snapshots += e->kind == ASTRA_BOOK_SNAPSHOT;
    updates += e->kind == ASTRA_BOOK_UPDATE;
  }
  EXPECT_GE(snapshots, 1u);
  EXPECT_GE(updates, 1u);
  check_books(host);
  expect_errors_well_formed(host);
  expect_no_boundary_exception(host);
}

TEST_P(ConnectorConformance, GarbageFramesAreCountedNotFatal) {
  FakeHost host(api_);
  create_and_list(host);
  ASSERT_EQ(host.subscribe(GetParam().market, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  if (GetParam().feed_data) GetParam().feed_data(host);
  const auto live = host.live_connections();
  ASSERT_FALSE(live.empty()) << "feed_data must leave a connection open";
  const uint64_t conn = live.front()->id;
  std::vector<std::string> not_json = {
      std::string("\x00\xff\xfe garbage \x01", 14),
      "{\"stream\":\"x\",\"data\":{\"e\":\"depthUpdate\",\"E\":1,",
      "{{{{",
      "",
      "]",
  };
  std::string random;
  uint32_t x = 12345;
  for (int i = 0; i < 512; ++i) {
    x = x * 1103515245u + 12345u;
    random.push_back(static_cast<char>(x >> 16));
  }
  not_json.push_back(random);
  const std::vector<std::string> odd_json = {
      "[]", "42", "null", "\"text\"", "{}", "{\"stream\":5,\"data\":[]}", "{\"data\":null}"};
  const uint64_t before = host.counter(ASTRA_COUNT_BAD_FRAME);
  for (const auto& f : not_json)
    ASSERT_TRUE(host.ws_message(conn, f));
  EXPECT_GE(host.counter(ASTRA_COUNT_BAD_FRAME) - before, not_json.size())
      << "every frame that is not JSON counts BAD_FRAME";
  for (const auto& f : odd_json)
    ASSERT_TRUE(host.ws_message(conn, f));
  const uint64_t before_bad = host.counter(ASTRA_COUNT_BAD_FRAME);
  for (const auto& f : GetParam().bad_frames)
    ASSERT_TRUE(host.ws_message(conn, f));
  EXPECT_EQ(host.counter(ASTRA_COUNT_BAD_FRAME) - before_bad, GetParam().bad_frames.size())
      << "every malformed venue frame counts BAD_FRAME once";
  expect_no_boundary_exception(host);
  check_books(host);
}

TEST_P(ConnectorConformance, DestroyIsClean) {
  FakeHost host(api_);
  create_and_list(host);
  ASSERT_EQ(host.subscribe(GetParam().market, ASTRA_DATA_ORDERBOOK), ASTRA_OK);
  if (GetParam().feed_data) GetParam().feed_data(host);
  host.destroy();
  EXPECT_EQ(host.instance(), nullptr);
  host.advance(48LL * 3600 * 1000);  // no timer of a destroyed instance fires
  EXPECT_EQ(host.violations(), 0u);
  expect_no_boundary_exception(host);
}

}  // namespace astra::sdk::testing
