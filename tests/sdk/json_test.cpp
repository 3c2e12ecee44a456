#include <astra/sdk/json.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using namespace astra::sdk;

TEST(Json, StringsAreQuotedAndEscaped) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\t\x1f/é");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\t\\u001f/é\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), "a\"b\\c\n\t\x1f/é");
}

TEST(Json, LevelsAreStringPairs) {
  const std::vector<astra_book_level> levels{{{3024010, -2}, {35270000, -8}}, {{15, 2}, {0, 0}}};
  std::string out;
  append_json_levels(out, levels.data(), levels.size());
  EXPECT_EQ(out, "[[\"30240.10\",\"0.35270000\"],[\"1500\",\"0\"]]");
  EXPECT_TRUE(nlohmann::json::parse(out).is_array());
  out.clear();
  append_json_levels(out, nullptr, 0);
  EXPECT_EQ(out, "[]");
  out.clear();
  append_json_decimal(out, {-5, -1});
  EXPECT_EQ(out, "\"-0.5\"");
}

}  // namespace
