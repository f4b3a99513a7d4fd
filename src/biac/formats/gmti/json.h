#pragma once

// JSON forms of STANAG 4607 packets and segments (the `biac decode --format gmti` output).
// Keys are the layout tables' names (segments.h), values in the unit their name ends with;
// integer fields stay integers, text fields lose their padding. A field absent from a dwell's
// existence mask is absent from the JSON.

#include <nlohmann/json.hpp>

#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/segments.h"

namespace biac::formats::gmti {

nlohmann::json ToJson(const PacketHeader& header);
// {"segment_type": 2, "segment_name": "dwell", ...the segment's fields}. A dwell's reports
// are under "target_reports"; each carries "lat_deg"/"lon_deg" (from the hi-res fields, or
// the dwell centre plus delta times scale factor) when its position can be computed.
nlohmann::json ToJson(const Segment& segment);

}  // namespace biac::formats::gmti
