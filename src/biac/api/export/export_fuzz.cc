// libFuzzer target for the export writers: hostile text (AIS names and callsigns are
// unauthenticated radio text; CoT categories and node names come from configuration and
// partners) must never break the markup. Input: fields separated by NUL bytes: callsign, name,
// category, node name, label text, then up to 16 bytes of numbers. Checked on every input:
// 1. KML and CoT parse as XML (pugixml); the CoT event has exactly the expected uid and a
//    type that is a CoT atom type; the KML label Data and the CoT remarks equal the label;
// 2. GeoJSON parses (nlohmann) and its label property equals the label;
// 3. CSV reads back (biac's CsvReader) as one header and one row of 17 fields, the label in
//    the last column;
// 4. where the callsign is valid UTF-8 without control characters, KML, CoT and GeoJSON give
//    it back unchanged.

#include "biac/api/export/export.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/csv.h"
#include "biac/labels/label.h"

namespace {

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "export_fuzz property failed: %s\n", what);
  std::abort();
}

std::vector<std::string_view> Split(std::string_view input, size_t fields) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < fields) {
    size_t nul = input.find('\0');
    if (nul == std::string_view::npos) break;
    out.push_back(input.substr(0, nul));
    input.remove_prefix(nul + 1);
  }
  out.push_back(input);
  out.resize(fields);
  return out;
}

// Valid UTF-8 (nlohmann's replacing dump changes nothing) without control characters or
// the non-characters U+FFFE, U+FFFF: text every format must give back unchanged.
bool PlainText(std::string_view text) {
  nlohmann::json j = std::string(text);
  nlohmann::json back = nlohmann::json::parse(
      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), nullptr, false);
  if (back.is_discarded() || back.get<std::string>() != text) return false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return text.find("\xEF\xBF\xBE") == std::string_view::npos &&
         text.find("\xEF\xBF\xBF") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> f = Split(input, 6);

  biac::model::FusedTrack t;
  t.id = 7;
  t.identity.callsign = std::string(f[0]);
  t.identity.name = std::string(f[1]);
  t.category = std::string(f[2]);
  auto label = biac::labels::Parse(f[4]);
  if (label.ok()) t.label = *label;
  double numbers[2] = {0, 0};
  if (!f[5].empty()) std::memcpy(numbers, f[5].data(), std::min(f[5].size(), sizeof numbers));
  t.position.latitude_deg = std::isfinite(numbers[0]) ? std::fmod(numbers[0], 90.0) : 0.0;
  t.position.longitude_deg = std::isfinite(numbers[1]) ? std::fmod(numbers[1], 180.0) : 0.0;
  t.velocity_enu = Eigen::Vector3d(numbers[0], numbers[1], 0);
  t.covariance(0, 0) = numbers[1];
  biac::model::Picture picture;
  picture.tracks.push_back(t);
  biac::api::ExportContext context{std::string(f[3]), biac::Timestamp(), 60};
  const std::string rendered = biac::labels::Render(t.label);
  const bool plain_callsign = !f[0].empty() && PlainText(f[0]);

  // 1. KML and CoT.
  std::string kml = biac::api::ExportPicture(picture, biac::api::ExportFormat::kKml, context);
  pugi::xml_document doc;
  // parse_ws_pcdata: keep whitespace-only text (a callsign " "), which pugixml drops by default.
  constexpr unsigned kParse = pugi::parse_default | pugi::parse_ws_pcdata;
  Check(doc.load_buffer(kml.data(), kml.size(), kParse), "KML parses");
  pugi::xml_node placemark = doc.child("kml").child("Document").child("Placemark");
  Check(!placemark.empty() && placemark.next_sibling("Placemark").empty(), "one Placemark");
  Check(placemark.child("ExtendedData")
                .find_child_by_attribute("Data", "name", "label")
                .child_value("value") == rendered,
        "KML label");
  if (plain_callsign) Check(placemark.child_value("name") == f[0], "KML name round trip");

  std::string cot = biac::api::TrackToCotEvent(t, context);
  Check(cot.find('\n') == std::string::npos, "one CoT event per line");
  pugi::xml_document event_doc;
  Check(event_doc.load_buffer(cot.data(), cot.size(), kParse), "CoT parses");
  pugi::xml_node event = event_doc.child("event");
  Check(event.next_sibling().empty(), "one event");
  std::string uid = "biac." + std::string(f[3]) + ".7";
  if (PlainText(f[3])) Check(event.attribute("uid").value() == uid, "CoT uid");
  std::string_view type = event.attribute("type").value();
  Check(type.size() >= 5 && type.substr(0, 2) == "a-", "CoT atom type");
  Check(event.child("detail").child_value("remarks") == rendered, "CoT remarks label");
  Check(!event.attribute("access").empty(), "CoT access always present");
  if (plain_callsign) {
    Check(event.child("detail").child("contact").attribute("callsign").value() == f[0],
          "CoT callsign round trip");
  }

  // 2. GeoJSON.
  std::string geojson =
      biac::api::ExportPicture(picture, biac::api::ExportFormat::kGeoJson, context);
  nlohmann::json j = nlohmann::json::parse(geojson, nullptr, false);
  Check(!j.is_discarded(), "GeoJSON parses");
  Check(j["features"].size() == 1, "one feature");
  Check(j["features"][0]["properties"]["label"] == rendered, "GeoJSON label");
  if (plain_callsign) {
    Check(j["features"][0]["properties"]["callsign"] == std::string(f[0]), "GeoJSON callsign");
  }

  // 3. CSV.
  std::string csv = biac::api::ExportPicture(picture, biac::api::ExportFormat::kCsv, context);
  biac::CsvOptions options;
  options.buffer_bytes = 4096;  // the default 1 MiB buffer per input slows the fuzzer down
  auto reader = biac::CsvReader::FromString(csv, "fuzz.csv", options);
  Check(reader.ok(), "CSV header reads");
  Check(reader->columns().size() == 17, "17 columns");
  auto more = reader->Next();
  Check(more.ok() && *more, "one CSV row");
  Check(reader->row().size() == 17, "17 fields");
  Check(reader->row().field(16) == rendered, "CSV label");
  auto end = reader->Next();
  Check(end.ok() && !*end, "nothing after the row");
  return 0;
}
