#include "biac/formats/gmti/segments.h"

#include <cmath>
#include <utility>

namespace biac::formats::gmti {
namespace {

// A code -> name table; names are looked up linearly (the tables are small and only the JSON
// writer and the observation mapping use them).
struct CodeName {
  uint8_t code;
  std::string_view name;
};

template <size_t N>
std::string_view Lookup(const std::array<CodeName, N>& table, uint8_t code,
                        std::string_view otherwise) {
  for (const CodeName& entry : table) {
    if (entry.code == code) return entry.name;
  }
  return otherwise;
}

// S1 (AEDP-7 segment type table; Wireshark stanag4607_segment_vals).
constexpr std::array<CodeName, 14> kSegmentTypes{{
    {1, "mission"},
    {2, "dwell"},
    {3, "hrr"},
    {5, "job_definition"},
    {6, "free_text"},
    {7, "low_reflectivity_index"},
    {8, "group"},
    {9, "attached_target"},
    {10, "test_and_status"},
    {11, "system_specific"},
    {12, "processing_history"},
    {13, "platform_location"},
    {101, "job_request"},
    {102, "job_acknowledge"},
}};

// M3 (AEDP-7 edition 3 platform types; as listed by s4607 mission.erl, which names 36
// "mq_9_reaper", and Wireshark stanag4607_platform_vals for 0-39).
constexpr std::array<CodeName, 58> kPlatformTypes{{
    {0, "Unidentified"},
    {1, "ACS"},
    {2, "ARL-M"},
    {3, "Sentinel"},
    {4, "Rotary Wing Radar"},
    {5, "Global Hawk-Navy"},
    {6, "HORIZON"},
    {7, "E-8 (Joint STARS)"},
    {8, "P-3C"},
    {9, "Predator"},
    {10, "RADARSAT2"},
    {11, "U-2"},
    {12, "E-10"},
    {13, "UGS - Single"},
    {14, "UGS - Cluster"},
    {15, "Ground Based"},
    {16, "UAV-Army"},
    {17, "UAV-Marines"},
    {18, "UAV-Navy"},
    {19, "UAV-Air Force"},
    {20, "Global Hawk-Air Force"},
    {21, "Global Hawk-Australia"},
    {22, "Global Hawk-Germany"},
    {23, "Paul Revere"},
    {24, "Mariner UAV"},
    {25, "BAC-111"},
    {26, "Coyote"},
    {27, "King Air"},
    {28, "LIMIT"},
    {29, "NRL NP-3B"},
    {30, "SOSTAR-X"},
    {31, "WatchKeeper"},
    {32, "Alliance Ground Surveillance (AGS) (A321)"},
    {33, "Stryker"},
    {34, "AGS (HALE UAV)"},
    {35, "SIDM"},
    {36, "MQ-9 Reaper"},
    {37, "Warrior A"},
    {38, "Warrior"},
    {39, "Twin Otter"},
    {40, "LEMV"},
    {41, "P-8A Poseidon"},
    {42, "A160"},
    {43, "MQ-1C Gray Eagle"},
    {44, "RQ-7C Shadow"},
    {45, "PGSS"},
    {46, "PDTS"},
    {47, "LRAS-3"},
    {48, "RAID Tower"},
    {49, "Heron"},
    {50, "Scan Eagle"},
    {51, "Fire Scout"},
    {52, "F-35 Joint Strike Fighter"},
    {53, "S-61 Sea King"},
    {54, "Lynx Wildcat"},
    {55, "Merlin"},
    {56, "SDT"},
    {255, "Other"},
}};

// J2 (Wireshark stanag4607_sensor_vals; s4607 job_def.erl).
constexpr std::array<CodeName, 29> kSensorTypes{{
    {0, "Unidentified"},
    {1, "Other"},
    {2, "HiSAR"},
    {3, "ASTOR"},
    {4, "Rotary Wing Radar"},
    {5, "Global Hawk Sensor"},
    {6, "HORIZON"},
    {7, "APY-3"},
    {8, "APY-6"},
    {9, "APY-8 (Lynx I)"},
    {10, "RADARSAT2"},
    {11, "ASARS-2A"},
    {12, "TESAR"},
    {13, "MP-RTIP"},
    {14, "APG-77"},
    {15, "APG-79"},
    {16, "APG-81"},
    {17, "APY-6v1"},
    {18, "DPY-1 (Lynx II)"},
    {19, "SIDM"},
    {20, "LIMIT"},
    {21, "TCAR (AGS A321)"},
    {22, "LSRS Sensor"},
    {23, "UGS Single Sensor"},
    {24, "UGS Cluster Sensor"},
    {25, "IMASTER GMTI"},
    {26, "AN/ZPY-1 (STARLite)"},
    {27, "VADER"},
    {255, "No Statement"},
}};

// D32.10 (AEDP-7 target classification table; Wireshark stanag4607_target_vals).
constexpr std::array<CodeName, 33> kClassifications{{
    {0, "no_information_live"},
    {1, "tracked_vehicle_live"},
    {2, "wheeled_vehicle_live"},
    {3, "rotary_wing_aircraft_live"},
    {4, "fixed_wing_aircraft_live"},
    {5, "stationary_rotator_live"},
    {6, "maritime_live"},
    {7, "beacon_live"},
    {8, "amphibious_live"},
    {9, "person_live"},
    {10, "vehicle_live"},
    {11, "animal_live"},
    {12, "large_multiple_return_live_land"},
    {13, "large_multiple_return_live_maritime"},
    {126, "other_live"},
    {127, "unknown_live"},
    {128, "no_information_simulated"},
    {129, "tracked_vehicle_simulated"},
    {130, "wheeled_vehicle_simulated"},
    {131, "rotary_wing_aircraft_simulated"},
    {132, "fixed_wing_aircraft_simulated"},
    {133, "stationary_rotator_simulated"},
    {134, "maritime_simulated"},
    {135, "beacon_simulated"},
    {136, "amphibious_simulated"},
    {137, "person_simulated"},
    {138, "vehicle_simulated"},
    {139, "animal_simulated"},
    {140, "large_multiple_return_simulated_land"},
    {141, "large_multiple_return_simulated_maritime"},
    {143, "tagging_device"},
    {254, "other_simulated"},
    {255, "unknown_simulated"},
}};

}  // namespace

std::string_view SegmentTypeName(uint8_t type) { return Lookup(kSegmentTypes, type, "reserved"); }
std::string_view PlatformTypeName(uint8_t type) {
  return Lookup(kPlatformTypes, type, "future use");
}
std::string_view SensorTypeName(uint8_t type) { return Lookup(kSensorTypes, type, "future use"); }
std::string_view TargetClassificationName(uint8_t classification) {
  return Lookup(kClassifications, classification, "reserved");
}

}  // namespace biac::formats::gmti

namespace biac::formats::gmti {

double NormalizeLongitude(double lon_deg) {
  double lon = std::fmod(lon_deg + 180.0, 360.0);
  if (lon < 0) lon += 360.0;
  return lon - 180.0;
}

bool ReportPosition(const DwellSegment& dwell, const TargetReport& report, double& lat_deg,
                    double& lon_deg) {
  if (dwell.Has(TargetField::kHiResLat) && dwell.Has(TargetField::kHiResLon)) {
    lat_deg = report.Value(TargetField::kHiResLat);
    lon_deg = NormalizeLongitude(report.Value(TargetField::kHiResLon));
    return true;
  }
  if (dwell.Has(TargetField::kDeltaLat) && dwell.Has(TargetField::kDeltaLon) &&
      dwell.Has(DwellField::kLatScaleFactor) && dwell.Has(DwellField::kLonScaleFactor)) {
    // AEDP-7 D32.4/D32.5: integer multiples of the scale factors from the dwell area centre.
    lat_deg = dwell.Value(DwellField::kDwellCenterLat) +
              static_cast<double>(report.Raw(TargetField::kDeltaLat)) *
                  dwell.Value(DwellField::kLatScaleFactor);
    lon_deg = NormalizeLongitude(dwell.Value(DwellField::kDwellCenterLon) +
                                 static_cast<double>(report.Raw(TargetField::kDeltaLon)) *
                                     dwell.Value(DwellField::kLonScaleFactor));
    return true;
  }
  return false;
}

}  // namespace biac::formats::gmti
