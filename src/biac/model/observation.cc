#include "biac/model/observation.h"

namespace biac::model {

std::string_view SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kAis: return "ais";
    case SourceKind::kAdsb: return "adsb";
    case SourceKind::kAsterix: return "asterix";
    case SourceKind::kCot: return "cot";
    case SourceKind::kKlv: return "klv";
    case SourceKind::kGmti: return "gmti";
    case SourceKind::kSimulation: return "simulation";
    case SourceKind::kPartner: return "partner";
  }
  return "unknown";
}

std::string_view ObservationKindName(ObservationKind kind) {
  switch (kind) {
    case ObservationKind::kSelfReport: return "self_report";
    case ObservationKind::kDetection: return "detection";
    case ObservationKind::kSystemTrack: return "system_track";
    case ObservationKind::kSensorPoint: return "sensor_point";
  }
  return "unknown";
}

}  // namespace biac::model
