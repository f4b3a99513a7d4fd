#pragma once

// UDP payloads from a capture file, for ASTERIX carried over UDP (the usual radar and
// ADS-B feeds, EUROCONTROL-SPEC-0149 Part 1 section 5). The capture is read with libpcap
// (pcap and pcapng); biac parses the link, IPv4 and UDP headers itself:
// Ethernet (with 802.1Q tags), Linux cooked capture v1 and v2, and raw IPv4.
// Non-IPv4, non-UDP packets and IP fragments after the first are skipped.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "biac/base/status.h"
#include "biac/base/time.h"

namespace biac::formats::asterix {

struct UdpDatagram {
  size_t packet_number = 0;  // 1-based, in capture order
  Timestamp time;            // capture time
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  std::span<const uint8_t> payload;  // valid only during the callback
  // The payload's offset in the capture file (classic pcap files; for pcapng the offset of
  // the payload within its packet).
  size_t file_offset = 0;
};

// Called for a packet that is UDP but malformed (truncated headers, a UDP length beyond the
// packet): the packet's file offset (as UdpDatagram::file_offset) and the reason.
using BadPacketFunction = std::function<void(size_t offset, std::string_view reason)>;

// Calls `on_datagram` for every UDP datagram of the capture. Errors: the capture cannot be
// opened (not pcap/pcapng, truncated header), or its link type is not one of those above.
Status ForEachUdpDatagram(std::span<const uint8_t> capture,
                          const std::function<void(const UdpDatagram&)>& on_datagram,
                          const BadPacketFunction& on_bad);

// ORADIS framing (as CroatiaControl's asterix -R reads it): a UDP payload holds frames of
// a 6-octet header, whose first two octets are the frame length including the header,
// followed by ASTERIX data blocks. A payload is taken as ORADIS when its first octet is 0
// (no ASTERIX category is 0) and its frame lengths tile it exactly.
bool LooksLikeOradis(std::span<const uint8_t> payload);

// Calls `on_asterix(offset, bytes)` for each ORADIS frame's ASTERIX bytes, `offset` from
// the start of the payload. Returns false if the frame lengths do not tile the payload.
bool ForEachOradisFrame(std::span<const uint8_t> payload,
                        const std::function<void(size_t, std::span<const uint8_t>)>& on_asterix);

}  // namespace biac::formats::asterix
