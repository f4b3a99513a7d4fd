#include "biac/app/serve_config.h"

#include <gtest/gtest.h>

namespace biac::app {
namespace {

constexpr char kMinimal[] = R"(
[node]
name = "n1"
[[audience]]
name = "jpn-analyst"
clearance = "SECRET"
nationality = "JPN"
[[user]]
name = "a"
audience = "jpn-analyst"
password = "pw"
[[feed]]
name = "ais"
format = "ais-nmea"
transport = "udp"
listen = "127.0.0.1:0"
label = "UNCLASSIFIED"
[[feed]]
name = "radar"
format = "asterix"
transport = "tcp-client"
connect = "127.0.0.1:9000"
label = "SECRET//REL TO USA, JPN"
[[feed.site]]
sac = 25
sic = 10
lat = 26.2
lon = 127.7
)";

TEST(ServeConfig, ReadsAFullConfiguration) {
  auto c = ParseServeConfig(kMinimal, "node.toml", "/srv/biac");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->node_name, "n1");
  EXPECT_EQ(c->data_dir, "/srv/biac/data");
  EXPECT_EQ(c->store.path, "/srv/biac/data/biac.db");
  ASSERT_EQ(c->audiences.size(), 1u);
  EXPECT_EQ(c->audiences[0].user.nationality, "JPN");
  ASSERT_EQ(c->feeds.size(), 2u);
  EXPECT_EQ(c->feeds[1].endpoint.transport, net::Transport::kTcpClient);
  EXPECT_EQ(c->feeds[1].endpoint.port, 9000);
  ASSERT_EQ(c->feeds[1].source.sites.size(), 1u);
  EXPECT_EQ(c->feeds[1].source.sites[0].sic, 10);
}

// Each error names the file, the table and key, and the reason.
TEST(ServeConfig, ErrorsNameTheFileKeyAndReason) {
  const std::pair<std::string, std::string> cases[] = {
      {"[nodes]\n", "node.toml: unknown table 'nodes'"},
      {"[api]\nlisten = \"127.0.0.1\"\n", "node.toml: [api] listen: '127.0.0.1' is not host:port"},
      {"[fusion]\nlag_s = -1\n", "node.toml: [fusion] lag_s: -1 is outside [0, 600]"},
      {"[api]\nport = 1\n", "node.toml: [api] port: unknown key"},
      {"[[audience]]\nname = \"x\"\nnationality = \"JPN\"\nclearance = \"SUPER\"\n",
       "node.toml: [audience[0]] authorizations:"},
      {"[storage]\ncommit_interval_ms = \"fast\"\n",
       "node.toml: [storage] commit_interval_ms: not a number"},
      {"x = [\n", "node.toml: line"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = ParseServeConfig(text, "node.toml", "/srv");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.error().message().rfind(expected, 0), 0u) << c.error().message();
  }
  std::string bad_label = kMinimal;
  bad_label.replace(bad_label.find("UNCLASSIFIED"), 12, "SECRET//REL TO");
  auto c = ParseServeConfig(bad_label, "node.toml", "/srv");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message().rfind("node.toml: [feed[0]] label:", 0), 0u)
      << c.error().message();
  std::string unknown_audience = kMinimal;
  unknown_audience.replace(unknown_audience.find("audience = \"jpn-analyst\""), 24,
                           "audience = \"nobody\"");
  c = ParseServeConfig(unknown_audience, "node.toml", "/srv");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message(), "node.toml: [user[0]] audience: 'nobody' is not an [[audience]]");
  std::string no_site = kMinimal;
  no_site.erase(no_site.find("[[feed.site]]"));
  c = ParseServeConfig(no_site, "node.toml", "/srv");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message(),
            "node.toml: [feed[1]] site: an ASTERIX feed needs its radar sites ([[feed.site]])");
}

}  // namespace
}  // namespace biac::app
