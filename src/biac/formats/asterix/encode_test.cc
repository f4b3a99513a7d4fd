#include "biac/formats/asterix/encode.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "biac/base/bits.h"
#include "biac/formats/asterix/pcap.h"
#include "biac/formats/asterix/record.h"
#include "biac/formats/common/hex.h"

namespace biac::formats::asterix {
namespace {

using Json = nlohmann::ordered_json;

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Json DecodeOne(const Edition& e, std::span<const uint8_t> bytes, size_t* size = nullptr) {
  RecordView view;
  DecodeFailure failure;
  EXPECT_TRUE(DecodeRecord(e, bytes, view, failure)) << failure.reason << " at " << failure.offset;
  if (size != nullptr) *size = view.bytes.size();
  return RecordToJson(view);
}

// Random values shaped like the decoder's output, from the tables (seeded: reproducible).
class RandomRecords {
 public:
  RandomRecords(const Edition& e, uint32_t seed) : e_(e), rng_(seed) {}

  Json Record() {
    Json out = Json::object();
    out["category"] = e_.category;
    out["edition"] = std::string(e_.edition);
    bool any = false;
    while (!any) {
      for (int16_t item : e_.uap) {
        if (item < 0 || !Coin(0.3)) continue;
        const ItemDef& def = e_.items[static_cast<size_t>(item)];
        out[ItemKey(e_.category, def.id)] = Variation(def.variation);
        any = true;
      }
    }
    return out;
  }

 private:
  bool Coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint64_t Bits(unsigned n) {
    const uint64_t v = rng_();
    return n >= 64 ? v : v & ((uint64_t{1} << n) - 1);
  }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Json Field(const FieldDef& f, std::vector<uint64_t>& raws, const asterix::Variation& v) {
    const uint64_t raw = Bits(f.bit_size);
    raws.push_back(raw);
    auto hex = [&](uint64_t r) {
      char buf[20];
      std::snprintf(buf, sizeof buf, "%0*llx", static_cast<int>((f.bit_size + 3) / 4),
                    static_cast<unsigned long long>(r));
      return std::string(buf);
    };
    switch (f.content) {
      case Content::kRaw:
        return f.bit_size > 53 ? Json(hex(raw)) : Json(raw);
      case Content::kTable:
        return raw;
      case Content::kInteger:
        return f.is_signed ? Json(biac::SignExtend(raw, f.bit_size)) : Json(raw);
      case Content::kQuantity:
      case Content::kDependent: {
        uint64_t selector = 0;
        if (f.content == Content::kDependent) {
          selector = raws[static_cast<size_t>(f.selector)];
          bool matched = false;
          for (uint8_t c = 0; c < f.case_count; ++c) {
            matched = matched || e_.cases[f.first_case + c].selector_value == selector;
          }
          if (!matched) return raw;
        }
        return ScaledValue(f, raw, e_, selector);
      }
      case Content::kBds:
        return hex(raw);
      case Content::kStringIcao:
      case Content::kStringAscii:
      case Content::kStringOctal: {
        static constexpr std::string_view kIcao = "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";
        static constexpr std::string_view kAscii =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -/.";
        const unsigned bits = f.content == Content::kStringIcao    ? 6
                              : f.content == Content::kStringAscii ? 8
                                                                   : 3;
        std::string s;
        for (unsigned i = 0; i < f.bit_size / bits; ++i) {
          if (f.content == Content::kStringIcao) {
            s.push_back(kIcao[static_cast<size_t>(Uniform(0, kIcao.size() - 1))]);
          } else if (f.content == Content::kStringAscii) {
            s.push_back(kAscii[static_cast<size_t>(Uniform(0, kAscii.size() - 1))]);
          } else {
            s.push_back(static_cast<char>('0' + Uniform(0, 7)));
          }
        }
        return s;
      }
    }
    (void)v;
    return raw;
  }

  Json Fields(const asterix::Variation& v, size_t bits) {
    Json out = Json::object();
    std::vector<uint64_t> raws;
    for (uint16_t i = 0; i < v.field_count; ++i) {
      const FieldDef& f = e_.fields[v.first_field + i];
      Json value = Field(f, raws, v);
      if (size_t{f.bit_offset} + f.bit_size > bits) continue;
      if (f.group.empty()) {
        out[std::string(f.name)] = value;
      } else {
        out[std::string(f.group)][std::string(f.name)] = value;
      }
    }
    return out;
  }

  Json Variation(int index) {
    const asterix::Variation& v = e_.variations[static_cast<size_t>(index)];
    switch (v.kind) {
      case VariationKind::kElement:
        if (v.element_is_value) {
          std::vector<uint64_t> raws;
          return Field(e_.fields[v.first_field], raws, v);
        }
        return Fields(v, 8 * v.byte_size);
      case VariationKind::kGroup:
        return Fields(v, 8 * v.byte_size);
      case VariationKind::kExtended: {
        // A random number of parts; the last one must hold a field for the encoder to need it.
        for (int attempt = 0; attempt < 8; ++attempt) {
          const int parts = Uniform(1, v.part_count);
          size_t bits = 0;
          for (int p = 0; p < parts; ++p) bits += 8 * e_.parts[v.first_part + p].byte_size;
          const size_t previous = bits - 8 * e_.parts[v.first_part + parts - 1].byte_size;
          bool holds = parts == 1;
          for (uint16_t i = 0; i < v.field_count; ++i) {
            const FieldDef& f = e_.fields[v.first_field + i];
            const size_t end = size_t{f.bit_offset} + f.bit_size;
            holds = holds || (end > previous && end <= bits);
          }
          if (holds) return Fields(v, bits);
        }
        return Fields(v, 8 * e_.parts[v.first_part].byte_size);
      }
      case VariationKind::kRepetitive:
      case VariationKind::kRepetitiveFx: {
        Json out = Json::array();
        const int n = Uniform(v.kind == VariationKind::kRepetitiveFx ? 1 : 0, 3);
        for (int i = 0; i < n; ++i) out.push_back(Variation(v.element));
        return out;
      }
      case VariationKind::kExplicit: {
        std::string hex;
        const int n = Uniform(0, 5);
        for (int i = 0; i < n; ++i) {
          char buf[3];
          std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(Bits(8)));
          hex += buf;
        }
        return hex;
      }
      case VariationKind::kCompound: {
        Json out = Json::object();
        for (uint16_t i = 0; i < v.sub_count; ++i) {
          const SubItem& sub = e_.subitems[v.first_sub + i];
          if (sub.variation < 0 || !Coin(0.4)) continue;
          out[std::string(sub.name)] = Variation(sub.variation);
        }
        return out;
      }
    }
    return nullptr;
  }

  const Edition& e_;
  std::mt19937_64 rng_;
};

// decode(encode(x)) == x for random records of every edition biac encodes with one UAP.
TEST(AsterixEncode, RandomRecordsRoundTrip) {
  int checked = 0;
  for (const Edition* e : AllEditions()) {
    if (!e->alternate_uap.empty()) continue;
    RandomRecords random(*e, 20240601u + e->category);
    for (int i = 0; i < 150; ++i) {
      const Json x = random.Record();
      std::vector<uint8_t> bytes;
      const Status status = EncodeRecord(*e, x, bytes);
      ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << x.dump();
      size_t size = 0;
      const Json y = DecodeOne(*e, bytes, &size);
      EXPECT_EQ(size, bytes.size());
      ASSERT_EQ(y, x) << "CAT" << int{e->category} << " " << e->edition;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 12 * 150);  // every edition but CAT001 (two UAPs)
}

// Re-encoding the decoded reference records gives back their bytes (CAT021/048/062 and the
// others in the captures).
TEST(AsterixEncode, ReferenceRecordsReencodeByteExact) {
  int records = 0;
  int zero_padded = 0;
  for (const char* file : {"testdata/asterix/croatiacontrol_cat_034_048.pcap",
                           "testdata/asterix/croatiacontrol_cat_062_065.pcap"}) {
    const auto capture = ReadFile(file);
    const Status status = ForEachUdpDatagram(
        capture,
        [&](const UdpDatagram& d) {
          size_t offset = 0;
          while (offset < d.payload.size()) {
            auto block = ReadDataBlock(d.payload.subspan(offset));
            ASSERT_TRUE(block.ok());
            const Edition& e = *DefaultEdition(block->category);
            std::span<const uint8_t> rest = block->records;
            while (!rest.empty()) {
              size_t size = 0;
              const Json json = DecodeOne(e, rest, &size);
              std::vector<uint8_t> bytes;
              ASSERT_TRUE(EncodeRecord(e, json, bytes).ok()) << json.dump();
              if (ToHex(bytes) != ToHex(rest.first(size))) {
                // The one lossy mapping: ICAO character code 0 (padding some transponders
                // send) decodes as a space and re-encodes as code 32.
                const auto callsign = json.find("I048/240");
                if (callsign != json.end() && *callsign == "        ") {
                  ++zero_padded;
                } else {
                  ADD_FAILURE() << ToHex(bytes) << " != " << ToHex(rest.first(size)) << "\n"
                                << json.dump();
                }
              }
              rest = rest.subspan(size);
              ++records;
            }
            offset += block->size;
          }
        },
        [](size_t, std::string_view) {});
    ASSERT_TRUE(status.ok());
  }
  EXPECT_EQ(records, 162 + 3);
  EXPECT_EQ(zero_padded, 2);
}

TEST(AsterixEncode, Cat048PlotFromPhysicalValues) {
  const Edition& e = *FindEdition(48, "1.21");
  const Json plot = Json::parse(R"({
    "I048/010": {"SAC": 25, "SIC": 201},
    "I048/140": 27354.6015625,
    "I048/020": {"TYP": 5},
    "I048/040": {"RHO": 197.68359375, "THETA": 340.13671875},
    "I048/070": {"MODE3A": "1000"},
    "I048/090": {"FL": 330.0},
    "I048/220": 3958284,
    "I048/240": "DLH65A"
  })");
  auto block = EncodeDataBlock(e, std::span<const Json>(&plot, 1));
  ASSERT_TRUE(block.ok()) << block.error().ToString();
  // Hand-checked against the CroatiaControl cat048.raw record holding the same values:
  // FSPEC FD (FRN 1-6 and FX) C0 (FRN 8, 9), then 010, 140, 020, 040.
  const std::vector<uint8_t> expected_start = {0x30, 0x00, 0x1C, 0xFD, 0xC0, 0x19, 0xC9, 0x35,
                                               0x6D, 0x4D, 0xA0, 0xC5, 0xAF, 0xF1, 0xE0};
  ASSERT_GE(block->size(), expected_start.size());
  EXPECT_EQ(std::vector<uint8_t>(block->begin(), block->begin() + 15), expected_start);
  // 3 header + 2 FSPEC + items 2 + 3 + 1 + 4 + 2 + 2 + 3 + 6.
  ASSERT_EQ(block->size(), 28u);
  EXPECT_EQ(std::vector<uint8_t>(block->begin() + 15, block->end()),
            (std::vector<uint8_t>{0x02, 0x00, 0x05, 0x28, 0x3C, 0x66, 0x0C, 0x10, 0xC2, 0x36, 0xD4,
                                  0x18, 0x20}));
  const Json back = DecodeOne(e, std::span<const uint8_t>(*block).subspan(3));
  EXPECT_EQ(back.at("I048/240"), "DLH65A  ");
  EXPECT_EQ(back.at("I048/070").at("MODE3A"), "1000");
}

TEST(AsterixEncode, ErrorsNameTheField) {
  const Edition& e = *FindEdition(48, "1.21");
  std::vector<uint8_t> out;
  Status s = EncodeRecord(e, Json::parse(R"({"I048/040": {"RHO": 300.0, "THETA": 0}})"), out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("I048/040/RHO"), std::string::npos) << s.message();
  s = EncodeRecord(e, Json::parse(R"({"I048/999": 1})"), out);
  EXPECT_NE(s.message().find("I048/999"), std::string::npos) << s.message();
  s = EncodeRecord(e, Json::parse(R"({"I048/070": {"MODE3A": "7800"}})"), out);
  EXPECT_NE(s.message().find("not octal"), std::string::npos) << s.message();
  s = EncodeRecord(e, Json::parse(R"({"I048/240": "TOOLONGID"})"), out);
  EXPECT_NE(s.message().find("longer than 8"), std::string::npos) << s.message();
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace biac::formats::asterix
