#include "biac/api/export/export.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "biac/base/number_format.h"
#include "biac/base/xml.h"
#include "biac/labels/label.h"
#include "biac/model/picture_json.h"

namespace biac::api {
namespace {

using model::Domain;
using model::FusedTrack;

constexpr double kRadiansToDegrees = 180.0 / 3.14159265358979323846;
constexpr double kFullCircleDeg = 360.0;
// CoT's "unknown" for hae, ce, le (Event-PUBLIC.xsd point; TAK cotevent.proto comments).
constexpr double kCotUnknown = 9999999.0;
constexpr std::string_view kCotHowFused = "m-f";  // CoT how: machine, fused
constexpr std::string_view kUnlabelledAccess = "UNLABELLED";
// Timestamp::ToIso8601 is "YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ"; CoT producers (ATAK, TAK
// Server) write milliseconds, so CoT times keep the first 23 characters.
constexpr size_t kIsoMillisecondsLength = 23;
constexpr size_t kIcaoHexDigits = 6;
constexpr size_t kMode3aOctalDigits = 4;
// CSV cells a spreadsheet would run as a formula (OWASP "CSV Injection") start with these;
// free-text cells that do are written with a leading apostrophe.
constexpr std::string_view kFormulaStarts = "=+-@\t\r";

// ---- Text ------------------------------------------------------------------------------

// Character data or a double-quoted attribute value, well-formed XML 1.0: what XML cannot
// carry becomes U+FFFD (base/xml.h).
void AppendXml(std::string& out, std::string_view text, XmlPlace place) {
  AppendXmlEscaped(out, text, place, XmlNonCharacters::kReplace);
}

void AppendAttribute(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendXml(out, value, XmlPlace::kAttribute);
  out += '"';
}

void AppendAttribute(std::string& out, std::string_view name, double value) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendShortest(out, value);
  out += '"';
}

// Valid UTF-8 with every invalid sequence replaced by U+FFFD.
std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t c = 0;
    size_t n = Utf8Sequence(text, i, c);
    if (n == 0) {
      out += kUtf8Replacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

// ---- Track values ----------------------------------------------------------------------

double SpeedMps(const FusedTrack& t) { return std::hypot(t.velocity_enu.x(), t.velocity_enu.y()); }

// Degrees clockwise from true north, [0, 360); 0 when the track stands still.
double CourseDeg(const FusedTrack& t) {
  if (SpeedMps(t) == 0.0) return 0.0;
  double deg = std::atan2(t.velocity_enu.x(), t.velocity_enu.y()) * kRadiansToDegrees;
  if (deg < 0.0) deg += kFullCircleDeg;
  return deg >= kFullCircleDeg ? 0.0 : deg;
}

std::string IcaoHex(uint32_t address) {
  std::array<char, 16> buffer{};
  int n = std::snprintf(buffer.data(), buffer.size(), "%0*x", static_cast<int>(kIcaoHexDigits),
                        address);
  return std::string(buffer.data(), static_cast<size_t>(n));
}

std::string Mode3aOctal(uint16_t code) {
  std::array<char, 16> buffer{};
  int n = std::snprintf(buffer.data(), buffer.size(), "%0*o", static_cast<int>(kMode3aOctalDigits),
                        static_cast<unsigned>(code));
  return std::string(buffer.data(), static_cast<size_t>(n));
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string TrackNumbers(const model::TrackIdentity& identity) {
  std::string out;
  for (const model::SourceTrackNumber& n : identity.track_numbers) {
    if (!out.empty()) out += ' ';
    out += n.source + ":" + std::to_string(n.number);
  }
  return out;
}

std::string CotTime(Timestamp t) {
  std::string iso = t.ToIso8601();
  if (iso.size() > kIsoMillisecondsLength && iso.back() == 'Z') {
    iso.resize(kIsoMillisecondsLength);
    iso += 'Z';
  }
  return iso;
}

// ---- CoT type --------------------------------------------------------------------------

// "a-<affiliation>-<dimension>[-<function char>...]" with the affiliations and battle
// dimensions of formats/cot/symbol.h (CoT convention; MIL-STD-2525B Appendix A).
bool IsCotAtomType(std::string_view type) {
  constexpr std::string_view kAffiliations = "pufanshjkox";
  constexpr std::string_view kDimensions = "PAGSUFXZ";
  constexpr size_t kDimensionAt = 4;  // "a-f-G": 'G' at index 4
  if (type.size() < kDimensionAt + 1 || type[0] != 'a' || type[1] != '-' || type[3] != '-') {
    return false;
  }
  if (kAffiliations.find(type[2]) == std::string_view::npos) return false;
  if (kDimensions.find(type[kDimensionAt]) == std::string_view::npos) return false;
  // Then pairs "-X", X one letter or digit.
  std::string_view rest = type.substr(kDimensionAt + 1);
  if (rest.size() % 2 != 0) return false;
  for (size_t i = 0; i < rest.size(); i += 2) {
    char c = rest[i + 1];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (rest[i] != '-' || !alnum) return false;
  }
  return true;
}

std::string CotType(const FusedTrack& t) {
  if (IsCotAtomType(t.category)) return t.category;
  switch (t.domain) {
    case Domain::kSea:
      return "a-u-S";
    case Domain::kAir:
      return "a-u-A";
    case Domain::kLand:
      return "a-u-G";
    case Domain::kSpace:
      return "a-u-P";
    case Domain::kUnknown:
      break;
  }
  return "a-u-Z";
}

std::string Uid(const FusedTrack& t, const ExportContext& c) {
  return "biac." + c.node_name + "." + std::to_string(t.id);
}

std::string Callsign(const FusedTrack& t, const ExportContext& c) {
  if (!t.identity.callsign.empty()) return t.identity.callsign;
  if (!t.identity.name.empty()) return t.identity.name;
  if (t.identity.mmsi) return "MMSI " + std::to_string(*t.identity.mmsi);
  if (t.identity.icao_address) return "ICAO " + IcaoHex(*t.identity.icao_address);
  return Uid(t, c);
}

// ---- Formats ---------------------------------------------------------------------------

std::string GeoJson(const model::Picture& picture, const ExportContext& context) {
  using Json = nlohmann::ordered_json;
  Json features = Json::array();
  for (const FusedTrack& t : picture.tracks) {
    Json coordinates = Json::array({t.position.longitude_deg, t.position.latitude_deg});
    if (t.has_altitude) coordinates.push_back(t.position.altitude_m);
    Json p;
    p["id"] = t.id;
    p["time"] = t.time.ToIso8601();
    p["label"] = labels::Render(t.label);
    if (t.identity.mmsi) p["mmsi"] = *t.identity.mmsi;
    if (t.identity.icao_address) p["icao_address"] = IcaoHex(*t.identity.icao_address);
    if (t.identity.mode3a) p["mode3a"] = Mode3aOctal(*t.identity.mode3a);
    if (!t.identity.callsign.empty()) p["callsign"] = t.identity.callsign;
    if (!t.identity.name.empty()) p["name"] = t.identity.name;
    if (!t.identity.track_numbers.empty()) {
      Json numbers = Json::array();
      for (const auto& n : t.identity.track_numbers) {
        numbers.push_back({{"source", n.source}, {"number", n.number}});
      }
      p["track_numbers"] = std::move(numbers);
    }
    p["domain"] = model::DomainName(t.domain);
    p["category"] = t.category;
    p["speed_mps"] = SpeedMps(t);
    p["course_deg"] = CourseDeg(t);
    p["altitude_m"] = t.has_altitude ? Json(t.position.altitude_m) : Json(nullptr);
    p["sources"] = t.sources;
    Json feature;
    feature["type"] = "Feature";
    feature["id"] = t.id;
    feature["geometry"] = {{"type", "Point"}, {"coordinates", std::move(coordinates)}};
    feature["properties"] = std::move(p);
    features.push_back(std::move(feature));
  }
  Json collection;
  collection["type"] = "FeatureCollection";
  // Foreign members (RFC 7946 §6.1): where and when the picture was taken.
  collection["node"] = context.node_name;
  collection["time"] = picture.time.ToIso8601();
  collection["features"] = std::move(features);
  // error_handler_t::replace: invalid UTF-8 becomes U+FFFD instead of throwing.
  return collection.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void AppendKmlData(std::string& out, std::string_view name, std::string_view value) {
  out += "<Data";
  AppendAttribute(out, "name", name);
  out += "><value>";
  AppendXml(out, value, XmlPlace::kText);
  out += "</value></Data>";
}

std::string Kml(const model::Picture& picture, const ExportContext& context) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>";
  AppendXml(out, "biac " + context.node_name + " " + picture.time.ToIso8601(), XmlPlace::kText);
  out += "</name>\n";
  for (const FusedTrack& t : picture.tracks) {
    const std::string label = labels::Render(t.label);
    // Element order: OGC 07-147r2 §9.1 (Feature: name, description, TimePrimitive,
    // ExtendedData) then §9.11 Placemark's Geometry.
    out += "<Placemark";
    AppendAttribute(out, "id", "track-" + std::to_string(t.id));
    out += "><name>";
    AppendXml(out, Callsign(t, context), XmlPlace::kText);
    out += "</name><description>";
    AppendXml(out, label, XmlPlace::kText);
    out += "</description><TimeStamp><when>" + t.time.ToIso8601() + "</when></TimeStamp>";
    out += "<ExtendedData>";
    AppendKmlData(out, "label", label);
    AppendKmlData(out, "id", std::to_string(t.id));
    if (t.identity.mmsi) AppendKmlData(out, "mmsi", std::to_string(*t.identity.mmsi));
    if (t.identity.icao_address) {
      AppendKmlData(out, "icao_address", IcaoHex(*t.identity.icao_address));
    }
    if (t.identity.mode3a) AppendKmlData(out, "mode3a", Mode3aOctal(*t.identity.mode3a));
    if (!t.identity.callsign.empty()) AppendKmlData(out, "callsign", t.identity.callsign);
    if (!t.identity.name.empty()) AppendKmlData(out, "name", t.identity.name);
    if (!t.identity.track_numbers.empty()) {
      AppendKmlData(out, "track_numbers", TrackNumbers(t.identity));
    }
    AppendKmlData(out, "domain", model::DomainName(t.domain));
    AppendKmlData(out, "category", t.category);
    AppendKmlData(out, "speed_mps", FormatShortest(SpeedMps(t)));
    AppendKmlData(out, "course_deg", FormatShortest(CourseDeg(t)));
    AppendKmlData(out, "sources", Join(t.sources, " "));
    out += "</ExtendedData><Point>";
    // With an altitude: "absolute" (KML 2.2 §16.1.1.2). The altitude written is biac's
    // height above the WGS-84 ellipsoid (docs/api-export.md: KML reads it as above sea level).
    if (t.has_altitude) out += "<altitudeMode>absolute</altitudeMode>";
    out += "<coordinates>";
    AppendShortest(out, t.position.longitude_deg);
    out += ',';
    AppendShortest(out, t.position.latitude_deg);
    if (t.has_altitude) {
      out += ',';
      AppendShortest(out, t.position.altitude_m);
    }
    out += "</coordinates></Point></Placemark>\n";
  }
  out += "</Document></kml>\n";
  return out;
}

enum class CsvCell { kNumber, kText, kQuoted };

// RFC 4180 §2 (6)-(7): a field with a comma, quote or line break is quoted, quotes doubled.
void AppendCsv(std::string& out, std::string_view value, CsvCell kind) {
  std::string text = ValidUtf8(value);
  if (kind != CsvCell::kNumber && !text.empty() &&
      kFormulaStarts.find(text.front()) != std::string_view::npos) {
    text.insert(text.begin(), '\'');
  }
  bool quote = kind == CsvCell::kQuoted || text.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

constexpr std::array<std::string_view, 17> kCsvColumns = {
    "id",         "time",   "latitude_deg",  "longitude_deg", "altitude_m",   "speed_mps",
    "course_deg", "domain", "category",      "mmsi",          "icao_address", "mode3a",
    "callsign",   "name",   "track_numbers", "sources",       "label"};

std::string Csv(const model::Picture& picture) {
  constexpr std::string_view kLineEnd = "\r\n";  // RFC 4180 §2 (1)
  std::string out;
  for (size_t i = 0; i < kCsvColumns.size(); ++i) {
    if (i > 0) out += ',';
    out += kCsvColumns[i];
  }
  out += kLineEnd;
  for (const FusedTrack& t : picture.tracks) {
    auto number = [&](const std::string& v) {
      AppendCsv(out, v, CsvCell::kNumber);
      out += ',';
    };
    auto text = [&](std::string_view v) {
      AppendCsv(out, v, CsvCell::kText);
      out += ',';
    };
    number(std::to_string(t.id));
    number(t.time.ToIso8601());
    number(FormatShortest(t.position.latitude_deg));
    number(FormatShortest(t.position.longitude_deg));
    number(t.has_altitude ? FormatShortest(t.position.altitude_m) : "");
    number(FormatShortest(SpeedMps(t)));
    number(FormatShortest(CourseDeg(t)));
    number(std::string(model::DomainName(t.domain)));
    text(t.category);
    number(t.identity.mmsi ? std::to_string(*t.identity.mmsi) : "");
    number(t.identity.icao_address ? IcaoHex(*t.identity.icao_address) : "");
    number(t.identity.mode3a ? Mode3aOctal(*t.identity.mode3a) : "");
    text(t.identity.callsign);
    text(t.identity.name);
    text(TrackNumbers(t.identity));
    text(Join(t.sources, " "));
    AppendCsv(out, labels::Render(t.label), CsvCell::kQuoted);
    out += kLineEnd;
  }
  return out;
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  for (ExportFormat f : {ExportFormat::kJson, ExportFormat::kGeoJson, ExportFormat::kKml,
                         ExportFormat::kCsv, ExportFormat::kCot}) {
    if (ExportFormatName(f) == name) return f;
  }
  std::string shown(name.substr(0, 32));
  std::replace_if(
      shown.begin(), shown.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, '?');
  return InvalidArgument("format '" + shown + "': not one of json, geojson, kml, csv, cot");
}

std::string_view ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJson:
      return "json";
    case ExportFormat::kGeoJson:
      return "geojson";
    case ExportFormat::kKml:
      return "kml";
    case ExportFormat::kCsv:
      return "csv";
    case ExportFormat::kCot:
      return "cot";
  }
  return "json";
}

std::string_view ContentType(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJson:
      return "application/json";
    case ExportFormat::kGeoJson:
      return "application/geo+json";
    case ExportFormat::kKml:
      return "application/vnd.google-earth.kml+xml";
    case ExportFormat::kCsv:
      return "text/csv; charset=utf-8";
    case ExportFormat::kCot:
      return "application/xml";
  }
  return "application/octet-stream";
}

std::string_view FileExtension(ExportFormat format) { return ExportFormatName(format); }

std::string TrackToCotEvent(const FusedTrack& t, const ExportContext& context) {
  const std::string now = CotTime(context.now);
  const std::string stale = CotTime(context.now + FromSeconds(context.stale_after_s));
  std::string out = "<event";
  AppendAttribute(out, "version", "2.0");
  AppendAttribute(out, "uid", Uid(t, context));
  AppendAttribute(out, "type", CotType(t));
  AppendAttribute(out, "how", kCotHowFused);
  AppendAttribute(out, "time", now);
  AppendAttribute(out, "start", now);
  AppendAttribute(out, "stale", stale);
  // Security marking: TAK's event attributes access / caveat / releasableTo (TAK Server
  // cotevent.proto, CotEvent fields 2, 16, 17: TAK-Product-Center/Server
  // src/testing/nats-client/src/main/proto/cotevent.proto; the XML attribute is spelled
  // "releasableTo", the proto field "releaseableTo"). Their form is the one
  // formats/cot/marking.h reads back (docs/formats/cot.md "Labels").
  if (t.label.unlabelled()) {
    AppendAttribute(out, "access", kUnlabelledAccess);
  } else {
    AppendAttribute(out, "access", labels::LevelName(t.label.level()));
    std::vector<std::string> controls = t.label.sci();
    controls.insert(controls.end(), t.label.caveats().begin(), t.label.caveats().end());
    if (!controls.empty()) AppendAttribute(out, "caveat", Join(controls, " "));
    if (!t.label.releasable_to_all()) {
      AppendAttribute(out, "releasableTo", Join(t.label.releasable_to(), " "));
    }
  }
  out += "><point";
  AppendAttribute(out, "lat", t.position.latitude_deg);
  AppendAttribute(out, "lon", t.position.longitude_deg);
  AppendAttribute(out, "hae", t.has_altitude ? t.position.altitude_m : kCotUnknown);
  const double horizontal = 0.5 * (t.covariance(0, 0) + t.covariance(1, 1));
  const double vertical = t.covariance(2, 2);
  AppendAttribute(
      out, "ce", std::isfinite(horizontal) && horizontal > 0 ? std::sqrt(horizontal) : kCotUnknown);
  AppendAttribute(out, "le",
                  t.has_altitude && std::isfinite(vertical) && vertical > 0 ? std::sqrt(vertical)
                                                                            : kCotUnknown);
  out += "/><detail><track";
  AppendAttribute(out, "course", CourseDeg(t));
  AppendAttribute(out, "speed", SpeedMps(t));
  out += "/><contact";
  AppendAttribute(out, "callsign", Callsign(t, context));
  out += "/><remarks>";
  AppendXml(out, labels::Render(t.label), XmlPlace::kText);
  out += "</remarks></detail></event>";
  return out;
}

std::string ExportPicture(const model::Picture& picture, ExportFormat format,
                          const ExportContext& context) {
  switch (format) {
    case ExportFormat::kJson:
      return model::PictureToJson(picture);
    case ExportFormat::kGeoJson:
      return GeoJson(picture, context);
    case ExportFormat::kKml:
      return Kml(picture, context);
    case ExportFormat::kCsv:
      return Csv(picture);
    case ExportFormat::kCot:
      break;
  }
  std::string out;
  for (const FusedTrack& t : picture.tracks) {
    out += TrackToCotEvent(t, context);
    out += '\n';
  }
  return out;
}

}  // namespace biac::api
