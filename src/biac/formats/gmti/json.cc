#include "biac/formats/gmti/json.h"

#include <fmt/format.h>

#include <string>

namespace biac::formats::gmti {
namespace {

using nlohmann::json;

void PutValue(const FieldSpec& field, int64_t raw, json& j) {
  if (field.is_integer()) {
    j[std::string(field.name)] = raw;
  } else {
    j[std::string(field.name)] = ScaledValue(field, raw);
  }
}

template <size_t Size, size_t N>
void PutFixed(const FixedRecord<Size>& record, const std::array<FieldSpec, N>& fields, json& j) {
  for (const FieldSpec& field : fields) {
    if (field.is_text()) {
      j[std::string(field.name)] = std::string(record.Text(field));
    } else {
      PutValue(field, record.Raw(field), j);
    }
  }
}

json DwellJson(const DwellSegment& d) {
  json j;
  j["existence_mask"] = fmt::format("{:016x}", d.existence_mask);
  for (size_t i = 0; i < dwell::kFieldCount; ++i) {
    const auto field = static_cast<DwellField>(i);
    if (d.Has(field)) PutValue(dwell::kFields[i], d.Raw(field), j);
  }
  json reports = json::array();
  for (const TargetReport& report : d.reports) {
    json r = json::object();
    for (size_t i = 0; i < target::kFieldCount; ++i) {
      const auto field = static_cast<TargetField>(i);
      if (d.Has(field)) PutValue(target::kFields[i], report.Raw(field), r);
    }
    if (d.Has(TargetField::kClassification)) {
      r["classification_name"] = std::string(
          TargetClassificationName(static_cast<uint8_t>(report.Raw(TargetField::kClassification))));
    }
    double lat = 0;
    double lon = 0;
    if (ReportPosition(d, report, lat, lon)) {
      r["lat_deg"] = lat;
      r["lon_deg"] = lon;
    }
    reports.push_back(std::move(r));
  }
  j["target_reports"] = std::move(reports);
  return j;
}

}  // namespace

json ToJson(const PacketHeader& header) {
  json j;
  PutFixed(header, packet_header::kFields, j);
  return j;
}

json ToJson(const Segment& segment) {
  struct Visitor {
    json operator()(const MissionSegment& s) const {
      json j;
      PutFixed(s, mission::kFields, j);
      j["platform_type_name"] =
          std::string(PlatformTypeName(static_cast<uint8_t>(s.Raw(mission::kPlatformType))));
      return j;
    }
    json operator()(const DwellSegment& s) const { return DwellJson(s); }
    json operator()(const JobDefinitionSegment& s) const {
      json j;
      PutFixed(s, job_definition::kFields, j);
      j["sensor_type_name"] =
          std::string(SensorTypeName(static_cast<uint8_t>(s.Raw(job_definition::kSensorType))));
      return j;
    }
    json operator()(const PlatformLocationSegment& s) const {
      json j;
      PutFixed(s, platform_location::kFields, j);
      return j;
    }
    json operator()(const FreeTextSegment& s) const {
      json j;
      j[std::string(free_text::kOriginator.name)] =
          std::string(s.fixed.Text(free_text::kOriginator));
      j[std::string(free_text::kRecipient.name)] = std::string(s.fixed.Text(free_text::kRecipient));
      j["text"] = std::string(s.text);
      return j;
    }
    json operator()(const OtherSegment& s) const {
      json j;
      j["payload_size"] = s.payload_size;
      j["decoded"] = false;
      return j;
    }
  };
  const uint8_t type = TypeOf(segment);
  json j = {{"segment_type", type}, {"segment_name", std::string(SegmentTypeName(type))}};
  j.update(std::visit(Visitor{}, segment));
  return j;
}

}  // namespace biac::formats::gmti
