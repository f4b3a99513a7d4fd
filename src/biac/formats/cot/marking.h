#pragma once

// The security marking of a CoT event: its access, caveat and releasableTo attributes
// (MIL-STD-6090 usage, carried by TAK Server as CotEvent fields 2, 16, 17) turned into a
// CAPCO banner line and a biac label.
//
//   access        the classification: UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET (or
//                 U, C, S, TS), any letter case; absent, empty or "Undefined" = no marking
//   caveat        dissemination controls separated by spaces, commas or '/': ORCON (OC),
//                 NOFORN (NF), and any other token passed through for the label parser to
//                 accept or reject
//   releasableTo  country trigraphs / organisation tetragraphs separated by spaces or
//                 commas: "USA JPN" -> "REL TO USA, JPN"; USA is always included (CAPCO
//                 REL TO); only USA -> NOFORN
//
// Examples: access "SECRET", releasableTo "USA JPN" -> "SECRET//REL TO USA, JPN";
// access "S", releasableTo "USA" -> "SECRET//NOFORN"; access "TOP SECRET", caveat "ORCON",
// releasableTo "JPN USA GBR" -> "TOP SECRET//ORCON/REL TO USA, GBR, JPN".
// Fail closed: caveat or releasableTo without access, an unknown classification, NOFORN
// together with other countries, or a malformed country code is an error, never a guess.

#include <string>

#include "biac/base/status.h"
#include "biac/formats/cot/event.h"
#include "biac/labels/label.h"

namespace biac::formats::cot {

// The CAPCO banner of the event's marking, or "" when the event carries none.
Result<std::string> CapcoBanner(const Event& event);

// labels::Parse(CapcoBanner(event)), or `source_label` when the event carries no marking.
Result<labels::Label> EventLabel(const Event& event, const labels::Label& source_label);

}  // namespace biac::formats::cot
