#include "biac/model/picture_json.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "biac/base/number_format.h"
#include "biac/labels/label.h"
#include "biac/labels/registry.h"

namespace biac::model {

namespace {

// Spellings of non-finite numbers, written as JSON strings (see the header).
constexpr std::string_view kNotANumber = "NaN";
constexpr std::string_view kInfinity = "Infinity";
constexpr std::string_view kMinusInfinity = "-Infinity";

// Digits of the identity codes in their conventional forms: a 24-bit ICAO address as six
// hexadecimal digits (ICAO Annex 10 Vol. III), a Mode 3/A code as four octal digits.
constexpr int kHexBase = 16;
constexpr int kOctalBase = 8;
constexpr size_t kIcaoDigits = 6;
constexpr size_t kMode3aDigits = 4;

constexpr int kStateSize = 6;  // rows and columns of FusedTrack::covariance
constexpr int kVectorSize = 3;

// "\ufffd" as UTF-8: what an invalid byte sequence is written as.
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";
constexpr unsigned char kFirstNonControl = 0x20;

// Length of the valid UTF-8 sequence starting at s[i], or 0 if there is none (Unicode 15.0,
// Table 3-7 "Well-Formed UTF-8 Byte Sequences": no overlong forms, no surrogates, nothing above
// U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto continuation = [&](size_t k, unsigned char low, unsigned char high) {
    return i + k < s.size() && byte(k) >= low && byte(k) <= high;
  };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(1, 0x80, 0xBF) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned char low = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = b0 == 0xED ? 0x9F : 0xBF;
    return continuation(1, low, high) && continuation(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned char low = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = b0 == 0xF4 ? 0x8F : 0xBF;
    return continuation(1, low, high) && continuation(2, 0x80, 0xBF) && continuation(3, 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

// The two-character escape of a character that has one (RFC 8259 §7), else empty.
std::string_view ShortEscape(unsigned char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return {};
  }
}

void AppendString(std::string& out, std::string_view s) {
  static constexpr std::string_view kHexDigits = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (const std::string_view escape = ShortEscape(c); !escape.empty()) {
      out += escape;
      ++i;
      continue;
    }
    if (c < kFirstNonControl) {
      out += "\\u00";
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0xF];
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(s, i);
    if (length == 0) {
      out += kReplacementCharacter;
      ++i;
    } else {
      out.append(s.substr(i, length));
      i += length;
    }
  }
  out += '"';
}

void AppendUnsigned(std::string& out, uint64_t value) {
  std::array<char, 24> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), end);
}

// `value` in `base` with at least `min_digits` digits, quoted.
void AppendCode(std::string& out, uint64_t value, int base, size_t min_digits) {
  std::array<char, 24> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, base);
  const auto digits = static_cast<size_t>(end - buffer.data());
  out += '"';
  if (digits < min_digits) out.append(min_digits - digits, '0');
  out.append(buffer.data(), end);
  out += '"';
}

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    AppendString(out, kNotANumber);
  } else if (std::isinf(value)) {
    AppendString(out, value > 0 ? kInfinity : kMinusInfinity);
  } else {
    AppendShortest(out, value);
  }
}

void AppendTime(std::string& out, Timestamp time) {
  out += '"';
  out += time.ToIso8601();
  out += '"';
}

void AppendIdentity(std::string& out, const TrackIdentity& identity) {
  out += '{';
  bool first = true;
  const auto key = [&](std::string_view name) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
  };
  if (identity.mmsi) {
    key("mmsi");
    AppendUnsigned(out, *identity.mmsi);
  }
  if (identity.icao_address) {
    key("icao_address");
    AppendCode(out, *identity.icao_address, kHexBase, kIcaoDigits);
  }
  if (identity.mode3a) {
    key("mode3a");
    AppendCode(out, *identity.mode3a, kOctalBase, kMode3aDigits);
  }
  if (!identity.callsign.empty()) {
    key("callsign");
    AppendString(out, identity.callsign);
  }
  if (!identity.name.empty()) {
    key("name");
    AppendString(out, identity.name);
  }
  if (!identity.track_numbers.empty()) {
    key("track_numbers");
    out += '[';
    for (size_t i = 0; i < identity.track_numbers.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"source\":";
      AppendString(out, identity.track_numbers[i].source);
      out += ",\"number\":";
      AppendUnsigned(out, identity.track_numbers[i].number);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

// ---------------------------------------------------------------------------------------------
// Reading.

class Reader {
 public:
  Reader(std::string_view text, const labels::Registry& registry)
      : text_(text), registry_(registry) {}

  Result<Picture> ReadPicture() {
    Picture picture;
    field_ = "time";
    BIAC_RETURN_IF_ERROR(Expect("{\"time\":"));
    BIAC_ASSIGN_OR_RETURN(picture.time, Time());
    field_ = "tracks";
    BIAC_RETURN_IF_ERROR(Expect(",\"tracks\":["));
    if (!Consume("]")) {
      do {
        track_index_ = static_cast<int64_t>(picture.tracks.size());
        BIAC_ASSIGN_OR_RETURN(FusedTrack track, ReadTrack());
        picture.tracks.push_back(std::move(track));
      } while (Consume(","));
      track_index_ = -1;
      field_ = "tracks";
      BIAC_RETURN_IF_ERROR(Expect("]"));
    }
    field_ = "";
    BIAC_RETURN_IF_ERROR(Expect("}"));
    if (pos_ != text_.size()) return Fail("text after the picture");
    return picture;
  }

 private:
  Result<FusedTrack> ReadTrack() {
    FusedTrack track;
    field_ = "id";
    BIAC_RETURN_IF_ERROR(Expect("{\"id\":"));
    BIAC_ASSIGN_OR_RETURN(track.id, Unsigned());
    field_ = "time";
    BIAC_RETURN_IF_ERROR(Expect(",\"time\":"));
    BIAC_ASSIGN_OR_RETURN(track.time, Time());
    field_ = "position";
    BIAC_RETURN_IF_ERROR(Expect(",\"position\":"));
    std::array<double, kVectorSize> position{};
    BIAC_RETURN_IF_ERROR(NumberArray(position));
    track.position = {position[0], position[1], position[2]};
    field_ = "has_altitude";
    BIAC_RETURN_IF_ERROR(Expect(",\"has_altitude\":"));
    BIAC_ASSIGN_OR_RETURN(track.has_altitude, Bool());
    field_ = "velocity_enu";
    BIAC_RETURN_IF_ERROR(Expect(",\"velocity_enu\":"));
    std::array<double, kVectorSize> velocity{};
    BIAC_RETURN_IF_ERROR(NumberArray(velocity));
    track.velocity_enu = {velocity[0], velocity[1], velocity[2]};
    field_ = "covariance";
    BIAC_RETURN_IF_ERROR(Expect(",\"covariance\":"));
    std::array<double, kStateSize * kStateSize> covariance{};
    BIAC_RETURN_IF_ERROR(NumberArray(covariance));
    for (int row = 0; row < kStateSize; ++row) {
      for (int col = 0; col < kStateSize; ++col) {
        const size_t index = static_cast<size_t>(row) * kStateSize + static_cast<size_t>(col);
        track.covariance(row, col) = covariance[index];
      }
    }
    field_ = "identity";
    BIAC_RETURN_IF_ERROR(Expect(",\"identity\":{"));
    BIAC_RETURN_IF_ERROR(ReadIdentity(track.identity));
    field_ = "domain";
    BIAC_RETURN_IF_ERROR(Expect(",\"domain\":"));
    BIAC_ASSIGN_OR_RETURN(track.domain, ReadDomain());
    field_ = "category";
    BIAC_RETURN_IF_ERROR(Expect(",\"category\":"));
    BIAC_ASSIGN_OR_RETURN(track.category, String());
    field_ = "label";
    BIAC_RETURN_IF_ERROR(Expect(",\"label\":"));
    const size_t label_start = pos_;
    BIAC_ASSIGN_OR_RETURN(const std::string label_text, String());
    Result<labels::Label> label = labels::Parse(label_text, registry_);
    if (!label.ok()) {
      pos_ = label_start;
      return Fail(label.error().message());
    }
    track.label = *std::move(label);
    field_ = "sources";
    BIAC_RETURN_IF_ERROR(Expect(",\"sources\":["));
    if (!Consume("]")) {
      do {
        BIAC_ASSIGN_OR_RETURN(std::string source, String());
        track.sources.push_back(std::move(source));
      } while (Consume(","));
      BIAC_RETURN_IF_ERROR(Expect("]"));
    }
    field_ = "provenance";
    BIAC_RETURN_IF_ERROR(Expect(",\"provenance\":["));
    if (!Consume("]")) {
      do {
        BIAC_ASSIGN_OR_RETURN(const uint64_t id, Unsigned());
        track.provenance.push_back(id);
      } while (Consume(","));
      BIAC_RETURN_IF_ERROR(Expect("]"));
    }
    field_ = "updates";
    BIAC_RETURN_IF_ERROR(Expect(",\"updates\":"));
    BIAC_ASSIGN_OR_RETURN(const uint64_t updates, Unsigned());
    if (updates > std::numeric_limits<uint32_t>::max()) return Fail("above 2^32-1");
    track.updates = static_cast<uint32_t>(updates);
    BIAC_RETURN_IF_ERROR(Expect("}"));
    return track;
  }

  // After the opening brace: the members present, in order, then the closing brace.
  Status ReadIdentity(TrackIdentity& identity) {
    bool first = true;
    if (Member("mmsi", first)) {
      BIAC_ASSIGN_OR_RETURN(const uint64_t mmsi, Unsigned());
      if (mmsi > std::numeric_limits<uint32_t>::max()) return Fail("above 2^32-1");
      identity.mmsi = static_cast<uint32_t>(mmsi);
    }
    if (Member("icao_address", first)) {
      BIAC_ASSIGN_OR_RETURN(const uint64_t icao,
                            Code(kHexBase, std::numeric_limits<uint32_t>::max()));
      identity.icao_address = static_cast<uint32_t>(icao);
    }
    if (Member("mode3a", first)) {
      BIAC_ASSIGN_OR_RETURN(const uint64_t mode3a,
                            Code(kOctalBase, std::numeric_limits<uint16_t>::max()));
      identity.mode3a = static_cast<uint16_t>(mode3a);
    }
    if (Member("callsign", first)) {
      BIAC_ASSIGN_OR_RETURN(identity.callsign, String());
    }
    if (Member("name", first)) {
      BIAC_ASSIGN_OR_RETURN(identity.name, String());
    }
    if (Member("track_numbers", first)) {
      BIAC_RETURN_IF_ERROR(Expect("["));
      do {
        SourceTrackNumber number;
        BIAC_RETURN_IF_ERROR(Expect("{\"source\":"));
        BIAC_ASSIGN_OR_RETURN(number.source, String());
        BIAC_RETURN_IF_ERROR(Expect(",\"number\":"));
        BIAC_ASSIGN_OR_RETURN(const uint64_t value, Unsigned());
        if (value > std::numeric_limits<uint32_t>::max()) return Fail("above 2^32-1");
        number.number = static_cast<uint32_t>(value);
        BIAC_RETURN_IF_ERROR(Expect("}"));
        identity.track_numbers.push_back(std::move(number));
      } while (Consume(","));
      BIAC_RETURN_IF_ERROR(Expect("]"));
    }
    field_ = "identity";
    return Expect("}");
  }

  // Consumes `,"key":` (or `"key":` for the first member) if it comes next.
  bool Member(std::string_view key, bool& first) {
    const size_t start = pos_;
    if ((first || Consume(",")) && Consume("\"") && Consume(key) && Consume("\":")) {
      first = false;
      field_ = key;
      return true;
    }
    pos_ = start;
    return false;
  }

  Result<Domain> ReadDomain() {
    const size_t start = pos_;
    BIAC_ASSIGN_OR_RETURN(const std::string name, String());
    for (const Domain domain :
         {Domain::kUnknown, Domain::kSea, Domain::kAir, Domain::kLand, Domain::kSpace}) {
      if (DomainName(domain) == name) return domain;
    }
    pos_ = start;
    return Fail("unknown domain '" + name + "'");
  }

  template <size_t N>
  Status NumberArray(std::array<double, N>& values) {
    BIAC_RETURN_IF_ERROR(Expect("["));
    for (size_t i = 0; i < N; ++i) {
      if (i > 0) BIAC_RETURN_IF_ERROR(Expect(","));
      element_ = static_cast<int64_t>(i);
      BIAC_ASSIGN_OR_RETURN(values[i], Number());
    }
    element_ = -1;
    return Expect("]");
  }

  Result<Timestamp> Time() {
    const size_t start = pos_;
    BIAC_ASSIGN_OR_RETURN(const std::string text, String());
    // "YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ", as Timestamp::ToIso8601 writes it.
    static constexpr std::string_view kPattern = "dddd-dd-ddTdd:dd:dd.dddddddddZ";
    bool shaped = text.size() == kPattern.size();
    for (size_t i = 0; shaped && i < text.size(); ++i) {
      shaped = kPattern[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kPattern[i];
    }
    const auto number = [&](size_t offset, size_t length) {
      int64_t value = 0;
      for (size_t i = offset; i < offset + length; ++i) value = value * 10 + (text[i] - '0');
      return value;
    };
    if (shaped) {
      const std::chrono::year_month_day date{
          std::chrono::year{static_cast<int>(number(0, 4))},
          std::chrono::month{static_cast<unsigned>(number(5, 2))},
          std::chrono::day{static_cast<unsigned>(number(8, 2))}};
      constexpr int64_t kHoursPerDay = 24;
      constexpr int64_t kMinutesPerHour = 60;
      constexpr int64_t kSecondsPerMinute = 60;
      constexpr int64_t kSecondsPerHour = kMinutesPerHour * kSecondsPerMinute;
      constexpr int64_t kSecondsPerDay = kHoursPerDay * kSecondsPerHour;
      constexpr int64_t kNanosPerSecond = 1'000'000'000;
      const int64_t hour = number(11, 2);
      const int64_t minute = number(14, 2);
      const int64_t second = number(17, 2);
      if (date.ok() && hour < kHoursPerDay && minute < kMinutesPerHour &&
          second < kSecondsPerMinute) {
        const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
        const int64_t seconds =
            days * kSecondsPerDay + hour * kSecondsPerHour + minute * kSecondsPerMinute + second;
        int64_t nanos = 0;
        if (!__builtin_mul_overflow(seconds, kNanosPerSecond, &nanos) &&
            !__builtin_add_overflow(nanos, number(20, 9), &nanos)) {
          return Timestamp::FromNanos(nanos);
        }
      }
    }
    pos_ = start;
    return Fail(
        "expected a time \"YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ\" within the range of "
        "Timestamp");
  }

  Result<bool> Bool() {
    if (Consume("true")) return true;
    if (Consume("false")) return false;
    return Fail("expected true or false");
  }

  Result<uint64_t> Unsigned() {
    size_t end = pos_;
    while (end < text_.size() && text_[end] >= '0' && text_[end] <= '9') ++end;
    uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + end, value);
    if (end == pos_ || ec != std::errc() || ptr != text_.data() + end) {
      return Fail("expected an unsigned integer below 2^64");
    }
    pos_ = end;
    return value;
  }

  // A quoted code in `base`, at most `max`.
  Result<uint64_t> Code(int base, uint64_t max) {
    const size_t start = pos_;
    BIAC_ASSIGN_OR_RETURN(const std::string text, String());
    uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > max) {
      pos_ = start;
      return Fail(base == kHexBase ? "expected a hexadecimal code" : "expected an octal code");
    }
    return value;
  }

  Result<double> Number() {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const size_t start = pos_;
      BIAC_ASSIGN_OR_RETURN(const std::string text, String());
      if (text == kNotANumber) return std::numeric_limits<double>::quiet_NaN();
      if (text == kInfinity) return std::numeric_limits<double>::infinity();
      if (text == kMinusInfinity) return -std::numeric_limits<double>::infinity();
      pos_ = start;
      return Fail("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
    }
    size_t end = pos_;
    static constexpr std::string_view kNumberCharacters = "0123456789-+.eE";
    while (end < text_.size() && kNumberCharacters.find(text_[end]) != std::string_view::npos) {
      ++end;
    }
    double value = 0;
    // std::from_chars is locale-independent and correctly rounded.
    const auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + end, value);
    if (end == pos_ || ec != std::errc() || ptr != text_.data() + end) {
      return Fail("expected a number");
    }
    pos_ = end;
    return value;
  }

  Result<std::string> String() {
    if (!Consume("\"")) return Fail("expected a string");
    std::string out;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < kFirstNonControl) return Fail("control character in a string");
      if (c == '\\') {
        BIAC_RETURN_IF_ERROR(Escape(out));
        continue;
      }
      const size_t length = Utf8SequenceLength(text_, pos_);
      if (length == 0) return Fail("invalid UTF-8 in a string");
      out.append(text_.substr(pos_, length));
      pos_ += length;
    }
    return Fail("unterminated string");
  }

  // One escape (RFC 8259 §7), appended to `out` as UTF-8.
  Status Escape(std::string& out) {
    if (pos_ + 1 >= text_.size()) return Fail("unterminated escape");
    const char kind = text_[pos_ + 1];
    pos_ += 2;
    switch (kind) {
      case '"':
        out += '"';
        return Status::Ok();
      case '\\':
        out += '\\';
        return Status::Ok();
      case '/':
        out += '/';
        return Status::Ok();
      case 'b':
        out += '\b';
        return Status::Ok();
      case 'f':
        out += '\f';
        return Status::Ok();
      case 'n':
        out += '\n';
        return Status::Ok();
      case 'r':
        out += '\r';
        return Status::Ok();
      case 't':
        out += '\t';
        return Status::Ok();
      case 'u':
        break;
      default:
        pos_ -= 2;
        return Fail("unknown escape");
    }
    // \uXXXX: only the controls below U+0020 are ever written this way; anything else is not
    // canonical and the final comparison rejects it, so reading code points up to U+FFFF
    // without surrogate pairs suffices to decode every canonical text.
    constexpr size_t kHexLength = 4;
    uint32_t code = 0;
    const auto [ptr, ec] =
        std::from_chars(text_.data() + pos_,
                        text_.data() + std::min(text_.size(), pos_ + kHexLength), code, kHexBase);
    if (ec != std::errc() || ptr != text_.data() + pos_ + kHexLength) {
      pos_ -= 2;
      return Fail("expected four hexadecimal digits after \\u");
    }
    pos_ += kHexLength;
    if (code >= kFirstNonControl) {
      pos_ -= kHexLength + 2;
      return Fail("\\u escape of a character that is written as itself");
    }
    out += static_cast<char>(code);
    return Status::Ok();
  }

  bool Consume(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  Status Expect(std::string_view literal) {
    if (Consume(literal)) return Status::Ok();
    return Fail("expected '" + std::string(literal) + "'");
  }

  Status Fail(std::string_view reason) const {
    std::string where;
    if (track_index_ >= 0) where = "tracks[" + std::to_string(track_index_) + "]";
    if (!field_.empty()) {
      if (!where.empty()) where += '.';
      where += field_;
    }
    if (element_ >= 0) where += "[" + std::to_string(element_) + "]";
    std::string message = "picture JSON byte " + std::to_string(pos_);
    if (!where.empty()) message += " (" + where + ")";
    message += ": ";
    message += reason;
    return InvalidArgument(std::move(message));
  }

  std::string_view text_;
  const labels::Registry& registry_;
  size_t pos_ = 0;
  // Where the reader is, for messages.
  int64_t track_index_ = -1;
  std::string_view field_;
  int64_t element_ = -1;
};

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) { AppendString(out, s); }

void AppendFusedTrackJson(std::string& out, const FusedTrack& track) {
  out += "{\"id\":";
  AppendUnsigned(out, track.id);
  out += ",\"time\":";
  AppendTime(out, track.time);
  out += ",\"position\":[";
  AppendNumber(out, track.position.latitude_deg);
  out += ',';
  AppendNumber(out, track.position.longitude_deg);
  out += ',';
  AppendNumber(out, track.position.altitude_m);
  out += "],\"has_altitude\":";
  out += track.has_altitude ? "true" : "false";
  out += ",\"velocity_enu\":[";
  for (int i = 0; i < kVectorSize; ++i) {
    if (i > 0) out += ',';
    AppendNumber(out, track.velocity_enu[i]);
  }
  out += "],\"covariance\":[";
  for (int row = 0; row < kStateSize; ++row) {
    for (int col = 0; col < kStateSize; ++col) {
      if (row > 0 || col > 0) out += ',';
      AppendNumber(out, track.covariance(row, col));
    }
  }
  out += "],\"identity\":";
  AppendIdentity(out, track.identity);
  out += ",\"domain\":";
  AppendString(out, DomainName(track.domain));
  out += ",\"category\":";
  AppendString(out, track.category);
  out += ",\"label\":";
  AppendString(out, labels::Render(track.label));
  out += ",\"sources\":[";
  for (size_t i = 0; i < track.sources.size(); ++i) {
    if (i > 0) out += ',';
    AppendString(out, track.sources[i]);
  }
  out += "],\"provenance\":[";
  for (size_t i = 0; i < track.provenance.size(); ++i) {
    if (i > 0) out += ',';
    AppendUnsigned(out, track.provenance[i]);
  }
  out += "],\"updates\":";
  AppendUnsigned(out, track.updates);
  out += '}';
}

std::string FusedTrackToJson(const FusedTrack& track) {
  std::string out;
  AppendFusedTrackJson(out, track);
  return out;
}

std::string PictureToJson(const Picture& picture) {
  std::string out = "{\"time\":";
  AppendTime(out, picture.time);
  out += ",\"tracks\":[";
  for (size_t i = 0; i < picture.tracks.size(); ++i) {
    if (i > 0) out += ',';
    AppendFusedTrackJson(out, picture.tracks[i]);
  }
  out += "]}";
  return out;
}

Result<Picture> PictureFromJson(std::string_view text) {
  return PictureFromJson(text, labels::Registry::Default());
}

Result<Picture> PictureFromJson(std::string_view text, const labels::Registry& registry) {
  Reader reader(text, registry);
  BIAC_ASSIGN_OR_RETURN(Picture picture, reader.ReadPicture());
  // The reader follows the canonical layout; what it cannot see alone (number spellings,
  // leading zeros of codes, escapes, labels in a non-canonical spelling) shows as a
  // difference when the picture is written again.
  const std::string canonical = PictureToJson(picture);
  if (canonical != text) {
    size_t at = 0;
    while (at < canonical.size() && at < text.size() && canonical[at] == text[at]) ++at;
    return InvalidArgument("picture JSON byte " + std::to_string(at) +
                           ": not in the canonical form (docs/sharing.md, model/picture_json.h)");
  }
  return picture;
}

}  // namespace biac::model
