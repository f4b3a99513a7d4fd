#include "biac/formats/asterix/pcap.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <memory>
#include <string>

#include "biac/base/bits.h"

namespace biac::formats::asterix {

namespace {

// Link-layer types (tcpdump.org/linktypes.html).
constexpr int kLinkEthernet = 1;     // DLT_EN10MB
constexpr int kLinkRaw = 101;        // LINKTYPE_RAW (libpcap maps DLT_RAW to it)
constexpr int kLinkRawAlt = 12;      // DLT_RAW on some systems
constexpr int kLinkIpv4 = 228;       // LINKTYPE_IPV4
constexpr int kLinkLinuxSll = 113;   // Linux cooked capture v1
constexpr int kLinkLinuxSll2 = 276;  // Linux cooked capture v2

constexpr size_t kEthernetHeader = 14;
constexpr size_t kEthernetTypeOffset = 12;
constexpr size_t kVlanTagSize = 4;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88A8;
constexpr size_t kSllHeader = 16;
constexpr size_t kSllProtocolOffset = 14;
constexpr size_t kSll2Header = 20;
constexpr size_t kSll2ProtocolOffset = 0;

// IPv4 (RFC 791) and UDP (RFC 768) header fields.
constexpr size_t kIpv4MinHeader = 20;
constexpr uint8_t kIpVersion4 = 4;
constexpr size_t kIpTotalLengthOffset = 2;
constexpr size_t kIpFragmentOffset = 6;
constexpr uint16_t kIpFragmentOffsetMask = 0x1FFF;
constexpr size_t kIpProtocolOffset = 9;
constexpr uint8_t kIpProtocolUdp = 17;
constexpr size_t kUdpHeader = 8;
constexpr size_t kUdpLengthOffset = 4;

// Classic pcap file layout (for file offsets): 24-octet global header, 16-octet records.
constexpr size_t kPcapGlobalHeader = 24;
constexpr size_t kPcapRecordHeader = 16;
constexpr uint32_t kPcapMagic = 0xA1B2C3D4;
constexpr uint32_t kPcapMagicNanos = 0xA1B23C4D;

constexpr size_t kOradisHeader = 6;

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};

}  // namespace

Status ForEachUdpDatagram(std::span<const uint8_t> capture,
                          const std::function<void(const UdpDatagram&)>& on_datagram,
                          const BadPacketFunction& on_bad) {
  if (capture.size() < 4) return InvalidArgument("capture too short for a pcap header");
  const uint32_t magic_le = static_cast<uint32_t>(LoadLittleEndian(capture.data(), 4));
  const uint32_t magic_be = static_cast<uint32_t>(LoadBigEndian(capture.data(), 4));
  const bool classic = magic_le == kPcapMagic || magic_be == kPcapMagic ||
                       magic_le == kPcapMagicNanos || magic_be == kPcapMagicNanos;
  // libpcap reads from a FILE*; fmemopen exposes the bytes without a copy. The const_cast is
  // safe: the stream is opened read-only.
  FILE* file = fmemopen(const_cast<uint8_t*>(capture.data()), capture.size(), "rb");
  if (file == nullptr) return Unavailable("cannot open the capture bytes as a stream");
  char error[PCAP_ERRBUF_SIZE] = {};
  // pcap_fopen_offline_with_tstamp_precision owns `file` from here on (closed by pcap_close).
  std::unique_ptr<pcap_t, PcapCloser> pcap(
      pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, error));
  if (!pcap) {
    std::fclose(file);
    return InvalidArgument(std::string("not a pcap capture: ") + error);
  }
  const int link = pcap_datalink(pcap.get());
  if (link != kLinkEthernet && link != kLinkRaw && link != kLinkRawAlt && link != kLinkIpv4 &&
      link != kLinkLinuxSll && link != kLinkLinuxSll2) {
    return InvalidArgument("capture link type " + std::to_string(link) +
                           " is not Ethernet, Linux cooked or raw IPv4");
  }
  size_t record_offset = kPcapGlobalHeader;
  size_t packet_number = 0;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(pcap.get(), &header, &data)) == 1) {
    ++packet_number;
    const size_t packet_offset = classic ? record_offset + kPcapRecordHeader : 0;
    record_offset += kPcapRecordHeader + header->caplen;
    const std::span<const uint8_t> packet(data, header->caplen);
    size_t ip = 0;
    uint16_t ether_type = 0;
    if (link == kLinkEthernet) {
      if (packet.size() < kEthernetHeader) continue;
      ether_type = static_cast<uint16_t>(LoadBigEndian(&packet[kEthernetTypeOffset], 2));
      ip = kEthernetHeader;
      while ((ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ) &&
             packet.size() >= ip + kVlanTagSize) {
        ether_type = static_cast<uint16_t>(LoadBigEndian(&packet[ip + 2], 2));
        ip += kVlanTagSize;
      }
    } else if (link == kLinkLinuxSll) {
      if (packet.size() < kSllHeader) continue;
      ether_type = static_cast<uint16_t>(LoadBigEndian(&packet[kSllProtocolOffset], 2));
      ip = kSllHeader;
    } else if (link == kLinkLinuxSll2) {
      if (packet.size() < kSll2Header) continue;
      ether_type = static_cast<uint16_t>(LoadBigEndian(&packet[kSll2ProtocolOffset], 2));
      ip = kSll2Header;
    } else {
      ether_type = kEtherTypeIpv4;
    }
    if (ether_type != kEtherTypeIpv4) continue;
    if (packet.size() < ip + kIpv4MinHeader || (packet[ip] >> 4) != kIpVersion4) continue;
    if (packet[ip + kIpProtocolOffset] != kIpProtocolUdp) continue;
    const size_t ihl = size_t{packet[ip] & 0x0Fu} * 4;
    const uint16_t fragment =
        static_cast<uint16_t>(LoadBigEndian(&packet[ip + kIpFragmentOffset], 2));
    if ((fragment & kIpFragmentOffsetMask) != 0) continue;  // not the first fragment
    const size_t ip_total = LoadBigEndian(&packet[ip + kIpTotalLengthOffset], 2);
    const size_t udp = ip + ihl;
    if (ihl < kIpv4MinHeader || packet.size() < udp + kUdpHeader) {
      on_bad(packet_offset,
             "packet " + std::to_string(packet_number) + ": IPv4/UDP header truncated");
      continue;
    }
    const size_t udp_length = LoadBigEndian(&packet[udp + kUdpLengthOffset], 2);
    if (udp_length < kUdpHeader || udp + udp_length > packet.size() ||
        ip + ip_total < udp + udp_length) {
      on_bad(packet_offset + udp, "packet " + std::to_string(packet_number) + ": UDP length " +
                                      std::to_string(udp_length) + " exceeds the packet");
      continue;
    }
    UdpDatagram d;
    d.packet_number = packet_number;
    d.time = Timestamp::FromNanos(int64_t{header->ts.tv_sec} * 1'000'000'000 +
                                  int64_t{header->ts.tv_usec});
    d.source_port = static_cast<uint16_t>(LoadBigEndian(&packet[udp], 2));
    d.destination_port = static_cast<uint16_t>(LoadBigEndian(&packet[udp + 2], 2));
    d.payload = packet.subspan(udp + kUdpHeader, udp_length - kUdpHeader);
    d.file_offset = packet_offset + udp + kUdpHeader;
    on_datagram(d);
  }
  if (rc == PCAP_ERROR) {
    return InvalidArgument("capture broken after packet " + std::to_string(packet_number) + ": " +
                           pcap_geterr(pcap.get()));
  }
  return Status::Ok();
}

bool ForEachOradisFrame(std::span<const uint8_t> payload,
                        const std::function<void(size_t, std::span<const uint8_t>)>& on_asterix) {
  size_t offset = 0;
  while (offset < payload.size()) {
    if (payload.size() - offset < kOradisHeader) return false;
    const size_t length = LoadBigEndian(&payload[offset], 2);
    if (length < kOradisHeader || length > payload.size() - offset) return false;
    if (on_asterix) {
      on_asterix(offset + kOradisHeader,
                 payload.subspan(offset + kOradisHeader, length - kOradisHeader));
    }
    offset += length;
  }
  return true;
}

bool LooksLikeOradis(std::span<const uint8_t> payload) {
  return !payload.empty() && payload[0] == 0 && ForEachOradisFrame(payload, nullptr);
}

}  // namespace biac::formats::asterix
