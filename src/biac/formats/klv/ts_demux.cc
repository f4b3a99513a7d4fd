#include "biac/formats/klv/ts_demux.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

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
constexpr unsigned kContinuityModulo = 16;

// Table 2-30 (PAT) and 2-33 (PMT): the section header; section_length counts the bytes after
// it, CRC included.
constexpr uint16_t kPatPid = 0x0000;
constexpr uint16_t kNullPid = 0x1FFF;
constexpr uint8_t kPatTableId = 0x00;
constexpr uint8_t kPmtTableId = 0x02;
constexpr BitField kSectionLength{"section_length", 12, 12};
constexpr size_t kSectionHeaderSize = 3;
constexpr size_t kSectionCrcSize = 4;
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

// Table 2-21: PES packet.
constexpr std::array<uint8_t, 3> kPesStartCode = {0x00, 0x00, 0x01};
constexpr size_t kPesFixedHeader = 6;     // start code, stream_id, PES_packet_length
constexpr size_t kPesOptionalHeader = 3;  // two flag bytes, PES_header_data_length
constexpr uint8_t kStreamIdMetadata = 0xFC;
constexpr uint8_t kStreamIdPadding = 0xBE;
constexpr uint8_t kStreamIdPrivate2 = 0xBF;
// Table 2-97: metadata AU cell header.
constexpr size_t kAuCellHeaderSize = 5;
constexpr BitField kAuCellDataLength{"AU_cell_data_length", 24, 16};

struct PidState {
  std::vector<uint8_t> buffer;
  size_t start_offset = 0;
  int last_counter = -1;
  bool assembling = false;
};

bool ContainsKlva(std::span<const uint8_t> descriptors) {
  return std::search(descriptors.begin(), descriptors.end(), kKlvaIdentifier.begin(),
                     kKlvaIdentifier.end()) != descriptors.end();
}

class Demuxer {
 public:
  explicit Demuxer(std::span<const uint8_t> stream) : stream_(stream) {}

  TsKlvResult Run() {
    size_t pos = FindSync(0);
    if (pos != 0 && pos < stream_.size()) Problem(0, "no sync byte; skipped to the first packet");
    while (pos + kTsPacketSize <= stream_.size()) {
      if (stream_[pos] != kTsSyncByte) {
        const size_t next = FindSync(pos + 1);
        Problem(pos, "lost sync; resynchronised at byte " + std::to_string(next));
        pos = next;
        continue;
      }
      Packet(pos, stream_.subspan(pos, kTsPacketSize));
      ++result_.packets;
      pos += kTsPacketSize;
    }
    if (pos < stream_.size()) {
      Problem(pos,
              "truncated transport packet (" + std::to_string(stream_.size() - pos) + " bytes)");
    }
    for (auto& [pid, state] : pes_) FlushPes(pid, state);
    result_.klv_pids.assign(klv_pids_.begin(), klv_pids_.end());
    return std::move(result_);
  }

 private:
  // The next offset at or after `from` holding a sync byte followed by another one a packet
  // later (or the end of the stream).
  size_t FindSync(size_t from) const {
    for (size_t i = from; i < stream_.size(); ++i) {
      if (stream_[i] != kTsSyncByte) continue;
      if (i + kTsPacketSize >= stream_.size() || stream_[i + kTsPacketSize] == kTsSyncByte) {
        return i;
      }
    }
    return stream_.size();
  }

  void Problem(size_t offset, std::string reason) {
    result_.problems.push_back({offset, std::move(reason)});
  }

  void Packet(size_t offset, std::span<const uint8_t> packet) {
    if (Read(packet, kTransportErrorIndicator) != 0) {
      Problem(offset, "transport_error_indicator set; packet dropped");
      return;
    }
    const auto pid = static_cast<uint16_t>(Read(packet, kPid));
    if (pid == kNullPid) return;
    const bool unit_start = Read(packet, kPayloadUnitStart) != 0;
    const uint64_t afc = Read(packet, kAdaptationFieldControl);
    const auto counter = static_cast<int>(Read(packet, kContinuityCounter));
    size_t payload = kTsHeaderSize;
    if (afc & kHasAdaptationField) payload += 1u + packet[kTsHeaderSize];
    if ((afc & kHasPayload) == 0 || payload >= packet.size()) return;
    const std::span<const uint8_t> data = packet.subspan(payload);
    if (pid == kPatPid || pmt_pids_.count(pid) != 0) {
      Section(pid, offset, unit_start, data);
    } else if (klv_pids_.count(pid) != 0) {
      Pes(pid, offset, unit_start, counter, data);
    }
  }

  void Section(uint16_t pid, size_t offset, bool unit_start, std::span<const uint8_t> data) {
    PidState& state = sections_[pid];
    if (unit_start) {
      const size_t pointer = data[0];
      if (1 + pointer > data.size()) {
        Problem(offset, "PID " + std::to_string(pid) + ": pointer_field past the packet");
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
    const size_t total = kSectionHeaderSize + Read(state.buffer, kSectionLength);
    if (state.buffer.size() < total) return;
    state.assembling = false;
    const std::span<const uint8_t> section(state.buffer.data(), total);
    if (total < kSectionHeaderSize + kSectionCrcSize || Mpeg2Crc32(section) != 0) {
      Problem(state.start_offset, "PID " + std::to_string(pid) + ": section CRC-32 mismatch");
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
      pmt_pids_.insert(static_cast<uint16_t>(Read(entry, kPatPid13)));
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
        klv_pids_.insert(pid);
      }
    }
  }

  void Pes(uint16_t pid, size_t offset, bool unit_start, int counter,
           std::span<const uint8_t> data) {
    PidState& state = pes_[pid];
    if (state.last_counter >= 0 && !unit_start) {
      const int expected = (state.last_counter + 1) % static_cast<int>(kContinuityModulo);
      if (counter == state.last_counter) return;  // a duplicate packet (2.4.3.3)
      if (counter != expected && state.assembling) {
        Problem(offset, "PID " + std::to_string(pid) + ": continuity counter " +
                            std::to_string(counter) + ", expected " + std::to_string(expected) +
                            "; PES dropped");
        state.assembling = false;
        state.buffer.clear();
      }
    }
    state.last_counter = counter;
    if (unit_start) {
      FlushPes(pid, state);
      state.buffer.assign(data.begin(), data.end());
      state.start_offset = offset;
      state.assembling = true;
    } else if (state.assembling) {
      state.buffer.insert(state.buffer.end(), data.begin(), data.end());
    }
    // A PES packet with a PES_packet_length is complete as soon as its bytes are in; emit it
    // then rather than at the next unit start, so units keep the stream's order.
    if (state.assembling && state.buffer.size() >= kPesFixedHeader) {
      const size_t declared = LoadBigEndian(state.buffer.data() + 4, 2);
      if (declared != 0 && state.buffer.size() >= kPesFixedHeader + declared) {
        FlushPes(pid, state);
      }
    }
  }

  void FlushPes(uint16_t pid, PidState& state) {
    if (!state.assembling) return;
    state.assembling = false;
    std::span<const uint8_t> pes(state.buffer);
    const std::string where = "PID " + std::to_string(pid) + ": ";
    if (pes.size() < kPesFixedHeader ||
        !std::equal(kPesStartCode.begin(), kPesStartCode.end(), pes.begin())) {
      Problem(state.start_offset, where + "PES packet without a start code");
      return;
    }
    const uint8_t stream_id = pes[3];
    const size_t declared = LoadBigEndian(pes.data() + 4, 2);
    if (declared != 0) {
      if (kPesFixedHeader + declared > pes.size()) {
        Problem(state.start_offset, where + "PES packet truncated");
        return;
      }
      pes = pes.first(kPesFixedHeader + declared);
    }
    size_t header = kPesFixedHeader;
    if (stream_id != kStreamIdPadding && stream_id != kStreamIdPrivate2) {
      if (pes.size() < kPesFixedHeader + kPesOptionalHeader) {
        Problem(state.start_offset, where + "PES header truncated");
        return;
      }
      header += kPesOptionalHeader + pes[kPesFixedHeader + 2];
      if (header > pes.size()) {
        Problem(state.start_offset, where + "PES header longer than the packet");
        return;
      }
    }
    std::span<const uint8_t> payload = pes.subspan(header);
    if (stream_id != kStreamIdMetadata) {
      result_.units.push_back({pid, state.start_offset, {payload.begin(), payload.end()}});
      return;
    }
    while (!payload.empty()) {
      if (payload.size() < kAuCellHeaderSize) {
        Problem(state.start_offset, where + "metadata AU cell header truncated");
        return;
      }
      const size_t length = Read(payload, kAuCellDataLength);
      if (kAuCellHeaderSize + length > payload.size()) {
        Problem(state.start_offset, where + "metadata AU cell longer than the PES packet");
        return;
      }
      const auto cell = payload.subspan(kAuCellHeaderSize, length);
      result_.units.push_back({pid, state.start_offset, {cell.begin(), cell.end()}});
      payload = payload.subspan(kAuCellHeaderSize + length);
    }
  }

  std::span<const uint8_t> stream_;
  TsKlvResult result_;
  std::set<uint16_t> pmt_pids_;
  std::set<uint16_t> klv_pids_;
  std::map<uint16_t, PidState> sections_;
  std::map<uint16_t, PidState> pes_;
};

}  // namespace

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

TsKlvResult ExtractKlvFromTs(std::span<const uint8_t> stream) { return Demuxer(stream).Run(); }

}  // namespace biac::formats::klv
