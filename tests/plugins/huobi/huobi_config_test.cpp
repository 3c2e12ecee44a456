// Configuration errors are refused at create() with a message naming the bad key.
#include "huobi_test_support.hpp"

namespace huobi_test {
namespace {

astra_status create(const std::string& config, std::string& error) {
  FakeHost host(plugin().api());
  return host.create(config, &error);
}

TEST(HuobiConfig, DefaultsAndValidConfigsAreAccepted) {
  std::string error;
  EXPECT_EQ(create("", error), ASTRA_OK) << error;
  EXPECT_EQ(create("{}", error), ASTRA_OK) << error;
  EXPECT_EQ(create(config({"spot"}, "mbp"), error), ASTRA_OK) << error;
}

TEST(HuobiConfig, BadValuesAreRefusedWithTheirKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"families":["options"]})", "options"},
      {R"({"families":[]})", "families"},
      {R"({"spot_book":"fast"})", "spot_book"},
      {R"({"mbp_levels":7})", "mbp_levels"},
      {R"({"spot":{"ws":"ftp://x"}})", "spot.ws"},
      {R"({"coin_swap":{"feed":"wss://x"}})", "coin_swap.feed"},
      {R"({"nonsense":1})", "nonsense"},
      {R"([1,2])", "object"},
  };
  for (const auto& [text, key] : cases) {
    std::string error;
    EXPECT_EQ(create(text, error), ASTRA_E_INVALID_ARGUMENT) << text;
    EXPECT_NE(error.find(key), std::string::npos) << text << " -> " << error;
  }
}

}  // namespace
}  // namespace huobi_test
