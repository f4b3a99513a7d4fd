#include "biac/storage/observation_codec.h"

#include <bit>
#include <cstring>
#include <string>

namespace biac::storage {
namespace {

// The flags varint (observation_codec.h, version 1).
enum Flag : uint64_t {
  kFlagHasAltitude = 1u << 0,
  kFlagHasVerticalVelocity = 1u << 1,
  kFlagPositionCovShift = 2,  // 2 bits: CovForm
  kFlagVelocity = 1u << 4,
  kFlagVelocityCovShift = 5,  // 2 bits: CovForm
  kFlagSensorRelative = 1u << 7,
  kFlagMmsi = 1u << 8,
  kFlagIcaoAddress = 1u << 9,
  kFlagMode3a = 1u << 10,
  kFlagTrackNumber = 1u << 11,
  kFlagImo = 1u << 12,
  kFlagCallsign = 1u << 13,
  kFlagName = 1u << 14,
  kFlagUid = 1u << 15,
  kFlagCategory = 1u << 16,
  kFlagRange = 1u << 17,
  kFlagAzimuth = 1u << 18,
  kFlagElevation = 1u << 19,
  kFlagRangeRate = 1u << 20,
  kFlagDomain = 1u << 21,
  kFlagsKnown = (1u << 22) - 1,
};
constexpr uint64_t kCovFormMask = 3;
constexpr uint64_t kSensorRelativeOptionals =
    kFlagRange | kFlagAzimuth | kFlagElevation | kFlagRangeRate;

enum class CovForm : uint64_t { kZero = 0, kSymmetric = 1, kFull = 2 };

constexpr uint8_t kLastSourceKind = static_cast<uint8_t>(model::SourceKind::kPartner);
constexpr uint8_t kLastObservationKind = static_cast<uint8_t>(model::ObservationKind::kSensorPoint);
constexpr int kMaxVarintBytes = 10;
constexpr size_t kLabelCacheLimit = 4096;

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

CovForm FormOf(const Eigen::Matrix3d& m) {
  bool zero = true;
  bool symmetric = true;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      zero = zero && Bits(m(r, c)) == 0;
      if (c > r) symmetric = symmetric && Bits(m(r, c)) == Bits(m(c, r));
    }
  }
  if (zero) return CovForm::kZero;
  return symmetric ? CovForm::kSymmetric : CovForm::kFull;
}

// --- writer ----------------------------------------------------------------------------------

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutF64(std::string& out, double v) {
  uint64_t bits = Bits(v);
  char bytes[8];
  for (char& b : bytes) {
    b = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  out.append(bytes, sizeof(bytes));
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

void PutMatrix(std::string& out, const Eigen::Matrix3d& m, CovForm form) {
  if (form == CovForm::kZero) return;
  for (int r = 0; r < 3; ++r) {
    for (int c = form == CovForm::kSymmetric ? r : 0; c < 3; ++c) PutF64(out, m(r, c));
  }
}

// --- reader ----------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}

  size_t offset() const { return offset_; }
  size_t remaining() const { return data_.size() - offset_; }

  Status Fail(std::string_view field, std::string_view reason) const {
    return InvalidArgument("observation record byte " + std::to_string(offset_) + " (" +
                           std::string(field) + "): " + std::string(reason));
  }

  Status U8(std::string_view field, uint8_t& v) {
    if (remaining() < 1) return Fail(field, "truncated");
    v = data_[offset_++];
    return Status::Ok();
  }

  Status Varint(std::string_view field, uint64_t& v) {
    v = 0;
    for (int i = 0; i < kMaxVarintBytes; ++i) {
      if (remaining() < 1) return Fail(field, "truncated varint");
      const uint8_t byte = data_[offset_];
      const uint64_t group = byte & 0x7f;
      const int shift = 7 * i;
      // The tenth byte may carry only the top bit of a 64-bit value.
      if (i == kMaxVarintBytes - 1 && group > 1) return Fail(field, "varint exceeds 64 bits");
      v |= group << shift;
      ++offset_;
      if ((byte & 0x80) == 0) {
        if (i > 0 && group == 0) return Fail(field, "varint is not minimal");
        return Status::Ok();
      }
    }
    return Fail(field, "varint longer than 10 bytes");
  }

  template <typename T>
  Status Unsigned(std::string_view field, T& v) {
    uint64_t wide = 0;
    BIAC_RETURN_IF_ERROR(Varint(field, wide));
    if (wide > std::numeric_limits<T>::max()) return Fail(field, "value out of range");
    v = static_cast<T>(wide);
    return Status::Ok();
  }

  Status F64(std::string_view field, double& v) {
    if (remaining() < 8) return Fail(field, "truncated number");
    uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) bits = (bits << 8) | data_[offset_ + i];
    offset_ += 8;
    v = std::bit_cast<double>(bits);
    return Status::Ok();
  }

  Status String(std::string_view field, std::string& s) {
    uint64_t length = 0;
    BIAC_RETURN_IF_ERROR(Varint(field, length));
    if (length > remaining()) {
      return Fail(field, "length " + std::to_string(length) + " exceeds the " +
                             std::to_string(remaining()) + " bytes left");
    }
    s.assign(reinterpret_cast<const char*>(data_.data() + offset_), length);
    offset_ += length;
    return Status::Ok();
  }

  Status Matrix(std::string_view field, CovForm form, Eigen::Matrix3d& m) {
    m.setZero();
    if (form == CovForm::kZero) return Status::Ok();
    for (int r = 0; r < 3; ++r) {
      for (int c = form == CovForm::kSymmetric ? r : 0; c < 3; ++c) {
        BIAC_RETURN_IF_ERROR(F64(field, m(r, c)));
        if (form == CovForm::kSymmetric) m(c, r) = m(r, c);
      }
    }
    if (FormOf(m) != form) return Fail(field, "covariance form is not the canonical one");
    return Status::Ok();
  }

 private:
  std::span<const uint8_t> data_;
  size_t offset_ = 0;
};

Status ReadCovForm(const Reader& in, uint64_t flags, int shift, std::string_view field,
                   CovForm& form) {
  const uint64_t value = (flags >> shift) & kCovFormMask;
  if (value > static_cast<uint64_t>(CovForm::kFull)) return in.Fail(field, "unknown form 3");
  form = static_cast<CovForm>(value);
  return Status::Ok();
}

bool SameBits(double a, double b) { return Bits(a) == Bits(b); }

bool SameBits(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b) {
  for (int i = 0; i < 9; ++i) {
    if (!SameBits(a.data()[i], b.data()[i])) return false;
  }
  return true;
}

bool SameBits(const geo::Lla& a, const geo::Lla& b) {
  return SameBits(a.latitude_deg, b.latitude_deg) && SameBits(a.longitude_deg, b.longitude_deg) &&
         SameBits(a.altitude_m, b.altitude_m);
}

bool SameBits(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || SameBits(*a, *b);
}

}  // namespace

void ObservationEncoder::Encode(const model::Observation& o, std::string& out) {
  if (!(o.label == label_)) {
    label_ = o.label;
    label_text_ = labels::Render(o.label);
  }
  const model::Identity& id = o.identity;
  const CovForm position_form = FormOf(o.position_covariance);
  const CovForm velocity_form = FormOf(o.velocity_covariance);
  uint64_t flags = static_cast<uint64_t>(position_form) << kFlagPositionCovShift |
                   static_cast<uint64_t>(velocity_form) << kFlagVelocityCovShift;
  if (o.has_altitude) flags |= kFlagHasAltitude;
  if (o.has_vertical_velocity) flags |= kFlagHasVerticalVelocity;
  if (o.velocity_enu) flags |= kFlagVelocity;
  if (o.sensor_relative) {
    flags |= kFlagSensorRelative;
    if (o.sensor_relative->range_m) flags |= kFlagRange;
    if (o.sensor_relative->azimuth_deg) flags |= kFlagAzimuth;
    if (o.sensor_relative->elevation_deg) flags |= kFlagElevation;
    if (o.sensor_relative->range_rate_mps) flags |= kFlagRangeRate;
  }
  if (id.mmsi) flags |= kFlagMmsi;
  if (id.icao_address) flags |= kFlagIcaoAddress;
  if (id.mode3a) flags |= kFlagMode3a;
  if (id.track_number) flags |= kFlagTrackNumber;
  if (id.imo) flags |= kFlagImo;
  if (!id.callsign.empty()) flags |= kFlagCallsign;
  if (!id.name.empty()) flags |= kFlagName;
  if (!id.uid.empty()) flags |= kFlagUid;
  if (!id.category.empty()) flags |= kFlagCategory;
  if (o.domain != model::Domain::kUnknown) flags |= kFlagDomain;

  out.push_back(static_cast<char>(kObservationCodecVersion));
  PutVarint(out, flags);
  PutVarint(out, o.id);
  const int64_t nanos = o.time.nanos();
  PutVarint(out, (static_cast<uint64_t>(nanos) << 1) ^ static_cast<uint64_t>(nanos >> 63));
  out.push_back(static_cast<char>(o.source_kind));
  out.push_back(static_cast<char>(o.kind));
  PutString(out, o.source);
  PutString(out, o.sensor);
  PutF64(out, o.position.latitude_deg);
  PutF64(out, o.position.longitude_deg);
  PutF64(out, o.position.altitude_m);
  PutMatrix(out, o.position_covariance, position_form);
  if (o.velocity_enu) {
    for (int i = 0; i < 3; ++i) PutF64(out, (*o.velocity_enu)(i));
  }
  PutMatrix(out, o.velocity_covariance, velocity_form);
  if (o.sensor_relative) {
    const model::SensorRelative& s = *o.sensor_relative;
    PutF64(out, s.sensor_position.latitude_deg);
    PutF64(out, s.sensor_position.longitude_deg);
    PutF64(out, s.sensor_position.altitude_m);
    for (const std::optional<double>* v :
         {&s.range_m, &s.azimuth_deg, &s.elevation_deg, &s.range_rate_mps}) {
      if (*v) PutF64(out, **v);
    }
    PutF64(out, s.range_sigma_m);
    PutF64(out, s.azimuth_sigma_deg);
    PutF64(out, s.elevation_sigma_deg);
    PutF64(out, s.range_rate_sigma_mps);
  }
  if (id.mmsi) PutVarint(out, *id.mmsi);
  if (id.icao_address) PutVarint(out, *id.icao_address);
  if (id.mode3a) PutVarint(out, *id.mode3a);
  if (id.track_number) PutVarint(out, *id.track_number);
  if (id.imo) PutVarint(out, *id.imo);
  if (!id.callsign.empty()) PutString(out, id.callsign);
  if (!id.name.empty()) PutString(out, id.name);
  if (!id.uid.empty()) PutString(out, id.uid);
  if (!id.category.empty()) PutString(out, id.category);
  if (o.domain != model::Domain::kUnknown) out.push_back(static_cast<char>(o.domain));
  PutString(out, label_text_);
}

Status ObservationDecoder::Decode(std::span<const uint8_t> record, model::Observation& o) {
  Reader in(record);
  o = model::Observation();
  uint8_t version = 0;
  BIAC_RETURN_IF_ERROR(in.U8("version", version));
  if (version != kObservationCodecVersion) {
    return InvalidArgument("observation record: version " + std::to_string(version) +
                           " is not supported (this biac reads version " +
                           std::to_string(kObservationCodecVersion) + ")");
  }
  uint64_t flags = 0;
  BIAC_RETURN_IF_ERROR(in.Varint("flags", flags));
  if ((flags & ~static_cast<uint64_t>(kFlagsKnown)) != 0) {
    return in.Fail("flags", "unknown flag bits");
  }
  if ((flags & kFlagSensorRelative) == 0 && (flags & kSensorRelativeOptionals) != 0) {
    return in.Fail("flags", "sensor-relative fields without sensor_relative");
  }
  CovForm position_form{};
  CovForm velocity_form{};
  BIAC_RETURN_IF_ERROR(
      ReadCovForm(in, flags, kFlagPositionCovShift, "flags.position_covariance", position_form));
  BIAC_RETURN_IF_ERROR(
      ReadCovForm(in, flags, kFlagVelocityCovShift, "flags.velocity_covariance", velocity_form));
  o.has_altitude = (flags & kFlagHasAltitude) != 0;
  o.has_vertical_velocity = (flags & kFlagHasVerticalVelocity) != 0;

  BIAC_RETURN_IF_ERROR(in.Varint("id", o.id));
  uint64_t zigzag = 0;
  BIAC_RETURN_IF_ERROR(in.Varint("time", zigzag));
  o.time =
      Timestamp::FromNanos(static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1));
  uint8_t source_kind = 0;
  BIAC_RETURN_IF_ERROR(in.U8("source_kind", source_kind));
  if (source_kind > kLastSourceKind) return in.Fail("source_kind", "unknown value");
  o.source_kind = static_cast<model::SourceKind>(source_kind);
  uint8_t kind = 0;
  BIAC_RETURN_IF_ERROR(in.U8("kind", kind));
  if (kind > kLastObservationKind) return in.Fail("kind", "unknown value");
  o.kind = static_cast<model::ObservationKind>(kind);
  BIAC_RETURN_IF_ERROR(in.String("source", o.source));
  BIAC_RETURN_IF_ERROR(in.String("sensor", o.sensor));
  BIAC_RETURN_IF_ERROR(in.F64("position", o.position.latitude_deg));
  BIAC_RETURN_IF_ERROR(in.F64("position", o.position.longitude_deg));
  BIAC_RETURN_IF_ERROR(in.F64("position", o.position.altitude_m));
  BIAC_RETURN_IF_ERROR(in.Matrix("position_covariance", position_form, o.position_covariance));
  if ((flags & kFlagVelocity) != 0) {
    Eigen::Vector3d v;
    for (int i = 0; i < 3; ++i) BIAC_RETURN_IF_ERROR(in.F64("velocity_enu", v(i)));
    o.velocity_enu = v;
  }
  BIAC_RETURN_IF_ERROR(in.Matrix("velocity_covariance", velocity_form, o.velocity_covariance));
  if ((flags & kFlagSensorRelative) != 0) {
    model::SensorRelative s;
    BIAC_RETURN_IF_ERROR(in.F64("sensor_position", s.sensor_position.latitude_deg));
    BIAC_RETURN_IF_ERROR(in.F64("sensor_position", s.sensor_position.longitude_deg));
    BIAC_RETURN_IF_ERROR(in.F64("sensor_position", s.sensor_position.altitude_m));
    const struct {
      uint64_t flag;
      std::optional<double>* value;
      std::string_view name;
    } optionals[] = {{kFlagRange, &s.range_m, "range_m"},
                     {kFlagAzimuth, &s.azimuth_deg, "azimuth_deg"},
                     {kFlagElevation, &s.elevation_deg, "elevation_deg"},
                     {kFlagRangeRate, &s.range_rate_mps, "range_rate_mps"}};
    for (const auto& field : optionals) {
      if ((flags & field.flag) == 0) continue;
      double v = 0;
      BIAC_RETURN_IF_ERROR(in.F64(field.name, v));
      *field.value = v;
    }
    BIAC_RETURN_IF_ERROR(in.F64("range_sigma_m", s.range_sigma_m));
    BIAC_RETURN_IF_ERROR(in.F64("azimuth_sigma_deg", s.azimuth_sigma_deg));
    BIAC_RETURN_IF_ERROR(in.F64("elevation_sigma_deg", s.elevation_sigma_deg));
    BIAC_RETURN_IF_ERROR(in.F64("range_rate_sigma_mps", s.range_rate_sigma_mps));
    o.sensor_relative = s;
  }
  model::Identity& id = o.identity;
  if ((flags & kFlagMmsi) != 0) {
    uint32_t v = 0;
    BIAC_RETURN_IF_ERROR(in.Unsigned("mmsi", v));
    id.mmsi = v;
  }
  if ((flags & kFlagIcaoAddress) != 0) {
    uint32_t v = 0;
    BIAC_RETURN_IF_ERROR(in.Unsigned("icao_address", v));
    id.icao_address = v;
  }
  if ((flags & kFlagMode3a) != 0) {
    uint16_t v = 0;
    BIAC_RETURN_IF_ERROR(in.Unsigned("mode3a", v));
    id.mode3a = v;
  }
  if ((flags & kFlagTrackNumber) != 0) {
    uint32_t v = 0;
    BIAC_RETURN_IF_ERROR(in.Unsigned("track_number", v));
    id.track_number = v;
  }
  if ((flags & kFlagImo) != 0) {
    uint32_t v = 0;
    BIAC_RETURN_IF_ERROR(in.Unsigned("imo", v));
    id.imo = v;
  }
  const struct {
    uint64_t flag;
    std::string* value;
    std::string_view name;
  } strings[] = {{kFlagCallsign, &id.callsign, "callsign"},
                 {kFlagName, &id.name, "name"},
                 {kFlagUid, &id.uid, "uid"},
                 {kFlagCategory, &id.category, "category"}};
  for (const auto& field : strings) {
    if ((flags & field.flag) == 0) continue;
    BIAC_RETURN_IF_ERROR(in.String(field.name, *field.value));
    if (field.value->empty()) return in.Fail(field.name, "present but empty");
  }
  if ((flags & kFlagDomain) != 0) {
    uint8_t domain = 0;
    BIAC_RETURN_IF_ERROR(in.U8("domain", domain));
    if (domain == 0 || domain > static_cast<uint8_t>(model::Domain::kSpace)) {
      return in.Fail("domain", "value " + std::to_string(domain) + " is not a domain");
    }
    o.domain = static_cast<model::Domain>(domain);
  }
  std::string label_text;
  BIAC_RETURN_IF_ERROR(in.String("label", label_text));
  if (in.remaining() != 0) {
    return in.Fail("end", std::to_string(in.remaining()) + " bytes after the label");
  }
  auto cached = labels_.find(label_text);
  if (cached == labels_.end()) {
    Result<labels::Label> label = labels::Parse(label_text);
    if (!label.ok()) return in.Fail("label", label.error().message());
    if (labels::Render(*label) != label_text) {
      return in.Fail("label", "\"" + label_text + "\" is not the canonical rendering");
    }
    if (labels_.size() >= kLabelCacheLimit) labels_.clear();
    cached = labels_.emplace(label_text, std::move(label).value()).first;
  }
  o.label = cached->second;
  return Status::Ok();
}

std::string EncodeObservation(const model::Observation& observation) {
  ObservationEncoder encoder;
  std::string out;
  encoder.Encode(observation, out);
  return out;
}

Result<model::Observation> DecodeObservation(std::span<const uint8_t> record) {
  ObservationDecoder decoder;
  model::Observation observation;
  BIAC_RETURN_IF_ERROR(decoder.Decode(record, observation));
  return observation;
}

bool SameObservation(const model::Observation& a, const model::Observation& b) {
  if (a.id != b.id || a.time != b.time || a.source != b.source || a.sensor != b.sensor ||
      a.source_kind != b.source_kind || a.kind != b.kind || a.has_altitude != b.has_altitude ||
      a.has_vertical_velocity != b.has_vertical_velocity || a.domain != b.domain ||
      !(a.label == b.label)) {
    return false;
  }
  if (!SameBits(a.position, b.position) ||
      !SameBits(a.position_covariance, b.position_covariance) ||
      !SameBits(a.velocity_covariance, b.velocity_covariance)) {
    return false;
  }
  if (a.velocity_enu.has_value() != b.velocity_enu.has_value()) return false;
  if (a.velocity_enu) {
    for (int i = 0; i < 3; ++i) {
      if (!SameBits((*a.velocity_enu)(i), (*b.velocity_enu)(i))) return false;
    }
  }
  if (a.sensor_relative.has_value() != b.sensor_relative.has_value()) return false;
  if (a.sensor_relative) {
    const model::SensorRelative& s = *a.sensor_relative;
    const model::SensorRelative& t = *b.sensor_relative;
    if (!SameBits(s.sensor_position, t.sensor_position) || !SameBits(s.range_m, t.range_m) ||
        !SameBits(s.azimuth_deg, t.azimuth_deg) || !SameBits(s.elevation_deg, t.elevation_deg) ||
        !SameBits(s.range_rate_mps, t.range_rate_mps) ||
        !SameBits(s.range_sigma_m, t.range_sigma_m) ||
        !SameBits(s.azimuth_sigma_deg, t.azimuth_sigma_deg) ||
        !SameBits(s.elevation_sigma_deg, t.elevation_sigma_deg) ||
        !SameBits(s.range_rate_sigma_mps, t.range_rate_sigma_mps)) {
      return false;
    }
  }
  const model::Identity& i = a.identity;
  const model::Identity& j = b.identity;
  return i.mmsi == j.mmsi && i.icao_address == j.icao_address && i.mode3a == j.mode3a &&
         i.track_number == j.track_number && i.imo == j.imo && i.callsign == j.callsign &&
         i.name == j.name && i.uid == j.uid && i.category == j.category;
}

}  // namespace biac::storage
