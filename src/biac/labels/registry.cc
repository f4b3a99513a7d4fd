#include "biac/labels/registry.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "biac/labels/json_util.h"

namespace biac::labels {

namespace {

using Json = nlohmann::json;

constexpr char kUsaStatus[] = "CAPCO: IC Markings System Register and Manual 2016, Sec. A.6";

Registry MakeDefault() {
  Json config = {
      {"policies",
       {
           {{"policy", "USA"},
            {"name", "United States"},
            {"levels",
             {
                 {{"id", "UNCLASSIFIED"},
                  {"aliases", {"U"}},
                  {"equiv", "U"},
                  {"releasable_to_all_by_default", true},
                  {"status", kUsaStatus}},
                 {{"id", "CONFIDENTIAL"},
                  {"aliases", {"C"}},
                  {"equiv", "C"},
                  {"status", kUsaStatus}},
                 {{"id", "SECRET"}, {"aliases", {"S"}}, {"equiv", "S"}, {"status", kUsaStatus}},
                 {{"id", "TOP_SECRET"},
                  {"aliases", {"TS"}},
                  {"equiv", "TS"},
                  {"status", kUsaStatus}},
             }}},
           {{"policy", "JPN"},
            {"name", "Japan"},
            {"levels",
             {
                 {{"id", "UNCLASSIFIED"},
                  {"aliases", {"指定なし", "NONE"}},
                  {"equiv", "U"},
                  {"releasable_to_all_by_default", true},
                  {"status", "by definition (japan-markings.md §5)"}},
                 {{"id", "CHUI"},
                  {"aliases",
                   {"注意", "取扱注意", "取扱厳重注意", "部内限り", "Chui", "Chūi",
                    "Bunai kagiri"}},
                  {"equiv", "U"},
                  {"status",
                   "1986 Cabinet written answer No. 18 (verified for 注意/部内限り; "
                   "取扱厳重注意 unverified); a handling marking, not a level: fails closed to "
                   "JPN-only without a releasability list"}},
                 {{"id", "HI"},
                  {"aliases", {"秘", "Hi", "Confidential"}},
                  {"equiv", "C"},
                  {"status",
                   "MDA Order Art. 1(4) (verified); Japan-ROK GSOMIA Art. 4 (verified); "
                   "US-Japan GSOMIA row unverified"}},
                 {{"id", "CESI"},
                  {"aliases",
                   {"重要経済安保情報", "Critical Economic Security Information",
                    "Important Economic Security Information", "Juyo Keizai Anpo Joho",
                    "Jūyō Keizai Anpo Jōhō"}},
                  {"equiv", "C"},
                  {"status", "2024 Act (verified); C-tier equivalence unverified"}},
                 {{"id", "GOKUHI"},
                  {"aliases", {"極秘", "Gokuhi", "Secret"}},
                  {"equiv", "S"},
                  {"status",
                   "MDA Order Art. 1(3) (verified); Japan-ROK GSOMIA Art. 4 (verified); "
                   "US-Japan GSOMIA row unverified"}},
                 {{"id", "BOEI_HIMITSU"},
                  {"aliases",
                   {"防衛秘密", "Boei Himitsu", "Bōei Himitsu", "Defence Secret",
                    "Defense Secret"}},
                  {"equiv", "S"},
                  {"status",
                   "legacy, abolished 10 Dec 2014; imidas pre-2014 scheme (verified as "
                   "history); US-Japan GSOMIA row unverified"}},
                 {{"id", "TOKUTEI_HIMITSU"},
                  {"aliases",
                   {"特定秘密", "Tokutei Himitsu", "SDS", "Specially Designated Secret"}},
                  {"equiv", "S"},
                  {"explicit_equiv", {"S", "TS"}},
                  {"audit_default", true},
                  {"status",
                   "Japan-ROK GSOMIA Art. 4 (verified) maps it to SECRET; one tier covering TS- "
                   "and S-grade material, so the default S may under-protect: give `equiv` "
                   "on the label; US-Japan GSOMIA row unverified"}},
                 {{"id", "KIMITSU"},
                  {"aliases", {"機密", "Kimitsu", "防衛秘密(機密)", "Top Secret"}},
                  {"equiv", "TS"},
                  {"status",
                   "MDA Order Art. 1(2) damage test = TS test (verified); US-Japan GSOMIA row "
                   "unverified"}},
             }}},
       }},
      {"caveats",
       {
           {{"id", "ORCON"}, {"aliases", {"OC"}}},
           {{"id", "MDA"},
            {"aliases",
             {"特別防衛秘密", "Tokubetsu Boei Himitsu", "Tokubetsu Bōei Himitsu",
              "Special Defence Secret"}}},
       }},
      {"tetragraphs",
       {
           {"FVEY", {"USA", "AUS", "CAN", "GBR", "NZL"}},
           {"ACGU", {"USA", "AUS", "CAN", "GBR"}},
       }},
  };
  Result<Registry> registry = Registry::FromJson(config.dump());
  if (!registry.ok()) std::fprintf(stderr, "%s\n", registry.status().ToString().c_str());
  assert(registry.ok() && "the built-in registry is valid");
  return std::move(registry).value();
}

bool IsUpperAlpha(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsTokenText(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<std::vector<std::string>> StringList(const Json& value, const std::string& where) {
  if (!value.is_array()) return InvalidArgument(where + ": expected an array of strings");
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (!item.is_string()) return InvalidArgument(where + ": expected an array of strings");
    out.push_back(item.get_ref<const std::string&>());
  }
  return out;
}

// Adds the alias keys of one row to `keys`; a name may repeat within its row ("Chui" and
// CHUI), never across rows (it would be ambiguous).
Status ClaimNames(const std::string& id, const std::vector<std::string>& aliases,
                  std::vector<std::string>& keys, const std::string& where) {
  std::vector<std::string> mine = {AliasKey(id)};
  for (const std::string& alias : aliases) mine.push_back(AliasKey(alias));
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  for (std::string& key : mine) {
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      return InvalidArgument(where + ": name '" + key + "' is already used by another row");
    }
    keys.push_back(std::move(key));
  }
  return Status::Ok();
}

}  // namespace

std::string AliasKey(std::string_view name) {
  std::string key(name);
  for (char& c : key) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == ' ' || c == '-') c = '_';
  }
  return key;
}

const Registry& Registry::Default() {
  static const Registry registry = MakeDefault();
  return registry;
}

Result<Registry> Registry::FromJson(std::string_view text) {
  BIAC_ASSIGN_OR_RETURN(Json config, ParseJsonStrict(text, "label registry"));
  if (!config.is_object()) return InvalidArgument("label registry: expected an object");
  BIAC_RETURN_IF_ERROR(CheckKeys(config, {"policies", "caveats", "tetragraphs"}, "registry"));
  Registry registry;
  if (!config.contains("policies") || !config["policies"].is_array() ||
      config["policies"].empty()) {
    return InvalidArgument("registry.policies: expected a non-empty array");
  }
  for (size_t p = 0; p < config["policies"].size(); ++p) {
    const Json& pj = config["policies"][p];
    const std::string where = "registry.policies[" + std::to_string(p) + "]";
    if (!pj.is_object()) return InvalidArgument(where + ": expected an object");
    BIAC_RETURN_IF_ERROR(CheckKeys(pj, {"policy", "name", "levels"}, where));
    PolicyTable table;
    if (!pj.contains("policy") || !pj["policy"].is_string() ||
        pj["policy"].get_ref<const std::string&>().size() != 3 ||
        !IsUpperAlpha(pj["policy"].get_ref<const std::string&>())) {
      return InvalidArgument(where + ".policy: expected a trigraph (3 upper-case letters)");
    }
    table.policy = pj["policy"].get<std::string>();
    if (registry.FindPolicy(table.policy) != nullptr) {
      return InvalidArgument(where + ".policy: '" + table.policy + "' listed twice");
    }
    if (pj.contains("name")) {
      if (!pj["name"].is_string()) return InvalidArgument(where + ".name: expected a string");
      table.display_name = pj["name"].get<std::string>();
    }
    if (!pj.contains("levels") || !pj["levels"].is_array() || pj["levels"].empty()) {
      return InvalidArgument(where + ".levels: expected a non-empty array");
    }
    std::vector<std::string> keys;
    for (size_t l = 0; l < pj["levels"].size(); ++l) {
      const Json& lj = pj["levels"][l];
      const std::string lwhere = where + ".levels[" + std::to_string(l) + "]";
      if (!lj.is_object()) return InvalidArgument(lwhere + ": expected an object");
      BIAC_RETURN_IF_ERROR(CheckKeys(lj,
                                     {"id", "aliases", "equiv", "explicit_equiv", "audit_default",
                                      "releasable_to_all_by_default", "status"},
                                     lwhere));
      LevelRow row;
      if (!lj.contains("id") || !lj["id"].is_string() ||
          !IsTokenText(lj["id"].get_ref<const std::string&>())) {
        return InvalidArgument(lwhere + ".id: expected an upper-case id [A-Z0-9_-]");
      }
      row.id = lj["id"].get<std::string>();
      if (lj.contains("aliases")) {
        BIAC_ASSIGN_OR_RETURN(row.aliases, StringList(lj["aliases"], lwhere + ".aliases"));
      }
      if (!lj.contains("equiv") || !lj["equiv"].is_string()) {
        return InvalidArgument(lwhere + ".equiv: expected U, C, S or TS");
      }
      const std::optional<Level> equiv = LevelFromName(lj["equiv"].get_ref<const std::string&>());
      if (!equiv) return InvalidArgument(lwhere + ".equiv: expected U, C, S or TS");
      row.equivalent = *equiv;
      if (lj.contains("explicit_equiv")) {
        BIAC_ASSIGN_OR_RETURN(std::vector<std::string> names,
                              StringList(lj["explicit_equiv"], lwhere + ".explicit_equiv"));
        for (const std::string& name : names) {
          const std::optional<Level> level = LevelFromName(name);
          if (!level) return InvalidArgument(lwhere + ".explicit_equiv: '" + name + "'");
          if (*level < row.equivalent) {
            return InvalidArgument(lwhere + ".explicit_equiv: '" + name +
                                   "' is below the row's equivalent (would under-protect)");
          }
          row.explicit_equivalents.push_back(*level);
        }
      }
      if (lj.contains("audit_default")) {
        if (!lj["audit_default"].is_boolean()) {
          return InvalidArgument(lwhere + ".audit_default: expected true or false");
        }
        row.audit_default = lj["audit_default"].get<bool>();
      }
      if (lj.contains("releasable_to_all_by_default")) {
        if (!lj["releasable_to_all_by_default"].is_boolean()) {
          return InvalidArgument(lwhere + ".releasable_to_all_by_default: expected a boolean");
        }
        row.releasable_to_all_by_default = lj["releasable_to_all_by_default"].get<bool>();
        if (row.releasable_to_all_by_default && row.equivalent != Level::kUnclassified) {
          return InvalidArgument(lwhere +
                                 ".releasable_to_all_by_default: only for an unclassified row");
        }
      }
      if (lj.contains("status")) {
        if (!lj["status"].is_string()) return InvalidArgument(lwhere + ".status: expected text");
        row.status = lj["status"].get<std::string>();
      }
      BIAC_RETURN_IF_ERROR(ClaimNames(row.id, row.aliases, keys, lwhere));
      if (!table.levels.empty() && row.equivalent < table.levels.back().equivalent) {
        return InvalidArgument(lwhere + ": rows must be in order of protection, lowest first");
      }
      table.levels.push_back(std::move(row));
    }
    registry.policies_.push_back(std::move(table));
  }
  if (config.contains("caveats")) {
    if (!config["caveats"].is_array()) return InvalidArgument("registry.caveats: expected array");
    std::vector<std::string> keys;
    for (size_t c = 0; c < config["caveats"].size(); ++c) {
      const Json& cj = config["caveats"][c];
      const std::string where = "registry.caveats[" + std::to_string(c) + "]";
      if (!cj.is_object()) return InvalidArgument(where + ": expected an object");
      BIAC_RETURN_IF_ERROR(CheckKeys(cj, {"id", "aliases"}, where));
      CaveatRow row;
      if (!cj.contains("id") || !cj["id"].is_string() ||
          !IsTokenText(cj["id"].get_ref<const std::string&>())) {
        return InvalidArgument(where + ".id: expected an upper-case token [A-Z0-9_-]");
      }
      row.id = cj["id"].get<std::string>();
      if (cj.contains("aliases")) {
        BIAC_ASSIGN_OR_RETURN(row.aliases, StringList(cj["aliases"], where + ".aliases"));
      }
      BIAC_RETURN_IF_ERROR(ClaimNames(row.id, row.aliases, keys, where));
      registry.caveats_.push_back(std::move(row));
    }
  }
  if (config.contains("tetragraphs")) {
    if (!config["tetragraphs"].is_object()) {
      return InvalidArgument("registry.tetragraphs: expected an object");
    }
    for (const auto& [code, members] : config["tetragraphs"].items()) {
      const std::string where = "registry.tetragraphs." + code;
      if (code.size() != 4 || !IsUpperAlpha(code)) {
        return InvalidArgument(where + ": expected a tetragraph (4 upper-case letters)");
      }
      BIAC_ASSIGN_OR_RETURN(std::vector<std::string> list, StringList(members, where));
      for (const std::string& member : list) {
        if (member.size() != 3 || !IsUpperAlpha(member)) {
          return InvalidArgument(where + ": member '" + member + "' is not a trigraph");
        }
      }
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
      registry.tetragraphs_[code] = std::move(list);
    }
  }
  for (size_t p = 0; p < registry.policies_.size(); ++p) {
    const PolicyTable& table = registry.policies_[p];
    for (size_t r = 0; r < table.levels.size(); ++r) {
      registry.level_index_[table.policy + "/" + AliasKey(table.levels[r].id)] = {p, r};
      for (const std::string& alias : table.levels[r].aliases) {
        registry.level_index_[table.policy + "/" + AliasKey(alias)] = {p, r};
      }
    }
  }
  for (size_t c = 0; c < registry.caveats_.size(); ++c) {
    registry.caveat_index_[AliasKey(registry.caveats_[c].id)] = c;
    for (const std::string& alias : registry.caveats_[c].aliases) {
      registry.caveat_index_[AliasKey(alias)] = c;
    }
  }
  return registry;
}

const PolicyTable* Registry::FindPolicy(std::string_view policy) const {
  for (const PolicyTable& table : policies_) {
    if (table.policy == policy) return &table;
  }
  return nullptr;
}

const LevelRow* Registry::FindLevel(const PolicyTable& policy, std::string_view name) const {
  const auto it = level_index_.find(policy.policy + "/" + AliasKey(name));
  if (it == level_index_.end()) return nullptr;
  // The key carries the policy, so the row belongs to `policy` (a table of this registry).
  return &policies_[it->second.first].levels[it->second.second];
}

const LevelRow* Registry::FindLevelById(std::string_view policy, std::string_view id) const {
  const PolicyTable* table = FindPolicy(policy);
  if (table == nullptr) return nullptr;
  for (const LevelRow& row : table->levels) {
    if (row.id == id) return &row;
  }
  return nullptr;
}

int Registry::RankOf(const PolicyTable& policy, const LevelRow& row) const {
  return static_cast<int>(&row - policy.levels.data());
}

std::optional<std::string> Registry::FindCaveat(std::string_view name) const {
  const auto it = caveat_index_.find(AliasKey(name));
  if (it == caveat_index_.end()) return std::nullopt;
  return caveats_[it->second].id;
}

const std::vector<std::string>* Registry::Members(std::string_view tetragraph) const {
  const auto it = tetragraphs_.find(tetragraph);
  return it == tetragraphs_.end() ? nullptr : &it->second;
}

std::string Registry::ToJson() const {
  Json out;
  out["policies"] = Json::array();
  for (const PolicyTable& table : policies_) {
    Json pj = {{"policy", table.policy}, {"name", table.display_name}, {"levels", Json::array()}};
    for (const LevelRow& row : table.levels) {
      Json lj = {{"id", row.id},
                 {"aliases", row.aliases},
                 {"equiv", std::string(LevelAbbreviation(row.equivalent))}};
      if (!row.explicit_equivalents.empty()) {
        Json list = Json::array();
        for (Level level : row.explicit_equivalents) {
          list.push_back(std::string(LevelAbbreviation(level)));
        }
        lj["explicit_equiv"] = list;
      }
      if (row.audit_default) lj["audit_default"] = true;
      if (row.releasable_to_all_by_default) lj["releasable_to_all_by_default"] = true;
      lj["status"] = row.status;
      pj["levels"].push_back(std::move(lj));
    }
    out["policies"].push_back(std::move(pj));
  }
  out["caveats"] = Json::array();
  for (const CaveatRow& row : caveats_) {
    out["caveats"].push_back({{"id", row.id}, {"aliases", row.aliases}});
  }
  out["tetragraphs"] = Json::object();
  for (const auto& [code, members] : tetragraphs_) out["tetragraphs"][code] = members;
  return out.dump(1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace biac::labels
