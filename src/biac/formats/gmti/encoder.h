#pragma once

// Encoding STANAG 4607 packets, for the simulator and for tests: the inverse of decoder.h.
// Values are set through the layout tables (SetValue quantises to the wire resolution), so for
// any segment x built that way DecodeX(EncodeX(x)) == x.

#include <cstdint>
#include <span>
#include <vector>

#include "biac/base/status.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/segments.h"

namespace biac::formats::gmti {

// Each appends one whole segment (5-byte segment header, then the payload) to `out`.
void AppendMission(const MissionSegment& segment, std::vector<uint8_t>& out);
void AppendPlatformLocation(const PlatformLocationSegment& segment, std::vector<uint8_t>& out);
void AppendJobDefinition(const JobDefinitionSegment& segment, std::vector<uint8_t>& out);
// Fails if the segment would exceed the 32-bit segment size.
Status AppendFreeText(const FreeTextSegment& segment, std::vector<uint8_t>& out);
// Writes the mask with the mandatory bits set, the fields it names and every report; D5 is
// written as reports.size(). Fails above 65535 reports (D5 is an I16). Fields whose mask bit
// is clear are not written, whatever their raw value.
Status AppendDwell(const DwellSegment& segment, std::vector<uint8_t>& out);
// Dispatches on the alternative; an OtherSegment cannot be encoded (its bytes are not kept).
Status AppendSegment(const Segment& segment, std::vector<uint8_t>& out);

// The packet header then every segment; P2 is set to the packet's size.
Result<std::vector<uint8_t>> EncodePacket(const PacketHeader& header,
                                          std::span<const Segment> segments);

}  // namespace biac::formats::gmti
