// Agreement with pyModeS on the external vectors (testdata/adsb/PROVENANCE.md):
// - pymodes_golden_v2.json: 600 messages with pyModeS 2.21.1's decoded fields (its
//   scripts/snapshot_v2.py: bds.infer(msg, mrar=True), then the register's decoders when
//   the answer is one register). Every field pyModeS gives is compared with biac's: df, icao,
//   typecode, callsign, category, altitude, cpr_format, squawk, groundspeed, track,
//   vertical_rate, and for DF20/21 the inferred register (bds: pyModeS's candidate list,
//   "BDS50,BDS60", must equal biac's candidate set exactly) and the fields of 2,0, 4,0, 5,0
//   and 6,0. A Comm-B field biac produces that pyModeS does not is counted too ("extra").
// - pymodes_vectors.csv: every row (one assert of a pyModeS v3 test) is checked; a field
//   name the test does not know fails it, so no row is skipped silently.
// - pymodes_sample_data_adsb.csv: the CPR pairs of the whole file decode to a continuous
//   flight path.
//
// Deliberate differences from pyModeS (docs/formats/adsb.md): callsigns have trailing spaces
// removed (pyModeS 2 pads with '_'); a metric (M = 1) altitude code gives no altitude in
// both; Comm-B register names are "5,0" (pyModeS 3) rather than "BDS50" (pyModeS 2), and an
// ambiguous MB gives `bds_candidates` instead of a comma-joined `bds`. pyModeS 2's 6,0 test
// reads the DF20 altitude with its Cython altcode, which gives -999999 for a zero altitude
// code and -1 for an illegal Gillham code and then applies the Mach/IAS check at that
// "altitude"; biac skips the check when the reply has no altitude (no golden vector has one).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <variant>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/adsb/json.h"
#include "biac/formats/adsb/modes.h"
#include "biac/formats/adsb/test_util.h"

namespace biac::formats::adsb {
namespace {

using testing::Decode;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path << " (run from the repository root)";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The Comm-B register fields of pyModeS 2 (its snapshot's names, which are pyModeS 3's).
const char* const kCommBFields[] = {"selected_altitude_mcp",
                                    "selected_altitude_fms",
                                    "baro_pressure_setting",
                                    "roll",
                                    "true_track",
                                    "track_rate",
                                    "true_airspeed",
                                    "magnetic_heading",
                                    "indicated_airspeed",
                                    "mach",
                                    "baro_vertical_rate",
                                    "inertial_vertical_rate"};

// biac's value of a Comm-B field (and `groundspeed` of 5,0) for this reply; null if none.
nlohmann::json CommBField(const Message& m, const std::string& field) {
  if (const auto* s = std::get_if<SelectedVerticalIntention>(&m.commb.data)) {
    if (field == "selected_altitude_mcp" && s->selected_altitude_mcp_ft) {
      return *s->selected_altitude_mcp_ft;
    }
    if (field == "selected_altitude_fms" && s->selected_altitude_fms_ft) {
      return *s->selected_altitude_fms_ft;
    }
    if (field == "baro_pressure_setting" && s->baro_setting_mb) return *s->baro_setting_mb;
  } else if (const auto* t = std::get_if<TrackAndTurn>(&m.commb.data)) {
    if (field == "roll" && t->roll_deg) return *t->roll_deg;
    if (field == "true_track" && t->true_track_deg) return *t->true_track_deg;
    if (field == "groundspeed" && t->groundspeed_kt) return *t->groundspeed_kt;
    if (field == "track_rate" && t->track_rate_dps) return *t->track_rate_dps;
    if (field == "true_airspeed" && t->true_airspeed_kt) return *t->true_airspeed_kt;
  } else if (const auto* h = std::get_if<HeadingAndSpeed>(&m.commb.data)) {
    if (field == "magnetic_heading" && h->magnetic_heading_deg) return *h->magnetic_heading_deg;
    if (field == "indicated_airspeed" && h->indicated_airspeed_kt) {
      return *h->indicated_airspeed_kt;
    }
    if (field == "mach" && h->mach) return *h->mach;
    if (field == "baro_vertical_rate" && h->baro_vertical_rate_fpm) {
      return *h->baro_vertical_rate_fpm;
    }
    if (field == "inertial_vertical_rate" && h->inertial_vertical_rate_fpm) {
      return *h->inertial_vertical_rate_fpm;
    }
  }
  return nullptr;
}

// biac's value of a pyModeS field for this message, as JSON; null if biac does not produce
// that field for this message.
nlohmann::json BiacField(const Message& m, const std::string& field) {
  if (field == "df") return m.df;
  if (field == "icao") return IcaoHex(m.icao);
  const bool es = m.is_extended_squitter();
  if (field == "typecode" && es) return m.typecode;
  if (field == "callsign" &&
      (m.me_kind == MeKind::kIdentification || m.is_commb_identification())) {
    return std::string(m.identification.callsign.data());
  }
  if (field == "category" && m.me_kind == MeKind::kIdentification) {
    return m.identification.category;
  }
  if (field == "altitude" && m.altitude_ft) return *m.altitude_ft;
  if (field == "cpr_format" && m.cpr()) return m.cpr()->format;
  if (field == "squawk" && m.squawk) return SquawkString(*m.squawk);
  if (m.me_kind == MeKind::kVelocity) {
    const Velocity& v = m.velocity;
    if (field == "groundspeed" && v.groundspeed_kt) return *v.groundspeed_kt;
    if (field == "track" && v.track_deg) return *v.track_deg;
    if (field == "vertical_rate" && v.vertical_rate_fpm) return *v.vertical_rate_fpm;
  }
  if (m.df == 20 || m.df == 21) {
    if (field == "bds" && !m.commb.candidates.empty()) {
      // As a sorted list of pyModeS 2 tokens ("BDS50"), for comparison with its string.
      nlohmann::json list = nlohmann::json::array();
      for (size_t i = 0; i < kCommBRegisterCount; ++i) {
        const auto r = static_cast<CommBRegister>(i);
        if (!m.commb.candidates.Contains(r)) continue;
        std::string token = "BDS" + std::string(CommBRegisterName(r));
        token.erase(token.find(','), 1);
        list.push_back(token);
      }
      return list;
    }
    return CommBField(m, field);
  }
  return nullptr;
}

bool Agrees(const std::string& field, const nlohmann::json& expected,
            const nlohmann::json& actual) {
  if (field == "bds") {
    // pyModeS 2 joins its sorted candidates with commas.
    std::string joined;
    for (const auto& token : actual)
      joined += (joined.empty() ? "" : ",") + token.get<std::string>();
    return expected.get<std::string>() == joined;
  }
  if (field == "icao") return Lower(expected.get<std::string>()) == actual.get<std::string>();
  if (field == "callsign") {
    std::string e = expected.get<std::string>();
    while (!e.empty() && (e.back() == '_' || e.back() == ' ')) e.pop_back();
    return e == actual.get<std::string>();
  }
  if (expected.is_number_float() || actual.is_number_float()) {
    return std::fabs(expected.get<double>() - actual.get<double>()) <= 1e-9;
  }
  return expected == actual;
}

TEST(Golden, PyModeSV2Corpus) {
  const auto golden = nlohmann::json::parse(ReadFile("testdata/adsb/pymodes_golden_v2.json"));
  ASSERT_EQ(golden.size(), 600u);
  struct Count {
    int compared = 0;
    int agreed = 0;
    int not_produced = 0;
    int extra = 0;  // biac gives the field, pyModeS does not
  };
  std::map<std::string, Count> counts;
  int messages = 0;
  for (const auto& [hex, expected] : golden.items()) {
    if (expected.contains("_v2_error")) continue;
    const Message m = Decode(hex);
    ++messages;
    // DF17 vectors are intact; DF20/21 carry address parity (nothing to verify).
    if (m.df == 17) EXPECT_TRUE(m.crc_valid) << hex;
    for (const auto& [field, value] : expected.items()) {
      Count& c = counts[field];
      if (value.is_null()) continue;
      const nlohmann::json actual = BiacField(m, field);
      if (actual.is_null()) {
        ++c.not_produced;
        continue;
      }
      ++c.compared;
      if (Agrees(field, value, actual)) {
        ++c.agreed;
      } else {
        ADD_FAILURE() << hex << " " << field << ": pyModeS " << value << ", biac " << actual;
      }
    }
    if (m.df == 20 || m.df == 21) {
      for (const char* field : kCommBFields) {
        if (!expected.contains(field) && !CommBField(m, field).is_null()) {
          ++counts[field].extra;
          ADD_FAILURE() << hex << " " << field << ": biac " << CommBField(m, field)
                        << ", pyModeS none";
        }
      }
      if (!expected.contains("bds") && !m.commb.candidates.empty()) {
        ++counts["bds"].extra;
        ADD_FAILURE() << hex << ": biac has Comm-B candidates, pyModeS none";
      }
    }
  }
  std::string report = "pymodes_golden_v2.json, " + std::to_string(messages) + " messages:";
  int compared = 0;
  for (const auto& [field, c] : counts) {
    report += "\n  " + field + ": " + std::to_string(c.agreed) + "/" + std::to_string(c.compared) +
              " agree, " + std::to_string(c.not_produced) + " not produced, " +
              std::to_string(c.extra) + " extra";
    compared += c.compared;
  }
  std::cout << report << "\n";
  RecordProperty("golden_fields_compared", compared);
  EXPECT_EQ(messages, 600);
  // Every field biac produces for a message was compared: the core fields must be there.
  EXPECT_EQ(counts["df"].compared, 600);
  EXPECT_EQ(counts["icao"].compared, 600);
  EXPECT_EQ(counts["altitude"].not_produced, 0);
  EXPECT_EQ(counts["squawk"].not_produced, 0);
  EXPECT_EQ(counts["cpr_format"].not_produced, 0);
  EXPECT_EQ(counts["typecode"].not_produced, 0);
  EXPECT_EQ(counts["vertical_rate"].not_produced, 0);
  EXPECT_EQ(counts["track"].not_produced, 0);
  EXPECT_EQ(counts["callsign"].not_produced, 0);
  // Comm-B: the register inference and every register field, on all 400 DF20/21.
  EXPECT_EQ(counts["bds"].compared, 399);
  EXPECT_EQ(counts["bds"].not_produced, 0);
  for (const char* field : kCommBFields) {
    EXPECT_EQ(counts[field].not_produced, 0) << field;
    EXPECT_GT(counts[field].compared, 0) << field;
  }
  EXPECT_EQ(counts["groundspeed"].not_produced, 0);
}

// Splits one CSV line with double-quoted fields.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

TEST(Golden, PyModeSV3Vectors) {
  std::istringstream in(ReadFile("testdata/adsb/pymodes_vectors.csv"));
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "msg_hex,field,expected,tolerance,context,source_test");
  int rows = 0, agreed = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = SplitCsv(line);
    ASSERT_EQ(f.size(), 6u) << line;
    const std::string& hex = f[0];
    const std::string& field = f[1];
    const std::string& expected = f[2];
    const double tolerance = f[3].empty() ? 0.0 : std::stod(f[3]);
    const Message m = Decode(hex);
    ++rows;
    std::string actual;
    double actual_number = NAN;
    if (field == "df")
      actual_number = m.df;
    else if (field == "icao")
      actual = IcaoHex(m.icao);
    else if (field == "typecode")
      actual_number = m.typecode;
    else if (field == "bds")
      actual = std::string(TypecodeBds(m.typecode));
    else if (field == "callsign")
      actual = m.identification.callsign.data();
    else if (field == "category")
      actual_number = m.identification.category;
    else if (field == "altitude" && m.altitude_ft)
      actual_number = *m.altitude_ft;
    else if (field == "cpr_format" && m.cpr())
      actual_number = m.cpr()->format;
    else if (field == "nuc_p")
      actual_number = NucP(m.typecode);
    else if (field == "capability")
      actual_number = m.capability;
    else if (field == "subtype")
      actual_number = m.velocity.subtype;
    else if (field == "vr_source")
      actual = m.velocity.vertical_rate_baro ? "BARO" : "GNSS";
    else if (field == "geo_minus_baro" && m.velocity.geo_minus_baro_ft)
      actual_number = *m.velocity.geo_minus_baro_ft;
    else if (field == "vertical_rate" && m.velocity.vertical_rate_fpm)
      actual_number = *m.velocity.vertical_rate_fpm;
    else if (field == "track" && m.velocity.track_deg)
      actual_number = *m.velocity.track_deg;
    else if (field == "groundspeed") {
      if (m.me_kind == MeKind::kSurfacePosition && m.surface.groundspeed_kt) {
        actual_number = *m.surface.groundspeed_kt;
      } else if (m.velocity.groundspeed_kt) {
        actual_number = *m.velocity.groundspeed_kt;
      }
    } else if (field == "latitude" || field == "longitude") {
      // Context: "local decode with reference lat=49.0 lon=6.0".
      double ref_lat = 0, ref_lon = 0;
      ASSERT_EQ(std::sscanf(f[4].c_str(), "local decode with reference lat=%lf lon=%lf", &ref_lat,
                            &ref_lon),
                2)
          << f[4];
      const CprResult r =
          CprLocal(*m.cpr(), m.me_kind == MeKind::kSurfacePosition, {ref_lat, ref_lon});
      ASSERT_TRUE(r.ok());
      actual_number = field == "latitude" ? r.position.lat_deg : r.position.lon_deg;
    } else {
      ADD_FAILURE() << "unknown field " << field << " in " << line;
      continue;
    }
    bool ok = false;
    if (!std::isnan(actual_number)) {
      ok = std::fabs(std::stod(expected) - actual_number) <= tolerance;
    } else if (field == "icao") {
      ok = Lower(expected) == actual;
    } else {
      ok = expected == actual;
    }
    if (ok)
      ++agreed;
    else
      ADD_FAILURE() << line << ": biac "
                    << (actual.empty() ? std::to_string(actual_number) : actual);
  }
  std::cout << "pymodes_vectors.csv: " << agreed << "/" << rows << " rows agree\n";
  EXPECT_EQ(rows, 37);
  EXPECT_EQ(agreed, rows);
}

TEST(Golden, SampleFlightPathIsContinuous) {
  std::istringstream in(ReadFile("testdata/adsb/pymodes_sample_data_adsb.csv"));
  // The plausibility check is off: the continuity asserted here is CPR's own.
  PositionDecoder decoder(PositionDecoderOptions{.max_speed_mps = 0.0});
  std::string line;
  int lines = 0, position_messages = 0, decoded = 0, global = 0, rejected = 0;
  std::optional<LatLon> last;
  double last_time = 0;
  double max_step_m = 0;
  while (std::getline(in, line)) {
    HexLine hl;
    auto kind = ParseHexLine(line, lines == 0, hl);
    ++lines;
    ASSERT_TRUE(kind.ok()) << line << ": " << kind.status().ToString();
    if (*kind != HexLineKind::kFrame) continue;
    auto m = DecodeFrame(hl.frame());
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(m->crc_valid) << line;
    if (m->me_kind != MeKind::kAirbornePosition) continue;
    ++position_messages;
    const PositionUpdate u = decoder.Update(m->icao, *hl.time_s, m->airborne.cpr, false);
    if (u.status == PositionStatus::kCprRejected) ++rejected;
    if (!u.decoded()) {
      // Only the odd frames before the first even one may wait for a pair.
      EXPECT_EQ(decoded, 0) << line << ": " << PositionStatusName(u.status);
      EXPECT_EQ(u.status, PositionStatus::kNeedPair) << line;
      continue;
    }
    ++decoded;
    if (u.method == PositionMethod::kGlobalPair) ++global;
    if (last) {
      // The aircraft flies at 493 kt (254 m/s, its velocity messages); an airliner covers at
      // most about 300 m/s. The logger's timestamps are whole seconds and jitter by up to a
      // second against reception (steps of 430 m within one stamped second occur), so two
      // seconds are added to the stamped interval, plus one CPR cell (about 5 m). A CPR
      // error (wrong zone or pairing) moves a position by kilometres to degrees.
      const double dt = *hl.time_s - last_time;
      const double step = HaversineM(*last, u.position);
      max_step_m = std::max(max_step_m, step);
      EXPECT_LE(step, 300.0 * (dt + 2.0) + 10.0) << line << ": " << step << " m in " << dt << " s";
    }
    last = u.position;
    last_time = *hl.time_s;
  }
  std::cout << "pymodes_sample_data_adsb.csv: " << lines << " lines, " << position_messages
            << " airborne positions, " << decoded << " decoded (" << global
            << " from a global pair), " << rejected << " rejected, largest step " << max_step_m
            << " m\n";
  EXPECT_EQ(lines, 2000);
  EXPECT_EQ(position_messages, 937);
  // All but the four odd frames before the first even one (1457996400-402) decode.
  EXPECT_EQ(decoded, position_messages - 4);
  EXPECT_EQ(rejected, 0);
  // The flight is over western Europe (406B90 near 49-52 N, 0-6 E in the pyModeS examples).
  ASSERT_TRUE(last.has_value());
  EXPECT_GT(last->lat_deg, 40.0);
  EXPECT_LT(last->lat_deg, 60.0);
  EXPECT_GT(last->lon_deg, -10.0);
  EXPECT_LT(last->lon_deg, 15.0);
}

}  // namespace
}  // namespace biac::formats::adsb
