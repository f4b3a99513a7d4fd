#include "biac/formats/asterix/pcap.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "biac/formats/asterix/record.h"

namespace biac::formats::asterix {
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(AsterixPcap, UdpPayloadsOfAnEthernetCapture) {
  const auto capture = ReadFile("testdata/asterix/croatiacontrol_cat_062_065.pcap");
  std::vector<UdpDatagram> seen;
  std::vector<std::vector<uint8_t>> payloads;
  ASSERT_TRUE(ForEachUdpDatagram(
                  capture,
                  [&](const UdpDatagram& d) {
                    seen.push_back(d);
                    payloads.emplace_back(d.payload.begin(), d.payload.end());
                  },
                  [](size_t, std::string_view reason) { ADD_FAILURE() << reason; })
                  .ok());
  ASSERT_EQ(seen.size(), 1u);
  // Ethernet (14) + IPv4 (20) + UDP (8) headers after the 24 + 16 octets of pcap headers.
  EXPECT_EQ(seen[0].file_offset, 24u + 16u + 14u + 20u + 8u);
  EXPECT_EQ(payloads[0][0], 62);  // CAT062 first
  EXPECT_EQ(seen[0].packet_number, 1u);
  // The payload's bytes are where the file offset says.
  EXPECT_EQ(std::vector<uint8_t>(capture.begin() + static_cast<long>(seen[0].file_offset),
                                 capture.begin() + static_cast<long>(seen[0].file_offset) + 3),
            std::vector<uint8_t>(payloads[0].begin(), payloads[0].begin() + 3));
}

// CroatiaControl's cat_001_002.pcap carries ASTERIX inside ORADIS frames (its test runs
// `asterix -R`): a 6-octet header whose first two octets are the frame length.
TEST(AsterixPcap, OradisFramesAreRecognised) {
  const auto capture = ReadFile("testdata/asterix/croatiacontrol_cat_001_002.pcap");
  int frames = 0;
  int records = 0;
  ASSERT_TRUE(
      ForEachUdpDatagram(
          capture,
          [&](const UdpDatagram& d) {
            ASSERT_TRUE(LooksLikeOradis(d.payload));
            ForEachOradisFrame(d.payload, [&](size_t, std::span<const uint8_t> bytes) {
              ++frames;
              auto block = ReadDataBlock(bytes);
              ASSERT_TRUE(block.ok());
              EXPECT_EQ(block->size, bytes.size());
              std::span<const uint8_t> rest = block->records;
              RecordView view;
              DecodeFailure failure;
              while (!rest.empty()) {
                ASSERT_TRUE(DecodeRecord(*DefaultEdition(block->category), rest, view, failure))
                    << failure.reason;
                ++records;
                rest = rest.subspan(view.bytes.size());
              }
            });
          },
          [](size_t, std::string_view reason) { ADD_FAILURE() << reason; })
          .ok());
  // One UDP payload of 6 ORADIS frames; cat_001_002_json.txt lists the same 8 records.
  EXPECT_EQ(frames, 6);
  EXPECT_EQ(records, 8);
  const std::vector<uint8_t> plain = {48, 0, 3};
  EXPECT_FALSE(LooksLikeOradis(plain));
}

TEST(AsterixPcap, NotACaptureIsAnError) {
  const auto raw = ReadFile("testdata/asterix/croatiacontrol_cat048.raw");
  const Status s = ForEachUdpDatagram(
      raw, [](const UdpDatagram&) {}, [](size_t, std::string_view) {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a pcap capture"), std::string::npos) << s.message();
}

TEST(AsterixPcap, TruncatedUdpIsReported) {
  auto capture = ReadFile("testdata/asterix/croatiacontrol_cat_062_065.pcap");
  // UDP length field (Ethernet 14 + IPv4 20 + 4 into the packet) made larger than the packet.
  const size_t udp_length = 24 + 16 + 14 + 20 + 4;
  capture[udp_length] = 0x7F;
  std::vector<std::string> bad;
  int datagrams = 0;
  ASSERT_TRUE(ForEachUdpDatagram(
                  capture, [&](const UdpDatagram&) { ++datagrams; },
                  [&](size_t offset, std::string_view reason) {
                    bad.push_back(std::to_string(offset) + " " + std::string(reason));
                  })
                  .ok());
  EXPECT_EQ(datagrams, 0);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("UDP length"), std::string::npos) << bad[0];
}

}  // namespace
}  // namespace biac::formats::asterix
