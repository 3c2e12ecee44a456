// The command line, through cli::run.
#include "cli/cli.hpp"

#include <gtest/gtest.h>

#include "temp_file.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

namespace {

struct Run {
  int code;
  std::string out, err;
};

Run astra_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "astra");
  std::vector<const char*> argv;
  for (const auto& a : args)
    argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = astra::host::cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

TEST(Cli, Version) {
  const auto r = astra_cli({"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "astra 0.1.0 (connector ABI 1.0)\n");
}

TEST(Cli, UsageForBadArguments) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"frobnicate"}, {"keys"}, {"keys", "revoke"}, {"serve", "--bogus", "x"}}) {
    const auto r = astra_cli(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("usage: astra"), std::string::npos) << r.err;
  }
}

TEST(Cli, ReplayBadArgumentsGiveAJsonError) {
  const auto r = astra_cli({"replay", "--capture", "x.jsonl"});
  EXPECT_EQ(r.code, 2);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "bad_arguments");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("--venue is required"),
            std::string::npos);
}

TEST(Cli, ReplayUnreadableCaptureGivesAJsonError) {
  const auto r = astra_cli({"replay", "--venue", "fakegood", "--capture", "/nonexistent.jsonl",
                            "--plugin-dir", ASTRA_TEST_PLUGIN_DIR});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "capture_unreadable");
}

TEST(Cli, ReplayPrintsOneJsonObject) {
  astra::test::TempFile capture(
      R"({"t":1,"type":"ws_open","conn":1,"url":"wss://fake.invalid/stream"})"
      "\n"
      R"({"t":2,"type":"ws_recv","conn":1,"text":"book"})"
      "\n",
      ".jsonl");
  const auto r =
      astra_cli({"replay", "--venue", "fakegood", "--capture", capture.path().string(), "--market",
                 "FAKEGOOD-SPOT-BTC-USDT", "--plugin-dir", ASTRA_TEST_PLUGIN_DIR});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["frames"], 1);
  EXPECT_EQ(j["markets"]["FAKEGOOD-SPOT-BTC-USDT"]["bestBid"],
            nlohmann::json::array({"100.5", "2"}));
}

TEST(Cli, KeysCreateListRevoke) {
  const auto db = std::filesystem::temp_directory_path() /
                  ("astra-cli-test-" + std::to_string(::getpid()) + ".db");
  astra::test::TempFile config("state: " + db.string() + "\nvenues: {}\n", ".yaml");
  const auto created =
      astra_cli({"keys", "create", "--label", "ci", "--config", config.path().string()});
  ASSERT_EQ(created.code, 0) << created.err;
  const std::string prefix = "Created API key (shown once): ";
  ASSERT_EQ(created.out.rfind(prefix, 0), 0u) << created.out;
  const std::string key = created.out.substr(prefix.size(), created.out.size() - prefix.size() - 1);
  const std::string id = key.substr(0, key.find('.'));

  const auto listed = astra_cli({"keys", "list", "--config", config.path().string()});
  ASSERT_EQ(listed.code, 0) << listed.err;
  const auto list = nlohmann::json::parse(listed.out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["label"], "ci");
  EXPECT_EQ(listed.out.find(key), std::string::npos) << "the key is never shown again";

  EXPECT_EQ(astra_cli({"keys", "revoke", id, "--config", config.path().string()}).code, 0);
  EXPECT_EQ(astra_cli({"keys", "revoke", "nosuchid", "--config", config.path().string()}).code, 1);
  std::filesystem::remove(db);
}

TEST(Cli, ServeWithABadConfigExitsWith2) {
  astra::test::TempFile config("server:\n  port: abc\n", ".yaml");
  const auto r = astra_cli({"serve", "--config", config.path().string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("server.port"), std::string::npos) << r.err;
}

}  // namespace
