#pragma once

// Encoding ASTERIX records from the same tables the decoder reads (spec.h): the simulator's
// radar/ADS-B/tracker outputs and the partner link write CAT048, CAT021 and CAT062 with it,
// and any other edition biac carries works the same way.
//
// The input is the JSON the decoder produces (RecordToJson): item keys "I048/040" (or bare
// "040"), field names as in the specification, quantities in the specification's units
// (rounded to the nearest LSB), strings for callsigns and octal codes, hex strings for
// explicit items and raw fields wider than 53 bits. Absent fields of a present item encode
// as 0; an extended item carries as many parts as its last given field needs.
// decode(encode(x)) == x for every x the decoder can produce.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "biac/base/status.h"
#include "biac/formats/asterix/spec.h"

namespace biac::formats::asterix {

// Appends one record (FSPEC and items) to `out`. Errors name the item and field: an unknown
// item or field, a value out of the field's range, a string too long, a wrong JSON type.
Status EncodeRecord(const Edition& edition, const nlohmann::ordered_json& record,
                    std::vector<uint8_t>& out);

// A data block (CAT, LEN, records) holding `records`, all of `edition`'s category.
Result<std::vector<uint8_t>> EncodeDataBlock(const Edition& edition,
                                             std::span<const nlohmann::ordered_json> records);

}  // namespace biac::formats::asterix
