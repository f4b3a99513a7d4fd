// CoT type <-> MIL-STD-2525B SIDC. The table pairs were checked by hand against the rule of
// symbol.h and MIL-STD-2525B Appendix A (positions 1-4 and the function id); the function
// ids used are real 2525B entries (e.g. UCI infantry, MFF fighter, MFQ drone, EVC civilian
// vehicle, CLCC guided missile cruiser).

#include "biac/formats/cot/symbol.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace biac::formats::cot {
namespace {

struct Pair {
  const char* cot;
  const char* sidc;
  SymbolStatus status = SymbolStatus::kPresent;
};

constexpr Pair kPairs[] = {
    {"a-f-G-U-C-I", "SFGPUCI--------"},      // friendly infantry
    {"a-h-A-M-F-F", "SHAPMFF--------"},      // hostile fighter
    {"a-f-A-M-F-Q", "SFAPMFQ--------"},      // friendly drone (UAV)
    {"a-n-S-C-L-C-C", "SNSPCLCC-------"},    // neutral guided missile cruiser
    {"a-u-S", "SUSP-----------"},            // unknown sea surface
    {"a-f-G-E-V-C", "SFGPEVC--------"},      // friendly civilian vehicle (the WinTAK SA)
    {"a-f-G-U-C", "SFGPUC---------"},        // friendly combat unit (the ATAK SA)
    {"a-h-U-S", "SHUPS----------"},          // hostile submarine
    {"a-f-P-S", "SFPPS----------"},          // friendly satellite
    {"a-s-G-U-C-A", "SSGPUCA--------"},      // suspect armour
    {"a-j-A-C-F", "SJAPCF---------"},        // joker civil fixed wing
    {"a-k-S-C", "SKSPC----------"},          // faker combatant
    {"a-p-G", "SPGP-----------"},            // pending ground: identity P, status P
    {"a-o-X", "SOXP-----------"},            // none specified, other dimension
    {"a-a-F-N", "SAFPN----------"},          // assumed friend SOF naval
    {"a-h-Z", "SHZP-----------"},            // hostile unknown dimension
    {"a-f-G-U-C-I-Z", "SFGPUCIZ-------"},    // six function-id levels, one used here: Z
    {"a-f-G-U-C-V-R-U", "SFGPUCVRU------"},  // five function-id characters
    {"a-h-G-U-C-F-H-E", "SHGPUCFHE------"},  // hostile self-propelled howitzer
    {"a-f-A-C-H-1-2-3", "SFAPCH123------"},  // digits are code characters too
    {"a-f-G-U-C-I", "SFGAUCI--------", SymbolStatus::kAnticipated},  // planned infantry
    {"a-p-G-I", "SPGAI----------", SymbolStatus::kAnticipated},      // pending, planned
};

TEST(Symbol, TableBothDirections) {
  for (const Pair& p : kPairs) {
    Result<std::string> code = CotTypeToSymbolCode(p.cot, p.status);
    ASSERT_TRUE(code.ok()) << p.cot << ": " << code.error().message();
    EXPECT_EQ(*code, p.sidc) << p.cot;
    Result<CotTypeFromSymbol> back = SymbolCodeToCotType(p.sidc);
    ASSERT_TRUE(back.ok()) << p.sidc << ": " << back.error().message();
    EXPECT_EQ(back->cot_type, p.cot) << p.sidc;
    EXPECT_EQ(back->status, p.status) << p.sidc;
    EXPECT_FALSE(back->exercise);
  }
}

TEST(Symbol, OneWayRules) {
  // CoT 'x' (other) has no 2525B identity: unknown.
  EXPECT_EQ(*CotTypeToSymbolCode("a-x-G-U"), "SUGPU----------");
  // Exercise identities come back as their real-world affiliation, flagged.
  Result<CotTypeFromSymbol> exercise_friend = SymbolCodeToCotType("SDGPUCI--------");
  ASSERT_TRUE(exercise_friend.ok());
  EXPECT_EQ(exercise_friend->cot_type, "a-f-G-U-C-I");
  EXPECT_TRUE(exercise_friend->exercise);
  EXPECT_EQ(SymbolCodeToCotType("SGGP-----------")->cot_type, "a-p-G");
  EXPECT_EQ(SymbolCodeToCotType("SWAP-----------")->cot_type, "a-u-A");
  EXPECT_EQ(SymbolCodeToCotType("SMAP-----------")->cot_type, "a-a-A");
  EXPECT_EQ(SymbolCodeToCotType("SLSP-----------")->cot_type, "a-n-S");
  // Shorter codes (positions 11-15 omitted, as "SFGPUCI-----") and modifiers are accepted;
  // the modifiers have no CoT form.
  EXPECT_EQ(SymbolCodeToCotType("SFGPUCI-----")->cot_type, "a-f-G-U-C-I");
  EXPECT_EQ(SymbolCodeToCotType("SFGPUCI---EUSX")->cot_type, "a-f-G-U-C-I");
}

TEST(Symbol, ErrorsNameTheField) {
  EXPECT_EQ(CotTypeToSymbolCode("b-m-p-s-p-i").error().message(),
            "CoT type 'b-m-p-s-p-i': not an atom type (a-<affiliation>-<battle dimension>...)");
  EXPECT_EQ(CotTypeToSymbolCode("a-f-Q").error().message(),
            "CoT type 'a-f-Q': battle dimension 'Q' is not one of P A G S U F X Z");
  EXPECT_EQ(CotTypeToSymbolCode("a-z-G").error().message(),
            "CoT type 'a-z-G': affiliation 'z' is not one of p u a f n s h j k o x");
  EXPECT_EQ(CotTypeToSymbolCode("a-f-G-U-C-I-V-E-S-T").error().message(),
            "CoT type 'a-f-G-U-C-I-V-E-S-T': more than six function-id fields");
  EXPECT_EQ(CotTypeToSymbolCode("a-f-G-Uc").error().message(),
            "CoT type 'a-f-G-Uc': function-id field 'Uc' is not one character A-Z or 0-9");
  EXPECT_FALSE(CotTypeToSymbolCode("a-f-G-").ok());
  EXPECT_FALSE(CotTypeToSymbolCode("a-f").ok());
  EXPECT_FALSE(CotTypeToSymbolCode("").ok());
  EXPECT_EQ(SymbolCodeToCotType("GFGPUCI--------").error().message(),
            "symbol code 'GFGPUCI--------': coding scheme 'G' is not S (warfighting), the only "
            "one CoT atoms describe");
  EXPECT_FALSE(SymbolCodeToCotType("SXGPUCI--------").ok());   // identity X
  EXPECT_FALSE(SymbolCodeToCotType("SFQPUCI--------").ok());   // dimension Q
  EXPECT_FALSE(SymbolCodeToCotType("SFGDUCI--------").ok());   // status D is 2525C
  EXPECT_FALSE(SymbolCodeToCotType("SFGPU-I--------").ok());   // gap in the function id
  EXPECT_FALSE(SymbolCodeToCotType("SFGPUCI").ok());           // too short
  EXPECT_FALSE(SymbolCodeToCotType("SFGPUCI---------").ok());  // 16 characters
}

// Property over valid types: every affiliation (but x) and battle dimension with every
// function id of up to two characters, and random longer ones, maps to a 15-character code
// that maps back to the same type and status.
TEST(Symbol, PropertyRoundTripOverValidTypes) {
  const std::string affiliations = "puafnshjko";
  const std::string dimensions = "PAGSUFXZ";
  const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::vector<std::string> function_ids = {""};
  for (char a : chars) {
    function_ids.push_back(std::string(1, a));
    for (char b : chars) function_ids.push_back(std::string{a, b});
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    std::string id;
    const int n = std::uniform_int_distribution<int>(3, 6)(rng);
    for (int k = 0; k < n; ++k) {
      id += chars[std::uniform_int_distribution<size_t>(0, chars.size() - 1)(rng)];
    }
    function_ids.push_back(id);
  }
  size_t checked = 0;
  for (char affiliation : affiliations) {
    for (char dimension : dimensions) {
      for (const std::string& id : function_ids) {
        std::string type = std::string("a-") + affiliation + "-" + dimension;
        for (char c : id) (type += '-') += c;
        for (SymbolStatus status : {SymbolStatus::kPresent, SymbolStatus::kAnticipated}) {
          Result<std::string> code = CotTypeToSymbolCode(type, status);
          ASSERT_TRUE(code.ok()) << type;
          ASSERT_EQ(code->size(), kSymbolCodeLength);
          Result<CotTypeFromSymbol> back = SymbolCodeToCotType(*code);
          ASSERT_TRUE(back.ok()) << *code;
          ASSERT_EQ(back->cot_type, type);
          ASSERT_EQ(back->status, status);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, affiliations.size() * dimensions.size() * function_ids.size() * 2);
}

}  // namespace
}  // namespace biac::formats::cot
