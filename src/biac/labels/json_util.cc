#include "biac/labels/json_util.h"

#include <algorithm>
#include <set>
#include <vector>

namespace biac::labels {

namespace {

// Deep enough for every form biac accepts (label: 4 levels), shallow enough that no input can
// exhaust the stack.
constexpr int kMaxDepth = 8;

}  // namespace

Result<nlohmann::json> ParseJsonStrict(std::string_view text, std::string_view what) {
  using Json = nlohmann::json;
  std::vector<std::set<std::string>> keys;
  std::string error;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (!error.empty()) return false;
    if (depth > kMaxDepth) {
      error = "nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    switch (event) {
      case Json::parse_event_t::object_start:
        keys.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!keys.empty() && parsed.is_string() &&
            !keys.back().insert(parsed.get_ref<const std::string&>()).second) {
          error = "key '" + parsed.get<std::string>() + "' repeated";
          return false;
        }
        break;
      default:
        break;
    }
    return true;
  };
  Json value = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (!error.empty()) return InvalidArgument(std::string(what) + ": " + error);
  if (value.is_discarded()) {
    return InvalidArgument(std::string(what) + ": not valid JSON (RFC 8259, UTF-8)");
  }
  return value;
}

Status CheckKeys(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                 std::string_view where) {
  for (const auto& item : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      return InvalidArgument(std::string(where) + ": unknown key '" + item.key() + "'");
    }
  }
  return Status::Ok();
}

}  // namespace biac::labels
