#pragma once

// KLV into an MPEG-2 transport stream, the inverse of ts_demux.h, for the simulator and tests:
// one program whose only elementary stream is asynchronous KLV metadata as MISB ST 1402
// (STANAG 4609) carries it.
//
// - PAT (ISO/IEC 13818-1 2.4.4.3, table 2-30) naming one program and its PMT PID; PMT
//   (2.4.4.8, table 2-33) with PCR_PID 0x1FFF (no PCR: a metadata-only program) and one
//   elementary stream of stream_type 0x06 (PES private data) with a registration descriptor
//   (2.6.8, tag 0x05) whose format_identifier is "KLVA" (ST 1402 section 6.1, asynchronous
//   KLV). Each table is one section in one transport packet, CRC-32 per annex A.
// - One PES packet (2.4.3.6, table 2-21) per KLV packet: stream_id 0xBD (private_stream_1),
//   PES_packet_length set, data_alignment_indicator 1 (the payload starts with a KLV key),
//   a PTS when the caller gives one (90 kHz), then the KLV bytes; split over as many 188-byte
//   transport packets as needed, the last one filled out with adaptation-field stuffing
//   (2.4.3.5) so that no byte follows the PES packet.
// - Continuity counters (2.4.3.3) per PID, kept across calls: one TsMuxer per stream.
// - Null packets (PID 0x1FFF) to fill a datagram to a fixed packet count.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "biac/base/status.h"

namespace biac::formats::klv {

struct TsMuxOptions {
  uint16_t transport_stream_id = 1;
  uint16_t program_number = 1;
  uint16_t pmt_pid = 0x0100;
  uint16_t klv_pid = 0x0101;
};

class TsMuxer {
 public:
  // Errors: a PID outside 0x0010..0x1FFE, the two PIDs equal, or program number 0 (the
  // network PID's number in a PAT).
  static Result<TsMuxer> Create(const TsMuxOptions& options = {});

  // Appends one PAT packet and one PMT packet.
  void AppendTables(std::vector<uint8_t>& out);
  // Appends the PES packet of one KLV packet. `pts_90khz` (33 bits) is written as the PES
  // PTS when present. Errors: more bytes than a PES_packet_length can count (65535).
  Status AppendKlv(std::span<const uint8_t> klv, std::optional<uint64_t> pts_90khz,
                   std::vector<uint8_t>& out);
  // Appends null packets until out.size() is a multiple of `packets` transport packets.
  void PadWithNullPackets(size_t packets, std::vector<uint8_t>& out) const;

  // Transport packets the PES of a KLV packet of `klv_size` bytes takes.
  static size_t PesPacketCount(size_t klv_size, bool with_pts);

  const TsMuxOptions& options() const { return options_; }

 private:
  explicit TsMuxer(const TsMuxOptions& options) : options_(options) {}
  void AppendSection(uint16_t pid, std::span<const uint8_t> section, std::vector<uint8_t>& out);

  TsMuxOptions options_;
  uint8_t pat_counter_ = 0;
  uint8_t pmt_counter_ = 0;
  uint8_t klv_counter_ = 0;
};

// The 90 kHz PTS of a time in microseconds, modulo 2^33 (13818-1 2.4.3.7).
uint64_t PtsFromMicros(uint64_t micros);

}  // namespace biac::formats::klv
