#pragma once

// AIS messages as JSON in gpsd's scaled form (`gpsdecode -j`, gpsd/gpsd_json.c
// json_aivdm_dump, field semantics in gpsd www/AIVDM.adoc): the same field names, units,
// scalings, decimals and sentinel texts ("n/a", "fastleft", "nan", ...), in the same order.
// Differences from gpsd are listed in docs/formats/ais.md: the application payloads of
// types 6 and 8 are always given as hex ("data"), never decoded per DAC/FI.

#include <array>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "biac/formats/ais/messages.h"

namespace biac::formats::ais {

// The message as gpsd-style scaled JSON. `device` (e.g. "stdin") is written as gpsd's
// "device" member when not empty.
nlohmann::ordered_json ToJson(const Message& message, std::string_view device = {});

// "<bits>:<hex>" as gpsd writes binary data (lower-case hex of the whole bytes).
std::string BinaryToGpsdString(const BinaryData& data);

// Legends of the coded fields (M.1371-5 Tables 45, 46, 50, 53, 65 and 67, worded as gpsd).
std::string_view NavigationStatusText(unsigned status);
std::string_view EpfdText(unsigned epfd);
std::string_view ShipTypeText(unsigned shiptype);
std::string_view StationTypeText(unsigned stationtype);
std::string_view AidTypeText(unsigned aid_type);

// Joins type 24 part A (name) with the next part B of the same MMSI into one report, as gpsd
// does (it keeps the last kCapacity part A reports). gpsdecode prints only joined reports;
// `biac decode` does the same so that its output agrees with gpsd line by line.
class StaticDataMerger {
 public:
  static constexpr size_t kCapacity = 8;

  // For a type 24 message: a part A is remembered and false returned; a part B that finds a
  // part A of its MMSI gets its name filled in (has_a set) and true is returned; a part B
  // without one returns false. Any other message returns true unchanged.
  bool Merge(Message& message);

 private:
  struct Entry {
    uint32_t mmsi = 0;
    FixedText<20> shipname;
  };
  std::array<Entry, kCapacity> entries_{};
  size_t next_ = 0;
};

}  // namespace biac::formats::ais
