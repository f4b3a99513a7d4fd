// `biac label ...`: security labels on the command line (docs/labels.md).
//   parse TEXT                   the label's model, canonical form, Accumulo expression
//   combine TEXT TEXT...         the roll-up of the labels of a product's inputs
//   check --user JSON TEXT       the access decision for a user (and Accumulo's, which agrees)
//   table                        the equivalence table in use (registry JSON)
// Every subcommand takes --registry FILE (a deployment's equivalence table, JSON) and prints
// one JSON object on stdout; a label or user that cannot be read is an error: one line on
// stderr, exit 1 (fail closed). A deny is a result, not an error: exit 0 with "permit":false.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biac/app/commands.h"
#include "biac/labels/access.h"
#include "biac/labels/label.h"
#include "biac/labels/registry.h"
#include "biac/labels/visibility.h"

namespace biac::app {
namespace {

using OrderedJson = nlohmann::ordered_json;
namespace labels = biac::labels;

// The nations a label is displayed for in `parse` output (japan-markings.md §2 rule (2)).
constexpr const char* kViewers[] = {"USA", "JPN"};

struct LabelArgs {
  std::string registry_path;
  std::vector<std::string> texts;
  std::string user;
};

int Fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "biac label %s: %s\n", what.c_str(), status.message().c_str());
  return 1;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot open '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<labels::Registry> LoadRegistry(const std::string& path) {
  if (path.empty()) return labels::Registry::Default();
  BIAC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Result<labels::Registry> registry = labels::Registry::FromJson(text);
  if (!registry.ok()) return InvalidArgument(path + ": " + registry.status().message());
  return registry;
}

// The structured JSON form of a label, as an object.
OrderedJson LabelObject(const labels::Label& label) {
  if (label.unlabelled()) return "UNLABELLED";
  return OrderedJson::parse(labels::RenderJson(label));
}

OrderedJson Describe(const labels::Label& label, const labels::Registry& registry) {
  OrderedJson out;
  out["canonical"] = labels::Render(label);
  out["label"] = LabelObject(label);
  out["level"] = std::string(labels::LevelName(label.level()));
  OrderedJson display = OrderedJson::object();
  for (const char* viewer : kViewers) display[viewer] = labels::Display(label, viewer);
  out["display"] = std::move(display);
  out["visibility"] = labels::ToVisibility(label, registry);
  out["audit_notes"] = labels::AuditNotes(label, registry);
  return out;
}

int RunParse(const LabelArgs& args) {
  Result<labels::Registry> registry = LoadRegistry(args.registry_path);
  if (!registry.ok()) return Fail("parse", registry.status());
  const Result<labels::Label> label = labels::Parse(args.texts.front(), *registry);
  if (!label.ok()) return Fail("parse", label.status());
  OrderedJson out;
  out["input"] = args.texts.front();
  out.update(Describe(*label, *registry));
  std::cout << out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) << '\n';
  return 0;
}

int RunCombine(const LabelArgs& args) {
  Result<labels::Registry> registry = LoadRegistry(args.registry_path);
  if (!registry.ok()) return Fail("combine", registry.status());
  std::vector<labels::Label> inputs;
  OrderedJson canonical = OrderedJson::array();
  for (size_t i = 0; i < args.texts.size(); ++i) {
    Result<labels::Label> label = labels::Parse(args.texts[i], *registry);
    if (!label.ok()) {
      return Fail("combine", InvalidArgument("input " + std::to_string(i + 1) + ": " +
                                             label.status().message()));
    }
    canonical.push_back(labels::Render(*label));
    inputs.push_back(std::move(label).value());
  }
  OrderedJson out;
  out["inputs"] = std::move(canonical);
  out.update(Describe(labels::Rollup(inputs, *registry), *registry));
  std::cout << out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) << '\n';
  return 0;
}

int RunCheck(const LabelArgs& args) {
  Result<labels::Registry> registry = LoadRegistry(args.registry_path);
  if (!registry.ok()) return Fail("check", registry.status());
  std::string user_text = args.user;
  if (!user_text.empty() && user_text.front() == '@') {
    Result<std::string> file = ReadFile(user_text.substr(1));
    if (!file.ok()) return Fail("check", file.status());
    user_text = *file;
  }
  const Result<labels::User> user = labels::ParseUser(user_text, *registry);
  if (!user.ok()) return Fail("check", user.status());
  const Result<labels::Label> label = labels::Parse(args.texts.front(), *registry);
  if (!label.ok()) return Fail("check", label.status());
  const labels::Decision decision = labels::Decide(*user, *label, *registry);
  const std::string expression = labels::ToVisibility(*label, *registry);
  const Result<labels::VisibilityExpression> compiled =
      labels::VisibilityExpression::Parse(expression);
  if (!compiled.ok()) return Fail("check", compiled.status());
  const labels::Authorizations auths = labels::AuthorizationsFor(*user);
  OrderedJson out;
  out["permit"] = decision.permit;
  out["reason"] = decision.reason;
  out["label"] = labels::Render(*label);
  out["display"] = labels::Display(*label, user->nationality);
  out["user"] = OrderedJson::parse(labels::UserToJson(*user));
  out["visibility"] = expression;
  out["authorizations"] = auths.tokens();
  out["accumulo_permit"] = compiled->Evaluate(auths);
  out["audit_notes"] = labels::AuditNotes(*label, *registry);
  std::cout << out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) << '\n';
  return 0;
}

int RunTable(const LabelArgs& args) {
  Result<labels::Registry> registry = LoadRegistry(args.registry_path);
  if (!registry.ok()) return Fail("table", registry.status());
  std::cout << registry->ToJson() << '\n';
  return 0;
}

}  // namespace

CommandRunner RegisterLabelCommand(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "label", "Security labels: parse, combine (roll-up), check access; JSON on stdout");
  cmd->require_subcommand(1);
  auto args = std::make_shared<LabelArgs>();
  const std::string registry_help =
      "equivalence table (JSON, docs/labels.md); default: the built-in USA-JPN table";
  const std::string label_help =
      "label: CAPCO banner ('SECRET//REL TO USA, JPN'), portion mark ('(S//NF)') or the "
      "structured JSON form";

  auto* parse = cmd->add_subcommand("parse",
                                    "Parse a label: model, canonical form, Accumulo "
                                    "expression, display for each nation");
  parse->add_option("label", args->texts, label_help)->required()->expected(1);
  parse->add_option("--registry", args->registry_path, registry_help);

  auto* combine = cmd->add_subcommand("combine", "Roll up the labels of a product's inputs");
  combine->add_option("labels", args->texts, "the input labels (one or more)")->required();
  combine->add_option("--registry", args->registry_path, registry_help);

  auto* check = cmd->add_subcommand("check", "Access decision of a user for a label");
  check
      ->add_option("--user", args->user,
                   "the user as JSON, or @FILE: {\"clearance\":\"SECRET\",\"nationality\":"
                   "\"JPN\",\"affiliations\":[],\"sci\":[],\"caveats\":[],\"orcon\":false}")
      ->required();
  check->add_option("label", args->texts, label_help)->required()->expected(1);
  check->add_option("--registry", args->registry_path, registry_help);

  auto* table = cmd->add_subcommand("table", "Print the equivalence table in use");
  table->add_option("--registry", args->registry_path, registry_help);

  return [args, parse, combine, check, table]() -> int {
    if (parse->parsed()) return RunParse(*args);
    if (combine->parsed()) return RunCombine(*args);
    if (check->parsed()) return RunCheck(*args);
    if (table->parsed()) return RunTable(*args);
    return 2;
  };
}

}  // namespace biac::app
