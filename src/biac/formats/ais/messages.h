#pragma once

// AIS messages (ITU-R M.1371-5, Annex 8, section 3: message descriptions) decoded from the
// de-armoured bit payload of one or more !AIVDM/!AIVDO sentences.
//
// Every field keeps its raw wire value (integers in the units of the recommendation, e.g.
// longitude in 1/10 000 minute); scaling happens in json.h and observation.h. Types 1, 2, 3,
// 4, 5, 9, 11, 14, 18, 19, 21, 24 and 27 are decoded field by field; the other types carry
// their common and simple fields and their binary application data as bits (BinaryData).
// A Message is a fixed-size value: decoding allocates nothing.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "biac/base/status.h"

namespace biac::formats::ais {

// The longest payload accepted: five slots of 256 bits is the most M.1371-5 allows (Annex 2,
// 3.3.7 / Table 21: 1 to 5 slots), minus training and framing, i.e. 1008 data bits; a little
// headroom is kept for transmitters in the wild.
inline constexpr size_t kMaxPayloadBits = 1200;
inline constexpr size_t kMaxPayloadBytes = kMaxPayloadBits / 8;

// A de-armoured payload: `bit_count` valid bits, most significant bit first. `bytes` beyond
// `bit_count` hold whatever the armouring carried (fill bits) up to `armoured_bits`, then at
// least 8 zero bytes (or the end of the array).
struct Payload {
  std::array<uint8_t, kMaxPayloadBytes> bytes{};
  uint16_t bit_count = 0;
  uint16_t armoured_bits = 0;

  std::span<const uint8_t> span() const { return {bytes.data(), bytes.size()}; }
};

// A NUL-terminated fixed-capacity text field decoded from six-bit ASCII (M.1371-5 Table 47).
template <size_t N>
struct FixedText {
  std::array<char, N + 1> chars{};
  uint8_t size = 0;

  std::string_view view() const { return {chars.data(), size}; }
};

// Binary application data carried by types 6, 8, 17, 25 and 26: up to kMaxPayloadBits bits,
// left-aligned; bits past bit_count are zero.
struct BinaryData {
  std::array<uint8_t, kMaxPayloadBytes> bytes{};
  uint16_t bit_count = 0;
};

// Types 1, 2, 3: position report, Class A (M.1371-5 Table 45).
struct PositionReportA {
  uint8_t status = 0;    // navigational status, 15 = not defined
  int8_t turn = 0;       // ROT_AIS: -128 = not available, +-127 = turning > 5 deg/30 s
  uint16_t speed = 0;    // SOG in 0.1 kn, 1023 = not available, 1022 = 102.2 kn or more
  bool accuracy = false; // position accuracy: 1 = high (<= 10 m), 0 = low (> 10 m)
  int32_t lon = 0;       // 1/10 000 min, 181 deg = not available
  int32_t lat = 0;       // 1/10 000 min, 91 deg = not available
  uint16_t course = 0;   // COG in 0.1 deg, 3600 = not available
  uint16_t heading = 0;  // true heading in deg, 511 = not available
  uint8_t second = 0;    // UTC second of the report, 60..63 = not available / special
  uint8_t maneuver = 0;  // special manoeuvre indicator
  uint8_t spare = 0;
  bool raim = false;
  uint32_t radio = 0;    // communication state (SOTDMA or ITDMA), 19 bits
};

// Types 4 and 11: base station report / UTC and date response (Table 46).
struct BaseStationReport {
  uint16_t year = 0;   // 0 = not available
  uint8_t month = 0;   // 0 = not available
  uint8_t day = 0;     // 0 = not available
  uint8_t hour = 0;    // 24 = not available
  uint8_t minute = 0;  // 60 = not available
  uint8_t second = 0;  // 60 = not available
  bool accuracy = false;
  int32_t lon = 0;
  int32_t lat = 0;
  uint8_t epfd = 0;    // type of electronic position fixing device
  bool transmission_control = false;  // long-range broadcast control (bit 138)
  uint16_t spare = 0;
  bool raim = false;
  uint32_t radio = 0;
};

// Type 5: static and voyage related data (Table 48).
struct StaticVoyageData {
  uint8_t ais_version = 0;
  uint32_t imo = 0;
  FixedText<7> callsign;
  FixedText<20> shipname;
  uint8_t shiptype = 0;
  uint16_t to_bow = 0;
  uint16_t to_stern = 0;
  uint8_t to_port = 0;
  uint8_t to_starboard = 0;
  uint8_t epfd = 0;
  uint8_t month = 0;   // ETA, 0 = not available
  uint8_t day = 0;
  uint8_t hour = 0;    // 24 = not available
  uint8_t minute = 0;  // 60 = not available
  uint8_t draught = 0; // 0.1 m
  FixedText<20> destination;
  uint8_t dte = 0;
  uint8_t spare = 0;
};

// Type 6: addressed binary message (Table 51).
struct AddressedBinary {
  uint8_t seqno = 0;
  uint32_t dest_mmsi = 0;
  bool retransmit = false;
  uint16_t dac = 0;
  uint8_t fid = 0;
  BinaryData data;  // application data after the DAC/FI
};

// Types 7 and 13: binary / safety related acknowledge (Table 52): 1 to 4 destinations.
struct Acknowledge {
  std::array<uint32_t, 4> mmsi{};
  std::array<uint8_t, 4> seqno{};
  uint8_t count = 0;
};

// Type 8: binary broadcast message (Table 53).
struct BroadcastBinary {
  uint16_t dac = 0;
  uint8_t fid = 0;
  BinaryData data;
};

// Type 9: standard SAR aircraft position report (Table 54).
struct SarAircraftReport {
  uint16_t alt = 0;    // altitude (GNSS) in m, 4095 = not available, 4094 = 4094 m or higher
  uint16_t speed = 0;  // SOG in kn, 1023 = not available, 1022 = 1022 kn or higher
  bool accuracy = false;
  int32_t lon = 0;
  int32_t lat = 0;
  uint16_t course = 0;
  uint8_t second = 0;
  uint8_t regional = 0;  // altitude sensor (bit 134) and reserved bits
  uint8_t dte = 0;
  uint8_t spare = 0;
  bool assigned = false;
  bool raim = false;
  uint32_t radio = 0;
};

// Type 10: UTC and date inquiry (Table 55).
struct UtcInquiry {
  uint32_t dest_mmsi = 0;
};

// Type 12: addressed safety related message (Table 56).
inline constexpr size_t kMaxSafetyText = 161;
struct AddressedSafety {
  uint8_t seqno = 0;
  uint32_t dest_mmsi = 0;
  bool retransmit = false;
  FixedText<kMaxSafetyText> text;
};

// Type 14: safety related broadcast message (Table 58).
struct BroadcastSafety {
  FixedText<kMaxSafetyText> text;
};

// Type 15: interrogation (Table 59).
struct Interrogation {
  uint32_t mmsi1 = 0;
  uint8_t type1_1 = 0;
  uint16_t offset1_1 = 0;
  uint8_t type1_2 = 0;
  uint16_t offset1_2 = 0;
  uint32_t mmsi2 = 0;
  uint8_t type2_1 = 0;
  uint16_t offset2_1 = 0;
};

// Type 16: assigned mode command (Table 60).
struct AssignedModeCommand {
  uint32_t mmsi1 = 0;
  uint16_t offset1 = 0;
  uint16_t increment1 = 0;
  uint32_t mmsi2 = 0;
  uint16_t offset2 = 0;
  uint16_t increment2 = 0;
};

// Type 17: GNSS broadcast binary message (Table 61).
struct GnssBroadcast {
  int32_t lon = 0;  // 1/10 min
  int32_t lat = 0;
  BinaryData data;
};

// Type 18: standard Class B equipment position report (Table 62).
struct PositionReportB {
  uint8_t reserved = 0;
  uint16_t speed = 0;
  bool accuracy = false;
  int32_t lon = 0;
  int32_t lat = 0;
  uint16_t course = 0;
  uint16_t heading = 0;
  uint8_t second = 0;
  uint8_t regional = 0;
  bool cs = false;
  bool display = false;
  bool dsc = false;
  bool band = false;
  bool msg22 = false;
  bool assigned = false;
  bool raim = false;
  uint32_t radio = 0;  // 20 bits: the communication state selector flag and the state
};

// Type 19: extended Class B equipment position report (Table 63).
struct ExtendedReportB {
  uint8_t reserved = 0;
  uint16_t speed = 0;
  bool accuracy = false;
  int32_t lon = 0;
  int32_t lat = 0;
  uint16_t course = 0;
  uint16_t heading = 0;
  uint8_t second = 0;
  uint8_t regional = 0;
  FixedText<20> shipname;
  uint8_t shiptype = 0;
  uint16_t to_bow = 0;
  uint16_t to_stern = 0;
  uint8_t to_port = 0;
  uint8_t to_starboard = 0;
  uint8_t epfd = 0;
  bool raim = false;
  uint8_t dte = 0;
  bool assigned = false;
  uint8_t spare = 0;
};

// Type 20: data link management message (Table 64): up to four reservations.
struct DataLinkManagement {
  struct Reservation {
    uint16_t offset = 0;
    uint8_t number = 0;
    uint8_t timeout = 0;
    uint16_t increment = 0;
  };
  std::array<Reservation, 4> reservations{};
};

// Type 21: aids-to-navigation report (Table 65). The name extension (bit 272 on) is appended.
struct AidToNavigation {
  uint8_t aid_type = 0;
  FixedText<34> name;
  bool accuracy = false;
  int32_t lon = 0;
  int32_t lat = 0;
  uint16_t to_bow = 0;
  uint16_t to_stern = 0;
  uint8_t to_port = 0;
  uint8_t to_starboard = 0;
  uint8_t epfd = 0;
  uint8_t second = 0;
  bool off_position = false;
  uint8_t regional = 0;  // AtoN status
  bool raim = false;
  bool virtual_aid = false;
  bool assigned = false;
};

// Type 22: channel management (Table 66).
struct ChannelManagement {
  uint16_t channel_a = 0;
  uint16_t channel_b = 0;
  uint8_t txrx = 0;
  bool power = false;
  bool addressed = false;
  int32_t ne_lon = 0;  // 1/10 min, when not addressed
  int32_t ne_lat = 0;
  int32_t sw_lon = 0;
  int32_t sw_lat = 0;
  uint32_t dest1 = 0;  // when addressed
  uint32_t dest2 = 0;
  bool band_a = false;
  bool band_b = false;
  uint8_t zonesize = 0;
};

// Type 23: group assignment command (Table 67).
struct GroupAssignment {
  int32_t ne_lon = 0;
  int32_t ne_lat = 0;
  int32_t sw_lon = 0;
  int32_t sw_lat = 0;
  uint8_t stationtype = 0;
  uint8_t shiptype = 0;
  uint8_t txrx = 0;
  uint8_t interval = 0;
  uint8_t quiet = 0;
};

// Type 24: static data report, part A or B (Tables 68 and 69). `part` is 0 (A) or 1 (B);
// a merged A+B (see StaticDataMerger in json.h) has has_a and has_b set.
struct StaticDataReport {
  uint8_t part = 0;
  bool has_a = false;
  bool has_b = false;
  FixedText<20> shipname;  // part A
  uint8_t shiptype = 0;    // part B from here on
  FixedText<7> vendorid;   // as gpsd: the 42-bit vendor id read as seven characters
  uint8_t model = 0;       // unit model code (the vendor id's bits 66..69)
  uint32_t serial = 0;     // serial number (bits 70..89)
  FixedText<7> callsign;
  uint16_t to_bow = 0;
  uint16_t to_stern = 0;
  uint8_t to_port = 0;
  uint8_t to_starboard = 0;
  uint32_t mothership_mmsi = 0;  // in place of the dimensions for auxiliary craft (98xxxxxxx)
};

// Types 25 and 26: single / multiple slot binary message (Tables 70 and 71).
struct SlotBinary {
  bool addressed = false;
  bool structured = false;
  uint32_t dest_mmsi = 0;
  uint16_t app_id = 0;  // DAC (10 bits) and FI (6 bits) when structured
  BinaryData data;
  uint32_t radio = 0;   // type 26 only: 20-bit communication state
};

// Type 27: position report for long-range applications (Table 72).
struct LongRangeReport {
  bool accuracy = false;
  bool raim = false;
  uint8_t status = 0;
  int32_t lon = 0;       // 1/10 min, 181 deg = not available
  int32_t lat = 0;
  uint8_t speed = 0;     // kn, 63 = not available
  uint16_t course = 0;   // deg, 511 = not available
  bool gnss = false;     // 0 = current GNSS position, 1 = not GNSS position
  uint8_t spare = 0;
};

using MessageBody =
    std::variant<PositionReportA, BaseStationReport, StaticVoyageData, AddressedBinary,
                 Acknowledge, BroadcastBinary, SarAircraftReport, UtcInquiry, AddressedSafety,
                 BroadcastSafety, Interrogation, AssignedModeCommand, GnssBroadcast,
                 PositionReportB, ExtendedReportB, DataLinkManagement, AidToNavigation,
                 ChannelManagement, GroupAssignment, StaticDataReport, SlotBinary,
                 LongRangeReport>;

struct Message {
  uint8_t type = 0;    // message id 1..27
  uint8_t repeat = 0;  // repeat indicator
  uint32_t mmsi = 0;   // source MMSI
  MessageBody body;
};

// A communication state (M.1371-5 Annex 2, 3.3.7.2.2 SOTDMA and 3.3.7.3.2 ITDMA): the 19 bits
// that close most position reports, split into their fields. Which sub-message a SOTDMA
// state carries depends on its slot time-out (Annex 2, 3.3.7.2.3).
struct CommState {
  bool itdma = false;
  uint8_t sync_state = 0;
  // SOTDMA
  uint8_t slot_timeout = 0;
  std::optional<uint16_t> received_stations;  // time-out 3, 5, 7
  std::optional<uint16_t> slot_number;        // time-out 2, 4, 6
  std::optional<uint8_t> utc_hour;            // time-out 1
  std::optional<uint8_t> utc_minute;          // time-out 1
  std::optional<uint16_t> slot_offset;        // time-out 0
  // ITDMA
  uint16_t slot_increment = 0;
  uint8_t slots_to_allocate = 0;
  bool keep_flag = false;
};

// Splits a 19-bit communication state.
CommState DecodeCommState(uint32_t state, bool itdma);

// The communication state of a message that has one: types 1, 2, 4, 11 (SOTDMA), 3 (ITDMA),
// 9, 18 and 26 (20-bit field whose first bit selects SOTDMA or ITDMA).
std::optional<CommState> CommStateOf(const Message& message);

// Decodes one de-armoured payload into `out` (overwritten). Errors name the type and the
// reason ("type 5: 300 bits, expected at least 420"); `out` is unspecified on error.
Status DecodeMessage(const Payload& payload, Message& out);

// Convenience for tests and tools: the same, returning a Message.
Result<Message> DecodeMessage(const Payload& payload);

// The six-bit ASCII character of a 6-bit value (M.1371-5 Table 47): 0 -> '@', 32 -> ' '.
constexpr char SixBitChar(unsigned value) {
  return static_cast<char>(value < 32 ? value + 64 : value);
}

}  // namespace biac::formats::ais
