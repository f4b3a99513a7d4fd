#include "biac/labels/access.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "biac/labels/json_util.h"
#include "biac/labels/registry.h"

namespace biac::labels {

namespace {

using Json = nlohmann::json;

bool Holds(const std::vector<std::string>& held, const std::string& token) {
  return std::find(held.begin(), held.end(), token) != held.end();
}

bool IsUpperAlpha(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Result<std::vector<std::string>> Strings(const Json& value, const std::string& where) {
  if (!value.is_array()) return InvalidArgument(where + ": expected an array of strings");
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (!item.is_string()) return InvalidArgument(where + ": expected an array of strings");
    out.push_back(item.get<std::string>());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Decision Decide(const User& user, const Label& label) {
  return Decide(user, label, Registry::Default());
}

Decision Decide(const User& user, const Label& label, const Registry& registry) {
  if (label.unlabelled()) return {false, "label UNLABELLED: releasable to no one"};
  if (label.level() > user.clearance) {
    return {false, "clearance " + std::string(LevelName(user.clearance)) + " below " +
                       std::string(LevelName(label.level()))};
  }
  for (const std::string& token : label.sci()) {
    if (!Holds(user.sci, token)) return {false, "not read into SCI " + token};
  }
  for (const std::string& token : label.caveats()) {
    if (!Holds(user.caveats, token)) return {false, "not approved for caveat " + token};
  }
  if (label.releasable_to_all()) return {true, "permit"};
  auto matches = [&](const std::string& code) {
    if (code == user.nationality || Holds(user.affiliations, code)) return true;
    if (const std::vector<std::string>* members = registry.Members(code)) {
      for (const std::string& member : *members) {
        if (member == user.nationality || Holds(user.affiliations, member)) return true;
      }
    }
    return false;
  };
  for (const std::string& code : label.releasable_to()) {
    if (matches(code)) return {true, "permit"};
  }
  std::string list;
  for (const std::string& code : label.releasable_to()) list += (list.empty() ? "" : ", ") + code;
  return {false, "not releasable to " + user.nationality + " or its affiliations (releasable to: " +
                     (list.empty() ? "no one" : list) + ")"};
}

Result<User> ParseUser(std::string_view json) { return ParseUser(json, Registry::Default()); }

Result<User> ParseUser(std::string_view json, const Registry& registry) {
  BIAC_ASSIGN_OR_RETURN(Json root, ParseJsonStrict(json, "user"));
  if (!root.is_object()) return InvalidArgument("user: expected a JSON object");
  BIAC_RETURN_IF_ERROR(CheckKeys(
      root, {"clearance", "nationality", "affiliations", "sci", "caveats", "orcon"}, "user"));
  User user;
  if (!root.contains("nationality") || !root["nationality"].is_string() ||
      root["nationality"].get_ref<const std::string&>().size() != 3 ||
      !IsUpperAlpha(root["nationality"].get_ref<const std::string&>())) {
    return InvalidArgument("user.nationality: expected a trigraph (3 upper-case letters)");
  }
  user.nationality = root["nationality"].get<std::string>();
  if (!root.contains("clearance") || !root["clearance"].is_string()) {
    return InvalidArgument("user.clearance: expected a level");
  }
  const std::string& clearance = root["clearance"].get_ref<const std::string&>();
  if (const std::optional<Level> level = LevelFromName(clearance)) {
    user.clearance = *level;
  } else {
    const PolicyTable* own = registry.FindPolicy(user.nationality);
    const LevelRow* row = own == nullptr ? nullptr : registry.FindLevel(*own, clearance);
    if (row == nullptr) {
      return InvalidArgument("user.clearance: unknown level '" + clearance + "'");
    }
    user.clearance = row->equivalent;
  }
  if (root.contains("affiliations")) {
    BIAC_ASSIGN_OR_RETURN(user.affiliations, Strings(root["affiliations"], "user.affiliations"));
    for (const std::string& code : user.affiliations) {
      if ((code.size() != 3 && code.size() != 4) || !IsUpperAlpha(code)) {
        return InvalidArgument("user.affiliations: '" + code + "' is not a trigraph or tetragraph");
      }
    }
  }
  if (root.contains("sci")) {
    BIAC_ASSIGN_OR_RETURN(user.sci, Strings(root["sci"], "user.sci"));
    for (const std::string& token : user.sci) {
      const bool valid = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      });
      if (!valid) return InvalidArgument("user.sci: '" + token + "' is not an SCI control system");
    }
  }
  if (root.contains("caveats")) {
    BIAC_ASSIGN_OR_RETURN(std::vector<std::string> names, Strings(root["caveats"], "user.caveats"));
    for (const std::string& name : names) {
      const std::optional<std::string> id = registry.FindCaveat(name);
      if (!id) return InvalidArgument("user.caveats: unknown caveat '" + name + "'");
      user.caveats.push_back(*id);
    }
  }
  if (root.contains("orcon")) {
    if (!root["orcon"].is_boolean()) return InvalidArgument("user.orcon: expected true or false");
    if (root["orcon"].get<bool>()) user.caveats.emplace_back("ORCON");
  }
  std::sort(user.caveats.begin(), user.caveats.end());
  user.caveats.erase(std::unique(user.caveats.begin(), user.caveats.end()), user.caveats.end());
  return user;
}

std::string UserToJson(const User& user) {
  nlohmann::ordered_json out = {{"clearance", std::string(LevelName(user.clearance))},
                                {"nationality", user.nationality},
                                {"affiliations", user.affiliations},
                                {"sci", user.sci},
                                {"caveats", user.caveats}};
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace biac::labels
