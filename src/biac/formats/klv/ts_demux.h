#pragma once

// KLV metadata out of an MPEG-2 transport stream, as STANAG 4609 (MISB ST 1402) carries it:
// a small demultiplexer of ISO/IEC 13818-1 written for this one job (libavformat would do the
// same through a custom AVIOContext, at the price of a heavy dependency for ~300 lines).
//
// - Transport packets (2.4.3.2, 188 bytes, sync byte 0x47); packets with
//   transport_error_indicator set are dropped. The whole-stream reader resynchronises on the
//   next pair of sync bytes 188 apart when the sync is lost.
// - PAT (2.4.4.3) and PMT (2.4.4.8) sections, CRC-32 checked (annex A), which name the KLV
//   elementary streams: stream_type 0x15 (metadata carried in PES, synchronous KLV) or 0x06
//   (PES private data, asynchronous KLV) with a registration or metadata descriptor whose
//   format identifier is "KLVA" (ST 1402 section 6; 0x15 with no descriptors is accepted).
//   section_length is at most 1021 (2.4.4.11).
// - PES packets (2.4.3.6) reassembled per PID, continuity counters checked (2.4.3.3: a gap
//   drops the PES being assembled, a repeated counter is a duplicate packet). A PES with a
//   PES_packet_length is complete as soon as its bytes are in; one without (length 0) ends at
//   the PID's next unit start or at the end of the stream; either is cut at 6 + 65535 bytes.
//   For stream_id 0xFC (metadata stream) the payload is a sequence of metadata access unit
//   cells (2.12.4, table 2-97: a 5-byte header ending in a 16-bit AU_cell_data_length);
//   otherwise the payload is the KLV bytes themselves.
//
// Two ways in, one demultiplexer: TsKlvDemuxer is fed one transport packet at a time and
// keeps the tables, partial PES packets and counters between packets (the node's feeds,
// app/feed_decode.h); ExtractKlvFromTs finds the packets of a whole stream and feeds them to
// it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace biac::formats::klv {

inline constexpr size_t kTsPacketSize = 188;
inline constexpr uint8_t kTsSyncByte = 0x47;

// The KLV bytes of one PES packet (or one metadata AU cell).
struct TsKlvUnit {
  uint16_t pid = 0;
  size_t offset = 0;  // byte offset in the stream of the TS packet that started the PES
  std::vector<uint8_t> bytes;
};

// A problem the demultiplexer recovered from, at a byte offset of the stream.
struct TsProblem {
  size_t offset = 0;
  std::string reason;
};

struct TsKlvResult {
  std::vector<TsKlvUnit> units;
  std::vector<TsProblem> problems;
  std::vector<uint16_t> klv_pids;  // the KLV elementary streams the PMTs named
  size_t packets = 0;              // transport packets read
};

// What TsKlvDemuxer gives back, as it finds it.
class TsKlvSink {
 public:
  virtual ~TsKlvSink() = default;
  // One KLV unit (the payload of a PES packet, or one metadata AU cell) of elementary stream
  // `pid`; `offset` is the stream offset of the TS packet that started its PES. The bytes are
  // valid only during the call.
  virtual void OnUnit(uint16_t pid, size_t offset, std::span<const uint8_t> bytes) = 0;
  // A problem the demultiplexer recovered from, at a stream offset: "PID 257: continuity
  // counter 5, expected 4; PES dropped".
  virtual void OnProblem(size_t offset, std::string_view reason) = 0;
};

// The incremental demultiplexer. Not thread-safe; one per stream. Apart from the PES buffers
// (one per KLV PID, reused) it does not allocate per packet.
class TsKlvDemuxer {
 public:
  TsKlvDemuxer();
  ~TsKlvDemuxer();
  TsKlvDemuxer(TsKlvDemuxer&&) noexcept;
  TsKlvDemuxer& operator=(TsKlvDemuxer&&) noexcept;

  // Reads one transport packet of exactly kTsPacketSize bytes, found at byte `offset` of the
  // stream (only reported back, in units and problems). A packet not starting with the sync
  // byte is a problem and is skipped.
  void Feed(std::span<const uint8_t> packet, size_t offset, TsKlvSink& sink);

  // The end of the stream: every PES still being assembled is complete (or truncated).
  void Finish(TsKlvSink& sink);

  // The KLV elementary streams the PMTs named so far, ascending.
  std::vector<uint16_t> KlvPids() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Demultiplexes a whole transport stream.
TsKlvResult ExtractKlvFromTs(std::span<const uint8_t> stream);

// ISO/IEC 13818-1 annex A CRC-32 (polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection,
// no final XOR): a section followed by its CRC has CRC 0.
uint32_t Mpeg2Crc32(std::span<const uint8_t> bytes);

}  // namespace biac::formats::klv
