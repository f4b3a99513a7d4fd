#include "biac/formats/cot/symbol.h"

#include <array>

namespace biac::formats::cot {
namespace {

constexpr char kWarfighting = 'S';
constexpr char kFiller = '-';
constexpr std::string_view kBattleDimensions = "PAGSUFXZ";
constexpr size_t kFunctionIdLength = 6;
constexpr size_t kFunctionIdPosition = 4;  // 0-based
constexpr size_t kMinSymbolCodeLength = kFunctionIdPosition + kFunctionIdLength;

struct Affiliation {
  char cot;
  char sidc;
};
// CoT affiliation <-> 2525B standard identity (see symbol.h). 'x' is one-way (to U).
constexpr std::array<Affiliation, 10> kAffiliations = {{
    {'p', 'P'},
    {'u', 'U'},
    {'a', 'A'},
    {'f', 'F'},
    {'n', 'N'},
    {'s', 'S'},
    {'h', 'H'},
    {'j', 'J'},
    {'k', 'K'},
    {'o', 'O'},
}};
constexpr char kCotOther = 'x';
// 2525B exercise identities and the CoT affiliation they stand for.
constexpr std::array<Affiliation, 5> kExerciseAffiliations = {{
    {'p', 'G'},
    {'u', 'W'},
    {'a', 'M'},
    {'f', 'D'},
    {'n', 'L'},
}};

bool IsCodeChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

Status TypeError(std::string_view type, const std::string& why) {
  return InvalidArgument("CoT type '" + std::string(type) + "': " + why);
}

Status CodeError(std::string_view code, const std::string& why) {
  return InvalidArgument("symbol code '" + std::string(code) + "': " + why);
}

}  // namespace

Result<std::string> CotTypeToSymbolCode(std::string_view type, SymbolStatus status) {
  // Fields: "a", affiliation, battle dimension, then up to six function-id characters.
  std::array<std::string_view, 3 + kFunctionIdLength + 1> fields{};
  size_t count = 0;
  size_t begin = 0;
  while (true) {
    const size_t dash = type.find('-', begin);
    if (count == fields.size()) return TypeError(type, "more than six function-id fields");
    fields[count++] = type.substr(begin, dash == std::string_view::npos ? dash : dash - begin);
    if (dash == std::string_view::npos) break;
    begin = dash + 1;
  }
  if (count > 3 + kFunctionIdLength) return TypeError(type, "more than six function-id fields");
  if (count < 3 || fields[0] != "a") {
    return TypeError(type, "not an atom type (a-<affiliation>-<battle dimension>...)");
  }
  if (fields[1].size() != 1) return TypeError(type, "affiliation must be one letter");
  char identity = 0;
  if (fields[1][0] == kCotOther) identity = 'U';
  for (const Affiliation& a : kAffiliations) {
    if (a.cot == fields[1][0]) identity = a.sidc;
  }
  if (identity == 0) {
    return TypeError(
        type, "affiliation '" + std::string(fields[1]) + "' is not one of p u a f n s h j k o x");
  }
  if (fields[2].size() != 1 || kBattleDimensions.find(fields[2][0]) == std::string_view::npos) {
    return TypeError(
        type, "battle dimension '" + std::string(fields[2]) + "' is not one of P A G S U F X Z");
  }
  std::string code(kSymbolCodeLength, kFiller);
  code[0] = kWarfighting;
  code[1] = identity;
  code[2] = fields[2][0];
  code[3] = static_cast<char>(status);
  for (size_t i = 3; i < count; ++i) {
    if (fields[i].size() != 1 || !IsCodeChar(fields[i][0])) {
      return TypeError(type, "function-id field '" + std::string(fields[i]) +
                                 "' is not one character A-Z or 0-9");
    }
    code[kFunctionIdPosition + i - 3] = fields[i][0];
  }
  return code;
}

Result<CotTypeFromSymbol> SymbolCodeToCotType(std::string_view code) {
  if (code.size() < kMinSymbolCodeLength || code.size() > kSymbolCodeLength) {
    return CodeError(code, "length " + std::to_string(code.size()) + ", expected 10 to 15");
  }
  if (code[0] != kWarfighting) {
    return CodeError(code, std::string("coding scheme '") + code[0] +
                               "' is not S (warfighting), the only one CoT atoms describe");
  }
  CotTypeFromSymbol out;
  char affiliation = 0;
  for (const Affiliation& a : kAffiliations) {
    if (a.sidc == code[1]) affiliation = a.cot;
  }
  for (const Affiliation& a : kExerciseAffiliations) {
    if (a.sidc == code[1]) {
      affiliation = a.cot;
      out.exercise = true;
    }
  }
  if (affiliation == 0) {
    return CodeError(code, std::string("standard identity '") + code[1] +
                               "' is not one of P U A F N S H G W M D L J K O");
  }
  if (kBattleDimensions.find(code[2]) == std::string_view::npos) {
    return CodeError(
        code, std::string("battle dimension '") + code[2] + "' is not one of P A G S U F X Z");
  }
  if (code[3] == static_cast<char>(SymbolStatus::kPresent)) {
    out.status = SymbolStatus::kPresent;
  } else if (code[3] == static_cast<char>(SymbolStatus::kAnticipated)) {
    out.status = SymbolStatus::kAnticipated;
  } else {
    return CodeError(code, std::string("status '") + code[3] + "' is not P or A");
  }
  out.cot_type = "a-";
  out.cot_type += affiliation;
  out.cot_type += '-';
  out.cot_type += code[2];
  bool ended = false;
  for (size_t i = kFunctionIdPosition; i < kMinSymbolCodeLength; ++i) {
    if (code[i] == kFiller) {
      ended = true;
      continue;
    }
    if (!IsCodeChar(code[i]) || ended) {
      return CodeError(code, "function id '" +
                                 std::string(code.substr(kFunctionIdPosition, kFunctionIdLength)) +
                                 "' is not characters A-Z/0-9 followed by '-' padding");
    }
    out.cot_type += '-';
    out.cot_type += code[i];
  }
  for (size_t i = kMinSymbolCodeLength; i < code.size(); ++i) {
    if (code[i] != kFiller && !IsCodeChar(code[i])) {
      return CodeError(code, std::string("position ") + std::to_string(i + 1) + " '" + code[i] +
                                 "' is not A-Z, 0-9 or '-'");
    }
  }
  return out;
}

}  // namespace biac::formats::cot
