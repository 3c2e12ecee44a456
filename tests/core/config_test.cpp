#include <astra/core/config.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace astra::core {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::string& yaml) {
  auto c = parse_config(yaml);
  if (c.ok()) return "<accepted>";
  EXPECT_EQ(c.error().status, ASTRA_E_INVALID_ARGUMENT);
  EXPECT_EQ(c.error().code, "bad_config");
  return c.error().message;
}

TEST(Config, RepositoryConfigParses) {
  const std::string path = std::string(ASTRA_SOURCE_DIR) + "/config/astra.yaml";
  auto c = load_config(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.listen, "127.0.0.1");
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->server.metrics_port, 9090);
  EXPECT_EQ(c->server.ws_queue_limit, 256u);
  EXPECT_EQ(c->log_level, "info");
  ASSERT_EQ(c->venues.size(), 6u);
  EXPECT_EQ(c->venues[0].id, "binance");
  EXPECT_TRUE(c->venues[0].enabled);
  EXPECT_EQ(c->venues[0].settings_json, "{}");
  EXPECT_FALSE(c->venues[5].enabled);
  EXPECT_EQ(c->venues[5].id, "kraken");
  // state: ../astra.db, relative to the file's folder.
  const fs::path expected =
      (fs::absolute(fs::path(ASTRA_SOURCE_DIR) / "config") / "../astra.db").lexically_normal();
  EXPECT_EQ(c->state_path, expected.string());
}

TEST(Config, FullSchema) {
  auto c = parse_config(R"(
server:
  listen: 0.0.0.0
  port: 443
  metrics_port: 0
  max_connections: 10
  max_header_bytes: 16384
  max_body_bytes: 1024
  max_ws_message_bytes: 512
  ws_queue_limit: 8
  ws_behind_close_ms: 250
state: /var/lib/astra/astra.db
plugin_dir: /opt/astra/plugins
log_level: debug
venues:
  okx:
    enabled: false
    plugin: /tmp/okx.so
    testnet: true
    rate: 0.5
    depth: 400
    name: "0012"
    nothing: ~
    symbols: [BTC-USDT, ETH-USDT]
    nested: {a: 1, b: "x"}
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.listen, "0.0.0.0");
  EXPECT_EQ(c->server.port, 443);
  EXPECT_EQ(c->server.metrics_port, 0);
  EXPECT_EQ(c->server.max_connections, 10u);
  EXPECT_EQ(c->server.max_header_bytes, 16384u);
  EXPECT_EQ(c->server.max_body_bytes, 1024u);
  EXPECT_EQ(c->server.max_ws_message_bytes, 512u);
  EXPECT_EQ(c->server.ws_queue_limit, 8u);
  EXPECT_EQ(c->server.ws_behind_close_ms, 250u);
  EXPECT_EQ(c->state_path, "/var/lib/astra/astra.db");
  EXPECT_EQ(c->plugin_dir, "/opt/astra/plugins");
  EXPECT_EQ(c->log_level, "debug");
  ASSERT_EQ(c->venues.size(), 1u);
  const VenueConfig& v = c->venues[0];
  EXPECT_EQ(v.id, "okx");
  EXPECT_FALSE(v.enabled);
  EXPECT_EQ(v.plugin, "/tmp/okx.so");
  const auto s = nlohmann::json::parse(v.settings_json);
  EXPECT_EQ(s["testnet"], true);
  EXPECT_EQ(s["rate"], 0.5);
  EXPECT_EQ(s["depth"], 400);
  EXPECT_EQ(s["name"], "0012");  // quoted: stays a string
  EXPECT_TRUE(s["nothing"].is_null());
  EXPECT_EQ(s["symbols"], nlohmann::json::array({"BTC-USDT", "ETH-USDT"}));
  EXPECT_EQ(s["nested"]["a"], 1);
  EXPECT_EQ(s["nested"]["b"], "x");
  EXPECT_FALSE(s.contains("enabled"));
  EXPECT_FALSE(s.contains("plugin"));
}

TEST(Config, DefaultsWhenAbsent) {
  auto c = parse_config("venues: {}\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->state_path, "astra.db");
  EXPECT_TRUE(c->venues.empty());
  EXPECT_TRUE(parse_config("").ok());
}

TEST(Config, BadInputsNameTheKeyAndTheProblem) {
  struct Case {
    const char* yaml;
    const char* says;
  };
  const Case cases[] = {
      {"server:\n  port: abc\n", "server.port: must be an integer from 0 to 65535 (got 'abc')"},
      {"server:\n  port: -1\n", "server.port: must be an integer from 0 to 65535 (got '-1')"},
      {"server:\n  port: 70000\n", "server.port: must be an integer from 0 to 65535"},
      {"server:\n  read_timeout_ms: 5\n", "server.read_timeout_ms: must be an integer from 100"},
      {"server:\n  port: -1\n", "server.port: must be an integer"},
      {"server:\n  port: 80.5\n", "server.port: must be an integer"},
      {"server:\n  port: [1]\n", "server.port: must be an integer from 0 to 65535 (got a list)"},
      {"server:\n  metrics_port: 65536\n", "server.metrics_port"},
      {"server:\n  max_connections: 0\n", "server.max_connections"},
      {"server:\n  ws_queue_limit: lots\n", "server.ws_queue_limit"},
      {"server:\n  ws_behind_close_ms: 0\n", "server.ws_behind_close_ms"},
      {"server:\n  max_header_bytes: 99999999999999999999999\n", "server.max_header_bytes"},
      {"server:\n  listen: ''\n", "server.listen: must be a non-empty string"},
      {"server:\n  prot: 8080\n", "server.prot: unknown key"},
      {"server: 8080\n", "server: must be a mapping"},
      {"sever:\n  port: 8080\n", "sever: unknown key"},
      {"log_level: verbose\n", "log_level: must be trace, debug, info, warn or error"},
      {"state: {a: 1}\n", "state: must be a non-empty string"},
      {"venues: [binance]\n", "venues: must be a mapping"},
      {"sandbox: yes please\n", "sandbox: must be a mapping"},
      {"sandbox:\n  enabled: maybe\n", "sandbox.enabled"},
      {"sandbox:\n  rate_ms: 0\n", "sandbox.rate_ms: must be an integer from 1"},
      {"sandbox:\n  sead: 1\n", "sandbox.sead: unknown key"},
      {"venues:\n  binance:\n    plugin: x.so\n", "venues.binance.enabled: required"},
      {"venues:\n  binance:\n", "venues.binance: must be a mapping"},
      {"venues:\n  binance:\n    enabled: maybe\n",
       "venues.binance.enabled: must be true or false (got 'maybe')"},
      {"venues:\n  Binance:\n    enabled: true\n", "venues.Binance: venue ids are lower-case"},
      {"venues:\n  binance:\n    enabled: true\n    plugin: ''\n",
       "venues.binance.plugin: must be a non-empty string"},
      {"server:\n  port: 1\n  port: 2\n", "server.port: duplicate key"},
      {"[1, 2]\n", "config: must be a mapping"},
      {"server:\n  port: [1\n", "YAML syntax error at line"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(c.yaml);
    EXPECT_NE(message.find(c.says), std::string::npos) << "yaml:\n"
                                                       << c.yaml << "message: " << message;
  }
}

class TempDir {
 public:
  TempDir() {
    path_ =
        fs::temp_directory_path() /
        ("astra_core_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(Config, SandboxSection) {
  auto c = parse_config("sandbox:\n  enabled: true\n  seed: 7\n  rate_ms: 50\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->sandbox.enabled);
  EXPECT_EQ(c->sandbox.seed, 7u);
  EXPECT_EQ(c->sandbox.rate_ms, 50u);
  auto d = parse_config("server:\n  port: 1\n");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->sandbox.enabled);
}

TEST(Config, LoadResolvesRelativePaths) {
  TempDir dir;
  fs::create_directories(dir.path() / "etc");
  const fs::path file = dir.path() / "etc" / "astra.yaml";
  std::ofstream(file) << "state: data/keys.db\nplugin_dir: ../plugins\nvenues:\n"
                         "  binance:\n    enabled: true\n    plugin: ./b.so\n"
                         "  okx:\n    enabled: true\n    plugin: /abs/okx.so\n";
  auto c = load_config(file.string());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->state_path, (dir.path() / "etc/data/keys.db").string());
  EXPECT_EQ(c->plugin_dir, (dir.path() / "plugins").string());
  EXPECT_EQ(c->venues[0].plugin, (dir.path() / "etc/b.so").string());
  EXPECT_EQ(c->venues[1].plugin, "/abs/okx.so");
}

TEST(Config, LoadErrors) {
  auto missing = load_config("/nonexistent/astra.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, ASTRA_E_NOT_FOUND);
  EXPECT_NE(missing.error().message.find("/nonexistent/astra.yaml"), std::string::npos);

  TempDir dir;
  const fs::path file = dir.path() / "bad.yaml";
  std::ofstream(file) << "server:\n  port: abc\n";
  auto bad = load_config(file.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "bad_config");
  EXPECT_NE(bad.error().message.find("server.port"), std::string::npos);
  EXPECT_NE(bad.error().message.find("bad.yaml"), std::string::npos);
}

}  // namespace
}  // namespace astra::core
