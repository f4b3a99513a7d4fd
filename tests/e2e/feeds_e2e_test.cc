// End to end for the node's remaining feed inputs (issue 5 §1 Listeners) against the real
// `biac serve` binary over loopback: KLV (MISB ST 0601 in MPEG-2 TS) over UDP, STANAG 4607
// GMTI over TCP, CoT over TLS with client certificates (and one from an unknown CA refused),
// and a file replayed at ten times its recorded pace. Each feed's records, observations and
// errors are read back from /api/v1/sources; garbage on each is counted as an error with its
// place, and the node keeps running.
//
// The expected counts come from the formats' own whole-input decoders (formats/klv/ts_demux.h,
// formats/gmti/decoder.h) run on the same test vectors (testdata/klv, testdata/gmti).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <variant>

#include "biac/base/clock.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/ts_demux.h"
#include "biac/net/http/client.h"
#include "biac/net/http/tls.h"
#include "tests/e2e/e2e_support.h"
#include "tests/e2e/node_process.h"

namespace biac::e2e {
namespace {

using Json = nlohmann::json;

std::string g_binary;  // the biac executable (argv[1])

constexpr char kAdminPassword[] = "feeds-admin-e2e-password";
constexpr size_t kTsPacket = formats::klv::kTsPacketSize;
constexpr int kReplayEvents = 6;  // one a second of data time, replayed at speed 10

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// ISO 8601 UTC with milliseconds, as CoT writes times.
std::string Iso(Timestamp t) {
  const std::time_t seconds = static_cast<std::time_t>(t.nanos() / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     static_cast<int>(t.nanos() / 1'000'000 % 1000));
}

// A CoT self report (a friendly ground unit) at `time`.
std::string CotEvent(const std::string& uid, Timestamp time, double lat, double lon) {
  return fmt::format(
      "<event version=\"2.0\" uid=\"{}\" type=\"a-f-G-U-C\" time=\"{}\" start=\"{}\" "
      "stale=\"{}\" how=\"m-g\"><point lat=\"{:.6f}\" lon=\"{:.6f}\" hae=\"10\" ce=\"10\" "
      "le=\"10\"/><detail><contact callsign=\"{}\"/></detail></event>",
      uid, Iso(time), Iso(time), Iso(time + std::chrono::seconds(120)), lat, lon, uid);
}

class FeedsE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeScratchDir("biac-feeds-e2e"));
    WriteReplayFile();
    WriteConfig();
    node_ = new NodeProcess(g_binary, *dir_ + "/node.toml");
    const Status started = node_->Start();
    ASSERT_TRUE(started.ok()) << started.message() << "\n" << node_->output();
  }

  static void TearDownTestSuite() {
    if (node_) node_->Kill();
    delete node_;
    if (dir_) RemoveScratchDir(*dir_);
    delete dir_;
  }

  // kReplayEvents positions of one unit, a second apart in data time, ending now; a line of
  // garbage after the second event (a framing error at a known byte offset).
  static void WriteReplayFile() {
    const Timestamp now = SystemClock::Instance().Now();
    std::ofstream out(*dir_ + "/replay.xml", std::ios::binary);
    std::string text = "<?xml version=\"1.0\"?>\n";
    for (int i = 0; i < kReplayEvents; ++i) {
      const Timestamp t = now - std::chrono::seconds(kReplayEvents - 1 - i);
      text += CotEvent("replay-1", t, 35.0 + 0.0001 * i, 139.0) + "\n";
      if (i == 1) {
        replay_garbage_offset_ = text.size();
        text += "<junk>not CoT</junk>\n";
      }
    }
    out << text;
  }

  static void WriteConfig() {
    std::ofstream out(*dir_ + "/node.toml");
    WriteNodeTables(out, "feeds-e2e", /*cot_out=*/false, "lag_s = 60\npublish_interval_ms = 100\n");
    out << "[[audience]]\nname = \"analyst\"\nclearance = \"UNCLASSIFIED\"\n"
        << "nationality = \"USA\"\n";
    WriteUser(out, {.name = "admin", .audience = "analyst", .password = kAdminPassword,
                    .role = "admin"});
    out << "[[feed]]\nname = \"uav\"\nformat = \"klv-ts\"\ntransport = \"udp\"\n"
        << "listen = \"127.0.0.1:0\"\nlabel = \"UNCLASSIFIED\"\n"
        << "[[feed]]\nname = \"gmti\"\nformat = \"gmti\"\ntransport = \"tcp-server\"\n"
        << "listen = \"127.0.0.1:0\"\nlabel = \"UNCLASSIFIED\"\n"
        << "[[feed]]\nname = \"tak\"\nformat = \"cot\"\ntransport = \"tls-server\"\n"
        << "listen = \"127.0.0.1:0\"\nlabel = \"UNCLASSIFIED\"\n"
        << "[[feed]]\nname = \"replay\"\nformat = \"cot\"\ntransport = \"file\"\n"
        << "path = \"replay.xml\"\nspeed = 10\nlabel = \"UNCLASSIFIED\"\n";
  }

  static net::TlsClientOptions Tls(const std::string& cert = "") { return ClientTls(*node_, cert); }

  static Json Get(const std::string& target) {
    auto r = ApiGet(*node_, target, BasicAuthorization("admin", kAdminPassword));
    EXPECT_TRUE(r.ok()) << target;
    if (!r.ok()) return Json();
    EXPECT_EQ(r->status, 200) << target << ": " << r->body;
    return r->status == 200 ? Json::parse(r->body) : Json();
  }

  static Json Source(const std::string& name) {
    const Json sources = Get("/api/v1/sources");
    for (const Json& s : sources) {
      if (s["name"] == name) return s;
    }
    ADD_FAILURE() << "no source " << name;
    return Json();
  }

  // Polls the source until `done` holds (up to 20 s); returns its last state.
  static Json WaitSource(const std::string& name, const std::function<bool(const Json&)>& done) {
    Json s;
    PollUntil(200, [&] {
      s = Source(name);
      return !s.is_null() && done(s);
    });
    return s;
  }

  // Waits until the picture holds a track fed by `source` (up to 20 s).
  static bool InPicture(const std::string& source) {
    return PollUntil(200, [&] {
      const Json picture = Get("/api/v1/picture");
      for (const Json& t : picture.value("tracks", Json::array())) {
        for (const Json& s : t.value("src", Json::array())) {
          if (s == source) return true;
        }
      }
      return false;
    });
  }

  static std::string* dir_;
  static NodeProcess* node_;
  static size_t replay_garbage_offset_;
};

std::string* FeedsE2e::dir_ = nullptr;
NodeProcess* FeedsE2e::node_ = nullptr;
size_t FeedsE2e::replay_garbage_offset_ = 0;

int UdpSocket() { return ::socket(AF_INET, SOCK_DGRAM, 0); }

void SendDatagram(int fd, uint16_t port, std::span<const uint8_t> bytes) {
  const sockaddr_in to = Loopback(port);
  ASSERT_EQ(::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                     sizeof(to)),
            static_cast<ssize_t>(bytes.size()));
}

TEST_F(FeedsE2e, KlvTransportStreamOverUdp) {
  // testdata/klv/klv_in_ts.ts: 8 transport packets carrying 4 ST 0601 packets. The reference:
  // the whole-stream demultiplexer and the ST 0601 mapper.
  const std::string ts = ReadFile("testdata/klv/klv_in_ts.ts");
  ASSERT_EQ(ts.size(), 8 * kTsPacket);
  const formats::klv::TsKlvResult whole = formats::klv::ExtractKlvFromTs(Bytes(ts));
  ASSERT_EQ(whole.units.size(), 4u);
  // The third (ST 0902.5 "Dynamic and Constant") has a checksum that does not verify: the
  // feed reports and drops it.
  size_t expected = 0;
  auto packet = std::make_unique<formats::klv::UasPacket>();
  for (const auto& unit : whole.units) {
    std::vector<model::Observation> out;
    ASSERT_TRUE(formats::klv::DecodeUasPacket(unit.bytes, *packet).ok());
    if (packet->checksum == formats::klv::ChecksumStatus::kMismatch) continue;
    ASSERT_TRUE(formats::klv::AppendObservations(*packet, {}, out).ok());
    expected += out.size();
  }
  ASSERT_GT(expected, 0u);

  const uint16_t port = node_->feed_port("uav");
  ASSERT_NE(port, 0);
  const int fd = UdpSocket();
  // Two datagrams of whole packets (5 + 3), then one of garbage (no sync byte).
  SendDatagram(fd, port, Bytes(ts).first(5 * kTsPacket));
  SendDatagram(fd, port, Bytes(ts).subspan(5 * kTsPacket));
  const std::string garbage(kTsPacket, '\0');
  SendDatagram(fd, port, Bytes(garbage));
  ::close(fd);
  const Json s = WaitSource("uav", [](const Json& j) { return j["errors"] == 2; });
  EXPECT_EQ(s["format"], "klv-ts");
  EXPECT_EQ(s["records"], 8);
  EXPECT_EQ(s["observations"], expected);
  EXPECT_EQ(s["errors"], 2);  // the bad checksum (datagram 1) and the garbage (datagram 2)
  EXPECT_EQ(s["framing_errors"], 1);
  EXPECT_NE(s.value("last_error", "").find("datagram 2 byte 0: byte 0x00 where a transport "
                                           "packet should start"),
            std::string::npos)
      << s.dump();
}

TEST_F(FeedsE2e, GmtiOverTcp) {
  // testdata/gmti/sample.4607: packets of 324, 135, 148 and 60 bytes, "JUNK!" at 607, and a
  // packet at 672 cut off by the end of the capture; packet 3's dwell lacks D24.
  const std::string capture = ReadFile("testdata/gmti/sample.4607");
  ASSERT_EQ(capture.size(), 712u);
  size_t reports = 0;
  for (const auto& [at, size] : {std::pair<size_t, size_t>{0, 324}, {324, 135}}) {
    auto p = formats::gmti::DecodePacket(Bytes(capture).subspan(at, size));
    ASSERT_TRUE(p.ok()) << p.error().message();
    for (const auto& segment : p->segments) {
      if (const auto* d = std::get_if<formats::gmti::DwellSegment>(&segment)) {
        reports += d->reports.size();
      }
    }
  }
  const size_t platform_locations = 3;  // in packets 1, 3 and 4
  ASSERT_GT(reports, 0u);

  const uint16_t port = node_->feed_port("gmti");
  ASSERT_NE(port, 0);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in to = Loopback(port);
  ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)), 0);
  ASSERT_EQ(::send(fd, capture.data(), capture.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(capture.size()));
  ::close(fd);
  const Json s = WaitSource("gmti", [](const Json& j) { return j["errors"] == 3; });
  EXPECT_EQ(s["records"], 4);
  EXPECT_EQ(s["observations"], reports + platform_locations);
  EXPECT_EQ(s["errors"], 3);          // the junk, the bad dwell, the cut-off packet
  EXPECT_EQ(s["framing_errors"], 2);  // the junk and the cut-off packet
  EXPECT_NE(s.value("last_error", "").find("byte 672: stream ended inside a packet (40 of 100 "
                                           "bytes)"),
            std::string::npos)
      << s.dump();
}

TEST_F(FeedsE2e, CotOverTlsTakesClientsOfTheNodesCaOnly) {
  const std::string tls = *dir_ + "/data/tls";
  ASSERT_TRUE(net::IssueClientCertificate(tls, "tak-client", *dir_ + "/tak-client", 1).ok());
  ASSERT_TRUE(net::EnsureLocalCa(*dir_ + "/other-ca", {"localhost"}).ok());
  ASSERT_TRUE(
      net::IssueClientCertificate(*dir_ + "/other-ca", "intruder", *dir_ + "/intruder", 1).ok());
  const uint16_t port = node_->feed_port("tak");
  ASSERT_NE(port, 0);

  auto client = net::TlsStreamClient::Connect("127.0.0.1", port, Tls(*dir_ + "/tak-client"));
  ASSERT_TRUE(client.ok()) << client.error().message();
  const Timestamp now = SystemClock::Instance().Now();
  std::string stream = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  for (int i = 0; i < 3; ++i) {
    stream += CotEvent("tak-unit-1", now - std::chrono::seconds(2 - i), 26.2 + 0.0001 * i, 127.7);
  }
  stream += "garbage between events";
  // Then the client switches to TAK protocol streaming: the first frame of
  // testdata/cot/takproto_stream.bin (290 bytes, one event).
  stream += ReadFile("testdata/cot/takproto_stream.bin").substr(0, 290);
  ASSERT_TRUE((*client)->Write(stream).ok());
  ASSERT_TRUE((*client)->Close().ok());
  Json s = WaitSource("tak", [](const Json& j) { return j["records"] == 4 && j["errors"] == 1; });
  EXPECT_EQ(s["transport"], "tls-server");
  EXPECT_EQ(s["records"], 4);
  EXPECT_EQ(s["observations"], 4);
  EXPECT_EQ(s["framing_errors"], 1);
  EXPECT_NE(s.value("last_error", "").find("connection 1 byte "), std::string::npos) << s.dump();
  EXPECT_TRUE(InPicture("tak"));

  // A client certificate from a CA the node does not know: refused at the handshake.
  auto intruder = net::TlsStreamClient::Connect("127.0.0.1", port, Tls(*dir_ + "/intruder"));
  if (intruder.ok()) {
    (void)(*intruder)->Write(CotEvent("intruder-1", now, 26.0, 127.0));
    (void)(*intruder)->Read(std::chrono::seconds(5));
  }
  s = WaitSource("tak", [](const Json& j) { return j.value("tls_failures", 0) == 1; });
  EXPECT_EQ(s.value("tls_failures", 0), 1);
  EXPECT_EQ(s["records"], 4);
  EXPECT_EQ(s["connections"], 1);
}

TEST_F(FeedsE2e, FileReplayedAtTenTimesItsPaceFinishes) {
  const Json s = WaitSource("replay", [](const Json& j) { return j.value("finished", false); });
  EXPECT_EQ(s["transport"], "file");
  EXPECT_TRUE(s.value("finished", false));
  EXPECT_EQ(s["records"], kReplayEvents);
  EXPECT_EQ(s["observations"], kReplayEvents);
  EXPECT_EQ(s["errors"], 1);
  EXPECT_NE(s.value("last_error", "").find(fmt::format("replay.xml byte {}: markup other than "
                                                       "<event",
                                                       replay_garbage_offset_)),
            std::string::npos)
      << s.dump();
  EXPECT_TRUE(InPicture("replay"));
}

TEST_F(FeedsE2e, NodeKeptRunning) {
  ASSERT_TRUE(node_->running());
  const Json health = Get("/api/v1/health");
  EXPECT_TRUE(health.contains("status")) << health.dump();
}

}  // namespace
}  // namespace biac::e2e

int main(int argc, char** argv) {
  return biac::e2e::E2eMain(argc, argv, "feeds_e2e_test", biac::e2e::g_binary);
}
