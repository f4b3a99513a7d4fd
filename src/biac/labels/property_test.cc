// Property tests over seeded random labels and users (security-anchors.md §7.6): roll-up is
// commutative, associative and idempotent; sound (a user allowed the roll-up is allowed every
// input); monotone (adding an input never widens access); and the label decision equals the
// decision of the compiled Accumulo expression (differential test).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

#include "biac/labels/access.h"
#include "biac/labels/label.h"
#include "biac/labels/visibility.h"

namespace biac::labels {
namespace {

constexpr uint32_t kSeed = 20261127;
constexpr int kIterations = 400;

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)];
  }
  std::vector<std::string> Subset(const std::vector<std::string>& pool, double p) {
    std::vector<std::string> out;
    for (const std::string& s : pool) {
      if (Chance(p)) out.push_back(s);
    }
    return out;
  }

  Label RandomLabel() {
    if (Chance(0.03)) return Label();
    const bool jpn = Chance(0.5);
    static const std::vector<std::string> kUsaLevels = {"UNCLASSIFIED", "CONFIDENTIAL", "SECRET",
                                                        "TOP_SECRET"};
    static const std::vector<std::string> kJpnLevels = {
        "UNCLASSIFIED", "CHUI", "HI", "CESI", "GOKUHI", "TOKUTEI_HIMITSU", "KIMITSU", "極秘"};
    const std::string policy = jpn ? "JPN" : "USA";
    const std::string level = Pick(jpn ? kJpnLevels : kUsaLevels);
    nlohmann::json j = {{"policy", policy}, {"level", level}};
    if (level == "TOKUTEI_HIMITSU" && Chance(0.5)) j["equiv"] = Chance(0.5) ? "TS" : "S";
    nlohmann::json categories = nlohmann::json::object();
    if (Chance(0.85)) {
      std::vector<std::string> rel =
          Subset({"USA", "JPN", "GBR", "AUS", "CAN", "NZL", "FVEY", "ACGU", "NATO"}, 0.35);
      rel.push_back(policy);
      categories["releasable_to"] = rel;
    }
    categories["sci"] = Subset({"SI", "TK", "G", "HCS"}, 0.12);
    const bool unclassified = level == "UNCLASSIFIED" || level == "CHUI";
    std::vector<std::string> caveats = Subset({"MDA"}, 0.15);
    if (!unclassified && Chance(0.15)) caveats.push_back("ORCON");
    categories["caveats"] = caveats;
    if (Chance(0.2))
      categories["fgi"] =
          Chance(0.3) ? nlohmann::json("CONCEALED") : nlohmann::json(Subset({"GBR", "JPN"}, 0.7));
    if (categories.contains("fgi") && categories.at("fgi").is_array() &&
        categories.at("fgi").empty()) {
      categories.erase("fgi");
    }
    j["categories"] = categories;
    Result<Label> label = Parse(j.dump());
    EXPECT_TRUE(label.ok()) << j.dump() << ": " << label.status().ToString();
    return label.ok() ? *label : Label();
  }

  User RandomUser() {
    User user;
    user.clearance = static_cast<Level>(std::uniform_int_distribution<int>(0, 3)(rng_));
    user.nationality =
        Pick(std::vector<std::string>{"USA", "JPN", "GBR", "AUS", "CAN", "NZL", "FRA"});
    user.affiliations = Subset({"NATO", "FVEY", "ACGU"}, 0.25);
    user.sci = Subset({"SI", "TK", "G", "HCS"}, 0.6);
    user.caveats = Subset({"MDA", "ORCON"}, 0.6);
    return user;
  }

 private:
  std::mt19937 rng_;
};

TEST(RollupProperties, CommutativeAssociativeIdempotent) {
  Generator gen(kSeed);
  for (int i = 0; i < kIterations; ++i) {
    const Label a = gen.RandomLabel();
    const Label b = gen.RandomLabel();
    const Label c = gen.RandomLabel();
    ASSERT_EQ(Rollup(a, b), Rollup(b, a)) << Render(a) << " + " << Render(b);
    const Label left = Rollup(Rollup(a, b), c);
    ASSERT_EQ(left, Rollup(a, Rollup(b, c)))
        << Render(a) << " + " << Render(b) << " + " << Render(c);
    const Label all[] = {a, b, c};
    ASSERT_EQ(left, Rollup(all));
    ASSERT_EQ(Rollup(a, a), a) << Render(a);
    ASSERT_EQ(Rollup(std::span<const Label>(&a, 1)), a) << Render(a);
    // Canonical printing is a fixed point, for inputs and products alike.
    for (const Label& l : {a, left}) {
      Result<Label> again = Parse(Render(l));
      ASSERT_TRUE(again.ok()) << Render(l) << ": " << again.status().ToString();
      ASSERT_EQ(*again, l) << Render(l);
      ASSERT_EQ(Render(*again), Render(l));
    }
  }
}

TEST(RollupProperties, SoundAndMonotone) {
  Generator gen(kSeed + 1);
  int permitted = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::vector<Label> inputs;
    const int n = 1 + i % 4;
    for (int k = 0; k < n; ++k) inputs.push_back(gen.RandomLabel());
    const Label product = Rollup(inputs);
    std::vector<Label> more = inputs;
    more.push_back(gen.RandomLabel());
    const Label bigger = Rollup(more);
    for (int u = 0; u < 10; ++u) {
      const User user = gen.RandomUser();
      if (Permits(user, product)) {
        ++permitted;
        for (const Label& input : inputs) {
          ASSERT_TRUE(Permits(user, input))
              << UserToJson(user) << " sees " << Render(product) << " but not " << Render(input);
        }
      }
      if (Permits(user, bigger)) {
        ASSERT_TRUE(Permits(user, product)) << UserToJson(user) << ": " << Render(bigger);
      }
    }
  }
  EXPECT_GT(permitted, 100);  // the generator reaches the permit side too
}

TEST(RollupProperties, LabelDecisionEqualsAccumuloDecision) {
  Generator gen(kSeed + 2);
  int permits = 0;
  int denies = 0;
  for (int i = 0; i < kIterations; ++i) {
    Label label = gen.RandomLabel();
    if (i % 3 == 0) label = Rollup(label, gen.RandomLabel());
    const std::string expression = ToVisibility(label);
    const Result<VisibilityExpression> expr = VisibilityExpression::Parse(expression);
    ASSERT_TRUE(expr.ok()) << expression << ": " << expr.status().ToString();
    for (int u = 0; u < 10; ++u) {
      const User user = gen.RandomUser();
      const bool decision = Permits(user, label);
      ASSERT_EQ(decision, expr->Evaluate(AuthorizationsFor(user)))
          << Render(label) << " as " << expression << " for " << UserToJson(user);
      (decision ? permits : denies)++;
    }
  }
  EXPECT_GT(permits, 500);
  EXPECT_GT(denies, 500);
}

}  // namespace
}  // namespace biac::labels
