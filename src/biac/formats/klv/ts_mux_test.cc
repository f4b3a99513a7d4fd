// The TS muxer against the demultiplexer (ts_demux.h) and the ISO/IEC 13818-1 layouts.

#include "biac/formats/klv/ts_mux.h"

#include <gtest/gtest.h>

#include <memory>

#include "biac/formats/klv/encode.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/ts_demux.h"

namespace biac::formats::klv {
namespace {

std::vector<uint8_t> Klv(uint64_t time_us, size_t mission_length) {
  UasMetadata m;
  m.precision_time_stamp_us = time_us;
  m.mission_id = std::string(mission_length, 'M');
  m.sensor_latitude_deg = 31.2;
  m.sensor_longitude_deg = 129.85;
  std::vector<uint8_t> out;
  EXPECT_TRUE(EncodeUasPacket(m, out).ok());
  return out;
}

uint16_t PidOf(const std::vector<uint8_t>& ts, size_t packet) {
  return static_cast<uint16_t>((ts[packet * kTsPacketSize + 1] & 0x1F) << 8 |
                               ts[packet * kTsPacketSize + 2]);
}

TEST(TsMuxer, DemuxReadsBackWhatItWrites) {
  Result<TsMuxer> mux = TsMuxer::Create();
  ASSERT_TRUE(mux.ok());
  std::vector<uint8_t> ts;
  std::vector<std::vector<uint8_t>> sent;
  for (int i = 0; i < 40; ++i) {
    // Sizes from one TS packet to three: PES payloads that end anywhere in a packet, the
    // adaptation field of 1 byte (length 0) included.
    sent.push_back(Klv(1'000'000ULL * static_cast<uint64_t>(i), static_cast<size_t>(i) * 9 % 127));
    mux->AppendTables(ts);
    const std::optional<uint64_t> pts =
        i % 2 == 0 ? std::optional<uint64_t>(PtsFromMicros(1'000'000ULL * i)) : std::nullopt;
    ASSERT_TRUE(mux->AppendKlv(sent.back(), pts, ts).ok());
    mux->PadWithNullPackets(7, ts);
    ASSERT_EQ(ts.size() % (7 * kTsPacketSize), 0u);
  }
  const TsKlvResult result = ExtractKlvFromTs(ts);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front().reason;
  EXPECT_EQ(result.klv_pids, (std::vector<uint16_t>{0x0101}));
  ASSERT_EQ(result.units.size(), sent.size());
  auto packet = std::make_unique<UasPacket>();
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(result.units[i].bytes, sent[i]) << i;
    ASSERT_TRUE(DecodeUasPacket(result.units[i].bytes, *packet).ok());
    EXPECT_EQ(packet->checksum, ChecksumStatus::kVerified);
  }
}

TEST(TsMuxer, PacketLayout) {
  Result<TsMuxer> mux = TsMuxer::Create({.pmt_pid = 0x0200, .klv_pid = 0x0201});
  ASSERT_TRUE(mux.ok());
  std::vector<uint8_t> ts;
  mux->AppendTables(ts);
  const std::vector<uint8_t> klv = Klv(0, 0);
  ASSERT_TRUE(mux->AppendKlv(klv, PtsFromMicros(1'000'000), ts).ok());
  mux->PadWithNullPackets(7, ts);
  ASSERT_EQ(ts.size(), 7 * kTsPacketSize);
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(ts[i * kTsPacketSize], kTsSyncByte);
  EXPECT_EQ(PidOf(ts, 0), 0x0000);
  EXPECT_EQ(PidOf(ts, 1), 0x0200);
  EXPECT_EQ(PidOf(ts, 2), 0x0201);
  for (size_t i = 3; i < 7; ++i) EXPECT_EQ(PidOf(ts, i), 0x1FFF);
  // PAT: pointer 0, table 0, section_length 13, ts id 1, program 1 -> PID 0x0200; CRC 0.
  const std::span<const uint8_t> pat(ts.data() + 5, 16);
  EXPECT_EQ(pat[0], 0x00);
  EXPECT_EQ(pat[1], 0xB0);
  EXPECT_EQ(pat[2], 13);
  EXPECT_EQ(pat[8], 0x00);
  EXPECT_EQ(pat[9], 0x01);
  EXPECT_EQ(pat[10], 0xE2);
  EXPECT_EQ(pat[11], 0x00);
  EXPECT_EQ(Mpeg2Crc32(pat), 0u);
  // PMT: stream_type 0x06 on PID 0x0201 with the registration descriptor "KLVA".
  const std::span<const uint8_t> pmt(ts.data() + kTsPacketSize + 5, 3 + 13 + 5 + 6);
  EXPECT_EQ(pmt[0], 0x02);
  EXPECT_EQ(pmt[8], 0xFF);  // reserved + PCR_PID 0x1FFF
  EXPECT_EQ(pmt[9], 0xFF);
  EXPECT_EQ(pmt[12], 0x06);
  EXPECT_EQ(pmt[13], 0xE2);
  EXPECT_EQ(pmt[14], 0x01);
  EXPECT_EQ(std::string(pmt.begin() + 17, pmt.begin() + 23), "\x05\x04KLVA");
  EXPECT_EQ(Mpeg2Crc32(pmt), 0u);
  // The PES: one packet with an adaptation field; PES header 00 00 01 BD, PTS 90000.
  const uint8_t* p = ts.data() + 2 * kTsPacketSize;
  EXPECT_EQ(p[1] & 0x40, 0x40);  // payload_unit_start_indicator
  EXPECT_EQ(p[3] >> 4, 0x3);     // adaptation field and payload
  const size_t pes_at = 5 + p[4];
  EXPECT_EQ(kTsPacketSize - pes_at, 9 + 5 + klv.size());
  EXPECT_EQ(p[pes_at + 3], 0xBD);
  EXPECT_EQ(p[pes_at + 7], 0x80);  // PTS only
  // 90000 = 0x15F90: '0010' 000 1 | 0x00 | 0000 0001 | 0x7C | 1001000 1 ... see 2.4.3.7.
  const uint8_t pts[5] = {0x21, 0x00, 0x05, 0xBF, 0x21};
  EXPECT_TRUE(std::equal(pts, pts + 5, p + pes_at + 9));
}

TEST(TsMuxer, ContinuityCountersRunAcrossCalls) {
  Result<TsMuxer> mux = TsMuxer::Create();
  ASSERT_TRUE(mux.ok());
  std::vector<uint8_t> ts;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(mux->AppendKlv(Klv(0, 100), std::nullopt, ts).ok());
  ASSERT_EQ(ts.size() % kTsPacketSize, 0u);
  for (size_t i = 0; i < ts.size() / kTsPacketSize; ++i) {
    EXPECT_EQ(ts[i * kTsPacketSize + 3] & 0x0F, i % 16) << i;
  }
}

TEST(TsMuxer, BadOptions) {
  EXPECT_FALSE(TsMuxer::Create({.pmt_pid = 0x0005}).ok());
  EXPECT_FALSE(TsMuxer::Create({.klv_pid = 0x1FFF}).ok());
  EXPECT_FALSE(TsMuxer::Create({.pmt_pid = 0x300, .klv_pid = 0x300}).ok());
  EXPECT_FALSE(TsMuxer::Create({.program_number = 0}).ok());
  EXPECT_EQ(PtsFromMicros(1'000'000), 90'000u);
  EXPECT_EQ(TsMuxer::PesPacketCount(184 - 9, false), 1u);
  EXPECT_EQ(TsMuxer::PesPacketCount(184 - 8, false), 2u);
}

}  // namespace
}  // namespace biac::formats::klv
