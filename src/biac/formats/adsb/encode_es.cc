#include "biac/formats/adsb/encode_es.h"

#include <cmath>
#include <span>
#include <string>

#include "biac/base/bits.h"
#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/crc.h"
#include "biac/formats/adsb/layouts.h"

namespace biac::formats::adsb {
namespace {

namespace reply = layout::reply;
namespace me = layout::me;
constexpr size_t kMeOffset = reply::kMe.offset;
constexpr size_t kParityOffsetBytes = 11;
constexpr uint8_t kDf17 = 17;

constexpr uint8_t kTcBaroFirst = 9, kTcBaroLast = 18, kTcVelocity = 19, kTcStatus = 31;
constexpr uint8_t kTcIdentFirst = 1, kTcIdentLast = 4;
constexpr uint8_t kVelocitySubtypeGround = 1;
constexpr uint8_t kAdsbVersion2 = 2;
constexpr unsigned kCallsignBits = 6;

// Altitude (Annex 10 Vol IV 3.1.2.6.5.4, Q = 1): N = (ft + 1000) / 25 in 11 bits, split
// around the Q bit: 7 high bits, Q, 4 low bits.
constexpr double kAltitudeStepFt = 25.0;
constexpr double kAltitudeOffsetFt = 1000.0;
constexpr uint32_t kAltitudeMaxN = 0x7FF;
constexpr uint16_t kQBit = 0x10;

// Velocity ranges (2.2.3.2.6.1): magnitude + 1 in 10 bits, 1022 = 1021 kt, 1023 = more.
constexpr double kMaxVelocityKt = 1021.0;
// Steps of 64 ft/min (field value = steps + 1): 510 = 32 576 ft/min, 511 = more than
// 32 608 ft/min; GNSS-minus-baro in 25 ft: 126 = 3 125 ft, 127 = more than 3 137.5 ft.
constexpr double kVerticalRateStepFpm = 64.0;
constexpr uint32_t kMaxVerticalRate = 509;
constexpr double kDiffStepFt = 25.0;
constexpr uint32_t kMaxDiff = 125;

// CPR (DO-260B A.1.7).
constexpr double kNz = 15.0;
constexpr double kCprScale = 131072.0;  // 2^17
constexpr uint32_t kCprMask = 0x1FFFF;

// ICAO 6-bit alphabet (Annex 10 Vol IV Table 3-9).
int CallsignCode(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A' + 1;
  if (c >= 'a' && c <= 'z') return c - 'a' + 1;
  if (c == ' ') return 32;
  if (c >= '0' && c <= '9') return c - '0' + 48;
  return -1;
}

double Mod(double x, double y) { return x - y * std::floor(x / y); }

class MeWriter {
 public:
  explicit MeWriter(std::string_view message) : message_(message) {}
  void U(const BitField& f, uint64_t value) {
    if (f.width < 64 && value >> f.width != 0) {
      Fail(std::string(f.name) + " " + std::to_string(value) + " does not fit in " +
           std::to_string(f.width) + " bits");
      return;
    }
    WriteBits(std::span<uint8_t>(frame_), kMeOffset + f.offset, f.width, value);
  }
  void Bits(size_t me_offset, unsigned width, uint64_t value) {
    WriteBits(std::span<uint8_t>(frame_), kMeOffset + me_offset, width, value);
  }
  void Fail(const std::string& reason) {
    if (status_.ok()) status_ = InvalidArgument(std::string(message_) + ": " + reason);
  }
  Status Finish(uint32_t icao, uint8_t capability, ExtendedSquitter& out) {
    if (capability > 7) Fail("CA " + std::to_string(capability) + " does not fit in 3 bits");
    if (icao > 0xFFFFFF) Fail("address " + std::to_string(icao) + " does not fit in 24 bits");
    if (!status_.ok()) return status_;
    Write(std::span<uint8_t>(frame_), reply::kDf, kDf17);
    Write(std::span<uint8_t>(frame_), reply::kCa, capability);
    Write(std::span<uint8_t>(frame_), reply::kAa, icao);
    const uint32_t parity = Crc24(std::span<const uint8_t>(frame_.data(), kParityOffsetBytes));
    frame_[kParityOffsetBytes] = static_cast<uint8_t>(parity >> 16);
    frame_[kParityOffsetBytes + 1] = static_cast<uint8_t>(parity >> 8);
    frame_[kParityOffsetBytes + 2] = static_cast<uint8_t>(parity);
    out = frame_;
    return Status::Ok();
  }

 private:
  std::string_view message_;
  ExtendedSquitter frame_{};
  Status status_ = Status::Ok();
};

}  // namespace

CprFields CprEncodeAirborne(double lat_deg, double lon_deg, uint8_t format) {
  const double i = format & 1;
  const double dlat = 360.0 / (4.0 * kNz - i);
  const double yz = std::floor(kCprScale * Mod(lat_deg, dlat) / dlat + 0.5);
  const double rlat = dlat * (yz / kCprScale + std::floor(lat_deg / dlat));
  const int nl = CprNl(rlat);
  const double dlon = 360.0 / std::max(nl - i, 1.0);
  const double xz = std::floor(kCprScale * Mod(lon_deg, dlon) / dlon + 0.5);
  CprFields out;
  out.format = static_cast<uint8_t>(format & 1);
  out.lat = static_cast<uint32_t>(static_cast<int64_t>(yz)) & kCprMask;
  out.lon = static_cast<uint32_t>(static_cast<int64_t>(xz)) & kCprMask;
  return out;
}

std::optional<uint16_t> EncodeAltitude12(double altitude_ft) {
  const double n = std::round((altitude_ft + kAltitudeOffsetFt) / kAltitudeStepFt);
  if (!(n >= 0.0 && n <= kAltitudeMaxN)) return std::nullopt;
  const auto v = static_cast<uint32_t>(n);
  return static_cast<uint16_t>(((v >> 4) << 5) | kQBit | (v & 0xF));
}

Status EncodeAirbornePosition(uint32_t icao, const AirbornePositionFields& f, ExtendedSquitter& out,
                              uint8_t capability) {
  MeWriter w("airborne position");
  if (f.typecode < kTcBaroFirst || f.typecode > kTcBaroLast) {
    w.Fail("type code " + std::to_string(f.typecode) + " is not 9..18");
  }
  if (!(std::abs(f.lat_deg) <= 90.0) || !(std::abs(f.lon_deg) <= 180.0)) {
    w.Fail("position " + std::to_string(f.lat_deg) + ", " + std::to_string(f.lon_deg) +
           " out of range");
  }
  uint16_t alt = 0;
  if (f.altitude_ft) {
    const std::optional<uint16_t> code = EncodeAltitude12(*f.altitude_ft);
    if (!code) w.Fail("altitude " + std::to_string(*f.altitude_ft) + " ft out of range");
    alt = code.value_or(0);
  }
  const CprFields cpr = CprEncodeAirborne(f.lat_deg, f.lon_deg, f.cpr_format);
  w.U(me::kTypeCode, f.typecode);
  w.U(me::kSurveillanceStatus, f.surveillance_status);
  w.U(me::kNicB, f.nic_b);
  w.U(me::kAltitude, alt);
  w.U(me::kTime, f.time_sync ? 1 : 0);
  w.U(me::kCprFormat, cpr.format);
  w.U(me::kCprLat, cpr.lat);
  w.U(me::kCprLon, cpr.lon);
  return w.Finish(icao, capability, out);
}

Status EncodeVelocity(uint32_t icao, const VelocityFields& f, ExtendedSquitter& out,
                      uint8_t capability) {
  MeWriter w("velocity");
  const double ew = std::round(f.east_kt);
  const double ns = std::round(f.north_kt);
  if (!(std::abs(ew) <= kMaxVelocityKt)) {
    w.Fail("V-EW " + std::to_string(f.east_kt) + " kt exceeds 1021 kt");
  }
  if (!(std::abs(ns) <= kMaxVelocityKt)) {
    w.Fail("V-NS " + std::to_string(f.north_kt) + " kt exceeds 1021 kt");
  }
  w.U(me::kTypeCode, kTcVelocity);
  w.U(me::kSubtype, kVelocitySubtypeGround);
  w.U(me::kIntentChange, f.intent_change ? 1 : 0);
  w.U(me::kIfr, f.ifr_capable ? 1 : 0);
  w.U(me::kNacV, f.nac_v);
  // Sign bits: 1 = west, 1 = south (DO-260B 2.2.3.2.6.1.6, .8).
  w.U(me::kEwSign, ew < 0.0 ? 1 : 0);
  w.U(me::kEwVelocity, static_cast<uint64_t>(std::abs(ew)) + 1);
  w.U(me::kNsSign, ns < 0.0 ? 1 : 0);
  w.U(me::kNsVelocity, static_cast<uint64_t>(std::abs(ns)) + 1);
  w.U(me::kVrSource, f.vertical_rate_baro ? 1 : 0);
  if (f.vertical_rate_fpm) {
    const double steps = std::round(std::abs(*f.vertical_rate_fpm) / kVerticalRateStepFpm);
    if (!(steps <= kMaxVerticalRate)) {
      w.Fail("vertical rate " + std::to_string(*f.vertical_rate_fpm) + " ft/min out of range");
    } else {
      // A rate that rounds to 0 is sent as "up, 0" (value 1).
      w.U(me::kVrSign, *f.vertical_rate_fpm < 0.0 && steps > 0.0 ? 1 : 0);
      w.U(me::kVerticalRate, static_cast<uint64_t>(steps) + 1);
    }
  }
  if (f.geo_minus_baro_ft) {
    const double steps = std::round(std::abs(*f.geo_minus_baro_ft) / kDiffStepFt);
    if (!(steps <= kMaxDiff)) {
      w.Fail("GNSS-baro difference " + std::to_string(*f.geo_minus_baro_ft) + " ft out of range");
    } else {
      w.U(me::kDiffSign, *f.geo_minus_baro_ft < 0.0 && steps > 0.0 ? 1 : 0);
      w.U(me::kDiff, static_cast<uint64_t>(steps) + 1);
    }
  }
  return w.Finish(icao, capability, out);
}

Status EncodeIdentification(uint32_t icao, const IdentificationFields& f, ExtendedSquitter& out,
                            uint8_t capability) {
  MeWriter w("identification");
  if (f.typecode < kTcIdentFirst || f.typecode > kTcIdentLast) {
    w.Fail("type code " + std::to_string(f.typecode) + " is not 1..4");
  }
  if (f.callsign.size() > kCallsignChars) {
    w.Fail("callsign '" + std::string(f.callsign) + "' longer than 8 characters");
  }
  w.U(me::kTypeCode, f.typecode);
  w.U(me::kCategory, f.category);
  for (size_t i = 0; i < kCallsignChars; ++i) {
    int code = 32;  // space pads the callsign
    if (i < f.callsign.size()) {
      code = CallsignCode(f.callsign[i]);
      if (code < 0) {
        w.Fail("callsign '" + std::string(f.callsign) + "': character '" +
               std::string(1, f.callsign[i]) + "' is not in the ICAO alphabet");
        code = 32;
      }
    }
    w.Bits(me::kCharsOffset + kCallsignBits * i, kCallsignBits, static_cast<uint64_t>(code));
  }
  return w.Finish(icao, capability, out);
}

Status EncodeOperationalStatus(uint32_t icao, const OperationalStatusFields& f,
                               ExtendedSquitter& out, uint8_t capability) {
  MeWriter w("operational status");
  w.U(me::kTypeCode, kTcStatus);
  w.U(me::kSubtype, 0);  // airborne
  w.U(me::kCapabilityClass, f.capability_class);
  w.U(me::kOperationalMode, f.operational_mode);
  w.U(me::kVersion, kAdsbVersion2);
  w.U(me::kNicA, f.nic_a);
  w.U(me::kOpNacP, f.nac_p);
  w.U(me::kGva, f.gva);
  w.U(me::kOpSil, f.sil);
  w.U(me::kNicBaro, f.nic_baro ? 1 : 0);
  w.U(me::kHrd, 0);  // true north
  w.U(me::kSilSupplement, f.sil_per_sample ? 1 : 0);
  return w.Finish(icao, capability, out);
}

}  // namespace biac::formats::adsb
