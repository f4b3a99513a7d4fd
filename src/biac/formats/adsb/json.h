#pragma once

// JSON records of decoded Mode S replies and SBS lines (`biac decode --format
// modes|beast|sbs`). Field names follow pyModeS (v3 schema, src/pyModeS/_schema.py) where it
// has one; docs/formats/adsb.md lists every field and its unit.

#include <nlohmann/json.hpp>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/adsb/modes.h"

namespace biac::formats::adsb {

// Every field the reply carries: df, icao, crc_valid, then per DF and type code.
nlohmann::json MessageToJson(const Message& message);
// Adds latitude, longitude and position_method for a decoded position, or position_status
// naming why a position squitter gave no position.
void AddPosition(const PositionUpdate& update, nlohmann::json& record);
nlohmann::json SbsToJson(const SbsMessage& message);

// Lower-case six-digit hex of a 24-bit address.
std::string IcaoHex(uint32_t icao);
// Four-digit squawk string ("7700", "0041").
std::string SquawkString(uint16_t squawk);

}  // namespace biac::formats::adsb
