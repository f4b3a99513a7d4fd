#pragma once

// CoT atom types <-> MIL-STD-2525B symbol identification codes (SIDC), by the CoT
// convention: the upper-case fields of an atom type after its affiliation are 2525B
// characters. "a-f-G-U-C-I" = atom, friend, ground, then function id U-C-I:
//
//   2525B SIDC (MIL-STD-2525B Appendix A, table A-I), 15 positions:
//     1 coding scheme      'S' (warfighting): the only scheme CoT atoms describe
//     2 standard identity  from the CoT affiliation, upper-cased (table below)
//     3 battle dimension   the CoT third field as is: P A G S U F X Z
//     4 status             'P' present or 'A' anticipated/planned (not in the CoT type)
//     5-10 function id     the CoT fields after the battle dimension, one character each,
//                          padded with '-'
//     11-15                symbol modifier, country, order of battle: '-' (not in CoT)
//   "a-f-G-U-C-I" <-> "SFGPUCI--------".
//
// Affiliations: p pending, u unknown, a assumed friend, f friend, n neutral, s suspect,
// h hostile, j joker, k faker, o none specified map to P U A F N S H J K O; CoT 'x' (other)
// has no 2525B identity and maps to U (unknown). The 2525B exercise identities G W M D L
// (exercise pending/unknown/assumed friend/friend/neutral) map back to p u a f n with the
// exercise flag set. Note the two P's: position 2 'P' is the pending identity, position 4 'P'
// the present status ("a-p-G" <-> "SPGP-----------").

#include <string>
#include <string_view>

#include "biac/base/status.h"

namespace biac::formats::cot {

enum class SymbolStatus : char {
  kPresent = 'P',
  kAnticipated = 'A',  // planned
};

inline constexpr size_t kSymbolCodeLength = 15;

// Errors name the offending field: "CoT type 'a-f-Q': battle dimension 'Q' is not one of
// P A G S U F X Z".
Result<std::string> CotTypeToSymbolCode(std::string_view cot_type,
                                        SymbolStatus status = SymbolStatus::kPresent);

struct CotTypeFromSymbol {
  std::string cot_type;
  SymbolStatus status = SymbolStatus::kPresent;
  bool exercise = false;  // the SIDC used an exercise identity (G W M D L)
};

// Accepts 10 to 15 characters (positions after the function id default to '-'); positions
// 11-15 are checked for their character set and otherwise dropped.
Result<CotTypeFromSymbol> SymbolCodeToCotType(std::string_view symbol_code);

}  // namespace biac::formats::cot
