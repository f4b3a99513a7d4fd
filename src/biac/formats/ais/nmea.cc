#include "biac/formats/ais/nmea.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>

namespace biac::formats::ais {
namespace {

// IEC 61162-1 section 7.2: sentences start with '!' (encapsulation) and end with "*hh".
constexpr char kEncapsulationStart = '!';
constexpr char kTagBlockDelimiter = '\\';
constexpr char kChecksumDelimiter = '*';
constexpr char kFieldDelimiter = ',';
constexpr size_t kAddressLength = 5;  // talker (2) + sentence formatter (3): "AIVDM"
constexpr std::string_view kVdm = "VDM";
constexpr std::string_view kVdo = "VDO";
constexpr unsigned kMaxFillBits = 5;
constexpr unsigned kMaxFragments = 9;
constexpr unsigned kSixBits = 6;
constexpr size_t kZeroedTailBytes = 8;

// Tag-block c: values above this are taken as milliseconds: some receivers (e.g. those
// feeding AISHub-style aggregators) write milliseconds where NMEA 4.0 specifies seconds. In
// seconds this bound is the year 5138, in milliseconds 1973.
constexpr int64_t kMillisecondsThreshold = 100'000'000'000;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMillisecond = 1'000'000;

// Six-bit de-armouring (M.1371-5 Annex 8 Table 44 / IEC 61162-1 Table 7): '0'..'W' -> 0..39,
// '`'..'w' -> 40..63; every other character is invalid (-1).
constexpr std::array<int8_t, 128> MakeArmourTable() {
  std::array<int8_t, 128> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= 'W'; ++c) t[static_cast<size_t>(c)] = static_cast<int8_t>(c - '0');
  for (int c = '`'; c <= 'w'; ++c) t[static_cast<size_t>(c)] = static_cast<int8_t>(c - '`' + 40);
  return t;
}
constexpr std::array<int8_t, 128> kArmour = MakeArmourTable();

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string Hex2(unsigned v) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string{kDigits[(v >> 4) & 0xF], kDigits[v & 0xF]};
}

// Verifies "<body>*hh" where `text` starts at the body and `star` indexes the '*'.
Status VerifyChecksum(std::string_view text, size_t star, std::string_view what) {
  if (star + 3 > text.size()) {
    return InvalidArgument(std::string(what) + ": checksum digits missing");
  }
  const int hi = HexDigit(text[star + 1]);
  const int lo = HexDigit(text[star + 2]);
  if (hi < 0 || lo < 0) {
    return InvalidArgument(std::string(what) + ": checksum '" +
                           std::string(text.substr(star + 1, 2)) + "' is not hexadecimal");
  }
  unsigned sum = 0;
  for (size_t i = 0; i < star; ++i) sum ^= static_cast<unsigned char>(text[i]);
  const unsigned stated = static_cast<unsigned>(hi * 16 + lo);
  if (sum != stated) {
    return InvalidArgument(std::string(what) + ": checksum " + Hex2(stated) + ", expected " +
                           Hex2(sum));
  }
  return Status::Ok();
}

Status ParseTagBlock(std::string_view block, TagBlock& tag) {
  const size_t star = block.find(kChecksumDelimiter);
  if (star == std::string_view::npos) return InvalidArgument("tag block: no checksum");
  BIAC_RETURN_IF_ERROR(VerifyChecksum(block, star, "tag block"));
  tag.present = true;
  std::string_view params = block.substr(0, star);
  while (!params.empty()) {
    const size_t comma = params.find(kFieldDelimiter);
    const std::string_view param = params.substr(0, comma);
    params = comma == std::string_view::npos ? std::string_view{} : params.substr(comma + 1);
    if (param.size() < 2 || param[1] != ':') {
      return InvalidArgument("tag block: parameter '" + std::string(param) +
                             "' is not of the form x:value");
    }
    const std::string_view value = param.substr(2);
    switch (param[0]) {
      case 's': {
        const size_t n = std::min(value.size(), kMaxSourceLength);
        for (size_t i = 0; i < n; ++i) tag.source.chars[i] = value[i];
        tag.source.chars[n] = '\0';
        tag.source.size = static_cast<uint8_t>(n);
        break;
      }
      case 'c': {
        int64_t t = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), t);
        if (ec != std::errc{} || end != value.data() + value.size() || t < 0) {
          return InvalidArgument("tag block: receive time 'c:" + std::string(value) +
                                 "' is not a non-negative integer");
        }
        if (t >= kMillisecondsThreshold) {
          if (t > INT64_MAX / kNanosPerMillisecond) {
            return InvalidArgument("tag block: receive time out of range");
          }
          tag.time = Timestamp::FromNanos(t * kNanosPerMillisecond);
        } else {
          tag.time = Timestamp::FromNanos(t * kNanosPerSecond);
        }
        break;
      }
      default:
        break;  // g:, n:, d:, r:, t: and others are not needed downstream
    }
  }
  return Status::Ok();
}

// Splits the next comma-separated field off `rest`.
std::string_view NextField(std::string_view& rest, bool& found) {
  const size_t comma = rest.find(kFieldDelimiter);
  found = comma != std::string_view::npos;
  const std::string_view field = rest.substr(0, comma);
  rest = found ? rest.substr(comma + 1) : std::string_view{};
  return field;
}

bool SingleDigit(std::string_view field, unsigned& value) {
  if (field.size() != 1 || field[0] < '0' || field[0] > '9') return false;
  value = static_cast<unsigned>(field[0] - '0');
  return true;
}

char ChannelKey(char channel) {
  // IEC 61162-1 allows 1/2 for the AIS channels A/B; gpsd and libais treat them alike.
  if (channel == '1') return 'A';
  if (channel == '2') return 'B';
  return channel;
}

}  // namespace

Result<Sentence> ParseSentence(std::string_view line) {
  Sentence s;
  if (!line.empty() && line.front() == kTagBlockDelimiter) {
    const size_t close = line.find(kTagBlockDelimiter, 1);
    if (close == std::string_view::npos) return InvalidArgument("tag block is not closed");
    BIAC_RETURN_IF_ERROR(ParseTagBlock(line.substr(1, close - 1), s.tag));
    line.remove_prefix(close + 1);
  }
  if (line.empty() || line.front() != kEncapsulationStart) {
    return InvalidArgument("not an NMEA encapsulation sentence (no leading '!')");
  }
  line.remove_prefix(1);
  const size_t star = line.find(kChecksumDelimiter);
  if (star == std::string_view::npos) return InvalidArgument("no checksum ('*hh')");
  BIAC_RETURN_IF_ERROR(VerifyChecksum(line, star, "sentence"));
  std::string_view rest = line.substr(0, star);

  bool found = false;
  const std::string_view address = NextField(rest, found);
  if (address.size() != kAddressLength) {
    return InvalidArgument("address field '" + std::string(address) + "' is not 5 characters");
  }
  const std::string_view formatter = address.substr(2);
  if (formatter == kVdm) {
    s.own_ship = false;
  } else if (formatter == kVdo) {
    s.own_ship = true;
  } else {
    return InvalidArgument("sentence " + std::string(address) + " is not VDM or VDO");
  }
  s.talker = address.substr(0, 2);

  unsigned count = 0;
  unsigned number = 0;
  const std::string_view count_field = NextField(rest, found);
  if (!found || !SingleDigit(count_field, count) || count < 1 || count > kMaxFragments) {
    return InvalidArgument("fragment count '" + std::string(count_field) + "' is not 1..9");
  }
  const std::string_view number_field = NextField(rest, found);
  if (!found || !SingleDigit(number_field, number) || number < 1 || number > count) {
    return InvalidArgument("fragment number '" + std::string(number_field) + "' is not 1.." +
                           std::to_string(count));
  }
  s.fragment_count = static_cast<uint8_t>(count);
  s.fragment_number = static_cast<uint8_t>(number);

  const std::string_view sequence = NextField(rest, found);
  if (!found) return InvalidArgument("too few fields");
  if (!sequence.empty()) {
    unsigned id = 0;
    if (!SingleDigit(sequence, id)) {
      return InvalidArgument("sequential message id '" + std::string(sequence) +
                             "' is not 0..9");
    }
    s.sequence_id = static_cast<int8_t>(id);
  }
  const std::string_view channel = NextField(rest, found);
  if (!found) return InvalidArgument("too few fields");
  if (channel.size() > 1) {
    return InvalidArgument("AIS channel '" + std::string(channel) + "' is not one character");
  }
  s.channel = channel.empty() ? 0 : channel[0];
  s.payload = NextField(rest, found);
  if (!found) return InvalidArgument("too few fields");
  const std::string_view fill = NextField(rest, found);
  if (found) return InvalidArgument("too many fields");
  unsigned fill_bits = 0;
  if (!SingleDigit(fill, fill_bits) || fill_bits > kMaxFillBits) {
    return InvalidArgument("fill bits '" + std::string(fill) + "' is not 0..5");
  }
  s.fill_bits = static_cast<uint8_t>(fill_bits);
  if (s.payload.empty()) return InvalidArgument("empty payload");
  return s;
}

Status AppendArmoured(std::string_view armoured, uint8_t fill_bits, Payload& payload) {
  const size_t start = payload.bit_count;
  const size_t end = start + kSixBits * armoured.size();
  if (end > kMaxPayloadBits) {
    return InvalidArgument("payload of " + std::to_string(end) + " bits exceeds " +
                           std::to_string(kMaxPayloadBits));
  }
  if (fill_bits > end - start) {
    return InvalidArgument(std::to_string(fill_bits) + " fill bits exceed the payload");
  }
  size_t byte = start / 8;
  unsigned acc_bits = static_cast<unsigned>(start % 8);
  uint32_t acc = acc_bits ? (payload.bytes[byte] >> (8 - acc_bits)) : 0u;
  for (size_t i = 0; i < armoured.size(); ++i) {
    const auto c = static_cast<unsigned char>(armoured[i]);
    const int v = c < kArmour.size() ? kArmour[c] : -1;
    if (v < 0) {
      return InvalidArgument("payload character " + std::to_string(i + 1) + " '" +
                             std::string(1, armoured[i]) + "' is not six-bit armour");
    }
    acc = (acc << kSixBits) | static_cast<uint32_t>(v);
    acc_bits += kSixBits;
    if (acc_bits >= 8) {
      acc_bits -= 8;
      payload.bytes[byte++] = static_cast<uint8_t>(acc >> acc_bits);
      acc &= (1u << acc_bits) - 1u;
    }
  }
  if (acc_bits > 0) payload.bytes[byte++] = static_cast<uint8_t>(acc << (8 - acc_bits));
  // Zero a few bytes after the end so that reads just past a short message are defined.
  for (size_t i = 0; i < kZeroedTailBytes && byte < payload.bytes.size(); ++i) {
    payload.bytes[byte++] = 0;
  }
  payload.armoured_bits = static_cast<uint16_t>(end);
  payload.bit_count = static_cast<uint16_t>(end - fill_bits);
  return Status::Ok();
}

NmeaDecoder::NmeaDecoder(NmeaOptions options) : options_(options) {}

Result<NmeaDecoder::Outcome> NmeaDecoder::Feed(std::string_view line, DecodedMessage& out) {
  ++sentence_index_;
  Result<Sentence> parsed = ParseSentence(line);
  if (!parsed.ok()) return parsed.error();
  return Reassemble(*parsed, out);
}

Status NmeaDecoder::Finish(Payload& payload, DecodedMessage& out) {
  return DecodeMessage(payload, out.message);
}

void NmeaDecoder::Expire(const std::optional<Timestamp>& now) {
  for (Pending& p : pending_) {
    if (!p.used) continue;
    const bool too_many = sentence_index_ - p.last_sentence > options_.max_sentence_gap;
    const bool too_late = now && p.last_time && (*now - *p.last_time) > options_.max_time_gap;
    if (too_many || too_late) {
      p.used = false;
      ++dropped_;
    }
  }
}

Result<NmeaDecoder::Outcome> NmeaDecoder::Reassemble(const Sentence& s, DecodedMessage& out) {
  if (s.fragment_count == 1) {
    Payload& payload = single_;
    payload.bit_count = 0;
    BIAC_RETURN_IF_ERROR(AppendArmoured(s.payload, s.fill_bits, payload));
    BIAC_RETURN_IF_ERROR(Finish(payload, out));
    out.tag = s.tag;
    out.channel = s.channel;
    out.own_ship = s.own_ship;
    out.sentences = 1;
    return Outcome::kMessage;
  }

  Expire(s.tag.time);
  const char key = ChannelKey(s.channel);
  Pending* slot = nullptr;
  for (Pending& p : pending_) {
    if (p.used && p.channel == key && p.sequence_id == s.sequence_id) {
      slot = &p;
      break;
    }
  }
  if (s.fragment_number == 1) {
    if (slot != nullptr) {
      ++dropped_;  // an unfinished message with the same id is superseded
    } else {
      for (Pending& p : pending_) {
        if (!p.used) {
          slot = &p;
          break;
        }
      }
      if (slot == nullptr) {  // all slots busy: drop the stalest
        slot = &pending_[0];
        for (Pending& p : pending_) {
          if (p.last_sentence < slot->last_sentence) slot = &p;
        }
        ++dropped_;
      }
    }
    slot->used = true;
    slot->channel = key;
    slot->sequence_id = s.sequence_id;
    slot->fragment_count = s.fragment_count;
    slot->next_fragment = 2;
    slot->tag = s.tag;
    slot->own_ship = s.own_ship;
    slot->payload.bit_count = 0;
    const Status appended = AppendArmoured(s.payload, s.fill_bits, slot->payload);
    if (!appended.ok()) {
      slot->used = false;
      return appended;
    }
    slot->last_sentence = sentence_index_;
    slot->last_time = s.tag.time;
    return Outcome::kPending;
  }

  const std::string where = "fragment " + std::to_string(s.fragment_number) + " of " +
                            std::to_string(s.fragment_count) + " (sequence " +
                            (s.sequence_id < 0 ? std::string("none")
                                               : std::to_string(s.sequence_id)) +
                            ", channel " + (key ? std::string(1, key) : std::string("none")) +
                            ")";
  if (slot == nullptr) return InvalidArgument(where + " without its preceding fragments");
  if (slot->fragment_count != s.fragment_count || slot->next_fragment != s.fragment_number) {
    slot->used = false;
    ++dropped_;
    return InvalidArgument(where + " out of order: expected fragment " +
                           std::to_string(slot->next_fragment) + " of " +
                           std::to_string(slot->fragment_count));
  }
  const Status appended = AppendArmoured(s.payload, s.fill_bits, slot->payload);
  if (!appended.ok()) {
    slot->used = false;
    ++dropped_;
    return appended;
  }
  slot->last_sentence = sentence_index_;
  if (s.tag.time) slot->last_time = s.tag.time;
  if (s.fragment_number < s.fragment_count) {
    ++slot->next_fragment;
    return Outcome::kPending;
  }
  slot->used = false;
  BIAC_RETURN_IF_ERROR(Finish(slot->payload, out));
  out.tag = slot->tag;
  if (!out.tag.present && s.tag.present) out.tag = s.tag;
  out.channel = s.channel;
  out.own_ship = slot->own_ship;
  out.sentences = s.fragment_count;
  return Outcome::kMessage;
}

}  // namespace biac::formats::ais
