#include "biac/sharing/config.h"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>

#include "biac/labels/access.h"
#include "biac/labels/registry.h"

namespace biac::sharing {

namespace {

constexpr std::string_view kRuleKeys[] = {"name", "coarsen_position_m", "drop_source_identity",
                                          "drop_fields"};
constexpr std::string_view kPartnerKeys[] = {"name", "audience", "rules"};

bool NameCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string Indexed(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

class ConfigReader {
 public:
  ConfigReader(std::string_view source, const labels::Registry& registry)
      : prefix_(source.empty() ? std::string() : std::string(source) + ": "), registry_(registry) {}

  Result<SharingConfig> Read(const toml::table& root) {
    SharingConfig config;
    const toml::node* sharing = root.get("sharing");
    if (sharing == nullptr) return config;
    const toml::table* table = sharing->as_table();
    if (table == nullptr) return Error("sharing", "expected a table");
    for (const auto& [key, node] : *table) {
      if (key.str() != "rule" && key.str() != "partner") {
        return Error("sharing." + std::string(key.str()), "unknown key");
      }
    }
    BIAC_ASSIGN_OR_RETURN(const std::vector<const toml::table*> rules,
                          TableArray(*table, "rule", "sharing.rule"));
    for (size_t i = 0; i < rules.size(); ++i) {
      BIAC_ASSIGN_OR_RETURN(SanitisationRule rule, ReadRule(*rules[i], Indexed("sharing.rule", i)));
      for (size_t j = 0; j < i; ++j) {
        if (config.rules.rules[j].name == rule.name) {
          return Error(Indexed("sharing.rule", i) + ".name",
                       "rule '" + rule.name + "' already defined by " + Indexed("sharing.rule", j));
        }
      }
      config.rules.rules.push_back(std::move(rule));
    }
    BIAC_ASSIGN_OR_RETURN(const std::vector<const toml::table*> partners,
                          TableArray(*table, "partner", "sharing.partner"));
    for (size_t i = 0; i < partners.size(); ++i) {
      BIAC_ASSIGN_OR_RETURN(PartnerPolicy partner,
                            ReadPartner(*partners[i], Indexed("sharing.partner", i), config.rules));
      for (size_t j = 0; j < i; ++j) {
        if (config.partners[j].partner == partner.partner) {
          return Error(Indexed("sharing.partner", i) + ".name", "partner '" + partner.partner +
                                                                    "' already defined by " +
                                                                    Indexed("sharing.partner", j));
        }
      }
      config.partners.push_back(std::move(partner));
    }
    return config;
  }

 private:
  Status Error(const std::string& path, std::string_view reason) const {
    return InvalidArgument(prefix_ + path + ": " + std::string(reason));
  }

  // `[[sharing.<key>]]`: an array of tables, or nothing.
  Result<std::vector<const toml::table*>> TableArray(const toml::table& table, std::string_view key,
                                                     const std::string& path) const {
    std::vector<const toml::table*> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) return Error(path, "expected an array of tables ([[" + path + "]])");
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::table* item = (*array)[i].as_table();
      if (item == nullptr) return Error(Indexed(path, i), "expected a table");
      out.push_back(item);
    }
    return out;
  }

  template <size_t N>
  Status CheckKeys(const toml::table& table, const std::string_view (&allowed)[N],
                   const std::string& path) const {
    for (const auto& [key, node] : table) {
      bool known = false;
      for (const std::string_view name : allowed) known = known || key.str() == name;
      if (!known) return Error(path + "." + std::string(key.str()), "unknown key");
    }
    return Status::Ok();
  }

  Result<std::string> Name(const toml::table& table, const std::string& path) const {
    const toml::node* node = table.get("name");
    if (node == nullptr) return Error(path, "missing key 'name'");
    const auto* value = node->as_string();
    if (value == nullptr) return Error(path + ".name", "expected a string");
    const std::string& name = value->get();
    if (name.empty() || !std::all_of(name.begin(), name.end(), NameCharacter)) {
      return Error(path + ".name", "'" + name + "' is not one or more of A-Z a-z 0-9 _ . -");
    }
    return name;
  }

  Result<std::vector<std::string>> Strings(const toml::node& node, const std::string& path) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) return Error(path, "expected an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < array->size(); ++i) {
      const auto* value = (*array)[i].as_string();
      if (value == nullptr) return Error(Indexed(path, i), "expected a string");
      out.push_back(value->get());
    }
    return out;
  }

  Result<SanitisationRule> ReadRule(const toml::table& table, const std::string& path) const {
    BIAC_RETURN_IF_ERROR(CheckKeys(table, kRuleKeys, path));
    SanitisationRule rule;
    BIAC_ASSIGN_OR_RETURN(rule.name, Name(table, path));
    if (const toml::node* node = table.get("coarsen_position_m")) {
      const std::string where = path + ".coarsen_position_m";
      if (const auto* integer = node->as_integer()) {
        rule.coarsen_position_m = static_cast<double>(integer->get());
      } else if (const auto* real = node->as_floating_point()) {
        rule.coarsen_position_m = real->get();
      } else {
        return Error(where, "expected a number of metres");
      }
      if (!std::isfinite(rule.coarsen_position_m) || rule.coarsen_position_m < 0 ||
          rule.coarsen_position_m > kMaxCoarsenPositionM) {
        return Error(where, "must be within [0, 2e7] metres (0: no coarsening)");
      }
    }
    if (const toml::node* node = table.get("drop_source_identity")) {
      const auto* value = node->as_boolean();
      if (value == nullptr) return Error(path + ".drop_source_identity", "expected true or false");
      rule.drop_source_identity = value->get();
    }
    if (const toml::node* node = table.get("drop_fields")) {
      const std::string where = path + ".drop_fields";
      BIAC_ASSIGN_OR_RETURN(const std::vector<std::string> names, Strings(*node, where));
      for (size_t i = 0; i < names.size(); ++i) {
        const std::optional<Field> field = FieldFromName(names[i]);
        if (!field) return Error(Indexed(where, i), "unknown field '" + names[i] + "'");
        for (size_t j = 0; j < i; ++j) {
          if (rule.drop_fields[j] == *field) {
            return Error(Indexed(where, i), "field '" + names[i] + "' already listed");
          }
        }
        rule.drop_fields.push_back(*field);
      }
    }
    // Everything ValidateRule checks was checked above with the key's path; this keeps the
    // two in step.
    const Status valid = ValidateRule(rule);
    if (!valid.ok()) return Error(path, valid.message());
    return rule;
  }

  Result<PartnerPolicy> ReadPartner(const toml::table& table, const std::string& path,
                                    const RuleSet& rules) const {
    BIAC_RETURN_IF_ERROR(CheckKeys(table, kPartnerKeys, path));
    PartnerPolicy partner;
    BIAC_ASSIGN_OR_RETURN(partner.partner, Name(table, path));

    const toml::node* audience = table.get("audience");
    if (audience == nullptr) return Error(path, "missing key 'audience'");
    BIAC_ASSIGN_OR_RETURN(partner.audience, ReadAudience(*audience, path + ".audience"));

    const toml::node* names = table.get("rules");
    // Required, even if empty, so that releasing without sanitisation is always written down.
    if (names == nullptr) return Error(path, "missing key 'rules' (write rules = [] for none)");
    BIAC_ASSIGN_OR_RETURN(partner.rules, Strings(*names, path + ".rules"));
    for (size_t i = 0; i < partner.rules.size(); ++i) {
      const std::string& name = partner.rules[i];
      if (rules.Find(name) == nullptr) {
        return Error(Indexed(path + ".rules", i), "unknown rule '" + name + "'");
      }
      for (size_t j = 0; j < i; ++j) {
        if (partner.rules[j] == name) {
          return Error(Indexed(path + ".rules", i), "rule '" + name + "' already listed");
        }
      }
    }
    return partner;
  }

  // The inline table, turned into the JSON labels::ParseUser reads (which checks the keys, the
  // clearance, the codes and the caveats).
  Result<labels::User> ReadAudience(const toml::node& node, const std::string& path) const {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Error(path,
                   "expected a table such as { clearance = \"SECRET\", nationality = "
                   "\"JPN\" }");
    }
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [key, value] : *table) {
      const std::string where = path + "." + std::string(key.str());
      if (const auto* text = value.as_string()) {
        json[std::string(key.str())] = text->get();
      } else if (const auto* flag = value.as_boolean()) {
        json[std::string(key.str())] = flag->get();
      } else if (value.is_array()) {
        BIAC_ASSIGN_OR_RETURN(std::vector<std::string> items, Strings(value, where));
        json[std::string(key.str())] = std::move(items);
      } else {
        return Error(where, "expected a string, a boolean or an array of strings");
      }
    }
    Result<labels::User> user = labels::ParseUser(
        json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), registry_);
    if (!user.ok()) return Error(path, user.error().message());
    return *std::move(user);
  }

  std::string prefix_;
  const labels::Registry& registry_;
};

}  // namespace

const PartnerPolicy* SharingConfig::FindPartner(std::string_view name) const {
  for (const PartnerPolicy& partner : partners) {
    if (partner.partner == name) return &partner;
  }
  return nullptr;
}

Result<SharingConfig> ParseSharingConfig(std::string_view toml_text, std::string_view source) {
  return ParseSharingConfig(toml_text, source, labels::Registry::Default());
}

Result<SharingConfig> ParseSharingConfig(std::string_view toml_text, std::string_view source,
                                         const labels::Registry& registry) {
  toml::table root;
  // toml++ reports syntax errors by exception; configuration is read once at start-up, off the
  // data path, and the exception ends here.
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const toml::source_position& where = e.source().begin;
    return InvalidArgument(std::string(source) + ":" + std::to_string(where.line) + ":" +
                           std::to_string(where.column) + ": " + std::string(e.description()));
  }
  return ConfigReader(source, registry).Read(root);
}

}  // namespace biac::sharing
