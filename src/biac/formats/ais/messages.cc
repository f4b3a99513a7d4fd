#include "biac/formats/ais/messages.h"

#include <algorithm>
#include <string>

#include "biac/base/bits.h"
#include "biac/formats/ais/layouts.h"

namespace biac::formats::ais {
namespace {

// Layout tables: every field of every message, as (name, first bit, width), transcribed from
// ITU-R M.1371-5 Annex 8 (table numbers on each block). The bit numbering is that of
// base/bits.h: bit 0 is the first bit of the payload. The header and the tables the encoder
// shares (types 1-3 and 5) are in layouts.h.
namespace common = layout::common;
namespace type1 = layout::type1;
namespace type5 = layout::type5;

namespace type4 {  // Table 46 (also type 11)
constexpr BitField kYear{"year", 38, 14};
constexpr BitField kMonth{"month", 52, 4};
constexpr BitField kDay{"day", 56, 5};
constexpr BitField kHour{"hour", 61, 5};
constexpr BitField kMinute{"minute", 66, 6};
constexpr BitField kSecond{"second", 72, 6};
constexpr BitField kAccuracy{"accuracy", 78, 1};
constexpr BitField kLon{"lon", 79, 28};
constexpr BitField kLat{"lat", 107, 27};
constexpr BitField kEpfd{"epfd", 134, 4};
constexpr BitField kTransmissionControl{"transmission_control", 138, 1};
constexpr BitField kSpare{"spare", 139, 9};
constexpr BitField kRaim{"raim", 148, 1};
constexpr BitField kRadio{"radio", 149, 19};
constexpr size_t kBits = 168;
}  // namespace type4

namespace type6 {  // Table 51
constexpr BitField kSeqno{"seqno", 38, 2};
constexpr BitField kDestMmsi{"dest_mmsi", 40, 30};
constexpr BitField kRetransmit{"retransmit", 70, 1};
constexpr BitField kDac{"dac", 72, 10};
constexpr BitField kFid{"fid", 82, 6};
constexpr size_t kDataStart = 88;
constexpr size_t kMinBits = 88;
constexpr size_t kMaxBits = 1008;
}  // namespace type6

namespace type7 {  // Table 52: destination i at 40 + 32 i (30 bits MMSI, 2 bits sequence)
constexpr BitField kMmsi1{"mmsi1", 40, 30};
constexpr BitField kSeqno1{"seqno1", 70, 2};
constexpr size_t kStride = 32;
constexpr size_t kMinBits = 72;
constexpr size_t kMaxBits = 168;
}  // namespace type7

namespace type8 {  // Table 53
constexpr BitField kDac{"dac", 40, 10};
constexpr BitField kFid{"fid", 50, 6};
constexpr size_t kDataStart = 56;
constexpr size_t kMinBits = 56;
constexpr size_t kMaxBits = 1008;
}  // namespace type8

namespace type9 {  // Table 54
constexpr BitField kAlt{"alt", 38, 12};
constexpr BitField kSpeed{"speed", 50, 10};
constexpr BitField kAccuracy{"accuracy", 60, 1};
constexpr BitField kLon{"lon", 61, 28};
constexpr BitField kLat{"lat", 89, 27};
constexpr BitField kCourse{"course", 116, 12};
constexpr BitField kSecond{"second", 128, 6};
constexpr BitField kRegional{"regional", 134, 8};
constexpr BitField kDte{"dte", 142, 1};
constexpr BitField kSpare{"spare", 143, 3};
constexpr BitField kAssigned{"assigned", 146, 1};
constexpr BitField kRaim{"raim", 147, 1};
constexpr BitField kRadio{"radio", 148, 20};
constexpr size_t kBits = 168;
}  // namespace type9

namespace type10 {  // Table 55
constexpr BitField kDestMmsi{"dest_mmsi", 40, 30};
constexpr size_t kBits = 72;
}  // namespace type10

namespace type12 {  // Table 56
constexpr BitField kSeqno{"seqno", 38, 2};
constexpr BitField kDestMmsi{"dest_mmsi", 40, 30};
constexpr BitField kRetransmit{"retransmit", 70, 1};
constexpr size_t kTextStart = 72;
constexpr size_t kMinBits = 72;
constexpr size_t kMaxBits = 1008;
}  // namespace type12

namespace type14 {  // Table 58
constexpr size_t kTextStart = 40;
constexpr size_t kMinBits = 40;
constexpr size_t kMaxBits = 1008;
}  // namespace type14

namespace type15 {  // Table 59
constexpr BitField kMmsi1{"mmsi1", 40, 30};
constexpr BitField kType1_1{"type1_1", 70, 6};
constexpr BitField kOffset1_1{"offset1_1", 76, 12};
constexpr BitField kType1_2{"type1_2", 90, 6};
constexpr BitField kOffset1_2{"offset1_2", 96, 12};
constexpr BitField kMmsi2{"mmsi2", 110, 30};
constexpr BitField kType2_1{"type2_1", 140, 6};
constexpr BitField kOffset2_1{"offset2_1", 146, 12};
constexpr size_t kSecondRequestStart = 90;
constexpr size_t kSecondStationStart = 110;
constexpr size_t kMinBits = 88;
constexpr size_t kMaxBits = 168;
}  // namespace type15

namespace type16 {  // Table 60
constexpr BitField kMmsi1{"mmsi1", 40, 30};
constexpr BitField kOffset1{"offset1", 70, 12};
constexpr BitField kIncrement1{"increment1", 82, 10};
constexpr BitField kMmsi2{"mmsi2", 92, 30};
constexpr BitField kOffset2{"offset2", 122, 12};
constexpr BitField kIncrement2{"increment2", 134, 10};
constexpr size_t kMinBits = 96;
constexpr size_t kTwoDestinationBits = 144;
constexpr size_t kMaxBits = 168;
}  // namespace type16

namespace type17 {  // Table 61
constexpr BitField kLon{"lon", 40, 18};
constexpr BitField kLat{"lat", 58, 17};
constexpr size_t kDataStart = 80;
constexpr size_t kMinBits = 80;
constexpr size_t kMaxBits = 816;
}  // namespace type17

namespace type18 {  // Table 62
constexpr BitField kReserved{"reserved", 38, 8};
constexpr BitField kSpeed{"speed", 46, 10};
constexpr BitField kAccuracy{"accuracy", 56, 1};
constexpr BitField kLon{"lon", 57, 28};
constexpr BitField kLat{"lat", 85, 27};
constexpr BitField kCourse{"course", 112, 12};
constexpr BitField kHeading{"heading", 124, 9};
constexpr BitField kSecond{"second", 133, 6};
constexpr BitField kRegional{"regional", 139, 2};
constexpr BitField kCs{"cs", 141, 1};
constexpr BitField kDisplay{"display", 142, 1};
constexpr BitField kDsc{"dsc", 143, 1};
constexpr BitField kBand{"band", 144, 1};
constexpr BitField kMsg22{"msg22", 145, 1};
constexpr BitField kAssigned{"assigned", 146, 1};
constexpr BitField kRaim{"raim", 147, 1};
constexpr BitField kRadio{"radio", 148, 20};
constexpr size_t kBits = 168;
}  // namespace type18

namespace type19 {  // Table 63
constexpr BitField kReserved{"reserved", 38, 8};
constexpr BitField kSpeed{"speed", 46, 10};
constexpr BitField kAccuracy{"accuracy", 56, 1};
constexpr BitField kLon{"lon", 57, 28};
constexpr BitField kLat{"lat", 85, 27};
constexpr BitField kCourse{"course", 112, 12};
constexpr BitField kHeading{"heading", 124, 9};
constexpr BitField kSecond{"second", 133, 6};
constexpr BitField kRegional{"regional", 139, 4};
constexpr BitField kShipname{"shipname", 143, 120};
constexpr BitField kShiptype{"shiptype", 263, 8};
constexpr BitField kToBow{"to_bow", 271, 9};
constexpr BitField kToStern{"to_stern", 280, 9};
constexpr BitField kToPort{"to_port", 289, 6};
constexpr BitField kToStarboard{"to_starboard", 295, 6};
constexpr BitField kEpfd{"epfd", 301, 4};
constexpr BitField kRaim{"raim", 305, 1};
constexpr BitField kDte{"dte", 306, 1};
constexpr BitField kAssigned{"assigned", 307, 1};
constexpr BitField kSpare{"spare", 308, 4};
constexpr size_t kBits = 312;
}  // namespace type19

namespace type20 {  // Table 64: reservation i at 40 + 30 i
constexpr BitField kOffset{"offset", 40, 12};
constexpr BitField kNumber{"number", 52, 4};
constexpr BitField kTimeout{"timeout", 56, 3};
constexpr BitField kIncrement{"increment", 59, 11};
constexpr size_t kStride = 30;
constexpr size_t kMinBits = 72;
constexpr size_t kMaxBits = 186;
}  // namespace type20

namespace type21 {  // Table 65
constexpr BitField kAidType{"aid_type", 38, 5};
constexpr BitField kName{"name", 43, 120};
constexpr BitField kAccuracy{"accuracy", 163, 1};
constexpr BitField kLon{"lon", 164, 28};
constexpr BitField kLat{"lat", 192, 27};
constexpr BitField kToBow{"to_bow", 219, 9};
constexpr BitField kToStern{"to_stern", 228, 9};
constexpr BitField kToPort{"to_port", 237, 6};
constexpr BitField kToStarboard{"to_starboard", 243, 6};
constexpr BitField kEpfd{"epfd", 249, 4};
constexpr BitField kSecond{"second", 253, 6};
constexpr BitField kOffPosition{"off_position", 259, 1};
constexpr BitField kRegional{"regional", 260, 8};
constexpr BitField kRaim{"raim", 268, 1};
constexpr BitField kVirtualAid{"virtual_aid", 269, 1};
constexpr BitField kAssigned{"assigned", 270, 1};
constexpr size_t kNameExtensionStart = 272;
constexpr size_t kMinBits = 272;
constexpr size_t kMaxBits = 368;
}  // namespace type21

namespace type22 {  // Table 66
constexpr BitField kChannelA{"channel_a", 40, 12};
constexpr BitField kChannelB{"channel_b", 52, 12};
constexpr BitField kTxrx{"txrx", 64, 4};
constexpr BitField kPower{"power", 68, 1};
constexpr BitField kNeLon{"ne_lon", 69, 18};
constexpr BitField kNeLat{"ne_lat", 87, 17};
constexpr BitField kSwLon{"sw_lon", 104, 18};
constexpr BitField kSwLat{"sw_lat", 122, 17};
constexpr BitField kDest1{"dest1", 69, 30};
constexpr BitField kDest2{"dest2", 104, 30};
constexpr BitField kAddressed{"addressed", 139, 1};
constexpr BitField kBandA{"band_a", 140, 1};
constexpr BitField kBandB{"band_b", 141, 1};
constexpr BitField kZonesize{"zonesize", 142, 3};
constexpr size_t kBits = 168;
}  // namespace type22

namespace type23 {  // Table 67
constexpr BitField kNeLon{"ne_lon", 40, 18};
constexpr BitField kNeLat{"ne_lat", 58, 17};
constexpr BitField kSwLon{"sw_lon", 75, 18};
constexpr BitField kSwLat{"sw_lat", 93, 17};
constexpr BitField kStationtype{"stationtype", 110, 4};
constexpr BitField kShiptype{"shiptype", 114, 8};
constexpr BitField kTxrx{"txrx", 144, 2};
constexpr BitField kInterval{"interval", 146, 4};
constexpr BitField kQuiet{"quiet", 150, 4};
constexpr size_t kBits = 160;
}  // namespace type23

namespace type24 {  // Tables 68 (part A) and 69 (part B)
constexpr BitField kPart{"part", 38, 2};
constexpr BitField kShipname{"shipname", 40, 120};
constexpr BitField kShiptype{"shiptype", 40, 8};
constexpr BitField kVendorid{"vendorid", 48, 42};
constexpr BitField kModel{"model", 66, 4};
constexpr BitField kSerial{"serial", 70, 20};
constexpr BitField kCallsign{"callsign", 90, 42};
constexpr BitField kToBow{"to_bow", 132, 9};
constexpr BitField kToStern{"to_stern", 141, 9};
constexpr BitField kToPort{"to_port", 150, 6};
constexpr BitField kToStarboard{"to_starboard", 156, 6};
constexpr BitField kMothershipMmsi{"mothership_mmsi", 132, 30};
constexpr uint64_t kPartA = 0;
constexpr uint64_t kPartB = 1;
constexpr size_t kMinBitsA = 160;
constexpr size_t kMaxBitsA = 168;
constexpr size_t kBitsB = 168;
// Auxiliary craft (MMSI 98MIDxxxx, ITU-R M.585) report their mother ship instead of dimensions.
constexpr uint32_t kAuxiliaryMmsiDivisor = 10'000'000;
constexpr uint32_t kAuxiliaryMmsiPrefix = 98;
}  // namespace type24

namespace type25 {  // Table 70
constexpr BitField kAddressed{"addressed", 38, 1};
constexpr BitField kStructured{"structured", 39, 1};
constexpr size_t kBodyStart = 40;
constexpr size_t kMinBits = 40;
constexpr size_t kMaxBits = 168;
}  // namespace type25

namespace type26 {  // Table 71: the communication state closes the message
constexpr BitField kAddressed{"addressed", 38, 1};
constexpr BitField kStructured{"structured", 39, 1};
constexpr size_t kBodyStart = 40;
constexpr size_t kRadioBits = 20;
constexpr size_t kMinBits = 60;
constexpr size_t kMaxBits = 1004;
}  // namespace type26

namespace slot_binary {  // fields of types 25/26 that follow the flags
constexpr unsigned kDestMmsiBits = 30;
constexpr unsigned kAppIdBits = 16;
}  // namespace slot_binary

namespace type27 {  // Table 72
constexpr BitField kAccuracy{"accuracy", 38, 1};
constexpr BitField kRaim{"raim", 39, 1};
constexpr BitField kStatus{"status", 40, 4};
constexpr BitField kLon{"lon", 44, 18};
constexpr BitField kLat{"lat", 62, 17};
constexpr BitField kSpeed{"speed", 79, 6};
constexpr BitField kCourse{"course", 85, 9};
constexpr BitField kGnss{"gnss", 94, 1};
constexpr BitField kSpare{"spare", 95, 1};
// 96 bits nominal; some transmitters fill a whole 168-bit slot (gpsd accepts both).
constexpr size_t kBits = 96;
constexpr size_t kSlotBits = 168;
}  // namespace type27

namespace commstate {  // M.1371-5 Annex 2, 3.3.7.2.2 (SOTDMA) and 3.3.7.3.2 (ITDMA), 19 bits
constexpr BitField kSyncState{"sync_state", 0, 2};
constexpr BitField kSlotTimeout{"slot_timeout", 2, 3};
constexpr BitField kSubMessage{"sub_message", 5, 14};
constexpr BitField kUtcHour{"utc_hour", 5, 5};
constexpr BitField kUtcMinute{"utc_minute", 10, 7};
constexpr BitField kSlotIncrement{"slot_increment", 2, 13};
constexpr BitField kSlotsToAllocate{"slots_to_allocate", 15, 3};
constexpr BitField kKeepFlag{"keep_flag", 18, 1};
constexpr unsigned kBits = 19;
}  // namespace commstate

constexpr unsigned kSixBits = 6;

// Reads fields of one payload. Reads stay inside the payload's byte array: the length checks
// done before each message keep fields inside the message, except the few fields gpsd reads
// past a short message's end (types 7 and 15), which read the armouring's fill bits and the
// zero bytes AppendArmoured leaves after them.
class Fields {
 public:
  explicit Fields(const Payload& p) : data_(p.span()), bits_(p.bit_count) {}

  size_t bits() const { return bits_; }
  uint64_t U(const BitField& f) const { return Read(data_, f); }
  int64_t S(const BitField& f) const { return ReadSigned(data_, f); }
  bool B(const BitField& f) const { return Read(data_, f) != 0; }
  uint64_t UAt(size_t offset, unsigned width) const { return ReadBits(data_, offset, width); }

  // Six-bit text of up to `f.width / 6` characters, stopping at '@' (M.1371-5 Table 47: '@'
  // pads unused characters), with trailing spaces removed, as gpsd and libais read it.
  template <size_t N>
  void Text(const BitField& f, FixedText<N>& out) const {
    TextAt(f.offset, f.width / kSixBits, out, /*trim=*/true);
  }
  template <size_t N>
  void TextAt(size_t offset, size_t count, FixedText<N>& out, bool trim) const {
    size_t n = out.size;
    for (size_t i = 0; i < count && n < N; ++i) {
      const size_t bit = offset + kSixBits * i;
      if (bit + kSixBits > bits_) break;
      const char c = SixBitChar(static_cast<unsigned>(ReadBits(data_, bit, kSixBits)));
      if (c == '@') break;
      out.chars[n++] = c;
    }
    out.chars[n] = '\0';
    out.size = static_cast<uint8_t>(n);
    if (trim) TrimRight(out);
  }

  template <size_t N>
  static void TrimRight(FixedText<N>& out) {
    size_t n = out.size;
    while (n > 0 && (out.chars[n - 1] == ' ' || out.chars[n - 1] == '@')) --n;
    out.chars[n] = '\0';
    out.size = static_cast<uint8_t>(n);
  }

  // Copies bits [begin, end) left-aligned into `out`, zeroing the bits after them.
  void Binary(size_t begin, size_t end, BinaryData& out) const {
    out.bytes.fill(0);
    const size_t count = end > begin ? end - begin : 0;
    out.bit_count = static_cast<uint16_t>(count);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
      out.bytes[i / 8] = static_cast<uint8_t>(ReadBits(data_, begin + i, 8));
    }
    if (i < count) {
      const unsigned rest = static_cast<unsigned>(count - i);
      out.bytes[i / 8] = static_cast<uint8_t>(ReadBits(data_, begin + i, rest) << (8 - rest));
    }
  }

 private:
  std::span<const uint8_t> data_;
  size_t bits_;
};

Status LengthError(unsigned type, size_t bits, size_t min_bits, size_t max_bits) {
  std::string message = "type " + std::to_string(type) + ": " + std::to_string(bits) +
                        " bits, expected ";
  if (min_bits == max_bits) {
    message += std::to_string(min_bits);
  } else if (max_bits == 0) {
    message += "at least " + std::to_string(min_bits);
  } else {
    message += std::to_string(min_bits) + " to " + std::to_string(max_bits);
  }
  return InvalidArgument(std::move(message));
}

// max_bits 0: no upper bound.
bool InRange(size_t bits, size_t min_bits, size_t max_bits) {
  return bits >= min_bits && (max_bits == 0 || bits <= max_bits);
}

void DecodePositionA(const Fields& f, PositionReportA& m) {
  using namespace type1;
  m.status = static_cast<uint8_t>(f.U(kStatus));
  m.turn = static_cast<int8_t>(f.S(kTurn));
  m.speed = static_cast<uint16_t>(f.U(kSpeed));
  m.accuracy = f.B(kAccuracy);
  m.lon = static_cast<int32_t>(f.S(kLon));
  m.lat = static_cast<int32_t>(f.S(kLat));
  m.course = static_cast<uint16_t>(f.U(kCourse));
  m.heading = static_cast<uint16_t>(f.U(kHeading));
  m.second = static_cast<uint8_t>(f.U(kSecond));
  m.maneuver = static_cast<uint8_t>(f.U(kManeuver));
  m.spare = static_cast<uint8_t>(f.U(kSpare));
  m.raim = f.B(kRaim);
  // A short (163..167 bit) report carries a truncated communication state, read as gpsd does.
  const unsigned radio_bits =
      static_cast<unsigned>(std::min<size_t>(kRadio.width, f.bits() - kRadio.offset));
  m.radio = static_cast<uint32_t>(f.UAt(kRadio.offset, radio_bits));
}

void DecodeBaseStation(const Fields& f, BaseStationReport& m) {
  using namespace type4;
  m.year = static_cast<uint16_t>(f.U(kYear));
  m.month = static_cast<uint8_t>(f.U(kMonth));
  m.day = static_cast<uint8_t>(f.U(kDay));
  m.hour = static_cast<uint8_t>(f.U(kHour));
  m.minute = static_cast<uint8_t>(f.U(kMinute));
  m.second = static_cast<uint8_t>(f.U(kSecond));
  m.accuracy = f.B(kAccuracy);
  m.lon = static_cast<int32_t>(f.S(kLon));
  m.lat = static_cast<int32_t>(f.S(kLat));
  m.epfd = static_cast<uint8_t>(f.U(kEpfd));
  m.transmission_control = f.B(kTransmissionControl);
  m.spare = static_cast<uint16_t>(f.U(kSpare));
  m.raim = f.B(kRaim);
  m.radio = static_cast<uint32_t>(f.U(kRadio));
}

void DecodeStaticVoyage(const Fields& f, StaticVoyageData& m) {
  using namespace type5;
  m.ais_version = static_cast<uint8_t>(f.U(kAisVersion));
  m.imo = static_cast<uint32_t>(f.U(kImo));
  f.Text(kCallsign, m.callsign);
  f.Text(kShipname, m.shipname);
  m.shiptype = static_cast<uint8_t>(f.U(kShiptype));
  m.to_bow = static_cast<uint16_t>(f.U(kToBow));
  m.to_stern = static_cast<uint16_t>(f.U(kToStern));
  m.to_port = static_cast<uint8_t>(f.U(kToPort));
  m.to_starboard = static_cast<uint8_t>(f.U(kToStarboard));
  m.epfd = static_cast<uint8_t>(f.U(kEpfd));
  m.month = static_cast<uint8_t>(f.U(kMonth));
  m.day = static_cast<uint8_t>(f.U(kDay));
  m.hour = static_cast<uint8_t>(f.U(kHour));
  m.minute = static_cast<uint8_t>(f.U(kMinute));
  m.draught = static_cast<uint8_t>(f.U(kDraught));
  f.Text(kDestination, m.destination);
  m.dte = FieldFits(kDte, f.bits()) ? static_cast<uint8_t>(f.U(kDte)) : 0;
  m.spare = FieldFits(kSpare, f.bits()) ? static_cast<uint8_t>(f.U(kSpare)) : 0;
}

void DecodeSlotBinary(const Fields& f, size_t body_end, SlotBinary& m) {
  size_t bit = type25::kBodyStart;  // same for type 26
  if (m.addressed) {
    m.dest_mmsi = static_cast<uint32_t>(f.UAt(bit, slot_binary::kDestMmsiBits));
    bit += slot_binary::kDestMmsiBits;
  }
  if (m.structured) {
    m.app_id = static_cast<uint16_t>(f.UAt(bit, slot_binary::kAppIdBits));
    bit += slot_binary::kAppIdBits;
  }
  f.Binary(bit, body_end, m.data);
}

Status DecodeBody(const Fields& f, Message& out) {
  const size_t n = f.bits();
  const unsigned type = out.type;
  switch (type) {
    case 1:
    case 2:
    case 3: {
      if (!InRange(n, type1::kMinBits, type1::kMaxBits)) {
        return LengthError(type, n, type1::kMinBits, type1::kMaxBits);
      }
      DecodePositionA(f, out.body.emplace<PositionReportA>());
      return Status::Ok();
    }
    case 4:
    case 11: {
      if (n < type4::kBits) return LengthError(type, n, type4::kBits, 0);
      DecodeBaseStation(f, out.body.emplace<BaseStationReport>());
      return Status::Ok();
    }
    case 5: {
      if (n < type5::kMinBits) return LengthError(type, n, type5::kMinBits, 0);
      DecodeStaticVoyage(f, out.body.emplace<StaticVoyageData>());
      return Status::Ok();
    }
    case 6: {
      using namespace type6;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<AddressedBinary>();
      m.seqno = static_cast<uint8_t>(f.U(kSeqno));
      m.dest_mmsi = static_cast<uint32_t>(f.U(kDestMmsi));
      m.retransmit = f.B(kRetransmit);
      m.dac = static_cast<uint16_t>(f.U(kDac));
      m.fid = static_cast<uint8_t>(f.U(kFid));
      f.Binary(kDataStart, n, m.data);
      return Status::Ok();
    }
    case 7:
    case 13: {
      using namespace type7;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<Acknowledge>();
      // As gpsd: a destination whose MMSI starts inside the payload is read even if the
      // payload ends before its sequence number (bits past the end read as the fill bits
      // of the armouring, then zero).
      for (size_t i = 0; i < m.mmsi.size(); ++i) {
        const size_t mmsi_at = kMmsi1.offset + kStride * i;
        const size_t seq_at = kSeqno1.offset + kStride * i;
        if (mmsi_at >= n) break;
        m.mmsi[i] = static_cast<uint32_t>(f.UAt(mmsi_at, kMmsi1.width));
        m.seqno[i] = static_cast<uint8_t>(f.UAt(seq_at, kSeqno1.width));
        m.count = static_cast<uint8_t>(i + 1);
      }
      return Status::Ok();
    }
    case 8: {
      using namespace type8;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<BroadcastBinary>();
      m.dac = static_cast<uint16_t>(f.U(kDac));
      m.fid = static_cast<uint8_t>(f.U(kFid));
      f.Binary(kDataStart, n, m.data);
      return Status::Ok();
    }
    case 9: {
      using namespace type9;
      if (n < kBits) return LengthError(type, n, kBits, 0);
      auto& m = out.body.emplace<SarAircraftReport>();
      m.alt = static_cast<uint16_t>(f.U(kAlt));
      m.speed = static_cast<uint16_t>(f.U(kSpeed));
      m.accuracy = f.B(kAccuracy);
      m.lon = static_cast<int32_t>(f.S(kLon));
      m.lat = static_cast<int32_t>(f.S(kLat));
      m.course = static_cast<uint16_t>(f.U(kCourse));
      m.second = static_cast<uint8_t>(f.U(kSecond));
      m.regional = static_cast<uint8_t>(f.U(kRegional));
      m.dte = static_cast<uint8_t>(f.U(kDte));
      m.spare = static_cast<uint8_t>(f.U(kSpare));
      m.assigned = f.B(kAssigned);
      m.raim = f.B(kRaim);
      m.radio = static_cast<uint32_t>(f.U(kRadio));
      return Status::Ok();
    }
    case 10: {
      if (n < type10::kBits) return LengthError(type, n, type10::kBits, 0);
      out.body.emplace<UtcInquiry>().dest_mmsi = static_cast<uint32_t>(f.U(type10::kDestMmsi));
      return Status::Ok();
    }
    case 12: {
      using namespace type12;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<AddressedSafety>();
      m.seqno = static_cast<uint8_t>(f.U(kSeqno));
      m.dest_mmsi = static_cast<uint32_t>(f.U(kDestMmsi));
      m.retransmit = f.B(kRetransmit);
      f.TextAt(kTextStart, (n - kTextStart) / kSixBits, m.text, /*trim=*/true);
      return Status::Ok();
    }
    case 14: {
      using namespace type14;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<BroadcastSafety>();
      f.TextAt(kTextStart, (n - kTextStart) / kSixBits, m.text, /*trim=*/true);
      return Status::Ok();
    }
    case 15: {
      using namespace type15;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<Interrogation>();
      m.mmsi1 = static_cast<uint32_t>(f.U(kMmsi1));
      m.type1_1 = static_cast<uint8_t>(f.U(kType1_1));
      m.offset1_1 = static_cast<uint16_t>(f.U(kOffset1_1));
      // The second request and the second station are optional (M.1371-5 Table 59 note);
      // as gpsd, each is read when the payload reaches into it.
      if (n > kSecondRequestStart) {
        m.type1_2 = static_cast<uint8_t>(f.U(kType1_2));
        m.offset1_2 = static_cast<uint16_t>(f.U(kOffset1_2));
      }
      if (n > kSecondStationStart) {
        m.mmsi2 = static_cast<uint32_t>(f.U(kMmsi2));
        m.type2_1 = static_cast<uint8_t>(f.U(kType2_1));
        m.offset2_1 = static_cast<uint16_t>(f.U(kOffset2_1));
      }
      return Status::Ok();
    }
    case 16: {
      using namespace type16;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<AssignedModeCommand>();
      m.mmsi1 = static_cast<uint32_t>(f.U(kMmsi1));
      m.offset1 = static_cast<uint16_t>(f.U(kOffset1));
      m.increment1 = static_cast<uint16_t>(f.U(kIncrement1));
      if (n >= kTwoDestinationBits) {
        m.mmsi2 = static_cast<uint32_t>(f.U(kMmsi2));
        m.offset2 = static_cast<uint16_t>(f.U(kOffset2));
        m.increment2 = static_cast<uint16_t>(f.U(kIncrement2));
      }
      return Status::Ok();
    }
    case 17: {
      using namespace type17;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<GnssBroadcast>();
      m.lon = static_cast<int32_t>(f.S(kLon));
      m.lat = static_cast<int32_t>(f.S(kLat));
      f.Binary(kDataStart, n, m.data);
      return Status::Ok();
    }
    case 18: {
      using namespace type18;
      if (n < kBits) return LengthError(type, n, kBits, 0);
      auto& m = out.body.emplace<PositionReportB>();
      m.reserved = static_cast<uint8_t>(f.U(kReserved));
      m.speed = static_cast<uint16_t>(f.U(kSpeed));
      m.accuracy = f.B(kAccuracy);
      m.lon = static_cast<int32_t>(f.S(kLon));
      m.lat = static_cast<int32_t>(f.S(kLat));
      m.course = static_cast<uint16_t>(f.U(kCourse));
      m.heading = static_cast<uint16_t>(f.U(kHeading));
      m.second = static_cast<uint8_t>(f.U(kSecond));
      m.regional = static_cast<uint8_t>(f.U(kRegional));
      m.cs = f.B(kCs);
      m.display = f.B(kDisplay);
      m.dsc = f.B(kDsc);
      m.band = f.B(kBand);
      m.msg22 = f.B(kMsg22);
      m.assigned = f.B(kAssigned);
      m.raim = f.B(kRaim);
      m.radio = static_cast<uint32_t>(f.U(kRadio));
      return Status::Ok();
    }
    case 19: {
      using namespace type19;
      if (n < kBits) return LengthError(type, n, kBits, 0);
      auto& m = out.body.emplace<ExtendedReportB>();
      m.reserved = static_cast<uint8_t>(f.U(kReserved));
      m.speed = static_cast<uint16_t>(f.U(kSpeed));
      m.accuracy = f.B(kAccuracy);
      m.lon = static_cast<int32_t>(f.S(kLon));
      m.lat = static_cast<int32_t>(f.S(kLat));
      m.course = static_cast<uint16_t>(f.U(kCourse));
      m.heading = static_cast<uint16_t>(f.U(kHeading));
      m.second = static_cast<uint8_t>(f.U(kSecond));
      m.regional = static_cast<uint8_t>(f.U(kRegional));
      f.Text(kShipname, m.shipname);
      m.shiptype = static_cast<uint8_t>(f.U(kShiptype));
      m.to_bow = static_cast<uint16_t>(f.U(kToBow));
      m.to_stern = static_cast<uint16_t>(f.U(kToStern));
      m.to_port = static_cast<uint8_t>(f.U(kToPort));
      m.to_starboard = static_cast<uint8_t>(f.U(kToStarboard));
      m.epfd = static_cast<uint8_t>(f.U(kEpfd));
      m.raim = f.B(kRaim);
      m.dte = static_cast<uint8_t>(f.U(kDte));
      m.assigned = f.B(kAssigned);
      m.spare = static_cast<uint8_t>(f.U(kSpare));
      return Status::Ok();
    }
    case 20: {
      using namespace type20;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<DataLinkManagement>();
      for (size_t i = 0; i < m.reservations.size(); ++i) {
        const size_t base = kStride * i;
        if (kIncrement.end() + base > n) break;
        auto& r = m.reservations[i];
        r.offset = static_cast<uint16_t>(f.UAt(kOffset.offset + base, kOffset.width));
        r.number = static_cast<uint8_t>(f.UAt(kNumber.offset + base, kNumber.width));
        r.timeout = static_cast<uint8_t>(f.UAt(kTimeout.offset + base, kTimeout.width));
        r.increment = static_cast<uint16_t>(f.UAt(kIncrement.offset + base, kIncrement.width));
      }
      return Status::Ok();
    }
    case 21: {
      using namespace type21;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<AidToNavigation>();
      m.aid_type = static_cast<uint8_t>(f.U(kAidType));
      const size_t name_chars = kName.width / kSixBits;
      f.TextAt(kName.offset, name_chars, m.name, /*trim=*/false);
      // The name extension (Table 65, bits 272..) continues a name that fills all 20 characters.
      if (m.name.size == name_chars && n > kNameExtensionStart) {
        f.TextAt(kNameExtensionStart, (n - kNameExtensionStart) / kSixBits, m.name,
                 /*trim=*/false);
      }
      Fields::TrimRight(m.name);
      m.accuracy = f.B(kAccuracy);
      m.lon = static_cast<int32_t>(f.S(kLon));
      m.lat = static_cast<int32_t>(f.S(kLat));
      m.to_bow = static_cast<uint16_t>(f.U(kToBow));
      m.to_stern = static_cast<uint16_t>(f.U(kToStern));
      m.to_port = static_cast<uint8_t>(f.U(kToPort));
      m.to_starboard = static_cast<uint8_t>(f.U(kToStarboard));
      m.epfd = static_cast<uint8_t>(f.U(kEpfd));
      m.second = static_cast<uint8_t>(f.U(kSecond));
      m.off_position = f.B(kOffPosition);
      m.regional = static_cast<uint8_t>(f.U(kRegional));
      m.raim = f.B(kRaim);
      m.virtual_aid = f.B(kVirtualAid);
      m.assigned = f.B(kAssigned);
      return Status::Ok();
    }
    case 22: {
      using namespace type22;
      if (n < kBits) return LengthError(type, n, kBits, 0);
      auto& m = out.body.emplace<ChannelManagement>();
      m.channel_a = static_cast<uint16_t>(f.U(kChannelA));
      m.channel_b = static_cast<uint16_t>(f.U(kChannelB));
      m.txrx = static_cast<uint8_t>(f.U(kTxrx));
      m.power = f.B(kPower);
      m.addressed = f.B(kAddressed);
      if (m.addressed) {
        m.dest1 = static_cast<uint32_t>(f.U(kDest1));
        m.dest2 = static_cast<uint32_t>(f.U(kDest2));
      } else {
        m.ne_lon = static_cast<int32_t>(f.S(kNeLon));
        m.ne_lat = static_cast<int32_t>(f.S(kNeLat));
        m.sw_lon = static_cast<int32_t>(f.S(kSwLon));
        m.sw_lat = static_cast<int32_t>(f.S(kSwLat));
      }
      m.band_a = f.B(kBandA);
      m.band_b = f.B(kBandB);
      m.zonesize = static_cast<uint8_t>(f.U(kZonesize));
      return Status::Ok();
    }
    case 23: {
      using namespace type23;
      if (n < kBits) return LengthError(type, n, kBits, 0);
      auto& m = out.body.emplace<GroupAssignment>();
      m.ne_lon = static_cast<int32_t>(f.S(kNeLon));
      m.ne_lat = static_cast<int32_t>(f.S(kNeLat));
      m.sw_lon = static_cast<int32_t>(f.S(kSwLon));
      m.sw_lat = static_cast<int32_t>(f.S(kSwLat));
      m.stationtype = static_cast<uint8_t>(f.U(kStationtype));
      m.shiptype = static_cast<uint8_t>(f.U(kShiptype));
      m.txrx = static_cast<uint8_t>(f.U(kTxrx));
      m.interval = static_cast<uint8_t>(f.U(kInterval));
      m.quiet = static_cast<uint8_t>(f.U(kQuiet));
      return Status::Ok();
    }
    case 24: {
      using namespace type24;
      if (n < kPart.end()) return LengthError(type, n, kMinBitsA, kBitsB);
      const uint64_t part = f.U(kPart);
      if (part == kPartA) {
        if (!InRange(n, kMinBitsA, kMaxBitsA)) return LengthError(type, n, kMinBitsA, kMaxBitsA);
        auto& m = out.body.emplace<StaticDataReport>();
        m.part = 0;
        m.has_a = true;
        f.Text(kShipname, m.shipname);
        return Status::Ok();
      }
      if (part != kPartB) {
        return InvalidArgument("type 24: part number " + std::to_string(part) +
                               ", expected 0 (A) or 1 (B)");
      }
      if (n < kBitsB) return LengthError(type, n, kBitsB, 0);
      auto& m = out.body.emplace<StaticDataReport>();
      m.part = 1;
      m.has_b = true;
      m.shiptype = static_cast<uint8_t>(f.U(kShiptype));
      f.Text(kVendorid, m.vendorid);
      m.model = static_cast<uint8_t>(f.U(kModel));
      m.serial = static_cast<uint32_t>(f.U(kSerial));
      f.Text(kCallsign, m.callsign);
      if (out.mmsi / kAuxiliaryMmsiDivisor == kAuxiliaryMmsiPrefix) {
        m.mothership_mmsi = static_cast<uint32_t>(f.U(kMothershipMmsi));
      } else {
        m.to_bow = static_cast<uint16_t>(f.U(kToBow));
        m.to_stern = static_cast<uint16_t>(f.U(kToStern));
        m.to_port = static_cast<uint8_t>(f.U(kToPort));
        m.to_starboard = static_cast<uint8_t>(f.U(kToStarboard));
      }
      return Status::Ok();
    }
    case 25: {
      using namespace type25;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<SlotBinary>();
      m.addressed = f.B(kAddressed);
      m.structured = f.B(kStructured);
      const size_t need = kBodyStart + (m.addressed ? slot_binary::kDestMmsiBits : 0) +
                          (m.structured ? slot_binary::kAppIdBits : 0);
      if (n < need) return LengthError(type, n, need, 0);
      DecodeSlotBinary(f, n, m);
      return Status::Ok();
    }
    case 26: {
      using namespace type26;
      if (!InRange(n, kMinBits, kMaxBits)) return LengthError(type, n, kMinBits, kMaxBits);
      auto& m = out.body.emplace<SlotBinary>();
      m.addressed = f.B(kAddressed);
      m.structured = f.B(kStructured);
      const size_t need = kBodyStart + (m.addressed ? slot_binary::kDestMmsiBits : 0) +
                          (m.structured ? slot_binary::kAppIdBits : 0) + kRadioBits;
      if (n < need) return LengthError(type, n, need, 0);
      DecodeSlotBinary(f, n - kRadioBits, m);
      m.radio = static_cast<uint32_t>(f.UAt(n - kRadioBits, kRadioBits));
      return Status::Ok();
    }
    case 27: {
      using namespace type27;
      if (n != kBits && n != kSlotBits) {
        return InvalidArgument("type 27: " + std::to_string(n) + " bits, expected 96 (or 168)");
      }
      auto& m = out.body.emplace<LongRangeReport>();
      m.accuracy = f.B(kAccuracy);
      m.raim = f.B(kRaim);
      m.status = static_cast<uint8_t>(f.U(kStatus));
      m.lon = static_cast<int32_t>(f.S(kLon));
      m.lat = static_cast<int32_t>(f.S(kLat));
      m.speed = static_cast<uint8_t>(f.U(kSpeed));
      m.course = static_cast<uint16_t>(f.U(kCourse));
      m.gnss = f.B(kGnss);
      m.spare = static_cast<uint8_t>(f.U(kSpare));
      return Status::Ok();
    }
    default:
      return InvalidArgument("message type " + std::to_string(type) +
                             " is not defined by ITU-R M.1371-5");
  }
}

}  // namespace

CommState DecodeCommState(uint32_t state, bool itdma) {
  using namespace commstate;
  // Left-align the 19 bits in a 3-byte buffer so the layout table applies.
  const uint32_t aligned = state << (24 - kBits);
  const std::array<uint8_t, 3> bytes = {static_cast<uint8_t>(aligned >> 16),
                                        static_cast<uint8_t>(aligned >> 8),
                                        static_cast<uint8_t>(aligned)};
  const std::span<const uint8_t> data(bytes);
  CommState c;
  c.itdma = itdma;
  c.sync_state = static_cast<uint8_t>(Read(data, kSyncState));
  if (itdma) {
    c.slot_increment = static_cast<uint16_t>(Read(data, kSlotIncrement));
    c.slots_to_allocate = static_cast<uint8_t>(Read(data, kSlotsToAllocate));
    c.keep_flag = Read(data, kKeepFlag) != 0;
    return c;
  }
  c.slot_timeout = static_cast<uint8_t>(Read(data, kSlotTimeout));
  const auto sub = static_cast<uint16_t>(Read(data, kSubMessage));
  switch (c.slot_timeout) {
    case 3:
    case 5:
    case 7:
      c.received_stations = sub;
      break;
    case 2:
    case 4:
    case 6:
      c.slot_number = sub;
      break;
    case 1:
      c.utc_hour = static_cast<uint8_t>(Read(data, kUtcHour));
      c.utc_minute = static_cast<uint8_t>(Read(data, kUtcMinute));
      break;
    default:
      c.slot_offset = sub;
      break;
  }
  return c;
}

std::optional<CommState> CommStateOf(const Message& m) {
  using namespace commstate;
  const uint32_t state_mask = (1u << kBits) - 1u;
  const auto selected = [&](uint32_t radio) {
    return DecodeCommState(radio & state_mask, ((radio >> kBits) & 1u) != 0);
  };
  if (const auto* b = std::get_if<PositionReportA>(&m.body)) {
    return DecodeCommState(b->radio, m.type == 3);
  }
  if (const auto* b = std::get_if<BaseStationReport>(&m.body)) {
    return DecodeCommState(b->radio, false);
  }
  if (const auto* b = std::get_if<SarAircraftReport>(&m.body)) return selected(b->radio);
  if (const auto* b = std::get_if<PositionReportB>(&m.body)) return selected(b->radio);
  if (const auto* b = std::get_if<SlotBinary>(&m.body); b != nullptr && m.type == 26) {
    return selected(b->radio);
  }
  return std::nullopt;
}

Status DecodeMessage(const Payload& payload, Message& out) {
  const Fields f(payload);
  if (!FieldFits(common::kMmsi, f.bits())) {
    return InvalidArgument("payload of " + std::to_string(f.bits()) +
                           " bits is shorter than the 38-bit message header");
  }
  out.type = static_cast<uint8_t>(f.U(common::kType));
  out.repeat = static_cast<uint8_t>(f.U(common::kRepeat));
  out.mmsi = static_cast<uint32_t>(f.U(common::kMmsi));
  return DecodeBody(f, out);
}

Result<Message> DecodeMessage(const Payload& payload) {
  Message message;
  BIAC_RETURN_IF_ERROR(DecodeMessage(payload, message));
  return message;
}

}  // namespace biac::formats::ais
