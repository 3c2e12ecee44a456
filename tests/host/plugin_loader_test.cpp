#include "loader/plugin_loader.hpp"

#include <gtest/gtest.h>

#include "log_capture.hpp"

namespace {

using astra::host::PluginLoader;

const std::filesystem::path kDir = ASTRA_TEST_PLUGIN_DIR;

struct LoaderTest : ::testing::Test {
  astra::test::LogCapture log;
  PluginLoader loader{log.logger()};

  // Loads `id` expecting a refusal; returns the error message after checking it was logged.
  std::string refusal(const std::string& id, astra_status expected_status) {
    auto r = loader.load(kDir, id);
    EXPECT_FALSE(r.ok()) << id << " was accepted";
    if (r.ok()) return {};
    EXPECT_EQ(r.error().status, expected_status) << r.error().message;
    EXPECT_EQ(r.error().code, "plugin_refused");
    EXPECT_TRUE(log.contains(r.error().message)) << log.all();
    return r.error().message;
  }
};

TEST_F(LoaderTest, LoadsAGoodPlugin) {
  auto r = loader.load(kDir, "fakegood");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "fakegood");
  EXPECT_EQ(r->exchange, "FAKEGOOD");
  EXPECT_EQ(r->version, "1.2.3");
  EXPECT_TRUE(r->library);
  ASSERT_NE(r->api, nullptr);
  EXPECT_NE(r->api->capabilities & ASTRA_CAP_ORDERBOOK, 0u);
  EXPECT_TRUE(log.contains("loaded plugin fakegood 1.2.3"));
}

TEST_F(LoaderTest, RefusesAMissingFile) {
  const auto m = refusal("doesnotexist", ASTRA_E_NOT_FOUND);
  EXPECT_NE(m.find("cannot load the library"), std::string::npos) << m;
}

TEST_F(LoaderTest, RefusesALibraryWithoutTheEntrySymbol) {
  const auto m = refusal("fakenoentry", ASTRA_E_INCOMPATIBLE);
  EXPECT_NE(m.find("no astra_connector_entry symbol"), std::string::npos) << m;
}

TEST_F(LoaderTest, RefusesAPluginThatReturnsNoTableForOurMajor) {
  const auto m = refusal("fakenulltable", ASTRA_E_INCOMPATIBLE);
  EXPECT_NE(m.find("cannot serve connector ABI 1.0"), std::string::npos) << m;
}

TEST_F(LoaderTest, RefusesAnotherMajorVersion) {
  const auto m = refusal("fakeabi2", ASTRA_E_INCOMPATIBLE);
  EXPECT_NE(m.find("plugin fakeabi2 speaks connector ABI 2.0; this host speaks 1.0"),
            std::string::npos)
      << m;
}

TEST_F(LoaderTest, RefusesATableSmallerThanV1) {
  const auto m = refusal("fakesmalltable", ASTRA_E_INCOMPATIBLE);
  EXPECT_NE(m.find("smaller than the v1.0 table"), std::string::npos) << m;
}

TEST_F(LoaderTest, RefusesAMissingRequiredFunctionAndNamesIt) {
  const auto m = refusal("fakemissingfn", ASTRA_E_INCOMPATIBLE);
  EXPECT_NE(m.find("lacks the required function 'subscribe'"), std::string::npos) << m;
}

TEST_F(LoaderTest, RefusesAnIdThatDiffersFromTheFileName) {
  const auto m = refusal("fakemisnamed", ASTRA_E_INVALID_ARGUMENT);
  EXPECT_NE(m.find("plugin id 'someoneelse' does not match its file name 'fakemisnamed.so'"),
            std::string::npos)
      << m;
}

TEST_F(LoaderTest, RefusesADuplicateId) {
  auto first = loader.load(kDir, "fakegood");
  ASSERT_TRUE(first.ok()) << first.error().message;
  const auto m = refusal("fakegood", ASTRA_E_INVALID_ARGUMENT);
  EXPECT_NE(m.find("already loaded (duplicate id)"), std::string::npos) << m;
}

TEST_F(LoaderTest, LoadFileUsesTheBaseNameAsTheExpectedId) {
  auto r = loader.load_file(kDir / "fakegood.so");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->path, kDir / "fakegood.so");
}

TEST_F(LoaderTest, TheLibraryStaysLoadedWhileAnInstanceHoldsIt) {
  std::shared_ptr<boost::dll::shared_library> held;
  const astra_connector_api* api = nullptr;
  {
    auto r = loader.load(kDir, "fakegood");
    ASSERT_TRUE(r.ok());
    held = r->library;
    api = r->api;
  }
  // The LoadedPlugin is gone; the table (static storage in the .so) must still be readable.
  ASSERT_TRUE(held);
  EXPECT_STREQ(api->id, "fakegood");
}

}  // namespace
