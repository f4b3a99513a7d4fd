// KLV out of an MPEG-2 transport stream: testdata/klv/klv_in_ts.ts, built by hand from
// ISO/IEC 13818-1 by testdata/klv/make_ts.py (see PROVENANCE.md), plus damaged copies.

#include "biac/formats/klv/ts_demux.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "biac/formats/klv/st0601.h"

namespace biac::formats::klv {
namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr uint16_t kAsyncPid = 0x101;  // stream_type 0x06 + registration "KLVA"
constexpr uint16_t kSyncPid = 0x102;   // stream_type 0x15 + metadata descriptor "KLVA"

TEST(Mpeg2CrcTest, KnownValue) {
  // The CRC-32/MPEG-2 check value of "123456789".
  const uint8_t text[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(Mpeg2Crc32(text), 0x0376E6E7u);
}

TEST(TsDemuxTest, ExtractsBothCarriages) {
  const auto ts = ReadFile("testdata/klv/klv_in_ts.ts");
  const auto only = ReadFile("testdata/klv/klvdata_DynamicOnlyMISMMSPacketData.bin");
  const auto constant = ReadFile("testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
  ASSERT_EQ(ts.size(), 8 * kTsPacketSize);
  const TsKlvResult result = ExtractKlvFromTs(ts);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front().reason;
  EXPECT_EQ(result.packets, 8u);
  EXPECT_EQ(result.klv_pids, (std::vector<uint16_t>{kAsyncPid, kSyncPid}));
  ASSERT_EQ(result.units.size(), 4u);
  // Units come out when their PES completes: async 1, sync, async 2 (two TS packets), async 3.
  EXPECT_EQ(result.units[0].pid, kAsyncPid);
  EXPECT_EQ(result.units[0].bytes, only);
  EXPECT_EQ(result.units[0].offset, 2 * kTsPacketSize);
  EXPECT_EQ(result.units[1].pid, kSyncPid);
  EXPECT_EQ(result.units[1].bytes, only);  // the AU cell header removed
  EXPECT_EQ(result.units[2].pid, kAsyncPid);
  EXPECT_EQ(result.units[2].bytes, constant);
  EXPECT_EQ(result.units[3].bytes, only);
  auto packet = std::make_unique<UasPacket>();
  ASSERT_TRUE(DecodeUasPacket(result.units[1].bytes, *packet).ok());
  EXPECT_EQ(packet->checksum, ChecksumStatus::kVerified);
}

TEST(TsDemuxTest, RecoversFromDamage) {
  auto ts = ReadFile("testdata/klv/klv_in_ts.ts");
  // Lose the sync byte of the null packet (the 4th), and a continuity gap: drop the second
  // TS packet of the DynamicConstant PES (the 7th) entirely.
  ts[3 * kTsPacketSize] = 0x00;
  ts.erase(ts.begin() + 6 * kTsPacketSize, ts.begin() + 7 * kTsPacketSize);
  // Junk before the first packet.
  ts.insert(ts.begin(), {0x12, 0x34, 0x56});
  const TsKlvResult result = ExtractKlvFromTs(ts);
  EXPECT_GE(result.problems.size(), 2u);
  // The damaged PES is dropped (its successor reveals the gap or its length is short);
  // the intact ones survive.
  size_t intact = 0;
  const auto only = ReadFile("testdata/klv/klvdata_DynamicOnlyMISMMSPacketData.bin");
  for (const TsKlvUnit& unit : result.units) intact += unit.bytes == only ? 1 : 0;
  EXPECT_EQ(intact, 3u);
  for (const TsKlvUnit& unit : result.units) EXPECT_EQ(unit.bytes.size(), only.size());
}

TEST(TsDemuxTest, BadPmtCrcHidesTheStreams) {
  auto ts = ReadFile("testdata/klv/klv_in_ts.ts");
  ts[2 * kTsPacketSize - 10] ^= 0x01;  // inside the PMT section (at the packet's end)
  const TsKlvResult result = ExtractKlvFromTs(ts);
  EXPECT_TRUE(result.units.empty());
  ASSERT_FALSE(result.problems.empty());
  EXPECT_NE(result.problems[0].reason.find("CRC"), std::string::npos);
}

}  // namespace
}  // namespace biac::formats::klv
