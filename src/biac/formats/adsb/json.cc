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

template <typename T>
void Put(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v)
    j[key] = *v;
  else
    j[key] = nullptr;
}

// TC 29 subtype 0 (DO-260A), with pyModeS 2's names (bds62.target_altitude, target_angle,
// vertical_mode, horizontal_mode, tcas_ra, emergency_status).
void AddTargetStateV1(const TargetState& t, nlohmann::json& j) {
  static constexpr const char* kVerticalSource[] = {"N/A", "MCP/FCU", "Holding mode", "FMS/RNAV"};
  static constexpr const char* kHorizontalSource[] = {"N/A", "MCP/FCU", "Autopilot mode",
                                                      "FMS/RNAV"};
  Put(j, "target_altitude", t.target_altitude_ft);
  j["target_altitude_source"] = kVerticalSource[t.vertical_source & 3];
  j["target_altitude_reference"] = t.target_altitude_msl ? "MSL" : "FL";
  j["target_altitude_capability"] = t.target_altitude_capability;
  j["vertical_mode"] = t.vertical_mode;
  Put(j, "target_angle", t.target_angle_deg);
  j["target_angle_source"] = kHorizontalSource[t.horizontal_source & 3];
  j["target_angle_type"] = t.target_angle_is_track ? "Track" : "Heading";
  j["horizontal_mode"] = t.horizontal_mode;
  j["nac_p"] = t.nac_p;
  j["nic_baro"] = t.nic_baro;
  j["sil"] = t.sil;
  j["tcas_operational"] = t.tcas_operational;
  j["tcas_ra"] = t.tcas_ra_active;
  j["emergency_state"] = t.emergency_state;
}

// DF20/21 MB: the inferred register and its fields (names of pyModeS 3's decode_bdsXX, which
// are those of pymodes_golden_v2.json), or the candidates when several fit.
void AddCommB(const Message& m, nlohmann::json& j) {
  const CommB& c = m.commb;
  if (!c.bds) {
    if (c.candidates.size() > 1) {
      nlohmann::json list = nlohmann::json::array();
      for (size_t i = 0; i < kCommBRegisterCount; ++i) {
        const auto r = static_cast<CommBRegister>(i);
        if (c.candidates.Contains(r)) list.push_back(std::string(CommBRegisterName(r)));
      }
      j["bds_candidates"] = list;
    }
    return;
  }
  j["bds"] = std::string(CommBRegisterName(*c.bds));
  if (*c.bds == CommBRegister::k20) {
    j["callsign"] = std::string(m.identification.callsign.data());
    return;
  }
  if (const auto* d = std::get_if<DataLinkCapability>(&c.data)) {
    j["config"] = d->continuation;
    j["overlay_command_capability"] = d->overlay_command;
    j["acas_operational"] = d->acas_operational;
    j["mode_s_subnetwork_version"] = d->subnetwork_version;
    j["transponder_level5"] = d->level5;
    j["mode_s_specific_services"] = d->specific_services;
    j["uplink_elm_throughput"] = d->uplink_elm;
    j["downlink_elm_throughput"] = d->downlink_elm;
    j["aircraft_identification_capability"] = d->aircraft_identification;
    j["squitter_capability"] = d->squitter;
    j["surveillance_identifier_code"] = d->surveillance_identifier;
    j["common_usage_gicb_capability"] = d->common_usage_gicb;
    j["acas_hybrid_surveillance"] = d->acas_hybrid_surveillance;
    j["acas_resolution_advisory"] = d->acas_resolution_advisory;
    j["acas_rtca_version"] = d->acas_version;
    j["dte_status"] = d->dte_status;
  } else if (const auto* g = std::get_if<GicbCapability>(&c.data)) {
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < GicbCapability::kRegisters.size(); ++i) {
      if (g->supports(i)) list.push_back(std::string(GicbCapability::kRegisters[i]));
    }
    j["supported_bds"] = list;
  } else if (const auto* a = std::get_if<AcasResolutionAdvisory>(&c.data)) {
    j["ara"] = a->ara;
    j["rac"] = a->rac;
    j["issued_ra"] = a->issued_ra;
    j["corrective"] = a->corrective;
    j["downward_sense"] = a->downward_sense;
    j["increased_rate"] = a->increased_rate;
    j["sense_reversal"] = a->sense_reversal;
    j["altitude_crossing"] = a->altitude_crossing;
    j["positive"] = a->positive;
    j["no_below"] = a->no_below;
    j["no_above"] = a->no_above;
    j["no_left"] = a->no_left;
    j["no_right"] = a->no_right;
    j["ra_terminated"] = a->ra_terminated;
    j["multiple_threat"] = a->multiple_threat;
    j["threat_type_indicator"] = a->threat_type;
    if (a->threat_icao) j["threat_icao"] = IcaoHex(*a->threat_icao);
    if (a->threat_type == 2) {
      Put(j, "threat_altitude", a->threat_altitude_ft);
      Put(j, "threat_range", a->threat_range_nm);
      Put(j, "threat_bearing", a->threat_bearing_deg);
    }
  } else if (const auto* s = std::get_if<SelectedVerticalIntention>(&c.data)) {
    if (s->selected_altitude_mcp_ft) j["selected_altitude_mcp"] = *s->selected_altitude_mcp_ft;
    if (s->selected_altitude_fms_ft) j["selected_altitude_fms"] = *s->selected_altitude_fms_ft;
    if (s->baro_setting_mb) j["baro_pressure_setting"] = *s->baro_setting_mb;
    if (s->mode_status) {
      j["vnav_mode"] = s->vnav;
      j["altitude_hold_mode"] = s->altitude_hold;
      j["approach_mode"] = s->approach;
    }
    if (s->target_altitude_source) {
      static constexpr const char* kSources[] = {"unknown", "aircraft_altitude", "mcp_fcu", "fms"};
      j["target_altitude_source"] = kSources[*s->target_altitude_source & 3];
    }
  } else if (const auto* r = std::get_if<MeteoRoutineReport>(&c.data)) {
    j["figure_of_merit"] = r->figure_of_merit;
    if (r->wind_speed_kt) {
      j["wind_speed"] = *r->wind_speed_kt;
      j["wind_direction"] = *r->wind_direction_deg;
    }
    j["static_air_temperature"] = r->static_air_temperature_c;
    if (r->static_pressure_hpa) j["static_pressure"] = *r->static_pressure_hpa;
    if (r->turbulence) j["turbulence"] = *r->turbulence;
    if (r->humidity_pct) j["humidity"] = *r->humidity_pct;
  } else if (const auto* h = std::get_if<MeteoHazardReport>(&c.data)) {
    if (h->turbulence) j["turbulence"] = *h->turbulence;
    if (h->wind_shear) j["wind_shear"] = *h->wind_shear;
    if (h->microburst) j["microburst"] = *h->microburst;
    if (h->icing) j["icing"] = *h->icing;
    if (h->wake_vortex) j["wake_vortex"] = *h->wake_vortex;
    if (h->static_air_temperature_c) j["static_air_temperature"] = *h->static_air_temperature_c;
    if (h->static_pressure_hpa) j["static_pressure"] = *h->static_pressure_hpa;
    if (h->radio_height_ft) j["radio_height"] = *h->radio_height_ft;
  } else if (const auto* t = std::get_if<TrackAndTurn>(&c.data)) {
    if (t->roll_deg) j["roll"] = *t->roll_deg;
    if (t->true_track_deg) j["true_track"] = *t->true_track_deg;
    if (t->groundspeed_kt) j["groundspeed"] = *t->groundspeed_kt;
    if (t->track_rate_dps) j["track_rate"] = *t->track_rate_dps;
    if (t->true_airspeed_kt) j["true_airspeed"] = *t->true_airspeed_kt;
  } else if (const auto* v = std::get_if<HeadingAndSpeed>(&c.data)) {
    if (v->magnetic_heading_deg) j["magnetic_heading"] = *v->magnetic_heading_deg;
    if (v->indicated_airspeed_kt) j["indicated_airspeed"] = *v->indicated_airspeed_kt;
    if (v->mach) j["mach"] = *v->mach;
    if (v->baro_vertical_rate_fpm) j["baro_vertical_rate"] = *v->baro_vertical_rate_fpm;
    if (v->inertial_vertical_rate_fpm) j["inertial_vertical_rate"] = *v->inertial_vertical_rate_fpm;
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
      if (t.subtype == 0) {
        AddTargetStateV1(t, j);
        break;
      }
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
      if (m.df >= 20) AddCommB(m, j);
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
