#pragma once

// Strict, exception-free JSON reading for labels, users and the registry: fail closed on
// anything ambiguous (duplicate keys, unknown keys, deep nesting).

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

#include "biac/base/status.h"

namespace biac::labels {

// Parses `text` (UTF-8 JSON, RFC 8259). Rejects syntax errors, invalid UTF-8, an object that
// repeats a key (a second `policy` must not silently win), and nesting deeper than a label
// ever needs. `what` names the input in messages.
Result<nlohmann::json> ParseJsonStrict(std::string_view text, std::string_view what);

// Fails if `object` has a key not in `allowed`, naming it ("label.categories: unknown key
// 'foo'").
Status CheckKeys(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                 std::string_view where);

}  // namespace biac::labels
