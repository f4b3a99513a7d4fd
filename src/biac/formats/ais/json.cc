#include "biac/formats/ais/json.h"

#include "biac/formats/common/hex.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace biac::formats::ais {
namespace {

using Json = nlohmann::ordered_json;

// gpsd's scalings (gpsd include/gps.h): positions of types 1-4, 9, 11, 18, 19, 21 in
// 1/10 000 min; types 17, 22, 23, 27 in 1/10 min.
constexpr double kLatLonDiv = 600000.0;
constexpr double kLatLonTenthMinuteDiv = 600.0;
constexpr double kTenth = 10.0;
// Decimals gpsd prints (%.7f for 1/10 000 min positions, %.4f type 27, %.1f type 17).
constexpr int kPositionDecimals = 7;
constexpr int kLongRangeDecimals = 4;
constexpr int kGnssDecimals = 1;

// ROT_AIS (M.1371-5 Table 45): ROT = (ROT_AIS / 4.733)^2 deg/min with the sign of ROT_AIS;
// -128 not available, +-127 turning faster than 5 deg per 30 s (no turn indicator).
constexpr int kTurnNotAvailable = 128;
constexpr int kTurnFastRight = 127;
constexpr int kTurnFastLeft = -127;
constexpr double kTurnScale = 4.733;
constexpr unsigned kSpeedNotAvailable = 1023;
constexpr unsigned kSpeedFast = 1022;
constexpr unsigned kAltNotAvailable = 4095;
constexpr unsigned kAltHigh = 4094;

// The double that prints as printf("%.<decimals>f") would (shortest round trip of it).
double Rounded(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
  return std::strtod(buf, nullptr);
}

std::string Printf(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, value);
  return buf;
}

std::string TwoDigits(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%02u", v);
  return buf;
}

constexpr std::array<std::string_view, 16> kNavigationStatus = {
    "Under way using engine",
    "At anchor",
    "Not under command",
    "Restricted maneuverability",
    "Constrained by her draught",
    "Moored",
    "Aground",
    "Engaged in fishing",
    "Under way sailing",
    "Reserved for HSC",
    "Reserved for WIG",
    "Power-driven vessel towing astern",
    "Power-driven vessel pushing ahead or towing alongside",
    "Reserved",
    "AIS-SART is active",
    "Not defined",
};

constexpr std::array<std::string_view, 16> kEpfd = {
    "Undefined",     "GPS",           "GLONASS",       "Combined GPS/GLONASS",
    "Loran-C",       "Chayka",        "Integrated navigation system",
    "Surveyed",      "Galileo",       "Reserved (9)",  "Reserved (10)",
    "Reserved (11)", "Reserved (12)", "Reserved (13)", "Reserved (14)",
    "Internal GNSS",
};

constexpr std::array<std::string_view, 16> kStationType = {
    "All types of mobiles",
    "Reserved for future use",
    "All types of Class B mobile stations",
    "SAR airborne mobile station",
    "Aid to Navigation station",
    "Class B shipborne mobile station",
    "Regional use and inland waterways",
    "Regional use and inland waterways",
    "Regional use and inland waterways",
    "Regional use and inland waterways",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
};

constexpr std::array<std::string_view, 32> kAidType = {
    "Unspecified",
    "Reference point",
    "RACON",
    "Fixed offshore structure",
    "Spare, Reserved for future use.",
    "Light, without sectors",
    "Light, with sectors",
    "Leading Light Front",
    "Leading Light Rear",
    "Beacon, Cardinal N",
    "Beacon, Cardinal E",
    "Beacon, Cardinal S",
    "Beacon, Cardinal W",
    "Beacon, Port hand",
    "Beacon, Starboard hand",
    "Beacon, Preferred Channel port hand",
    "Beacon, Preferred Channel starboard hand",
    "Beacon, Isolated danger",
    "Beacon, Safe water",
    "Beacon, Special mark",
    "Cardinal Mark N",
    "Cardinal Mark E",
    "Cardinal Mark S",
    "Cardinal Mark W",
    "Port hand Mark",
    "Starboard hand Mark",
    "Preferred Channel Port hand",
    "Preferred Channel Starboard hand",
    "Isolated danger",
    "Safe Water",
    "Special Mark",
    "Light Vessel / LANBY / Rigs",
};

void AddPosition(Json& j, int32_t lon, int32_t lat, double div, int decimals) {
  j["lon"] = Rounded(lon / div, decimals);
  j["lat"] = Rounded(lat / div, decimals);
}

Json TurnJson(int turn) {
  if (std::abs(turn) >= kTurnNotAvailable) return "n/a";
  if (turn == kTurnFastLeft) return "fastleft";
  if (turn == kTurnFastRight) return "fastright";
  double rot = turn / kTurnScale;
  rot *= rot;
  if (turn < 0) rot = -rot;
  return Printf("%.2f", rot);
}

Json SpeedTenthsJson(unsigned speed) {
  if (speed == kSpeedNotAvailable) return "n/a";
  if (speed == kSpeedFast) return "fast";
  return Rounded(speed / kTenth, 1);
}

void AddShipType(Json& j, unsigned shiptype) {
  j["shiptype"] = shiptype;
  j["shiptype_text"] = ShipTypeText(shiptype);
}

void AddEpfd(Json& j, unsigned epfd) {
  j["epfd"] = epfd;
  j["epfd_text"] = EpfdText(epfd);
}

template <typename T>
void AddDimensions(Json& j, const T& m) {
  j["to_bow"] = m.to_bow;
  j["to_stern"] = m.to_stern;
  j["to_port"] = m.to_port;
  j["to_starboard"] = m.to_starboard;
}

// Auxiliary craft (MMSI 98MIDxxxx, ITU-R M.585 Annex 2) report their mother ship's MMSI.
constexpr uint32_t kAuxiliaryMmsiDivisor = 10'000'000;
constexpr uint32_t kAuxiliaryMmsiPrefix = 98;
bool IsAuxiliaryCraft(uint32_t mmsi) { return mmsi / kAuxiliaryMmsiDivisor == kAuxiliaryMmsiPrefix; }

std::string AreaCorner(int32_t raw) { return Printf("%f", raw / kLatLonTenthMinuteDiv); }

struct BodyToJson {
  Json& j;
  const Message& m;

  void operator()(const PositionReportA& b) const {
    j["status"] = b.status;
    j["status_text"] = NavigationStatusText(b.status);
    j["turn"] = TurnJson(b.turn);
    j["speed"] = SpeedTenthsJson(b.speed);
    j["accuracy"] = b.accuracy;
    AddPosition(j, b.lon, b.lat, kLatLonDiv, kPositionDecimals);
    j["course"] = Rounded(b.course / kTenth, 1);
    j["heading"] = b.heading;
    j["second"] = b.second;
    j["maneuver"] = b.maneuver;
    j["raim"] = b.raim;
    j["radio"] = b.radio;
  }
  void operator()(const BaseStationReport& b) const {
    char ts[64];
    std::snprintf(ts, sizeof(ts), "%04u-%02u-%02uT%02u:%02u:%02uZ", unsigned{b.year},
                  unsigned{b.month}, unsigned{b.day}, unsigned{b.hour}, unsigned{b.minute},
                  unsigned{b.second});
    j["timestamp"] = ts;
    j["accuracy"] = b.accuracy;
    AddPosition(j, b.lon, b.lat, kLatLonDiv, kPositionDecimals);
    AddEpfd(j, b.epfd);
    j["raim"] = b.raim;
    j["radio"] = b.radio;
  }
  void operator()(const StaticVoyageData& b) const {
    j["imo"] = b.imo;
    j["ais_version"] = b.ais_version;
    j["callsign"] = b.callsign.view();
    j["shipname"] = b.shipname.view();
    AddShipType(j, b.shiptype);
    AddDimensions(j, b);
    AddEpfd(j, b.epfd);
    j["eta"] = TwoDigits(b.month) + "-" + TwoDigits(b.day) + "T" + TwoDigits(b.hour) + ":" +
               TwoDigits(b.minute) + "Z";
    j["draught"] = Rounded(b.draught / kTenth, 1);
    j["destination"] = b.destination.view();
    j["dte"] = b.dte;
  }
  void operator()(const AddressedBinary& b) const {
    j["seqno"] = b.seqno;
    j["dest_mmsi"] = b.dest_mmsi;
    j["retransmit"] = b.retransmit;
    j["dac"] = b.dac;
    j["fid"] = b.fid;
    j["data"] = BinaryToGpsdString(b.data);
  }
  void operator()(const Acknowledge& b) const {
    j["mmsi1"] = b.mmsi[0];
    j["mmsi2"] = b.mmsi[1];
    j["mmsi3"] = b.mmsi[2];
    j["mmsi4"] = b.mmsi[3];
  }
  void operator()(const BroadcastBinary& b) const {
    j["dac"] = b.dac;
    j["fid"] = b.fid;
    j["data"] = BinaryToGpsdString(b.data);
  }
  void operator()(const SarAircraftReport& b) const {
    if (b.alt == kAltNotAvailable) {
      j["alt"] = "nan";
    } else if (b.alt == kAltHigh) {
      j["alt"] = "high";
    } else {
      j["alt"] = b.alt;
    }
    if (b.speed == kSpeedNotAvailable) {
      j["speed"] = "nan";
    } else if (b.speed == kSpeedFast) {
      j["speed"] = "fast";
    } else {
      j["speed"] = b.speed;
    }
    j["accuracy"] = b.accuracy;
    AddPosition(j, b.lon, b.lat, kLatLonDiv, kPositionDecimals);
    j["course"] = Rounded(b.course / kTenth, 1);
    j["second"] = b.second;
    j["regional"] = b.regional;
    j["dte"] = b.dte;
    j["raim"] = b.raim;
    j["radio"] = b.radio;
  }
  void operator()(const UtcInquiry& b) const { j["dest_mmsi"] = b.dest_mmsi; }
  void operator()(const AddressedSafety& b) const {
    j["seqno"] = b.seqno;
    j["dest_mmsi"] = b.dest_mmsi;
    j["retransmit"] = b.retransmit;
    j["text"] = b.text.view();
  }
  void operator()(const BroadcastSafety& b) const { j["text"] = b.text.view(); }
  void operator()(const Interrogation& b) const {
    j["mmsi1"] = b.mmsi1;
    j["type1_1"] = b.type1_1;
    j["offset1_1"] = b.offset1_1;
    j["type1_2"] = b.type1_2;
    j["offset1_2"] = b.offset1_2;
    j["mmsi2"] = b.mmsi2;
    j["type2_1"] = b.type2_1;
    j["offset2_1"] = b.offset2_1;
  }
  void operator()(const AssignedModeCommand& b) const {
    j["mmsi1"] = b.mmsi1;
    j["offset1"] = b.offset1;
    j["increment1"] = b.increment1;
    j["mmsi2"] = b.mmsi2;
    j["offset2"] = b.offset2;
    j["increment2"] = b.increment2;
  }
  void operator()(const GnssBroadcast& b) const {
    AddPosition(j, b.lon, b.lat, kLatLonTenthMinuteDiv, kGnssDecimals);
    j["data"] = BinaryToGpsdString(b.data);
  }
  void operator()(const PositionReportB& b) const {
    j["reserved"] = b.reserved;
    j["speed"] = Rounded(b.speed / kTenth, 1);
    j["accuracy"] = b.accuracy;
    AddPosition(j, b.lon, b.lat, kLatLonDiv, kPositionDecimals);
    j["course"] = Rounded(b.course / kTenth, 1);
    j["heading"] = b.heading;
    j["second"] = b.second;
    j["regional"] = b.regional;
    j["cs"] = b.cs;
    j["display"] = b.display;
    j["dsc"] = b.dsc;
    j["band"] = b.band;
    j["msg22"] = b.msg22;
    j["raim"] = b.raim;
    j["radio"] = b.radio;
  }
  void operator()(const ExtendedReportB& b) const {
    j["reserved"] = b.reserved;
    j["speed"] = Rounded(b.speed / kTenth, 1);
    j["accuracy"] = b.accuracy;
    AddPosition(j, b.lon, b.lat, kLatLonDiv, kPositionDecimals);
    j["course"] = Rounded(b.course / kTenth, 1);
    j["heading"] = b.heading;
    j["second"] = b.second;
    j["regional"] = b.regional;
    j["shipname"] = b.shipname.view();
    AddShipType(j, b.shiptype);
    AddDimensions(j, b);
    AddEpfd(j, b.epfd);
    j["raim"] = b.raim;
    j["dte"] = b.dte;
    j["assigned"] = b.assigned;
  }
  void operator()(const DataLinkManagement& b) const {
    for (size_t i = 0; i < b.reservations.size(); ++i) {
      const std::string n = std::to_string(i + 1);
      j["offset" + n] = b.reservations[i].offset;
      j["number" + n] = b.reservations[i].number;
      j["timeout" + n] = b.reservations[i].timeout;
      j["increment" + n] = b.reservations[i].increment;
    }
  }
  void operator()(const AidToNavigation& b) const {
    j["aid_type"] = b.aid_type;
    j["aid_type_text"] = AidTypeText(b.aid_type);
    j["name"] = b.name.view();
    AddPosition(j, b.lon, b.lat, kLatLonDiv, kPositionDecimals);
    j["accuracy"] = b.accuracy;
    AddDimensions(j, b);
    AddEpfd(j, b.epfd);
    j["second"] = b.second;
    j["regional"] = b.regional;
    j["off_position"] = b.off_position;
    j["raim"] = b.raim;
    j["virtual_aid"] = b.virtual_aid;
  }
  void operator()(const ChannelManagement& b) const {
    j["channel_a"] = b.channel_a;
    j["channel_b"] = b.channel_b;
    j["txrx"] = b.txrx;
    j["power"] = b.power;
    if (b.addressed) {
      j["dest1"] = b.dest1;
      j["dest2"] = b.dest2;
    } else {
      j["ne_lon"] = AreaCorner(b.ne_lon);
      j["ne_lat"] = AreaCorner(b.ne_lat);
      j["sw_lon"] = AreaCorner(b.sw_lon);
      j["sw_lat"] = AreaCorner(b.sw_lat);
    }
    j["addressed"] = b.addressed;
    j["band_a"] = b.band_a;
    j["band_b"] = b.band_b;
    j["zonesize"] = b.zonesize;
  }
  void operator()(const GroupAssignment& b) const {
    j["ne_lon"] = AreaCorner(b.ne_lon);
    j["ne_lat"] = AreaCorner(b.ne_lat);
    j["sw_lon"] = AreaCorner(b.sw_lon);
    j["sw_lat"] = AreaCorner(b.sw_lat);
    j["stationtype"] = b.stationtype;
    j["stationtype_text"] = StationTypeText(b.stationtype);
    AddShipType(j, b.shiptype);
    j["interval"] = b.interval;
    j["quiet"] = b.quiet;
  }
  void operator()(const StaticDataReport& b) const {
    if (!(b.has_a && b.has_b)) j["part"] = b.has_a ? "A" : "B";
    if (b.has_a) j["shipname"] = b.shipname.view();
    if (!b.has_b) return;
    AddShipType(j, b.shiptype);
    j["vendorid"] = b.vendorid.view();
    j["model"] = b.model;
    j["serial"] = b.serial;
    j["callsign"] = b.callsign.view();
    if (IsAuxiliaryCraft(m.mmsi)) {
      j["mothership_mmsi"] = b.mothership_mmsi;
    } else {
      AddDimensions(j, b);
    }
  }
  void operator()(const SlotBinary& b) const {
    j["addressed"] = b.addressed;
    j["structured"] = b.structured;
    j["dest_mmsi"] = b.dest_mmsi;
    j["app_id"] = b.app_id;
    j["data"] = BinaryToGpsdString(b.data);
    if (m.type == 26) j["radio"] = b.radio;
  }
  void operator()(const LongRangeReport& b) const {
    j["status"] = b.status;
    j["status_text"] = NavigationStatusText(b.status);
    j["accuracy"] = b.accuracy;
    AddPosition(j, b.lon, b.lat, kLatLonTenthMinuteDiv, kLongRangeDecimals);
    j["speed"] = b.speed;
    j["course"] = b.course;
    j["raim"] = b.raim;
    j["gnss"] = b.gnss;
  }
};

}  // namespace

std::string_view NavigationStatusText(unsigned status) {
  return status < kNavigationStatus.size() ? kNavigationStatus[status] : "Not defined";
}

std::string_view EpfdText(unsigned epfd) {
  return epfd < kEpfd.size() ? kEpfd[epfd] : "INVALID EPFD";
}

std::string_view StationTypeText(unsigned stationtype) {
  return stationtype < kStationType.size() ? kStationType[stationtype] : "INVALID STATION TYPE";
}

std::string_view AidTypeText(unsigned aid_type) {
  return aid_type < kAidType.size() ? kAidType[aid_type] : "INVALID NAVAID TYPE";
}

std::string_view ShipTypeText(unsigned t) {
  if (t == 0) return "Not available";
  if (t < 20) return "Reserved for future use";
  if (t >= 100) return "INVALID SHIP TYPE";
  const unsigned decade = t / 10;
  const unsigned unit = t % 10;
  if (decade == 3) {
    static constexpr std::array<std::string_view, 10> kSpecial = {
        "Fishing",    "Towing", "Towing: length exceeds 200m or breadth exceeds 25m",
        "Dredging or underwater ops", "Diving ops", "Military ops", "Sailing",
        "Pleasure Craft", "Reserved", "Reserved"};
    return kSpecial[unit];
  }
  if (decade == 5) {
    static constexpr std::array<std::string_view, 10> kSpecial = {
        "Pilot Vessel",   "Search and Rescue vessel", "Tug", "Port Tender",
        "Anti-pollution equipment", "Law Enforcement", "Spare - Local Vessel",
        "Spare - Local Vessel", "Medical Transport", "Ship according to RR Resolution No. 18"};
    return kSpecial[unit];
  }
  // Decades 2, 4, 6, 7, 8, 9: "<kind> - <qualifier>", as gpsd words them.
  static constexpr std::array<std::array<std::string_view, 10>, 10> kFull = {{
      {}, {},
      {"Wing in ground (WIG) - all ships of this type",
       "Wing in ground (WIG) - Hazardous category A",
       "Wing in ground (WIG) - Hazardous category B",
       "Wing in ground (WIG) - Hazardous category C",
       "Wing in ground (WIG) - Hazardous category D",
       "Wing in ground (WIG) - Reserved for future use",
       "Wing in ground (WIG) - Reserved for future use",
       "Wing in ground (WIG) - Reserved for future use",
       "Wing in ground (WIG) - Reserved for future use",
       "Wing in ground (WIG) - Reserved for future use"},
      {},
      {"High speed craft (HSC) - all ships of this type",
       "High speed craft (HSC) - Hazardous category A",
       "High speed craft (HSC) - Hazardous category B",
       "High speed craft (HSC) - Hazardous category C",
       "High speed craft (HSC) - Hazardous category D",
       "High speed craft (HSC) - Reserved for future use",
       "High speed craft (HSC) - Reserved for future use",
       "High speed craft (HSC) - Reserved for future use",
       "High speed craft (HSC) - Reserved for future use",
       "High speed craft (HSC) - No additional information"},
      {},
      {"Passenger - all ships of this type", "Passenger - Hazardous category A",
       "Passenger - Hazardous category B", "Passenger - Hazardous category C",
       "Passenger - Hazardous category D", "Passenger - Reserved for future use",
       "Passenger - Reserved for future use", "Passenger - Reserved for future use",
       "Passenger - Reserved for future use", "Passenger - No additional information"},
      {"Cargo - all ships of this type", "Cargo - Hazardous category A",
       "Cargo - Hazardous category B", "Cargo - Hazardous category C",
       "Cargo - Hazardous category D", "Cargo - Reserved for future use",
       "Cargo - Reserved for future use", "Cargo - Reserved for future use",
       "Cargo - Reserved for future use", "Cargo - No additional information"},
      {"Tanker - all ships of this type", "Tanker - Hazardous category A",
       "Tanker - Hazardous category B", "Tanker - Hazardous category C",
       "Tanker - Hazardous category D", "Tanker - Reserved for future use",
       "Tanker - Reserved for future use", "Tanker - Reserved for future use",
       "Tanker - Reserved for future use", "Tanker - No additional information"},
      {"Other Type - all ships of this type", "Other Type - Hazardous category A",
       "Other Type - Hazardous category B", "Other Type - Hazardous category C",
       "Other Type - Hazardous category D", "Other Type - Reserved for future use",
       "Other Type - Reserved for future use", "Other Type - Reserved for future use",
       "Other Type - Reserved for future use", "Other Type - no additional information"},
  }};
  return kFull[decade][unit];
}

std::string BinaryToGpsdString(const BinaryData& data) {
  const size_t bytes = (data.bit_count + 7u) / 8u;
  return std::to_string(data.bit_count) + ":" + ToHex({data.bytes.data(), bytes});
}

Json ToJson(const Message& message, std::string_view device) {
  Json j;
  j["class"] = "AIS";
  if (!device.empty()) j["device"] = device;
  j["type"] = message.type;
  j["repeat"] = message.repeat;
  j["mmsi"] = message.mmsi;
  j["scaled"] = true;
  std::visit(BodyToJson{j, message}, message.body);
  return j;
}

bool StaticDataMerger::Merge(Message& message) {
  auto* report = std::get_if<StaticDataReport>(&message.body);
  if (report == nullptr) return true;
  if (report->has_a && !report->has_b) {
    entries_[next_] = Entry{message.mmsi, report->shipname};
    next_ = (next_ + 1) % kCapacity;
    return false;
  }
  for (Entry& e : entries_) {
    if (e.mmsi != 0 && e.mmsi == message.mmsi) {
      report->shipname = e.shipname;
      report->has_a = true;
      e.mmsi = 0;  // a repeated part B must not match again
      return true;
    }
  }
  return false;
}

}  // namespace biac::formats::ais
