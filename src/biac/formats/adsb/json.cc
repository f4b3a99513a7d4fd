#include "biac/formats/adsb/json.h"

#include <fmt/format.h>

#include "biac/formats/common/hex.h"

namespace biac::formats::adsb {

std::string IcaoHex(uint32_t icao) { return fmt::format("{:06x}", icao & 0xFFFFFF); }
std::string SquawkString(uint16_t squawk) { return fmt::format("{:04d}", squawk); }

namespace {

void AddCpr(const CprFields& cpr, nlohmann::json& j) {
  j["cpr_format"] = cpr.format;
  j["cpr_lat"] = cpr.lat;
  j["cpr_lon"] = cpr.lon;
}

void AddAltitude(const Message& m, nlohmann::json& j) {
  if (m.altitude_ft) {
    j["altitude"] = *m.altitude_ft;
    j["altitude_source"] = m.altitude_source == AltitudeSource::kGnss ? "GNSS" : "BARO";
  } else {
    j["altitude"] = nullptr;
  }
}

void AddExtendedSquitter(const Message& m, nlohmann::json& j) {
  j["typecode"] = m.typecode;
  if (const std::string_view bds = TypecodeBds(m.typecode); !bds.empty()) {
    j["bds"] = std::string(bds);
  }
  switch (m.me_kind) {
    case MeKind::kIdentification: {
      const Identification& id = m.identification;
      j["callsign"] = std::string(id.callsign.data());
      j["category"] = id.category;
      j["emitter_category"] = std::string(EmitterCategoryName(id));
      break;
    }
    case MeKind::kAirbornePosition: {
      const AirbornePosition& a = m.airborne;
      AddAltitude(m, j);
      j["surveillance_status"] = a.surveillance_status;
      j["nic_b"] = a.nic_b;
      j["nuc_p"] = NucP(m.typecode);
      j["time_sync"] = a.time_sync;
      AddCpr(a.cpr, j);
      break;
    }
    case MeKind::kSurfacePosition: {
      const SurfacePosition& s = m.surface;
      j["movement"] = s.movement;
      if (s.groundspeed_kt)
        j["groundspeed"] = *s.groundspeed_kt;
      else
        j["groundspeed"] = nullptr;
      j["track_status"] = s.track_valid ? 1 : 0;
      if (s.track_valid)
        j["track"] = s.track_deg;
      else
        j["track"] = nullptr;
      j["nuc_p"] = NucP(m.typecode);
      AddCpr(s.cpr, j);
      break;
    }
    case MeKind::kVelocity: {
      const Velocity& v = m.velocity;
      j["subtype"] = v.subtype;
      j["nac_v"] = v.nac_v;
      j["intent_change"] = v.intent_change;
      j["ifr_capable"] = v.ifr_capable;
      if (v.subtype == 1 || v.subtype == 2) {
        if (v.groundspeed_kt) {
          j["groundspeed"] = *v.groundspeed_kt;
          j["track"] = *v.track_deg;
          j["velocity_east"] = *v.east_kt;
          j["velocity_north"] = *v.north_kt;
        } else {
          j["groundspeed"] = nullptr;
          j["track"] = nullptr;
        }
      } else if (v.subtype == 3 || v.subtype == 4) {
        if (v.heading_deg)
          j["heading"] = *v.heading_deg;
        else
          j["heading"] = nullptr;
        if (v.airspeed_kt)
          j["airspeed"] = *v.airspeed_kt;
        else
          j["airspeed"] = nullptr;
        j["airspeed_type"] = v.airspeed_is_true ? "TAS" : "IAS";
      }
      if (v.vertical_rate_fpm)
        j["vertical_rate"] = *v.vertical_rate_fpm;
      else
        j["vertical_rate"] = nullptr;
      j["vr_source"] = v.vertical_rate_baro ? "BARO" : "GNSS";
      if (v.geo_minus_baro_ft)
        j["geo_minus_baro"] = *v.geo_minus_baro_ft;
      else
        j["geo_minus_baro"] = nullptr;
      break;
    }
    case MeKind::kAircraftStatus:
      j["emergency_state"] = m.emergency_state;
      if (m.squawk) j["squawk"] = SquawkString(*m.squawk);
      break;
    case MeKind::kTargetState: {
      const TargetState& t = m.target_state;
      j["subtype"] = t.subtype;
      if (t.subtype != 1) break;
      if (t.selected_altitude_ft) {
        j["selected_altitude"] = *t.selected_altitude_ft;
        j["selected_altitude_source"] = t.selected_altitude_fms ? "FMS" : "MCP/FCU";
      } else {
        j["selected_altitude"] = nullptr;
      }
      if (t.baro_setting_mb)
        j["baro_pressure_setting"] = *t.baro_setting_mb;
      else
        j["baro_pressure_setting"] = nullptr;
      if (t.selected_heading_deg)
        j["selected_heading"] = *t.selected_heading_deg;
      else
        j["selected_heading"] = nullptr;
      j["nac_p"] = t.nac_p;
      j["nic_baro"] = t.nic_baro;
      j["sil"] = t.sil;
      j["sil_supplement"] = t.sil_supplement;
      if (t.mode_status) {
        j["autopilot"] = t.autopilot;
        j["vnav_mode"] = t.vnav;
        j["altitude_hold_mode"] = t.altitude_hold;
        j["approach_mode"] = t.approach;
        j["lnav_mode"] = t.lnav;
      }
      j["tcas_operational"] = t.tcas_operational;
      break;
    }
    case MeKind::kOperationalStatus: {
      const OperationalStatus& o = m.operational_status;
      j["subtype"] = o.subtype;
      j["version"] = o.version;
      j["capability_class"] = o.capability_class;
      j["operational_mode"] = o.operational_mode;
      j["nic_supplement_a"] = o.nic_a;
      j["nac_p"] = o.nac_p;
      j["sil"] = o.sil;
      if (o.version >= 2) j["sil_supplement"] = o.sil_supplement;
      if (o.subtype == 0) {
        if (o.version >= 1) j["nic_baro"] = o.nic_baro;
        if (o.version >= 2) j["gva"] = o.gva;
      } else {
        if (o.version >= 2) j["nic_supplement_c"] = o.nic_c;
        j["length_width"] = o.length_width;
      }
      j["hrd"] = o.hrd ? "magnetic" : "true";
      break;
    }
    default:
      j["me"] = fmt::format("{:014x}", m.mb);
      break;
  }
}

}  // namespace

nlohmann::json MessageToJson(const Message& m) {
  nlohmann::json j;
  j["df"] = m.df;
  j["icao"] = IcaoHex(m.icao);
  if (m.parity == ParityKind::kParityOnly) j["crc_valid"] = m.crc_valid;
  if (m.corrected_bit) j["corrected_bit"] = *m.corrected_bit;
  switch (m.df) {
    case 0:
    case 16:
      j["vertical_status"] = m.vertical_status ? "ground" : "airborne";
      if (m.df == 0) j["cross_link_capability"] = m.cross_link;
      j["sensitivity_level"] = m.sensitivity_level;
      j["reply_information"] = m.reply_information;
      AddAltitude(m, j);
      if (m.df == 16) j["mv"] = fmt::format("{:014x}", m.mb);
      break;
    case 4:
    case 5:
    case 20:
    case 21:
      j["flight_status"] = m.flight_status;
      j["downlink_request"] = m.downlink_request;
      j["utility_message"] = m.utility_message;
      if (m.df == 4 || m.df == 20) AddAltitude(m, j);
      if (m.squawk) j["squawk"] = SquawkString(*m.squawk);
      if (m.df >= 20) j["mb"] = fmt::format("{:014x}", m.mb);
      if (m.commb_identification) {
        j["bds"] = "2,0";
        j["callsign"] = std::string(m.identification.callsign.data());
      }
      break;
    case 11:
      j["capability"] = m.capability;
      j["interrogator_id"] = m.interrogator_id;
      break;
    case 17:
      j["capability"] = m.capability;
      AddExtendedSquitter(m, j);
      break;
    case 18:
      j["control_field"] = m.control_field;
      if (m.is_extended_squitter())
        AddExtendedSquitter(m, j);
      else
        j["me"] = fmt::format("{:014x}", m.mb);
      break;
    default:
      break;
  }
  j["raw"] = ToHex(m.bytes());
  return j;
}

void AddPosition(const PositionUpdate& update, nlohmann::json& j) {
  if (update.decoded()) {
    j["latitude"] = update.position.lat_deg;
    j["longitude"] = update.position.lon_deg;
    j["position_method"] = std::string(PositionMethodName(update.method));
    return;
  }
  std::string status(PositionStatusName(update.status));
  if (update.status == PositionStatus::kCprRejected) {
    status += ": " + std::string(CprErrorName(update.cpr_error));
  }
  j["position_status"] = status;
}

nlohmann::json SbsToJson(const SbsMessage& m) {
  nlohmann::json j;
  j["message_type"] = std::string(SbsTypeName(m.type));
  if (m.type == SbsType::kMsg) j["transmission_type"] = m.transmission_type;
  if (m.icao) j["icao"] = IcaoHex(*m.icao);
  if (m.time_generated_s) j["time"] = *m.time_generated_s;
  if (!m.callsign.empty()) j["callsign"] = std::string(m.callsign);
  if (!m.status.empty()) j["status"] = std::string(m.status);
  if (m.altitude_ft) {
    j["altitude"] = *m.altitude_ft;
    j["altitude_source"] = m.altitude_gnss ? "GNSS" : "BARO";
  }
  if (m.groundspeed_kt) j["groundspeed"] = *m.groundspeed_kt;
  if (m.track_deg) j["track"] = *m.track_deg;
  if (m.lat_deg) j["latitude"] = *m.lat_deg;
  if (m.lon_deg) j["longitude"] = *m.lon_deg;
  if (m.vertical_rate_fpm) {
    j["vertical_rate"] = *m.vertical_rate_fpm;
    j["vr_source"] = m.vertical_rate_gnss ? "GNSS" : "BARO";
  }
  if (m.squawk) j["squawk"] = SquawkString(*m.squawk);
  if (m.alert) j["alert"] = *m.alert;
  if (m.emergency) j["emergency"] = *m.emergency;
  if (m.spi) j["spi"] = *m.spi;
  if (m.on_ground) j["on_ground"] = *m.on_ground;
  return j;
}

}  // namespace biac::formats::adsb
