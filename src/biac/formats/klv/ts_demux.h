#pragma once

// KLV metadata out of an MPEG-2 transport stream, as STANAG 4609 (MISB ST 1402) carries it:
// a small demultiplexer of ISO/IEC 13818-1 written for this one job (libavformat would do the
// same through a custom AVIOContext, at the price of a heavy dependency for ~300 lines).
//
// - Transport packets (2.4.3.2, 188 bytes, sync byte 0x47), resynchronising on the next pair
//   of sync bytes 188 apart when the sync is lost; packets with transport_error_indicator set
//   are dropped.
// - PAT (2.4.4.3) and PMT (2.4.4.8) sections, CRC-32 checked (annex A), which name the KLV
//   elementary streams: stream_type 0x15 (metadata carried in PES, synchronous KLV) or 0x06
//   (PES private data, asynchronous KLV) with a registration or metadata descriptor whose
//   format identifier is "KLVA" (ST 1402 section 6; 0x15 with no descriptors is accepted).
// - PES packets (2.4.3.6) reassembled per PID, continuity counters checked (a gap drops the
//   PES being assembled). For stream_id 0xFC (metadata stream) the payload is a sequence of
//   metadata access unit cells (2.12.4, table 2-97: a 5-byte header ending in a 16-bit
//   AU_cell_data_length); otherwise the payload is the KLV bytes themselves.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
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

// Demultiplexes a whole transport stream.
TsKlvResult ExtractKlvFromTs(std::span<const uint8_t> stream);

// ISO/IEC 13818-1 annex A CRC-32 (polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection,
// no final XOR): a section followed by its CRC has CRC 0.
uint32_t Mpeg2Crc32(std::span<const uint8_t> bytes);

}  // namespace biac::formats::klv
