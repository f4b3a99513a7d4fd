// KLV out of an MPEG-2 transport stream: testdata/klv/klv_in_ts.ts, built by hand from
// ISO/IEC 13818-1 by testdata/klv/make_ts.py (see PROVENANCE.md), plus damaged copies.

#include "biac/formats/klv/ts_demux.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
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

// Collects what the incremental demultiplexer gives.
struct Collected final : TsKlvSink {
  void OnUnit(uint16_t pid, size_t offset, std::span<const uint8_t> bytes) override {
    units.push_back({pid, offset, {bytes.begin(), bytes.end()}});
  }
  void OnProblem(size_t offset, std::string_view reason) override {
    problems.push_back({offset, std::string(reason)});
  }
  std::vector<TsKlvUnit> units;
  std::vector<TsProblem> problems;
};

TEST(TsKlvDemuxerTest, PacketByPacketGivesEachUnitAsItsPesCompletes) {
  const auto ts = ReadFile("testdata/klv/klv_in_ts.ts");
  const auto only = ReadFile("testdata/klv/klvdata_DynamicOnlyMISMMSPacketData.bin");
  const auto constant = ReadFile("testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
  ASSERT_EQ(ts.size(), 8 * kTsPacketSize);
  TsKlvDemuxer demuxer;
  Collected sink;
  // make_ts.py: PAT, PMT, async 1, null, sync (an AU cell), async 2 over packets 5 and 6,
  // async 3. Each unit comes out with the packet that completes its PES.
  const size_t units_after[8] = {0, 0, 1, 1, 2, 2, 3, 4};
  for (size_t i = 0; i < 8; ++i) {
    demuxer.Feed(std::span(ts).subspan(i * kTsPacketSize, kTsPacketSize), i * kTsPacketSize,
                 sink);
    EXPECT_EQ(sink.units.size(), units_after[i]) << "after packet " << i;
  }
  demuxer.Finish(sink);
  EXPECT_TRUE(sink.problems.empty());
  EXPECT_EQ(demuxer.KlvPids(), (std::vector<uint16_t>{kAsyncPid, kSyncPid}));
  ASSERT_EQ(sink.units.size(), 4u);
  EXPECT_EQ(sink.units[0].offset, 2 * kTsPacketSize);
  EXPECT_EQ(sink.units[1].pid, kSyncPid);
  EXPECT_EQ(sink.units[1].bytes, only);
  EXPECT_EQ(sink.units[2].offset, 5 * kTsPacketSize);  // the PES's first packet
  EXPECT_EQ(sink.units[2].bytes, constant);
  // The whole-stream reader gives the same units.
  const TsKlvResult whole = ExtractKlvFromTs(ts);
  ASSERT_EQ(whole.units.size(), sink.units.size());
  for (size_t i = 0; i < whole.units.size(); ++i) {
    EXPECT_EQ(whole.units[i].pid, sink.units[i].pid);
    EXPECT_EQ(whole.units[i].offset, sink.units[i].offset);
    EXPECT_EQ(whole.units[i].bytes, sink.units[i].bytes);
  }
}

TEST(TsKlvDemuxerTest, ReportsBadPacketsAndContinuityGaps) {
  const auto ts = ReadFile("testdata/klv/klv_in_ts.ts");
  TsKlvDemuxer demuxer;
  Collected sink;
  for (size_t i = 0; i < 8; ++i) {
    if (i == 6) continue;  // the second packet of the two-packet PES is lost
    demuxer.Feed(std::span(ts).subspan(i * kTsPacketSize, kTsPacketSize), i * kTsPacketSize,
                 sink);
  }
  // PES_packet_length tells that the PES started at packet 5 is short when packet 7 starts
  // the PID's next one.
  ASSERT_EQ(sink.problems.size(), 1u);
  EXPECT_EQ(sink.problems[0].offset, 5 * kTsPacketSize);
  EXPECT_EQ(sink.problems[0].reason.rfind("PID 257: PES packet truncated (184 of ", 0), 0u)
      << sink.problems[0].reason;
  EXPECT_EQ(sink.units.size(), 3u);

  // A packet that is not one: wrong sync byte, wrong size.
  std::vector<uint8_t> junk(kTsPacketSize, 0x00);
  demuxer.Feed(junk, 8 * kTsPacketSize, sink);
  demuxer.Feed(std::span(junk).first(100), 9 * kTsPacketSize, sink);
  ASSERT_EQ(sink.problems.size(), 3u);
  EXPECT_EQ(sink.problems[1].reason, "sync byte 0x00, expected 0x47");
  EXPECT_EQ(sink.problems[1].offset, 8 * kTsPacketSize);
  EXPECT_EQ(sink.problems[2].reason, "100 bytes: not a 188-byte transport packet");

  // A continuity gap inside a PES: the async PES of packet 5 continues in packet 6 with
  // counter + 1; give packet 6 the counter + 2 instead.
  TsKlvDemuxer again;
  Collected gap;
  std::vector<uint8_t> copy = ts;
  uint8_t& counter = copy[6 * kTsPacketSize + 3];
  counter = static_cast<uint8_t>((counter & 0xF0) | ((counter + 1) & 0x0F));
  for (size_t i = 0; i < 8; ++i) {
    again.Feed(std::span(copy).subspan(i * kTsPacketSize, kTsPacketSize), i * kTsPacketSize,
               gap);
  }
  ASSERT_EQ(gap.problems.size(), 1u);
  EXPECT_EQ(gap.problems[0].offset, 6 * kTsPacketSize);
  EXPECT_NE(gap.problems[0].reason.find("continuity counter"), std::string::npos)
      << gap.problems[0].reason;
  EXPECT_EQ(gap.units.size(), 3u);
}

TEST(TsKlvDemuxerTest, AnUnboundedPesEndsAtTheEndOfTheStream) {
  // The async PES of packet 2 with PES_packet_length 0 (unbounded, table 2-21): it could go on
  // in the PID's next packet, so it is complete only at the next unit start or at the end.
  // make_ts.py stuffs the packet with an adaptation field, so its payload is the PES alone.
  auto ts = ReadFile("testdata/klv/klv_in_ts.ts");
  const auto only = ReadFile("testdata/klv/klvdata_DynamicOnlyMISMMSPacketData.bin");
  const size_t packet = 2 * kTsPacketSize;
  const size_t pes = packet + 4 + 1 + ts[packet + 4];  // after the adaptation field
  ASSERT_EQ(ts[pes + 2], 0x01);                        // the PES start code
  ts[pes + 4] = 0;
  ts[pes + 5] = 0;
  TsKlvDemuxer demuxer;
  Collected sink;
  for (size_t i = 0; i < 3; ++i) {
    demuxer.Feed(std::span(ts).subspan(i * kTsPacketSize, kTsPacketSize), i * kTsPacketSize,
                 sink);
  }
  EXPECT_TRUE(sink.units.empty());
  demuxer.Finish(sink);
  EXPECT_TRUE(sink.problems.empty());
  ASSERT_EQ(sink.units.size(), 1u);
  EXPECT_EQ(sink.units[0].bytes, only);
}

}  // namespace
}  // namespace biac::formats::klv
