// libFuzzer target for the DF17 encoder (encode_es.h). The input chooses a message kind and
// its values; properties: every encoded frame has a zero parity remainder and decodes
// (DecodeFrame) to the values given, rounded to the field's step; an even/odd pair of a
// position decodes globally (CprGlobalAirborne) within the CPR resolution unless the pair
// straddles an NL zone boundary; values out of range are errors, never a wrong frame.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/crc.h"
#include "biac/formats/adsb/encode_es.h"
#include "biac/formats/adsb/modes.h"

namespace {

using namespace biac::formats::adsb;

// Aborts with the failed property's line, for the crash report.
void CheckAt(bool condition, int line) {
  if (condition) return;
  std::fprintf(stderr, "property failed at line %d\n", line);
  std::abort();
}
#define Check(condition) CheckAt((condition), __LINE__)

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t Next(unsigned bits) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v = v << 8 | (pos_ < size_ ? data_[pos_++] : 0);
    return bits >= 64 ? v : v & ((uint64_t{1} << bits) - 1);
  }
  // A value in [lo, hi] with 2^bits steps.
  double Range(double lo, double hi, unsigned bits) {
    return lo + (hi - lo) * static_cast<double>(Next(bits)) / static_cast<double>((1u << bits) - 1);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

Message Decode(const ExtendedSquitter& frame) {
  Check(ParityRemainder(frame) == 0);
  biac::Result<Message> m = DecodeFrame(frame);
  Check(m.ok());
  Check(m->df == 17 && m->crc_valid);
  return *m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint64_t kind = in.Next(8) % 4;
  const auto icao = static_cast<uint32_t>(in.Next(24));
  ExtendedSquitter frame;
  if (kind == 0) {
    AirbornePositionFields f;
    f.typecode = static_cast<uint8_t>(9 + in.Next(8) % 10);
    f.altitude_ft = in.Range(-1200.0, 51000.0, 16);
    f.lat_deg = in.Range(-90.0, 90.0, 30);
    f.lon_deg = in.Range(-180.0, 180.0, 30);
    const double steps = std::round((*f.altitude_ft + 1000.0) / 25.0);  // Q = 1 code N
    const bool in_range = steps >= 0.0 && steps <= 2047.0;
    f.cpr_format = 0;
    const biac::Status even_status = EncodeAirbornePosition(icao, f, frame);
    if (!in_range) {
      Check(!even_status.ok());
      return 0;
    }
    Check(even_status.ok());
    const Message even = Decode(frame);
    Check(even.icao == icao && even.me_kind == MeKind::kAirbornePosition);
    Check(even.altitude_ft && std::abs(*even.altitude_ft - *f.altitude_ft) <= 12.5 + 1e-9);
    f.cpr_format = 1;
    Check(EncodeAirbornePosition(icao, f, frame).ok());
    const Message odd = Decode(frame);
    if (std::abs(f.lat_deg) > 87.0) return 0;  // polar zones: NL 1-2, coarse longitude
    const CprResult r = CprGlobalAirborne(even.airborne.cpr, odd.airborne.cpr, true);
    if (r.error == CprError::kZoneStraddle) return 0;
    Check(r.ok());
    Check(std::abs(r.position.lat_deg - f.lat_deg) <= 360.0 / 59.0 / 131072.0 + 1e-9);
    double dlon = std::abs(r.position.lon_deg - f.lon_deg);
    dlon = std::min(dlon, 360.0 - dlon);
    Check(dlon <= 1.01 * 360.0 / std::max(CprNl(f.lat_deg) - 1, 1) / 131072.0 + 1e-9);
  } else if (kind == 1) {
    VelocityFields f;
    f.nac_v = static_cast<uint8_t>(in.Next(3));
    f.east_kt = in.Range(-1100.0, 1100.0, 16);
    f.north_kt = in.Range(-1100.0, 1100.0, 16);
    f.vertical_rate_fpm = in.Range(-33000.0, 33000.0, 16);
    f.geo_minus_baro_ft = in.Range(-3200.0, 3200.0, 12);
    const biac::Status status = EncodeVelocity(icao, f, frame);
    const bool fits = std::abs(std::round(f.east_kt)) <= 1021.0 &&
                      std::abs(std::round(f.north_kt)) <= 1021.0 &&
                      std::round(std::abs(*f.vertical_rate_fpm) / 64.0) <= 509.0 &&
                      std::round(std::abs(*f.geo_minus_baro_ft) / 25.0) <= 125.0;
    Check(status.ok() == fits);
    if (!fits) return 0;
    const Message m = Decode(frame);
    Check(m.me_kind == MeKind::kVelocity && m.velocity.subtype == 1);
    Check(m.velocity.nac_v == f.nac_v);
    Check(m.velocity.east_kt && *m.velocity.east_kt == static_cast<int32_t>(std::round(f.east_kt)));
    Check(m.velocity.north_kt &&
          *m.velocity.north_kt == static_cast<int32_t>(std::round(f.north_kt)));
    Check(m.velocity.vertical_rate_fpm &&
          std::abs(*m.velocity.vertical_rate_fpm - *f.vertical_rate_fpm) <= 32.0 + 1e-9);
    Check(m.velocity.geo_minus_baro_ft &&
          std::abs(*m.velocity.geo_minus_baro_ft - *f.geo_minus_baro_ft) <= 12.5 + 1e-9);
  } else if (kind == 2) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -";
    std::string callsign;
    const size_t n = in.Next(8) % 10;
    bool valid = n <= 8;
    for (size_t i = 0; i < n; ++i) {
      const char c = kAlphabet[in.Next(8) % (sizeof kAlphabet - 1)];
      valid = valid && c != '-';
      callsign.push_back(c);
    }
    IdentificationFields f{.typecode = static_cast<uint8_t>(1 + in.Next(2)),
                           .category = static_cast<uint8_t>(in.Next(3)),
                           .callsign = callsign};
    const biac::Status status = EncodeIdentification(icao, f, frame);
    Check(status.ok() == valid);
    if (!valid) return 0;
    const Message m = Decode(frame);
    Check(m.me_kind == MeKind::kIdentification && m.typecode == f.typecode);
    Check(m.identification.category == f.category);
    while (!callsign.empty() && callsign.back() == ' ') callsign.pop_back();
    Check(std::string(m.identification.callsign.data()) == callsign);
  } else {
    OperationalStatusFields f{.capability_class = static_cast<uint16_t>(in.Next(16)),
                              .operational_mode = static_cast<uint16_t>(in.Next(16)),
                              .nic_a = static_cast<uint8_t>(in.Next(1)),
                              .nac_p = static_cast<uint8_t>(in.Next(4)),
                              .gva = static_cast<uint8_t>(in.Next(2)),
                              .sil = static_cast<uint8_t>(in.Next(2)),
                              .nic_baro = in.Next(1) != 0};
    Check(EncodeOperationalStatus(icao, f, frame).ok());
    const Message m = Decode(frame);
    Check(m.me_kind == MeKind::kOperationalStatus);
    Check(m.operational_status.nac_p == f.nac_p && m.operational_status.gva == f.gva &&
          m.operational_status.sil == f.sil && m.operational_status.version == 2);
  }
  return 0;
}
