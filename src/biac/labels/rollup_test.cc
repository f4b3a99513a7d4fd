// All 22 cases of testdata/labels/rollup_cases.json (security-anchors.md §7.3; CAPCO Manual
// 2016 Sec. D.2 Table 3): parse every input, roll them up, render, compare with `expected`;
// and the same through every ordering and grouping of the inputs.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "biac/labels/label.h"

namespace biac::labels {
namespace {

nlohmann::json LoadCases() {
  std::ifstream in("testdata/labels/rollup_cases.json");
  EXPECT_TRUE(in.good()) << "run from the repository root";
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, false);
}

TEST(RollupCases, AllPass) {
  const nlohmann::json doc = LoadCases();
  ASSERT_TRUE(doc.is_object());
  int passed = 0;
  for (const auto& c : doc["cases"]) {
    const std::string id = c["id"];
    std::vector<Label> inputs;
    for (const auto& text : c["inputs"]) {
      Result<Label> label = Parse(text.get<std::string>());
      ASSERT_TRUE(label.ok()) << id << ": " << label.status().ToString();
      inputs.push_back(*label);
    }
    const std::string expected = c["expected"];
    EXPECT_EQ(Render(Rollup(inputs)), expected) << id << ": " << c["description"];
    // Order and grouping do not matter.
    std::vector<size_t> order(inputs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    do {
      Label folded = inputs[order[0]];
      for (size_t i = 1; i < order.size(); ++i) folded = Rollup(folded, inputs[order[i]]);
      EXPECT_EQ(Render(folded), expected) << id << " folded";
    } while (std::next_permutation(order.begin(), order.end()));
    // The expected banner is canonical.
    Result<Label> reparsed = Parse(expected);
    ASSERT_TRUE(reparsed.ok()) << id;
    EXPECT_EQ(Render(*reparsed), expected) << id;
    if (Render(Rollup(inputs)) == expected) ++passed;
  }
  EXPECT_EQ(passed, 22);
}

}  // namespace
}  // namespace biac::labels
