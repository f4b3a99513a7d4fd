#include "biac/labels/label.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

#include "biac/labels/json_util.h"
#include "biac/labels/registry.h"

namespace biac::labels {

// The one place that builds labels field by field (parsers, roll-up); keeps Label's
// invariants (label.h) behind Canonicalize.
struct LabelAccess {
  static std::vector<Origin>& origins(Label& l) { return l.origins_; }
  static Level& level(Label& l) { return l.level_; }
  static std::vector<std::string>& sci(Label& l) { return l.sci_; }
  static std::vector<std::string>& caveats(Label& l) { return l.caveats_; }
  static FgiKind& fgi(Label& l) { return l.fgi_; }
  static std::vector<std::string>& fgi_codes(Label& l) { return l.fgi_codes_; }
  static std::optional<std::vector<std::string>>& rel(Label& l) { return l.releasable_to_; }
};

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kUnlabelled = "UNLABELLED";
constexpr std::string_view kUsa = "USA";
constexpr std::string_view kOrcon = "ORCON";
constexpr size_t kMaxSciPart = 16;  // security-anchors.md §7.1: sci-tok parts 1*16(A-Z/0-9)

struct LevelNames {
  Level level;
  std::string_view name;
  std::string_view abbreviation;
};
constexpr std::array<LevelNames, 4> kLevels = {{
    {Level::kUnclassified, "UNCLASSIFIED", "U"},
    {Level::kConfidential, "CONFIDENTIAL", "C"},
    {Level::kSecret, "SECRET", "S"},
    {Level::kTopSecret, "TOP SECRET", "TS"},
}};

// Codes order as CAPCO lists them (Manual Sec. A.6, REL TO template pp150-151): trigraphs
// A-Z, then tetragraphs A-Z.
bool CodeLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

void SortUniqueCodes(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end(), CodeLess);
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool IsUpperAlpha(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsCode(std::string_view s) { return (s.size() == 3 || s.size() == 4) && IsUpperAlpha(s); }

bool IsSciToken(std::string_view s) {
  size_t part = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-') {
      if (part == 0 || part > kMaxSciPart) return false;
      part = 0;
      continue;
    }
    const char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    ++part;
  }
  return true;
}

// CAPCO words outside biac's subset (Manual Table 4 Register and Sec. A.6 categories): met in
// any category they are an unknown token and the label is rejected, never read as SCI.
constexpr std::array<std::string_view, 44> kReserved = {
    "TOP",    "SECRET", "CONFIDENTIAL", "UNCLASSIFIED", "TS",         "S",      "C",
    "U",      "FGI",    "REL",          "RELIDO",       "FOUO",       "RSEN",   "ORCON-USGOV",
    "IMCON",  "PROPIN", "NOCONTRACT",   "FISA",         "DSEN",       "LES",    "LES-NF",
    "SBU",    "SBU-NF", "RD",           "FRD",          "CNWDI",      "TFNI",   "UCNI",
    "CUI",    "NATO",   "COSMIC",       "JOINT",        "LIMDIS",     "EXDIS",  "NODIS",
    "WAIVED", "ATOMAL", "SAR",          "SIGMA",        "RESTRICTED", "NOFORN", "NF",
    "ORCON",  "OC",
};
constexpr std::array<std::string_view, 7> kReservedPrefixes = {
    "REL ", "DISPLAY ONLY", "EYES ONLY", "SAR-", "RD-", "FRD-", "DOD ",
};

bool IsReserved(std::string_view item) {
  if (std::find(kReserved.begin(), kReserved.end(), item) != kReserved.end()) return true;
  for (std::string_view prefix : kReservedPrefixes) {
    if (item.substr(0, prefix.size()) == prefix) return true;
  }
  return item.find(' ') != std::string_view::npos;
}

std::string_view TrimAscii(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, std::string_view separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(separator, start);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + separator.size();
  }
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

bool HasLowerAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// --- releasability sets -------------------------------------------------------------------

// expand(r) of security-anchors.md §7.3: tetragraphs that expand replaced by their members.
std::vector<std::string> Expand(const std::vector<std::string>& codes, const Registry& registry) {
  std::vector<std::string> out;
  for (const std::string& code : codes) {
    if (const std::vector<std::string>* members = registry.Members(code)) {
      out.insert(out.end(), members->begin(), members->end());
    } else {
      out.push_back(code);
    }
  }
  SortUnique(out);
  return out;
}

// Writes the expanded set `s` back with the tetragraphs every input listed (`lists`) and
// whose members all lie in `s`; codes such a tetragraph covers are dropped unless they name
// an originator (§7.3 write-back; the originator stays visible, e.g. "REL TO USA, FVEY").
std::vector<std::string> Compress(const std::vector<std::string>& s,
                                  std::span<const std::vector<std::string>* const> lists,
                                  const std::vector<Origin>& origins, const Registry& registry) {
  std::vector<std::string> kept;
  std::vector<std::string> covered;
  for (const std::string& token : *lists.front()) {
    const std::vector<std::string>* members = registry.Members(token);
    if (members == nullptr) continue;
    const bool everywhere = std::all_of(lists.begin(), lists.end(),
                                        [&](const auto* list) { return Contains(*list, token); });
    const bool inside = std::all_of(members->begin(), members->end(), [&](const std::string& m) {
      return std::binary_search(s.begin(), s.end(), m);
    });
    if (everywhere && inside) {
      kept.push_back(token);
      covered.insert(covered.end(), members->begin(), members->end());
    }
  }
  std::vector<std::string> out = kept;
  for (const std::string& code : s) {
    const bool is_origin = std::any_of(origins.begin(), origins.end(),
                                       [&](const Origin& o) { return o.policy == code; });
    if (is_origin || !Contains(covered, code)) out.push_back(code);
  }
  SortUniqueCodes(out);
  return out;
}

// --- canonical form -----------------------------------------------------------------------

bool OriginLess(const Origin& a, const Origin& b) {
  if (a.equivalent != b.equivalent) return a.equivalent < b.equivalent;
  if (a.rank != b.rank) return a.rank < b.rank;
  if (a.explicit_equivalent != b.explicit_equivalent) return !a.explicit_equivalent;
  return a.level < b.level;
}

// Sorts and deduplicates every set, keeps one origin per policy (its most protected level),
// derives the common level and normalises the releasability list.
void Canonicalize(Label& label, const Registry& registry) {
  auto& origins = LabelAccess::origins(label);
  std::sort(origins.begin(), origins.end(), [](const Origin& a, const Origin& b) {
    if (a.policy != b.policy) return a.policy < b.policy;
    return OriginLess(b, a);  // most protected first, kept by unique below
  });
  origins.erase(std::unique(origins.begin(), origins.end(),
                            [](const Origin& a, const Origin& b) { return a.policy == b.policy; }),
                origins.end());
  Level level = Level::kUnclassified;
  for (const Origin& origin : origins) level = std::max(level, origin.equivalent);
  LabelAccess::level(label) = level;
  SortUnique(LabelAccess::sci(label));
  SortUnique(LabelAccess::caveats(label));
  SortUniqueCodes(LabelAccess::fgi_codes(label));
  auto& rel = LabelAccess::rel(label);
  if (rel) {
    const std::vector<std::string> tokens = *rel;
    const std::vector<std::string>* lists[] = {&tokens};
    *rel = Compress(Expand(tokens, registry), lists, origins, registry);
  }
}

Result<Origin> MakeOrigin(const Registry& registry, std::string_view policy,
                          std::string_view level_name, const Json* equiv,
                          const std::string& where) {
  const PolicyTable* table = registry.FindPolicy(policy);
  if (table == nullptr) {
    return InvalidArgument(where + ": unknown policy " + Quote(policy) +
                           " (not in the equivalence table)");
  }
  const LevelRow* row = registry.FindLevel(*table, level_name);
  if (row == nullptr) {
    return InvalidArgument(where + ": unknown level " + Quote(level_name) + " of policy " +
                           std::string(policy));
  }
  Origin origin;
  origin.policy = table->policy;
  origin.level = row->id;
  origin.equivalent = row->equivalent;
  origin.rank = static_cast<uint8_t>(registry.RankOf(*table, *row));
  if (equiv != nullptr && !equiv->is_null()) {
    if (!equiv->is_string()) return InvalidArgument(where + ".equiv: expected U, C, S or TS");
    const std::optional<Level> level = LevelFromName(equiv->get_ref<const std::string&>());
    if (!level) {
      return InvalidArgument(where + ".equiv: " + Quote(equiv->get_ref<const std::string&>()) +
                             " is not U, C, S or TS");
    }
    const bool allowed =
        std::find(row->explicit_equivalents.begin(), row->explicit_equivalents.end(), *level) !=
        row->explicit_equivalents.end();
    if (allowed) {
      origin.equivalent = *level;
      origin.explicit_equivalent = true;
    } else if (*level != row->equivalent) {
      return InvalidArgument(
          where + ".equiv: level " + row->id + " of " + table->policy + " has the equivalent " +
          std::string(LevelAbbreviation(row->equivalent)) + " in the equivalence table; " +
          Quote(equiv->get_ref<const std::string&>()) + " not allowed");
    }
  }
  return origin;
}

// --- CAPCO (security-anchors.md §7.1) -----------------------------------------------------

enum class Category { kClassification = 0, kSci = 1, kFgi = 2, kDissem = 3 };

Result<Label> ParseCapco(std::string_view text, const Registry& registry) {
  const bool portion = !text.empty() && text.front() == '(';
  const std::string form = portion ? "portion mark" : "banner";
  std::string_view body = text;
  if (portion) {
    if (text.size() < 2 || text.back() != ')') {
      return InvalidArgument("portion mark: missing closing ')'");
    }
    body = text.substr(1, text.size() - 2);
  }
  if (HasLowerAscii(body)) {
    return InvalidArgument(form + ": lower-case letters (CAPCO markings are upper case)");
  }
  const std::vector<std::string_view> segments = Split(body, "//");
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].empty()) {
      return InvalidArgument(form + ": empty category " + std::to_string(i + 1) +
                             " (an empty '//' segment)");
    }
  }
  // Classification (Manual Sec. A.6: spelled out in banners, abbreviated in portions).
  std::optional<Level> level;
  for (const LevelNames& names : kLevels) {
    if (segments[0] == (portion ? names.abbreviation : names.name)) level = names.level;
  }
  if (!level) {
    for (const LevelNames& names : kLevels) {
      if (segments[0] == (portion ? names.name : names.abbreviation)) {
        return InvalidArgument(form + ": classification " + Quote(segments[0]) + " is the " +
                               (portion ? "banner" : "portion") + " form; a " + form + " uses " +
                               Quote(portion ? names.abbreviation : names.name));
      }
    }
    return InvalidArgument(form + ": unknown classification " + Quote(segments[0]));
  }
  const PolicyTable* usa = registry.FindPolicy(kUsa);
  if (usa == nullptr) return InvalidArgument(form + ": policy USA is not configured");
  const LevelRow* row = registry.FindLevel(*usa, LevelName(*level));
  if (row == nullptr) {
    return InvalidArgument(form + ": level " + std::string(LevelName(*level)) +
                           " of policy USA is not configured");
  }
  Label label;
  Origin origin;
  origin.policy = usa->policy;
  origin.level = row->id;
  origin.equivalent = row->equivalent;
  origin.rank = static_cast<uint8_t>(registry.RankOf(*usa, *row));
  LabelAccess::origins(label).push_back(origin);

  Category last = Category::kClassification;
  bool orcon = false;
  bool noforn = false;
  std::optional<std::vector<std::string>> rel_to;
  for (size_t i = 1; i < segments.size(); ++i) {
    const std::string_view segment = segments[i];
    const std::string where = form + " category " + std::to_string(i + 1) + " " + Quote(segment);
    const std::vector<std::string_view> items = Split(segment, "/");
    const std::string_view first = items.front();
    Category category = Category::kSci;
    if (first == "FGI" || first.substr(0, 4) == "FGI ") {
      category = Category::kFgi;
    } else if (IsReserved(first)) {
      category = Category::kDissem;
    }
    if (category <= last) {
      return InvalidArgument(where +
                             ": categories out of order or repeated (order: "
                             "classification//SCI//FGI//dissemination)");
    }
    last = category;
    switch (category) {
      case Category::kSci:
        for (std::string_view item : items) {
          if (item.empty()) return InvalidArgument(where + ": empty SCI control system");
          if (IsReserved(item)) {
            return InvalidArgument(where + ": " + Quote(item) +
                                   " in the SCI category (or an unknown token)");
          }
          if (!IsSciToken(item)) {
            return InvalidArgument(where + ": " + Quote(item) +
                                   " is not an SCI control system (A-Z 0-9, '-' parts of 1-16)");
          }
          LabelAccess::sci(label).emplace_back(item);
        }
        break;
      case Category::kFgi: {
        if (items.size() != 1) return InvalidArgument(where + ": FGI codes are space-separated");
        if (segment == "FGI") {
          LabelAccess::fgi(label) = FgiKind::kConcealed;
          break;
        }
        LabelAccess::fgi(label) = FgiKind::kAcknowledged;
        for (std::string_view code : Split(segment.substr(4), " ")) {
          if (!IsCode(code)) {
            return InvalidArgument(where + ": FGI code " + Quote(code) +
                                   " is not a trigraph or tetragraph");
          }
          LabelAccess::fgi_codes(label).emplace_back(code);
        }
        break;
      }
      case Category::kDissem: {
        // Register order (Manual Table 4): ORCON, NOFORN, REL TO; each at most once.
        int last_rank = -1;
        for (std::string_view item : items) {
          int rank = -1;
          if (item == "ORCON" || item == "OC") {
            rank = 0;
            orcon = true;
          } else if (item == "NOFORN" || item == "NF") {
            rank = 1;
            noforn = true;
          } else if (item.substr(0, 7) == "REL TO ") {
            rank = 2;
            std::vector<std::string> codes;
            for (std::string_view code : Split(item.substr(7), ", ")) {
              if (!IsCode(code)) {
                if (code.find(',') != std::string_view::npos || code.find(' ') != code.npos) {
                  return InvalidArgument(where + ": REL TO codes are separated by ', ' (" +
                                         Quote(code) + ")");
                }
                return InvalidArgument(where + ": REL TO code " + Quote(code) +
                                       " is not a trigraph or tetragraph");
              }
              codes.emplace_back(code);
            }
            SortUniqueCodes(codes);
            if (!Contains(codes, kUsa)) {
              return InvalidArgument(where + ": REL TO without USA (Manual p150: USA first)");
            }
            if (codes.size() == 1) {
              return InvalidArgument(where +
                                     ": 'REL TO USA' alone is not authorised (Manual "
                                     "p150); use NOFORN");
            }
            rel_to = std::move(codes);
          } else if (item.empty()) {
            return InvalidArgument(where + ": empty dissemination control");
          } else if (item == "REL" || item.substr(0, 4) == "REL ") {
            return InvalidArgument(where + ": " + Quote(item) + " is not 'REL TO USA, ...'");
          } else {
            return InvalidArgument(where + ": unknown dissemination control " + Quote(item) +
                                   " (biac accepts ORCON, NOFORN, REL TO)");
          }
          if (rank <= last_rank) {
            return InvalidArgument(where +
                                   ": dissemination controls out of order or repeated "
                                   "(order: ORCON/NOFORN/REL TO)");
          }
          last_rank = rank;
        }
        break;
      }
      case Category::kClassification:
        break;
    }
  }
  if (noforn && rel_to) {
    return InvalidArgument(form + ": NOFORN together with REL TO (Manual p150)");
  }
  if (orcon) {
    if (*level == Level::kUnclassified) {
      return InvalidArgument(form + ": ORCON on UNCLASSIFIED (Manual p136: classified only)");
    }
    const std::optional<std::string> id = registry.FindCaveat(kOrcon);
    if (!id) return InvalidArgument(form + ": caveat ORCON is not configured");
    LabelAccess::caveats(label).push_back(*id);
  }
  if (noforn) {
    LabelAccess::rel(label) = std::vector<std::string>{std::string(kUsa)};
  } else if (rel_to) {
    LabelAccess::rel(label) = std::move(*rel_to);
  } else if (row->releasable_to_all_by_default) {
    LabelAccess::rel(label) = std::nullopt;
  } else {
    // Fail closed (§7.2): a classified label without FD&R is NOFORN.
    LabelAccess::rel(label) = std::vector<std::string>{std::string(kUsa)};
  }
  Canonicalize(label, registry);
  return label;
}

// --- structured JSON form (japan-markings.md §6) -------------------------------------------

Result<std::vector<std::string>> Strings(const Json& value, const std::string& where) {
  if (!value.is_array()) return InvalidArgument(where + ": expected an array of strings");
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (!item.is_string()) return InvalidArgument(where + ": expected an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<Label> ParseJson(std::string_view text, const Registry& registry) {
  BIAC_ASSIGN_OR_RETURN(Json root, ParseJsonStrict(text, "label"));
  if (!root.is_object()) return InvalidArgument("label: expected a JSON object");
  BIAC_RETURN_IF_ERROR(
      CheckKeys(root, {"policy", "level", "equiv", "originators", "categories"}, "label"));
  Label label;
  auto& origins = LabelAccess::origins(label);
  const bool single = root.contains("policy") || root.contains("level");
  if (single == root.contains("originators")) {
    return InvalidArgument("label: give either 'policy' and 'level' or 'originators'");
  }
  if (single) {
    if (!root.contains("policy") || !root["policy"].is_string()) {
      return InvalidArgument("label.policy: expected a string");
    }
    if (!root.contains("level") || !root["level"].is_string()) {
      return InvalidArgument("label.level: expected a string");
    }
    const Json* equiv = root.contains("equiv") ? &root["equiv"] : nullptr;
    BIAC_ASSIGN_OR_RETURN(Origin origin,
                          MakeOrigin(registry, root["policy"].get_ref<const std::string&>(),
                                     root["level"].get_ref<const std::string&>(), equiv, "label"));
    origins.push_back(std::move(origin));
  } else {
    if (root.contains("equiv")) {
      return InvalidArgument("label.equiv: give 'equiv' inside each originator");
    }
    const Json& list = root["originators"];
    if (!list.is_array() || list.empty()) {
      return InvalidArgument("label.originators: expected a non-empty array");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = "label.originators[" + std::to_string(i) + "]";
      const Json& oj = list[i];
      if (!oj.is_object()) return InvalidArgument(where + ": expected an object");
      BIAC_RETURN_IF_ERROR(CheckKeys(oj, {"policy", "level", "equiv"}, where));
      if (!oj.contains("policy") || !oj["policy"].is_string() || !oj.contains("level") ||
          !oj["level"].is_string()) {
        return InvalidArgument(where + ": expected string 'policy' and 'level'");
      }
      const Json* equiv = oj.contains("equiv") ? &oj["equiv"] : nullptr;
      BIAC_ASSIGN_OR_RETURN(Origin origin,
                            MakeOrigin(registry, oj["policy"].get_ref<const std::string&>(),
                                       oj["level"].get_ref<const std::string&>(), equiv, where));
      for (const Origin& other : origins) {
        if (other.policy == origin.policy) {
          return InvalidArgument(where + ": policy " + origin.policy + " listed twice");
        }
      }
      origins.push_back(std::move(origin));
    }
  }
  Level level = Level::kUnclassified;
  for (const Origin& origin : origins) level = std::max(level, origin.equivalent);

  Json categories = Json::object();
  if (root.contains("categories")) {
    categories = root["categories"];
    if (!categories.is_object()) return InvalidArgument("label.categories: expected an object");
    BIAC_RETURN_IF_ERROR(
        CheckKeys(categories, {"releasable_to", "sci", "caveats", "fgi"}, "label.categories"));
  }
  if (categories.contains("sci")) {
    BIAC_ASSIGN_OR_RETURN(LabelAccess::sci(label),
                          Strings(categories["sci"], "label.categories.sci"));
    for (const std::string& token : LabelAccess::sci(label)) {
      if (!IsSciToken(token) || IsReserved(token)) {
        return InvalidArgument("label.categories.sci: " + Quote(token) +
                               " is not an SCI control system");
      }
    }
  }
  if (categories.contains("caveats")) {
    BIAC_ASSIGN_OR_RETURN(std::vector<std::string> names,
                          Strings(categories["caveats"], "label.categories.caveats"));
    for (const std::string& name : names) {
      const std::optional<std::string> id = registry.FindCaveat(name);
      if (!id) return InvalidArgument("label.categories.caveats: unknown caveat " + Quote(name));
      if (*id == kOrcon && level == Level::kUnclassified) {
        return InvalidArgument(
            "label.categories.caveats: ORCON on an unclassified label "
            "(Manual p136: classified only)");
      }
      LabelAccess::caveats(label).push_back(*id);
    }
  }
  if (categories.contains("fgi")) {
    const Json& fgi = categories["fgi"];
    if (fgi.is_string() && fgi.get_ref<const std::string&>() == "CONCEALED") {
      LabelAccess::fgi(label) = FgiKind::kConcealed;
    } else {
      BIAC_ASSIGN_OR_RETURN(LabelAccess::fgi_codes(label),
                            Strings(fgi, "label.categories.fgi (or \"CONCEALED\")"));
      if (LabelAccess::fgi_codes(label).empty()) {
        return InvalidArgument("label.categories.fgi: empty list (use \"CONCEALED\")");
      }
      for (const std::string& code : LabelAccess::fgi_codes(label)) {
        if (!IsCode(code)) {
          return InvalidArgument("label.categories.fgi: " + Quote(code) +
                                 " is not a trigraph or tetragraph");
        }
      }
      LabelAccess::fgi(label) = FgiKind::kAcknowledged;
    }
  }
  auto& rel = LabelAccess::rel(label);
  if (categories.contains("releasable_to")) {
    const Json& rj = categories["releasable_to"];
    if (rj.is_string() && rj.get_ref<const std::string&>() == "ALL") {
      if (level != Level::kUnclassified) {
        return InvalidArgument("label.categories.releasable_to: ALL only for unclassified");
      }
      rel = std::nullopt;
    } else {
      BIAC_ASSIGN_OR_RETURN(std::vector<std::string> codes,
                            Strings(rj, "label.categories.releasable_to (or \"ALL\")"));
      for (const std::string& code : codes) {
        if (!IsCode(code)) {
          return InvalidArgument("label.categories.releasable_to: " + Quote(code) +
                                 " is not a trigraph or tetragraph");
        }
      }
      if (origins.size() == 1 && !Contains(codes, origins.front().policy)) {
        return InvalidArgument("label.categories.releasable_to: must list the originator " +
                               origins.front().policy);
      }
      rel = std::move(codes);
    }
  } else if (origins.size() == 1) {
    const LevelRow* row = registry.FindLevelById(origins.front().policy, origins.front().level);
    if (row != nullptr && row->releasable_to_all_by_default) {
      rel = std::nullopt;
    } else {
      // Fail closed: the originator alone (NOFORN, or its mirror JPN-only).
      rel = std::vector<std::string>{origins.front().policy};
    }
  } else {
    return InvalidArgument(
        "label.categories.releasable_to: required for a label with several originators");
  }
  Canonicalize(label, registry);
  return label;
}

// --- rendering ------------------------------------------------------------------------------

bool CapcoExpressible(const Label& label) {
  if (label.origins().size() != 1 || label.origins().front().policy != kUsa) return false;
  for (const std::string& caveat : label.caveats()) {
    if (caveat != kOrcon) return false;
  }
  if (label.releasable_to_all()) return label.level() == Level::kUnclassified;
  return Contains(label.releasable_to(), kUsa);
}

std::string RenderCapco(const Label& label) {
  std::string out(LevelName(label.level()));
  if (!label.sci().empty()) {
    out += "//";
    for (size_t i = 0; i < label.sci().size(); ++i) {
      if (i > 0) out += '/';
      out += label.sci()[i];
    }
  }
  if (label.fgi() != FgiKind::kNone) {
    out += "//FGI";
    for (const std::string& code : label.fgi_codes()) out += " " + code;
  }
  std::vector<std::string> dissem;
  if (label.orcon()) dissem.emplace_back(kOrcon);
  if (!label.releasable_to_all()) {
    const std::vector<std::string>& rel = label.releasable_to();
    if (rel.size() == 1) {
      dissem.emplace_back("NOFORN");
    } else {
      std::string item = "REL TO USA";
      for (const std::string& code : rel) {
        if (code != kUsa) item += ", " + code;
      }
      dissem.push_back(std::move(item));
    }
  }
  for (size_t i = 0; i < dissem.size(); ++i) out += (i == 0 ? "//" : "/") + dissem[i];
  return out;
}

OrderedJson OriginJson(const Origin& origin) {
  OrderedJson out = {{"policy", origin.policy}, {"level", origin.level}};
  if (origin.explicit_equivalent) out["equiv"] = std::string(LevelAbbreviation(origin.equivalent));
  return out;
}

std::string DisplayLevelId(std::string_view id) {
  std::string out(id);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

}  // namespace

std::string_view LevelName(Level level) { return kLevels[static_cast<size_t>(level)].name; }

std::string_view LevelAbbreviation(Level level) {
  return kLevels[static_cast<size_t>(level)].abbreviation;
}

std::optional<Level> LevelFromName(std::string_view name) {
  for (const LevelNames& names : kLevels) {
    if (name == names.name || name == names.abbreviation) return names.level;
  }
  if (name == "TOP_SECRET") return Level::kTopSecret;
  return std::nullopt;
}

bool Label::orcon() const { return Contains(caveats_, kOrcon); }

const std::vector<std::string>& Label::releasable_to() const {
  static const std::vector<std::string> kEmpty;
  return releasable_to_ ? *releasable_to_ : kEmpty;
}

Result<Label> Parse(std::string_view text) { return Parse(text, Registry::Default()); }

Result<Label> Parse(std::string_view text, const Registry& registry) {
  const std::string_view trimmed = TrimAscii(text);
  if (trimmed.empty()) return InvalidArgument("label: empty");
  if (trimmed == kUnlabelled) return Label();
  if (trimmed.front() == '{') return ParseJson(trimmed, registry);
  return ParseCapco(trimmed, registry);
}

std::string Render(const Label& label) {
  if (label.unlabelled()) return std::string(kUnlabelled);
  if (CapcoExpressible(label)) return RenderCapco(label);
  return RenderJson(label);
}

std::string RenderJson(const Label& label) {
  if (label.unlabelled()) return std::string(kUnlabelled);
  OrderedJson out = OrderedJson::object();
  if (label.origins().size() == 1) {
    out = OriginJson(label.origins().front());
  } else {
    OrderedJson list = OrderedJson::array();
    for (const Origin& origin : label.origins()) list.push_back(OriginJson(origin));
    out["originators"] = std::move(list);
  }
  OrderedJson categories = OrderedJson::object();
  if (label.releasable_to_all()) {
    categories["releasable_to"] = "ALL";
  } else {
    categories["releasable_to"] = label.releasable_to();
  }
  if (!label.sci().empty()) categories["sci"] = label.sci();
  if (!label.caveats().empty()) categories["caveats"] = label.caveats();
  if (label.fgi() == FgiKind::kConcealed) categories["fgi"] = "CONCEALED";
  if (label.fgi() == FgiKind::kAcknowledged) categories["fgi"] = label.fgi_codes();
  out["categories"] = std::move(categories);
  return out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::vector<std::string> AuditNotes(const Label& label) {
  return AuditNotes(label, Registry::Default());
}

std::vector<std::string> AuditNotes(const Label& label, const Registry& registry) {
  std::vector<std::string> notes;
  if (label.unlabelled()) {
    notes.emplace_back("UNLABELLED: no user may see it (fail closed)");
  }
  for (const Origin& origin : label.origins()) {
    const LevelRow* row = registry.FindLevelById(origin.policy, origin.level);
    if (row != nullptr && row->audit_default && !origin.explicit_equivalent) {
      notes.push_back(origin.policy + " " + origin.level +
                      ": no explicit equiv on the label; the equivalence table's default " +
                      std::string(LevelName(origin.equivalent)) + " was used (" + row->status +
                      ")");
    }
  }
  return notes;
}

Label Rollup(const Label& a, const Label& b) {
  const Label inputs[] = {a, b};
  return Rollup(inputs);
}

Label Rollup(std::span<const Label> labels) { return Rollup(labels, Registry::Default()); }

Label Rollup(std::span<const Label> labels, const Registry& registry) {
  if (labels.empty()) return Label();
  for (const Label& label : labels) {
    if (label.unlabelled()) return Label();
  }
  Label out;
  FgiKind fgi = FgiKind::kNone;
  std::vector<const std::vector<std::string>*> restricted;
  for (const Label& label : labels) {
    auto& origins = LabelAccess::origins(out);
    origins.insert(origins.end(), label.origins().begin(), label.origins().end());
    auto& sci = LabelAccess::sci(out);
    sci.insert(sci.end(), label.sci().begin(), label.sci().end());
    auto& caveats = LabelAccess::caveats(out);
    caveats.insert(caveats.end(), label.caveats().begin(), label.caveats().end());
    if (label.fgi() == FgiKind::kConcealed) fgi = FgiKind::kConcealed;
    if (label.fgi() == FgiKind::kAcknowledged && fgi == FgiKind::kNone) {
      fgi = FgiKind::kAcknowledged;
    }
    auto& codes = LabelAccess::fgi_codes(out);
    codes.insert(codes.end(), label.fgi_codes().begin(), label.fgi_codes().end());
    if (!label.releasable_to_all()) restricted.push_back(&label.releasable_to());
  }
  LabelAccess::fgi(out) = fgi;
  if (fgi != FgiKind::kAcknowledged) LabelAccess::fgi_codes(out).clear();
  if (restricted.empty()) {
    LabelAccess::rel(out) = std::nullopt;
  } else {
    std::vector<std::string> s = Expand(*restricted.front(), registry);
    for (size_t i = 1; i < restricted.size(); ++i) {
      const std::vector<std::string> next = Expand(*restricted[i], registry);
      std::vector<std::string> both;
      std::set_intersection(s.begin(), s.end(), next.begin(), next.end(), std::back_inserter(both));
      s = std::move(both);
    }
    // Origins must be merged first: Compress keeps originators.
    Canonicalize(out, registry);
    LabelAccess::rel(out) = Compress(s, restricted, out.origins(), registry);
    return out;
  }
  Canonicalize(out, registry);
  return out;
}

std::string Display(const Label& label, std::string_view viewer) {
  if (label.unlabelled()) return std::string(kUnlabelled);
  if (label.origins().size() == 1 && label.origins().front().policy == viewer) {
    return DisplayLevelId(label.origins().front().level);
  }
  std::string out;
  for (const Origin& origin : label.origins()) {
    if (!out.empty()) out += " + ";
    out += origin.policy + " " + DisplayLevelId(origin.level);
  }
  return out + " / equivalent " + std::string(LevelName(label.level()));
}

}  // namespace biac::labels
