#include "biac/api/export/export.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "biac/base/csv.h"
#include "biac/labels/label.h"
#include "biac/model/picture_json.h"

namespace biac::api {
namespace {

const Timestamp kNow = Timestamp::FromNanos(1'717'200'000'000'000'000);  // 2024-06-01T00:00Z

labels::Label L(std::string_view text) { return labels::Parse(text).value(); }

// Three tracks whose expected outputs are worked out by hand below.
model::Picture TestPicture() {
  model::Picture picture;
  picture.time = kNow;

  model::FusedTrack ship;  // velocity (3, 4) m/s: speed 5, course atan2(3, 4) = 36.8699 deg
  ship.id = 1;
  ship.time = kNow - std::chrono::seconds(2);
  ship.position = {35.25, 139.625, 0.0};
  ship.velocity_enu = Eigen::Vector3d(3, 4, 0);
  ship.covariance(0, 0) = 64;  // ce = sqrt((64 + 136) / 2) = 10
  ship.covariance(1, 1) = 136;
  ship.identity.mmsi = 431000001;
  ship.identity.name = "MARU \"7\", <&>";
  ship.identity.callsign = "=HYPERLINK(1)";
  ship.domain = model::Domain::kSea;
  ship.category = "70";
  ship.label = L("SECRET//REL TO USA, JPN");
  ship.sources = {"ais-jp", "radar-us"};
  picture.tracks.push_back(ship);

  model::FusedTrack air;  // velocity (-100, 0): course 270
  air.id = 2;
  air.time = kNow;
  air.position = {34.5, 135.25, 10000};
  air.has_altitude = true;
  air.velocity_enu = Eigen::Vector3d(-100, 0, 0);
  air.covariance(0, 0) = 400;
  air.covariance(1, 1) = 400;  // ce 20
  air.covariance(2, 2) = 25;   // le 5
  air.identity.icao_address = 0x86d5a4;
  air.identity.mode3a = 04321;
  air.identity.callsign = "JAL123";
  air.identity.track_numbers = {{"cat062-us", 4711}};
  air.domain = model::Domain::kAir;
  air.category = "a-f-A-C-F";
  air.label = L("TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY");
  air.sources = {"adsb"};
  picture.tracks.push_back(air);

  model::FusedTrack other;  // unclassified, no identity; control char and bad UTF-8 in name
  other.id = 3;
  other.time = kNow;
  other.position = {-1.5, -70.75, 0};
  other.identity.name = std::string("bad\x01name\xff");
  other.label = L("UNCLASSIFIED");
  other.sources = {"manual"};
  picture.tracks.push_back(other);
  return picture;
}

ExportContext Context() { return {"node-a", kNow, 60}; }

TEST(ExportFormatTest, Names) {
  EXPECT_EQ(ParseExportFormat("geojson").value(), ExportFormat::kGeoJson);
  EXPECT_EQ(ParseExportFormat("cot").value(), ExportFormat::kCot);
  EXPECT_FALSE(ParseExportFormat("GeoJSON").ok());
  EXPECT_FALSE(ParseExportFormat("xml").ok());
  EXPECT_EQ(ContentType(ExportFormat::kGeoJson), "application/geo+json");
  EXPECT_EQ(ContentType(ExportFormat::kKml), "application/vnd.google-earth.kml+xml");
  EXPECT_EQ(ContentType(ExportFormat::kCsv), "text/csv; charset=utf-8");
  EXPECT_EQ(FileExtension(ExportFormat::kKml), "kml");
}

TEST(ExportTest, JsonIsTheCanonicalPicture) {
  model::Picture p = TestPicture();
  EXPECT_EQ(ExportPicture(p, ExportFormat::kJson, Context()), model::PictureToJson(p));
}

TEST(ExportTest, GeoJson) {
  std::string text = ExportPicture(TestPicture(), ExportFormat::kGeoJson, Context());
  nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["type"], "FeatureCollection");
  ASSERT_EQ(j["features"].size(), 3u);
  const nlohmann::json& ship = j["features"][0];
  EXPECT_EQ(ship["type"], "Feature");
  EXPECT_EQ(ship["geometry"]["type"], "Point");
  EXPECT_EQ(ship["geometry"]["coordinates"], nlohmann::json::array({139.625, 35.25}));
  const nlohmann::json& p = ship["properties"];
  EXPECT_EQ(p["id"], 1);
  EXPECT_EQ(p["time"], "2024-05-31T23:59:58.000000000Z");
  EXPECT_EQ(p["label"], "SECRET//REL TO USA, JPN");
  EXPECT_EQ(p["mmsi"], 431000001);
  EXPECT_EQ(p["name"], "MARU \"7\", <&>");
  EXPECT_EQ(p["domain"], "sea");
  EXPECT_EQ(p["category"], "70");
  EXPECT_DOUBLE_EQ(p["speed_mps"].get<double>(), 5.0);
  EXPECT_NEAR(p["course_deg"].get<double>(), 36.869898, 1e-6);
  EXPECT_TRUE(p["altitude_m"].is_null());
  EXPECT_EQ(p["sources"], nlohmann::json::array({"ais-jp", "radar-us"}));
  const nlohmann::json& air = j["features"][1];
  EXPECT_EQ(air["geometry"]["coordinates"], nlohmann::json::array({135.25, 34.5, 10000}));
  EXPECT_EQ(air["properties"]["icao_address"], "86d5a4");
  EXPECT_EQ(air["properties"]["mode3a"], "4321");
  EXPECT_EQ(air["properties"]["course_deg"], 270);
  EXPECT_EQ(air["properties"]["track_numbers"][0]["number"], 4711);
  EXPECT_EQ(air["properties"]["label"], "TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY");
  // Invalid UTF-8 became U+FFFD; the control character is escaped by JSON itself.
  EXPECT_EQ(j["features"][2]["properties"]["name"], "bad\x01name\xEF\xBF\xBD");
  for (const auto& f : j["features"]) EXPECT_TRUE(f["properties"].contains("label"));
}

TEST(ExportTest, Kml) {
  std::string text = ExportPicture(TestPicture(), ExportFormat::kKml, Context());
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(text.c_str());
  ASSERT_TRUE(parsed) << parsed.description() << " at " << parsed.offset;
  pugi::xml_node kml = doc.child("kml");
  EXPECT_STREQ(kml.attribute("xmlns").value(), "http://www.opengis.net/kml/2.2");
  std::vector<pugi::xml_node> placemarks;
  for (pugi::xml_node p : kml.child("Document").children("Placemark")) placemarks.push_back(p);
  ASSERT_EQ(placemarks.size(), 3u);
  auto data = [](pugi::xml_node placemark, const char* name) {
    return std::string(placemark.child("ExtendedData")
                           .find_child_by_attribute("Data", "name", name)
                           .child_value("value"));
  };
  EXPECT_STREQ(placemarks[0].attribute("id").value(), "track-1");
  EXPECT_STREQ(placemarks[0].child_value("name"), "=HYPERLINK(1)");
  EXPECT_EQ(data(placemarks[0], "label"), "SECRET//REL TO USA, JPN");
  EXPECT_EQ(data(placemarks[0], "name"), "MARU \"7\", <&>");
  EXPECT_EQ(data(placemarks[0], "speed_mps"), "5");
  EXPECT_STREQ(placemarks[0].child("Point").child_value("coordinates"), "139.625,35.25");
  EXPECT_STREQ(placemarks[0].child("TimeStamp").child_value("when"),
               "2024-05-31T23:59:58.000000000Z");
  EXPECT_STREQ(placemarks[1].child("Point").child_value("coordinates"), "135.25,34.5,10000");
  EXPECT_STREQ(placemarks[1].child("Point").child_value("altitudeMode"), "absolute");
  EXPECT_EQ(data(placemarks[1], "label"), "TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY");
  EXPECT_EQ(data(placemarks[1], "track_numbers"), "cat062-us:4711");
  // Control character and invalid byte: U+FFFD each (XML 1.0 cannot carry U+0001).
  EXPECT_EQ(data(placemarks[2], "name"), "bad\xEF\xBF\xBDname\xEF\xBF\xBD");
  EXPECT_EQ(data(placemarks[2], "label"), "UNCLASSIFIED");
}

TEST(ExportTest, Csv) {
  std::string text = ExportPicture(TestPicture(), ExportFormat::kCsv, Context());
  // RFC 4180: CRLF; the label column always quoted.
  EXPECT_NE(text.find(",\"SECRET//REL TO USA, JPN\"\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find(",\"UNCLASSIFIED\"\r\n"), std::string::npos);
  Result<CsvReader> reader = CsvReader::FromString(text, "export.csv");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->columns().front(), "id");
  EXPECT_EQ(reader->columns().back(), "label");
  size_t label = reader->Column("label").value();
  size_t name = reader->Column("name").value();
  size_t callsign = reader->Column("callsign").value();
  size_t course = reader->Column("course_deg").value();
  size_t altitude = reader->Column("altitude_m").value();
  size_t icao = reader->Column("icao_address").value();
  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(reader
                  ->ForEachRow([&](const CsvRow& row) {
                    std::vector<std::string> fields;
                    for (size_t i = 0; i < row.size(); ++i) fields.emplace_back(row.field(i));
                    rows.push_back(std::move(fields));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].size(), 17u);
  EXPECT_EQ(rows[0][label], "SECRET//REL TO USA, JPN");
  EXPECT_EQ(rows[0][name], "MARU \"7\", <&>");
  EXPECT_EQ(rows[0][callsign], "'=HYPERLINK(1)");  // neutralised formula
  EXPECT_EQ(rows[0][altitude], "");
  EXPECT_EQ(rows[1][course], "270");
  EXPECT_EQ(rows[1][altitude], "10000");
  EXPECT_EQ(rows[1][icao], "86d5a4");
  EXPECT_EQ(rows[1][label], "TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY");
  EXPECT_EQ(rows[2][name], "bad\x01name\xEF\xBF\xBD");
}

TEST(ExportTest, CotEvents) {
  std::string text = ExportPicture(TestPicture(), ExportFormat::kCot, Context());
  std::istringstream lines(text);
  std::vector<std::string> events;
  for (std::string line; std::getline(lines, line);) events.push_back(line);
  ASSERT_EQ(events.size(), 3u);

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(events[0].c_str()));
  pugi::xml_node e = doc.child("event");
  EXPECT_STREQ(e.attribute("version").value(), "2.0");
  EXPECT_STREQ(e.attribute("uid").value(), "biac.node-a.1");
  EXPECT_STREQ(e.attribute("type").value(), "a-u-S");
  EXPECT_STREQ(e.attribute("how").value(), "m-f");
  EXPECT_STREQ(e.attribute("time").value(), "2024-06-01T00:00:00.000Z");
  EXPECT_STREQ(e.attribute("start").value(), "2024-06-01T00:00:00.000Z");
  EXPECT_STREQ(e.attribute("stale").value(), "2024-06-01T00:01:00.000Z");
  EXPECT_STREQ(e.attribute("access").value(), "SECRET");
  EXPECT_STREQ(e.attribute("releasableTo").value(), "JPN USA");
  EXPECT_TRUE(e.attribute("caveat").empty());
  pugi::xml_node point = e.child("point");
  EXPECT_DOUBLE_EQ(point.attribute("lat").as_double(), 35.25);
  EXPECT_DOUBLE_EQ(point.attribute("lon").as_double(), 139.625);
  EXPECT_DOUBLE_EQ(point.attribute("hae").as_double(), 9999999);
  EXPECT_DOUBLE_EQ(point.attribute("ce").as_double(), 10);
  EXPECT_DOUBLE_EQ(point.attribute("le").as_double(), 9999999);
  pugi::xml_node detail = e.child("detail");
  EXPECT_DOUBLE_EQ(detail.child("track").attribute("speed").as_double(), 5);
  EXPECT_NEAR(detail.child("track").attribute("course").as_double(), 36.869898, 1e-6);
  EXPECT_STREQ(detail.child("contact").attribute("callsign").value(), "=HYPERLINK(1)");
  EXPECT_STREQ(detail.child_value("remarks"), "SECRET//REL TO USA, JPN");

  ASSERT_TRUE(doc.load_string(events[1].c_str()));
  e = doc.child("event");
  EXPECT_STREQ(e.attribute("type").value(), "a-f-A-C-F");  // the CoT category kept
  EXPECT_STREQ(e.attribute("access").value(), "TOP SECRET");
  EXPECT_STREQ(e.attribute("caveat").value(), "SI TK ORCON");
  EXPECT_STREQ(e.attribute("releasableTo").value(), "USA FVEY");
  EXPECT_DOUBLE_EQ(e.child("point").attribute("hae").as_double(), 10000);
  EXPECT_DOUBLE_EQ(e.child("point").attribute("ce").as_double(), 20);
  EXPECT_DOUBLE_EQ(e.child("point").attribute("le").as_double(), 5);
  EXPECT_DOUBLE_EQ(e.child("detail").child("track").attribute("course").as_double(), 270);
  EXPECT_STREQ(e.child("detail").child("contact").attribute("callsign").value(), "JAL123");

  ASSERT_TRUE(doc.load_string(events[2].c_str()));
  e = doc.child("event");
  EXPECT_STREQ(e.attribute("type").value(), "a-u-Z");
  EXPECT_STREQ(e.attribute("access").value(), "UNCLASSIFIED");
  EXPECT_TRUE(e.attribute("releasableTo").empty());                   // releasable to all
  EXPECT_STREQ(e.child("point").attribute("ce").value(), "9999999");  // no covariance
  EXPECT_STREQ(e.child("detail").child("contact").attribute("callsign").value(),
               "bad\xEF\xBF\xBDname\xEF\xBF\xBD");
}

TEST(ExportTest, CotEscapesAndFailsClosed) {
  model::FusedTrack t;
  t.id = 9;
  t.category = "a-f-G\"><x";  // not a CoT type: replaced, never echoed into the markup
  t.identity.callsign = "a\"b<c>&d\te";
  ExportContext context{"n\"<1>", kNow, 30};
  std::string event = TrackToCotEvent(t, context);  // default label: UNLABELLED
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(event.c_str())) << event;
  pugi::xml_node e = doc.child("event");
  EXPECT_STREQ(e.attribute("uid").value(), "biac.n\"<1>.9");
  EXPECT_STREQ(e.attribute("type").value(), "a-u-Z");
  EXPECT_STREQ(e.attribute("access").value(), "UNLABELLED");
  EXPECT_TRUE(e.attribute("releasableTo").empty());
  EXPECT_STREQ(e.attribute("stale").value(), "2024-06-01T00:00:30.000Z");
  EXPECT_STREQ(e.child("detail").child("contact").attribute("callsign").value(), "a\"b<c>&d\te");
  EXPECT_STREQ(e.child("detail").child_value("remarks"), "UNLABELLED");
}

}  // namespace
}  // namespace biac::api
