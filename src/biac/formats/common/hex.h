#pragma once

// Hexadecimal text <-> bytes, for hex-line feeds (Mode S), JSON test vectors and output.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac::formats {

// Decodes an even number of hex digits (either case) into `out`; returns the byte count.
// Errors name the offending character's position; `out` too small is an error.
Result<size_t> ParseHex(std::string_view hex, std::span<uint8_t> out);
Result<std::vector<uint8_t>> ParseHex(std::string_view hex);

// Lower-case hex of the bytes ("8d4840d6...").
std::string ToHex(std::span<const uint8_t> bytes);

}  // namespace biac::formats
