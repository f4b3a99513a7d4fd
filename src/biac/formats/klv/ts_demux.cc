#include "biac/formats/klv/ts_demux.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <map>

#include "biac/base/bits.h"

namespace biac::formats::klv {
namespace {

// ISO/IEC 13818-1 table 2-2: transport packet header.
constexpr BitField kTransportErrorIndicator{"transport_error_indicator", 8, 1};
constexpr BitField kPayloadUnitStart{"payload_unit_start_indicator", 9, 1};
constexpr BitField kPid{"PID", 11, 13};
constexpr BitField kAdaptationFieldControl{"adaptation_field_control", 26, 2};
constexpr BitField kContinuityCounter{"continuity_counter", 28, 4};
constexpr size_t kTsHeaderSize = 4;
constexpr uint64_t kHasAdaptationField = 0x2;
constexpr uint64_t kHasPayload = 0x1;
constexpr int kContinuityModulo = 16;
constexpr size_t kPidCount = 8192;  // 13-bit PIDs

// Table 2-30 (PAT) and 2-33 (PMT): the section header; section_length counts the bytes after
// it, CRC included, and is at most 1021 (2.4.4.11).
constexpr uint16_t kPatPid = 0x0000;
constexpr uint16_t kNullPid = 0x1FFF;
constexpr uint8_t kPatTableId = 0x00;
constexpr uint8_t kPmtTableId = 0x02;
constexpr BitField kSectionLength{"section_length", 12, 12};
constexpr size_t kSectionHeaderSize = 3;
constexpr size_t kSectionCrcSize = 4;
constexpr size_t kMaxSectionLength = 1021;
constexpr size_t kPatFixedSize = 8;  // through last_section_number
constexpr size_t kPatEntrySize = 4;
constexpr BitField kPatProgramNumber{"program_number", 0, 16};
constexpr BitField kPatPid13{"program_map_PID", 19, 13};
constexpr size_t kPmtFixedSize = 12;  // through program_info_length
constexpr BitField kProgramInfoLength{"program_info_length", 84, 12};
constexpr size_t kPmtEsHeaderSize = 5;
constexpr BitField kEsStreamType{"stream_type", 0, 8};
constexpr BitField kEsPid{"elementary_PID", 11, 13};
constexpr BitField kEsInfoLength{"ES_info_length", 28, 12};

// Table 2-34 stream types and ST 1402 section 6 format identifier.
constexpr uint8_t kStreamTypePrivateData = 0x06;
constexpr uint8_t kStreamTypeMetadataPes = 0x15;
constexpr std::array<uint8_t, 4> kKlvaIdentifier = {'K', 'L', 'V', 'A'};

// Table 2-21: PES packet. PES_packet_length is 16 bits, so a bounded PES is at most
// 6 + 65535 bytes; an unbounded one (length 0) is cut at the same size.
constexpr std::array<uint8_t, 3> kPesStartCode = {0x00, 0x00, 0x01};
constexpr size_t kPesFixedHeader = 6;     // start code, stream_id, PES_packet_length
constexpr size_t kPesLengthAt = 4;        // PES_packet_length, 16 bits
constexpr size_t kPesOptionalHeader = 3;  // two flag bytes, PES_header_data_length
constexpr size_t kMaxPesSize = kPesFixedHeader + 65535;
constexpr uint8_t kStreamIdMetadata = 0xFC;
constexpr uint8_t kStreamIdPadding = 0xBE;
constexpr uint8_t kStreamIdPrivate2 = 0xBF;
// Table 2-97: metadata AU cell header.
constexpr size_t kAuCellHeaderSize = 5;
constexpr BitField kAuCellDataLength{"AU_cell_data_length", 24, 16};

bool ContainsKlva(std::span<const uint8_t> descriptors) {
  return std::search(descriptors.begin(), descriptors.end(), kKlvaIdentifier.begin(),
                     kKlvaIdentifier.end()) != descriptors.end();
}

// A section or PES packet being reassembled on one PID.
struct Assembly {
  std::vector<uint8_t> buffer;
  size_t start_offset = 0;  // of the TS packet that started it
  int last_counter = -1;
  bool assembling = false;
};

}  // namespace

struct TsKlvDemuxer::State {
  void Feed(std::span<const uint8_t> packet, size_t offset, TsKlvSink& sink) {
    if (packet.size() != kTsPacketSize) {
      sink.OnProblem(offset, fmt::format("{} bytes: not a {}-byte transport packet",
                                         packet.size(), kTsPacketSize));
      return;
    }
    if (packet[0] != kTsSyncByte) {
      sink.OnProblem(offset, fmt::format("sync byte 0x{:02X}, expected 0x{:02X}", packet[0],
                                         kTsSyncByte));
      return;
    }
    if (Read(packet, kTransportErrorIndicator) != 0) {
      sink.OnProblem(offset, "transport_error_indicator set; packet dropped");
      return;
    }
    const auto pid = static_cast<uint16_t>(Read(packet, kPid));
    if (pid == kNullPid) return;
    const bool unit_start = Read(packet, kPayloadUnitStart) != 0;
    const uint64_t control = Read(packet, kAdaptationFieldControl);
    const auto counter = static_cast<int>(Read(packet, kContinuityCounter));
    size_t payload = kTsHeaderSize;
    if ((control & kHasAdaptationField) != 0) payload += 1u + packet[kTsHeaderSize];
    if ((control & kHasPayload) == 0) return;
    if (payload >= packet.size()) {
      sink.OnProblem(offset, fmt::format("PID {}: adaptation_field_length {} leaves no payload",
                                         pid, packet[kTsHeaderSize]));
      return;
    }
    const std::span<const uint8_t> data = packet.subspan(payload);
    if (pid == kPatPid || pmt_pids.test(pid)) {
      Section(pid, offset, unit_start, data, sink);
    } else if (klv_pids.test(pid)) {
      Pes(pid, offset, unit_start, counter, data, sink);
    }
  }

  void Finish(TsKlvSink& sink) {
    for (auto& [pid, state] : pes) {
      if (state.assembling) FlushPes(pid, state, sink);
    }
  }

  void Section(uint16_t pid, size_t offset, bool unit_start, std::span<const uint8_t> data,
               TsKlvSink& sink) {
    Assembly& state = sections[pid];
    if (unit_start) {
      const size_t pointer = data[0];
      if (1 + pointer > data.size()) {
        sink.OnProblem(offset,
                       fmt::format("PID {}: pointer_field {} runs past the packet", pid, pointer));
        state.assembling = false;
        return;
      }
      state.buffer.assign(data.begin() + 1 + static_cast<std::ptrdiff_t>(pointer), data.end());
      state.start_offset = offset;
      state.assembling = true;
    } else if (state.assembling) {
      state.buffer.insert(state.buffer.end(), data.begin(), data.end());
    }
    if (!state.assembling || state.buffer.size() < kSectionHeaderSize) return;
    const size_t length = Read(state.buffer, kSectionLength);
    if (length > kMaxSectionLength) {
      sink.OnProblem(state.start_offset,
                     fmt::format("PID {}: section_length {} above {}", pid, length,
                                 kMaxSectionLength));
      state.assembling = false;
      return;
    }
    const size_t total = kSectionHeaderSize + length;
    if (state.buffer.size() < total) return;
    state.assembling = false;
    const std::span<const uint8_t> section(state.buffer.data(), total);
    if (total < kSectionHeaderSize + kSectionCrcSize || Mpeg2Crc32(section) != 0) {
      sink.OnProblem(state.start_offset, fmt::format("PID {}: section CRC-32 mismatch", pid));
      return;
    }
    if (pid == kPatPid && section[0] == kPatTableId) {
      Pat(section);
    } else if (section[0] == kPmtTableId) {
      Pmt(section);
    }
  }

  void Pat(std::span<const uint8_t> section) {
    const size_t end = section.size() - kSectionCrcSize;
    for (size_t i = kPatFixedSize; i + kPatEntrySize <= end; i += kPatEntrySize) {
      const std::span<const uint8_t> entry = section.subspan(i, kPatEntrySize);
      if (Read(entry, kPatProgramNumber) == 0) continue;  // the network PID
      pmt_pids.set(static_cast<uint16_t>(Read(entry, kPatPid13)));
    }
  }

  void Pmt(std::span<const uint8_t> section) {
    if (section.size() < kPmtFixedSize + kSectionCrcSize) return;
    const size_t end = section.size() - kSectionCrcSize;
    size_t i = kPmtFixedSize + Read(section, kProgramInfoLength);
    while (i + kPmtEsHeaderSize <= end) {
      const std::span<const uint8_t> es = section.subspan(i, kPmtEsHeaderSize);
      const auto type = static_cast<uint8_t>(Read(es, kEsStreamType));
      const auto pid = static_cast<uint16_t>(Read(es, kEsPid));
      const size_t info_length = Read(es, kEsInfoLength);
      i += kPmtEsHeaderSize;
      if (i + info_length > end) break;
      const std::span<const uint8_t> descriptors = section.subspan(i, info_length);
      i += info_length;
      const bool klva = ContainsKlva(descriptors);
      if ((type == kStreamTypeMetadataPes && (klva || descriptors.empty())) ||
          (type == kStreamTypePrivateData && klva)) {
        klv_pids.set(pid);
      }
    }
  }

  void Pes(uint16_t pid, size_t offset, bool unit_start, int counter,
           std::span<const uint8_t> data, TsKlvSink& sink) {
    Assembly& state = pes[pid];
    if (state.last_counter >= 0 && !unit_start) {
      const int expected = (state.last_counter + 1) % kContinuityModulo;
      if (counter == state.last_counter) return;  // a duplicate packet (2.4.3.3)
      if (counter != expected && state.assembling) {
        sink.OnProblem(offset, fmt::format("PID {}: continuity counter {}, expected {}; PES "
                                           "dropped",
                                           pid, counter, expected));
        state.assembling = false;
        state.buffer.clear();
      }
    }
    state.last_counter = counter;
    if (unit_start) {
      if (state.assembling) FlushPes(pid, state, sink);  // an unbounded PES ends here
      state.buffer.assign(data.begin(), data.end());
      state.start_offset = offset;
      state.assembling = true;
    } else if (state.assembling) {
      if (state.buffer.size() + data.size() > kMaxPesSize) {
        sink.OnProblem(state.start_offset,
                       fmt::format("PID {}: PES longer than {} bytes dropped", pid, kMaxPesSize));
        state.assembling = false;
        state.buffer.clear();
        return;
      }
      state.buffer.insert(state.buffer.end(), data.begin(), data.end());
    }
    // A PES packet with a PES_packet_length is complete as soon as its bytes are in; emit it
    // then rather than at the next unit start, so units keep the stream's order.
    if (state.assembling && state.buffer.size() >= kPesFixedHeader) {
      const size_t declared = LoadBigEndian(state.buffer.data() + kPesLengthAt, 2);
      if (declared != 0 && state.buffer.size() >= kPesFixedHeader + declared) {
        FlushPes(pid, state, sink);
      }
    }
  }

  void FlushPes(uint16_t pid, Assembly& state, TsKlvSink& sink) {
    state.assembling = false;
    std::span<const uint8_t> packet(state.buffer);
    const size_t at = state.start_offset;
    if (packet.size() < kPesFixedHeader ||
        !std::equal(kPesStartCode.begin(), kPesStartCode.end(), packet.begin())) {
      sink.OnProblem(at, fmt::format("PID {}: PES packet without a start code", pid));
      return;
    }
    const uint8_t stream_id = packet[3];
    const size_t declared = LoadBigEndian(packet.data() + kPesLengthAt, 2);
    if (declared != 0) {
      if (packet.size() < kPesFixedHeader + declared) {
        sink.OnProblem(at, fmt::format("PID {}: PES packet truncated ({} of {} bytes)", pid,
                                       packet.size(), kPesFixedHeader + declared));
        return;
      }
      packet = packet.first(kPesFixedHeader + declared);
    }
    size_t header = kPesFixedHeader;
    if (stream_id != kStreamIdPadding && stream_id != kStreamIdPrivate2) {
      if (packet.size() < kPesFixedHeader + kPesOptionalHeader) {
        sink.OnProblem(at, fmt::format("PID {}: PES header truncated", pid));
        return;
      }
      header += kPesOptionalHeader + packet[kPesFixedHeader + 2];
      if (header > packet.size()) {
        sink.OnProblem(at, fmt::format("PID {}: PES header longer than the packet", pid));
        return;
      }
    }
    std::span<const uint8_t> payload = packet.subspan(header);
    if (stream_id != kStreamIdMetadata) {
      sink.OnUnit(pid, at, payload);
      return;
    }
    while (!payload.empty()) {
      if (payload.size() < kAuCellHeaderSize) {
        sink.OnProblem(at, fmt::format("PID {}: metadata AU cell header truncated", pid));
        return;
      }
      const size_t length = Read(payload, kAuCellDataLength);
      if (kAuCellHeaderSize + length > payload.size()) {
        sink.OnProblem(at,
                       fmt::format("PID {}: metadata AU cell longer than the PES packet", pid));
        return;
      }
      sink.OnUnit(pid, at, payload.subspan(kAuCellHeaderSize, length));
      payload = payload.subspan(kAuCellHeaderSize + length);
    }
  }

  std::bitset<kPidCount> pmt_pids;
  std::bitset<kPidCount> klv_pids;
  std::map<uint16_t, Assembly> sections;
  std::map<uint16_t, Assembly> pes;
};

TsKlvDemuxer::TsKlvDemuxer() : state_(std::make_unique<State>()) {}
TsKlvDemuxer::~TsKlvDemuxer() = default;
TsKlvDemuxer::TsKlvDemuxer(TsKlvDemuxer&&) noexcept = default;
TsKlvDemuxer& TsKlvDemuxer::operator=(TsKlvDemuxer&&) noexcept = default;

void TsKlvDemuxer::Feed(std::span<const uint8_t> packet, size_t offset, TsKlvSink& sink) {
  state_->Feed(packet, offset, sink);
}

void TsKlvDemuxer::Finish(TsKlvSink& sink) { state_->Finish(sink); }

std::vector<uint16_t> TsKlvDemuxer::KlvPids() const {
  std::vector<uint16_t> pids;
  for (size_t pid = 0; pid < kPidCount; ++pid) {
    if (state_->klv_pids.test(pid)) pids.push_back(static_cast<uint16_t>(pid));
  }
  return pids;
}

namespace {

// The whole-stream reader: finds the packets (resynchronising when the sync is lost) and
// collects what the demultiplexer gives.
class Collector final : public TsKlvSink {
 public:
  explicit Collector(TsKlvResult& result) : result_(result) {}
  void OnUnit(uint16_t pid, size_t offset, std::span<const uint8_t> bytes) override {
    result_.units.push_back({pid, offset, {bytes.begin(), bytes.end()}});
  }
  void OnProblem(size_t offset, std::string_view reason) override {
    result_.problems.push_back({offset, std::string(reason)});
  }

 private:
  TsKlvResult& result_;
};

// The next offset at or after `from` holding a sync byte followed by another one a packet
// later (or the end of the stream).
size_t FindSync(std::span<const uint8_t> stream, size_t from) {
  for (size_t i = from; i < stream.size(); ++i) {
    if (stream[i] != kTsSyncByte) continue;
    if (i + kTsPacketSize >= stream.size() || stream[i + kTsPacketSize] == kTsSyncByte) return i;
  }
  return stream.size();
}

}  // namespace

TsKlvResult ExtractKlvFromTs(std::span<const uint8_t> stream) {
  TsKlvResult result;
  Collector sink(result);
  TsKlvDemuxer demuxer;
  size_t pos = FindSync(stream, 0);
  if (pos != 0 && pos < stream.size()) {
    sink.OnProblem(0, "no sync byte; skipped to the first packet");
  }
  while (pos + kTsPacketSize <= stream.size()) {
    if (stream[pos] != kTsSyncByte) {
      const size_t next = FindSync(stream, pos + 1);
      sink.OnProblem(pos, "lost sync; resynchronised at byte " + std::to_string(next));
      pos = next;
      continue;
    }
    demuxer.Feed(stream.subspan(pos, kTsPacketSize), pos, sink);
    ++result.packets;
    pos += kTsPacketSize;
  }
  if (pos < stream.size()) {
    sink.OnProblem(pos, "truncated transport packet (" + std::to_string(stream.size() - pos) +
                            " bytes)");
  }
  demuxer.Finish(sink);
  result.klv_pids = demuxer.KlvPids();
  return result;
}

uint32_t Mpeg2Crc32(std::span<const uint8_t> bytes) {
  constexpr uint32_t kPolynomial = 0x04C11DB7;
  uint32_t crc = 0xFFFFFFFF;
  for (const uint8_t byte : bytes) {
    crc ^= uint32_t{byte} << 24;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x80000000u) ? (crc << 1) ^ kPolynomial : crc << 1;
    }
  }
  return crc;
}

}  // namespace biac::formats::klv
