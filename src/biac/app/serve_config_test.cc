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
  // The live node's defaults for its threads.
  EXPECT_EQ(c->fusion_threads, 2);
  EXPECT_EQ(c->background_priority, ThreadPriority::kIdle);
  auto tuned = ParseServeConfig(std::string(kMinimal) +
                                    "[fusion]\nthreads = 1\nbackground_priority = \"low\"\n",
                                "node.toml", "/srv/biac");
  ASSERT_TRUE(tuned.ok()) << tuned.error().message();
  EXPECT_EQ(tuned->fusion_threads, 1);
  EXPECT_EQ(tuned->background_priority, ThreadPriority::kLow);
}

// Each error names the file, the table and key, and the reason.
TEST(ServeConfig, ErrorsNameTheFileKeyAndReason) {
  const std::pair<std::string, std::string> cases[] = {
      {"[nodes]\n", "node.toml: unknown table 'nodes'"},
      {"[api]\nlisten = \"127.0.0.1\"\n", "node.toml: [api] listen: '127.0.0.1' is not host:port"},
      {"[fusion]\nlag_s = -1\n", "node.toml: [fusion] lag_s: -1 is outside [0, 600]"},
      {"[fusion]\nthreads = 0\n", "node.toml: [fusion] threads: 0 is outside [1, 64]"},
      {"[fusion]\nbackground_priority = \"realtime\"\n",
       "node.toml: [fusion] background_priority: must be \"idle\", \"low\" or \"normal\""},
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

TEST(ServeConfig, KlvGmtiAndFileFeeds) {
  std::string text = kMinimal;
  text += R"(
[[feed]]
name = "uav"
format = "klv-ts"
transport = "udp"
listen = "0.0.0.0:15000"
multicast_group = "239.1.2.3"
label = "UNCLASSIFIED"
[[feed]]
name = "jstars"
format = "gmti"
transport = "tcp-server"
listen = "127.0.0.1:0"
label = "UNCLASSIFIED"
[[feed]]
name = "replay"
format = "gmti"
transport = "file"
path = "captures/day1.4607"
speed = 10
loop = true
label = "UNCLASSIFIED"
)";
  auto c = ParseServeConfig(text, "node.toml", "/srv/biac");
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_EQ(c->feeds.size(), 5u);
  EXPECT_EQ(c->feeds[2].source.format, WireFormat::kKlvTs);
  EXPECT_EQ(c->feeds[2].endpoint.multicast_group, "239.1.2.3");
  EXPECT_EQ(c->feeds[3].source.format, WireFormat::kGmti);
  EXPECT_EQ(c->feeds[3].endpoint.transport, net::Transport::kTcpServer);
  const net::FeedEndpoint& file = c->feeds[4].endpoint;
  EXPECT_EQ(file.transport, net::Transport::kFile);
  EXPECT_EQ(file.path, "/srv/biac/captures/day1.4607");  // relative to the configuration
  EXPECT_EQ(file.speed, 10.0);
  EXPECT_TRUE(file.loop);
  EXPECT_TRUE(file.host.empty());

  // A TLS feed without its own files uses the node's local CA in tls_dir.
  const std::string tls = std::string(kMinimal) + R"(
[[feed]]
name = "tak"
format = "cot"
transport = "tls-server"
listen = "127.0.0.1:8089"
label = "UNCLASSIFIED"
)";
  c = ParseServeConfig(tls, "node.toml", "/srv/biac");
  ASSERT_TRUE(c.ok()) << c.error().message();
  const net::FeedEndpoint& t = c->feeds[2].endpoint;
  EXPECT_EQ(t.transport, net::Transport::kTlsServer);
  EXPECT_EQ(t.port, 8089);
  EXPECT_EQ(t.tls_certificate, "/srv/biac/data/tls/server.pem");
  EXPECT_EQ(t.tls_private_key, "/srv/biac/data/tls/server.key");
  EXPECT_EQ(t.tls_client_ca, "/srv/biac/data/tls/ca.pem");

  const std::pair<std::string, std::string> cases[] = {
      {"transport = \"file\"\nlisten = \"127.0.0.1:1\"\n",
       "node.toml: [feed[2]] listen: a file feed reads its path"},
      {"transport = \"file\"\n", "node.toml: [feed[2]] path: required (the file to replay)"},
      {"transport = \"file\"\npath = \"x\"\nspeed = -1\n",
       "node.toml: [feed[2]] speed: -1 is outside [0, 1000000]"},
      {"transport = \"udp\"\nlisten = \"127.0.0.1:1\"\nloop = true\n",
       "node.toml: [feed[2]] loop: only file feeds have it"},
      {"transport = \"tls\"\n", "node.toml: [feed[2]] transport: 'tls': expected udp"},
      {"transport = \"tls-server\"\nlisten = \"127.0.0.1:0\"\ncertificate = \"a.pem\"\n",
       "node.toml: [feed[2]] certificate: give certificate and private_key together"},
      {"transport = \"udp\"\nlisten = \"127.0.0.1:1\"\nclient_ca = \"ca.pem\"\n",
       "node.toml: [feed[2]] client_ca: only tls-server feeds have it"},
  };
  for (const auto& [keys, expected] : cases) {
    const std::string bad =
        std::string(kMinimal) +
        "[[feed]]\nname = \"f\"\nformat = \"klv-ts\"\nlabel = \"UNCLASSIFIED\"\n" + keys;
    auto r = ParseServeConfig(bad, "node.toml", "/srv");
    ASSERT_FALSE(r.ok()) << keys;
    EXPECT_EQ(r.error().message().rfind(expected, 0), 0u) << r.error().message();
  }
}

}  // namespace
}  // namespace biac::app
