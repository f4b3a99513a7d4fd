#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace biac::api {
namespace {

using Json = nlohmann::json;

// src/biac/api/openapi.json, the document the node serves (api/CMakeLists.txt compiles it
// in). Tests run from the repository root.
std::string DocumentText() {
  std::ifstream file("src/biac/api/openapi.json", std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

Json Document() { return Json::parse(DocumentText(), nullptr, /*allow_exceptions=*/false); }

// Every "$ref" in the document must name an object that exists ("#/components/...").
void CheckRefs(const Json& root, const Json& node, std::vector<std::string>& broken) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        std::string ref = value.get<std::string>();
        if (!ref.starts_with("#/") || !root.contains(Json::json_pointer(ref.substr(1)))) {
          broken.push_back(ref);
        }
      } else {
        CheckRefs(root, value, broken);
      }
    }
  } else if (node.is_array()) {
    for (const Json& item : node) CheckRefs(root, item, broken);
  }
}

TEST(OpenApiTest, IsValidJson) {
  Json doc = Document();
  ASSERT_FALSE(doc.is_discarded()) << "src/biac/api/openapi.json does not parse";
  EXPECT_TRUE(doc.is_object());
}

TEST(OpenApiTest, ParsesAndListsTheRoutes) {
  Json doc = Document();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  // The routes of the auth brief (issue 5 §2), with their methods.
  const std::map<std::string, std::set<std::string>> expected = {
      {"/api/v1/login", {"post"}},
      {"/api/v1/me", {"get"}},
      {"/api/v1/picture", {"get"}},
      {"/api/v1/export", {"get"}},  // the lead's download variant of /api/v1/picture
      {"/api/v1/tracks/{id}", {"get"}},
      {"/api/v1/tracks/{id}/history", {"get"}},
      {"/api/v1/replay", {"get"}},
      {"/api/v1/search", {"get"}},
      {"/api/v1/sources", {"get"}},
      {"/api/v1/alerts", {"get"}},
      {"/api/v1/sensors", {"get"}},
      {"/api/v1/areas", {"get", "post"}},
      {"/api/v1/areas/{id}", {"delete"}},
      {"/api/v1/users", {"get", "post"}},
      {"/api/v1/tokens", {"get", "post"}},
      {"/api/v1/tokens/{id}", {"delete"}},
      {"/api/v1/health", {"get"}},
      {"/metrics", {"get"}},
      {"/api/v1/stream", {"get"}},
  };
  std::map<std::string, std::set<std::string>> actual;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      actual[path].insert(method);
      EXPECT_TRUE(operation.contains("responses")) << path << " " << method;
    }
  }
  EXPECT_EQ(actual, expected);
  Json format;
  for (const Json& parameter : doc["paths"]["/api/v1/picture"]["get"]["parameters"]) {
    if (parameter.value("name", "") == "format") format = parameter;
  }
  EXPECT_EQ(format["schema"]["enum"],
            Json::array({"json", "geojson", "kml", "csv", "cot", "canonical"}));
}

TEST(OpenApiTest, SecuritySchemes) {
  Json doc = Document();
  const Json& schemes = doc["components"]["securitySchemes"];
  EXPECT_EQ(schemes["basic"]["type"], "http");
  EXPECT_EQ(schemes["basic"]["scheme"], "basic");
  EXPECT_EQ(schemes["bearer"]["type"], "http");
  EXPECT_EQ(schemes["bearer"]["scheme"], "bearer");
  EXPECT_EQ(schemes["mutualTLS"]["type"], "mutualTLS");
  EXPECT_EQ(doc["security"].size(), 3u);
  // Only login and health are open.
  std::set<std::string> open;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (operation.contains("security") && operation["security"].empty()) open.insert(path);
    }
  }
  EXPECT_EQ(open, (std::set<std::string>{"/api/v1/login", "/api/v1/health"}));
}

TEST(OpenApiTest, ReferencesResolve) {
  Json doc = Document();
  std::vector<std::string> broken;
  CheckRefs(doc, doc, broken);
  EXPECT_TRUE(broken.empty()) << broken.front();
}

}  // namespace
}  // namespace biac::api
