#include "biac/formats/cot/marking.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace biac::formats::cot {
namespace {

constexpr std::string_view kUndefinedAccess = "UNDEFINED";
constexpr std::string_view kUsa = "USA";
constexpr std::string_view kNoforn = "NOFORN";
constexpr std::string_view kOrcon = "ORCON";
constexpr std::string_view kRelTo = "REL TO ";
constexpr std::string_view kSeparator = "//";
constexpr size_t kTrigraphLength = 3;
constexpr size_t kTetragraphLength = 4;

struct Classification {
  std::string_view banner;
  std::string_view abbreviation;
};
// CAPCO classification banner words and portion abbreviations.
constexpr std::array<Classification, 4> kClassifications = {{
    {"UNCLASSIFIED", "U"},
    {"CONFIDENTIAL", "C"},
    {"SECRET", "S"},
    {"TOP SECRET", "TS"},
}};

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string> Tokens(std::string_view text, std::string_view separators) {
  std::vector<std::string> tokens;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = text.find_first_of(separators, begin);
    const std::string_view token =
        text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    if (!token.empty()) tokens.push_back(Upper(token));
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  return tokens;
}

bool IsCountryCode(std::string_view code) {
  if (code.size() != kTrigraphLength && code.size() != kTetragraphLength) return false;
  return std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

Result<std::string> CapcoBanner(const Event& event) {
  const std::string access = Upper(Trim(event.access));
  const bool has_access = !access.empty() && access != kUndefinedAccess;
  if (!has_access) {
    if (!Trim(event.caveat).empty() || !Trim(event.releasable_to).empty()) {
      return InvalidArgument("event: caveat/releasableTo without access: cannot build a label");
    }
    return std::string();
  }
  std::string banner;
  for (const Classification& c : kClassifications) {
    if (access == c.banner || access == c.abbreviation) banner = c.banner;
  }
  if (banner.empty()) {
    return InvalidArgument("event: access '" + std::string(event.access) +
                           "' is not a classification");
  }

  bool orcon = false;
  bool noforn = false;
  std::vector<std::string> other_controls;
  for (std::string& token : Tokens(event.caveat, " \t,/")) {
    if (token == kOrcon || token == "OC") {
      orcon = true;
    } else if (token == kNoforn || token == "NF") {
      noforn = true;
    } else if (std::find(other_controls.begin(), other_controls.end(), token) ==
               other_controls.end()) {
      other_controls.push_back(std::move(token));
    }
  }

  std::vector<std::string> countries;
  const bool has_rel = !Trim(event.releasable_to).empty();
  if (has_rel) {
    bool lists_usa = false;
    for (std::string& code : Tokens(event.releasable_to, " \t,")) {
      if (code == kUsa) lists_usa = true;
      if (!IsCountryCode(code)) {
        return InvalidArgument("event: releasableTo '" + std::string(event.releasable_to) + "': '" +
                               code + "' is not a country trigraph or tetragraph");
      }
      if (code != kUsa && std::find(countries.begin(), countries.end(), code) == countries.end()) {
        countries.push_back(std::move(code));
      }
    }
    // A CAPCO REL TO list always holds USA; a list without it (a partner's "JPN" only)
    // cannot be read as CAPCO without widening the release to the US: refuse it instead.
    if (!lists_usa) {
      return InvalidArgument("event: releasableTo '" + std::string(event.releasable_to) +
                             "' does not list USA: refusing rather than widening the release");
    }
    // CAPCO REL TO order: USA first, then trigraphs A-Z, then tetragraphs A-Z.
    std::sort(countries.begin(), countries.end(), [](const std::string& a, const std::string& b) {
      if (a.size() != b.size()) return a.size() < b.size();
      return a < b;
    });
    if (countries.empty()) noforn = true;
    if (noforn && !countries.empty()) {
      return InvalidArgument("event: caveat NOFORN contradicts releasableTo '" +
                             std::string(event.releasable_to) + "'");
    }
  }

  std::vector<std::string> controls;
  if (orcon) controls.emplace_back(kOrcon);
  for (std::string& control : other_controls) controls.push_back(std::move(control));
  if (noforn) {
    controls.emplace_back(kNoforn);
  } else if (!countries.empty()) {
    std::string rel(kRelTo);
    rel += kUsa;
    for (const std::string& code : countries) {
      rel += ", ";
      rel += code;
    }
    controls.push_back(std::move(rel));
  }
  if (!controls.empty()) {
    banner += kSeparator;
    for (size_t i = 0; i < controls.size(); ++i) {
      if (i > 0) banner += '/';
      banner += controls[i];
    }
  }
  return banner;
}

Result<labels::Label> EventLabel(const Event& event, const labels::Label& source_label) {
  BIAC_ASSIGN_OR_RETURN(const std::string banner, CapcoBanner(event));
  if (banner.empty()) return source_label;
  Result<labels::Label> label = labels::Parse(banner);
  if (!label.ok()) {
    return InvalidArgument("event: marking '" + banner + "': " + label.error().message());
  }
  return label;
}

}  // namespace biac::formats::cot
