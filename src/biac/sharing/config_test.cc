#include "biac/sharing/config.h"

#include <gtest/gtest.h>

#include <string>

namespace biac::sharing {
namespace {

constexpr std::string_view kConfig = R"(
[node]
name = "biac-naha"   # other parts' tables are not sharing's business

[[sharing.rule]]
name = "coarse-1km"
coarsen_position_m = 1000
drop_source_identity = true

[[sharing.rule]]
name = "no-callsign"
drop_fields = ["callsign", "name"]

[[sharing.rule]]
name = "half-nm"
coarsen_position_m = 926.0

[[sharing.partner]]
name = "jpn-node"
audience = { clearance = "SECRET", nationality = "JPN" }
rules = ["coarse-1km", "no-callsign"]

[[sharing.partner]]
name = "us-c2"
audience = { clearance = "TS", nationality = "USA", affiliations = ["FVEY"], caveats = ["ORCON"] }
rules = []

[[sharing.partner]]
name = "jmsdf"
audience = { clearance = "GOKUHI", nationality = "JPN" }
rules = ["half-nm"]
)";

std::string ErrorOf(std::string_view text) {
  Result<SharingConfig> config = ParseSharingConfig(text, "");
  return config.ok() ? std::string("ok") : config.error().message();
}

TEST(SharingConfig, ReadsRulesAndPartners) {
  Result<SharingConfig> config = ParseSharingConfig(kConfig, "node.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->rules.rules.size(), 3u);
  const SanitisationRule* coarse = config->rules.Find("coarse-1km");
  ASSERT_NE(coarse, nullptr);
  EXPECT_EQ(coarse->coarsen_position_m, 1000);
  EXPECT_TRUE(coarse->drop_source_identity);
  EXPECT_TRUE(coarse->drop_fields.empty());
  const SanitisationRule* no_callsign = config->rules.Find("no-callsign");
  ASSERT_NE(no_callsign, nullptr);
  EXPECT_EQ(no_callsign->coarsen_position_m, 0);
  EXPECT_FALSE(no_callsign->drop_source_identity);
  EXPECT_EQ(no_callsign->drop_fields, (std::vector<Field>{Field::kCallsign, Field::kName}));
  EXPECT_EQ(config->rules.Find("half-nm")->coarsen_position_m, 926.0);
  EXPECT_EQ(config->rules.Find("absent"), nullptr);

  ASSERT_EQ(config->partners.size(), 3u);
  const PartnerPolicy* jpn = config->FindPartner("jpn-node");
  ASSERT_NE(jpn, nullptr);
  EXPECT_EQ(jpn->audience.clearance, labels::Level::kSecret);
  EXPECT_EQ(jpn->audience.nationality, "JPN");
  EXPECT_EQ(jpn->rules, (std::vector<std::string>{"coarse-1km", "no-callsign"}));
  const PartnerPolicy* us = config->FindPartner("us-c2");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->audience.clearance, labels::Level::kTopSecret);
  EXPECT_EQ(us->audience.affiliations, std::vector<std::string>{"FVEY"});
  EXPECT_EQ(us->audience.caveats, std::vector<std::string>{"ORCON"});
  EXPECT_TRUE(us->rules.empty());
  // A Japanese clearance word, read through the equivalence table (japan-markings.md §5:
  // GOKUHI ~ SECRET).
  EXPECT_EQ(config->FindPartner("jmsdf")->audience.clearance, labels::Level::kSecret);
  EXPECT_EQ(config->FindPartner("kor-node"), nullptr);
}

// The example of docs/sharing.md, verbatim.
TEST(SharingConfig, DocumentationExample) {
  constexpr std::string_view kExample = R"([[sharing.rule]]
name = "coarse-1km"            # required; [A-Za-z0-9_.-]+, unique
coarsen_position_m = 1000      # optional, metres, 0 (default) = no coarsening, at most 2e7
drop_source_identity = true    # optional, default false
drop_fields = ["callsign"]     # optional, default []

[[sharing.rule]]
name = "no-identity"
drop_fields = ["callsign", "name", "mmsi", "icao_address", "mode3a"]

[[sharing.partner]]
name = "jpn-node"                                           # required; [A-Za-z0-9_.-]+, unique
audience = { clearance = "SECRET", nationality = "JPN" }     # required
rules = ["coarse-1km", "no-identity"]                        # required, may be []
)";
  Result<SharingConfig> config = ParseSharingConfig(kExample, "");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->partners.size(), 1u);
  EXPECT_EQ(config->partners[0].rules, (std::vector<std::string>{"coarse-1km", "no-identity"}));
  EXPECT_EQ(config->rules.Find("no-identity")->drop_fields.size(), 5u);
}

TEST(SharingConfig, NoSharingTableIsAnEmptyConfiguration) {
  Result<SharingConfig> config = ParseSharingConfig("[node]\nname = \"x\"\n", "");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->rules.rules.empty());
  EXPECT_TRUE(config->partners.empty());
}

TEST(SharingConfig, ErrorsNameTheKeyAndTheReason) {
  const std::string rules =
      "[[sharing.rule]]\nname = \"a\"\n[[sharing.rule]]\nname = \"b\"\n[[sharing.rule]]\n"
      "name = \"c\"\n";
  EXPECT_EQ(ErrorOf(rules + "drop_fields = [\"colour\"]\n"),
            "sharing.rule[2].drop_fields[0]: unknown field 'colour'");
  EXPECT_EQ(ErrorOf(rules + "drop_fields = [\"mmsi\", \"mmsi\"]\n"),
            "sharing.rule[2].drop_fields[1]: field 'mmsi' already listed");
  EXPECT_EQ(ErrorOf(rules + "drop_fields = \"mmsi\"\n"),
            "sharing.rule[2].drop_fields: expected an array of strings");
  EXPECT_EQ(ErrorOf(rules + "drop_fields = [1]\n"),
            "sharing.rule[2].drop_fields[0]: expected a string");
  EXPECT_EQ(ErrorOf(rules + "coarsen_position_m = -5\n"),
            "sharing.rule[2].coarsen_position_m: must be within [0, 2e7] metres (0: no "
            "coarsening)");
  EXPECT_EQ(ErrorOf(rules + "coarsen_position_m = nan\n"),
            "sharing.rule[2].coarsen_position_m: must be within [0, 2e7] metres (0: no "
            "coarsening)");
  EXPECT_EQ(ErrorOf(rules + "coarsen_position_m = \"1km\"\n"),
            "sharing.rule[2].coarsen_position_m: expected a number of metres");
  EXPECT_EQ(ErrorOf(rules + "drop_source_identity = 1\n"),
            "sharing.rule[2].drop_source_identity: expected true or false");
  EXPECT_EQ(ErrorOf(rules + "colour = \"red\"\n"), "sharing.rule[2].colour: unknown key");
  EXPECT_EQ(ErrorOf("[[sharing.rule]]\ncoarsen_position_m = 5\n"),
            "sharing.rule[0]: missing key 'name'");
  EXPECT_EQ(ErrorOf("[[sharing.rule]]\nname = \"a,b\"\n"),
            "sharing.rule[0].name: 'a,b' is not one or more of A-Z a-z 0-9 _ . -");
  EXPECT_EQ(ErrorOf(rules + "[[sharing.rule]]\nname = \"b\"\n"),
            "sharing.rule[3].name: rule 'b' already defined by sharing.rule[1]");
  EXPECT_EQ(ErrorOf("[sharing.rule]\nname = \"a\"\n"),
            "sharing.rule: expected an array of tables ([[sharing.rule]])");
  EXPECT_EQ(ErrorOf("[sharing]\nrules = []\n"), "sharing.rules: unknown key");
  EXPECT_EQ(ErrorOf("sharing = 3\n"), "sharing: expected a table");
}

TEST(SharingConfig, PartnerErrors) {
  const std::string rule = "[[sharing.rule]]\nname = \"coarse\"\ncoarsen_position_m = 1000\n";
  const std::string partner = "[[sharing.partner]]\nname = \"jpn-node\"\n";
  const std::string audience = "audience = { clearance = \"SECRET\", nationality = \"JPN\" }\n";
  EXPECT_EQ(ErrorOf(rule + partner + audience + "rules = [\"coarse\"]\n"), "ok");
  // An unknown rule name fails the whole configuration (fail closed).
  EXPECT_EQ(ErrorOf(rule + partner + audience + "rules = [\"coarse\", \"fine\"]\n"),
            "sharing.partner[0].rules[1]: unknown rule 'fine'");
  EXPECT_EQ(ErrorOf(rule + partner + audience + "rules = [\"coarse\", \"coarse\"]\n"),
            "sharing.partner[0].rules[1]: rule 'coarse' already listed");
  EXPECT_EQ(ErrorOf(rule + partner + audience),
            "sharing.partner[0]: missing key 'rules' (write rules = [] for none)");
  EXPECT_EQ(ErrorOf(rule + partner + "rules = []\n"), "sharing.partner[0]: missing key 'audience'");
  EXPECT_EQ(ErrorOf(rule + partner + "audience = \"SECRET\"\nrules = []\n"),
            "sharing.partner[0].audience: expected a table such as { clearance = \"SECRET\", "
            "nationality = \"JPN\" }");
  EXPECT_EQ(ErrorOf(rule + partner +
                    "audience = { clearance = \"SECRET\", nationality = \"JPN\", level = 3 }\n"
                    "rules = []\n"),
            "sharing.partner[0].audience.level: expected a string, a boolean or an array of "
            "strings");
  // The audience's content is checked by labels::ParseUser.
  EXPECT_EQ(ErrorOf(rule + partner +
                    "audience = { clearance = \"SECRET\", nationality = \"JPN\", colour = \"x\" }\n"
                    "rules = []\n"),
            "sharing.partner[0].audience: user: unknown key 'colour'");
  EXPECT_EQ(ErrorOf(rule + partner +
                    "audience = { clearance = \"VERY SECRET\", nationality = \"JPN\" }\n"
                    "rules = []\n"),
            "sharing.partner[0].audience: user.clearance: unknown level 'VERY SECRET'");
  EXPECT_EQ(ErrorOf(rule + partner + audience + "rules = []\nurl = \"nats://x\"\n"),
            "sharing.partner[0].url: unknown key");
  EXPECT_EQ(
      ErrorOf(rule + partner + audience + "rules = []\n" + partner + audience + "rules = []\n"),
      "sharing.partner[1].name: partner 'jpn-node' already defined by sharing.partner[0]");
}

TEST(SharingConfig, SyntaxErrorsNameTheFileLineAndColumn) {
  Result<SharingConfig> config = ParseSharingConfig("[[sharing.rule]]\nname = \n", "node.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().rfind("node.toml:2:", 0), 0u) << config.error().message();
  // Semantic errors carry the source too.
  config = ParseSharingConfig("[[sharing.rule]]\nname = \"\"\n", "node.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message(),
            "node.toml: sharing.rule[0].name: '' is not one or more of A-Z a-z 0-9 _ . -");
}

}  // namespace
}  // namespace biac::sharing
