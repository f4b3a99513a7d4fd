// libFuzzer target for the seven stream framers. Input: byte 0 picks the framer, byte 1 its
// max_record (small, so that the oversize paths are reached), byte 2 seeds the chunking; the
// rest is the stream. Properties checked (a failure traps):
// - pushing the stream in random chunks gives the same records and errors, in the same order,
//   as one push;
// - a framer never holds more than max_record bytes, and no record is longer than max_record;
// - offsets rise, and every record of the line, ASTERIX and XML framers is the stream's bytes
//   at its offset (the Beast record is unescaped, so it is checked for its length only);
// - a transport stream record is 188 bytes starting with the sync byte; a STANAG 4607 record's
//   size is its header's P2.

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "biac/net/feed/framer.h"

namespace {

using biac::net::Framer;
using biac::net::Framing;

struct Output {
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> records;
  std::vector<std::pair<uint64_t, std::string>> errors;
  std::vector<int> order;
  bool operator==(const Output&) const = default;
};

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

constexpr Framing kFramings[] = {Framing::kLine,   Framing::kBeast,  Framing::kAsterix,
                                 Framing::kCotXml, Framing::kMpegTs, Framing::kGmti,
                                 Framing::kCot};
constexpr size_t kHeaderBytes = 3;
constexpr size_t kMaxRecordStep = 8;
constexpr size_t kMaxChunk = 64;

Output Run(Framing framing, size_t max_record, std::span<const uint8_t> stream, bool chunked,
           uint32_t seed) {
  Output out;
  auto framer = biac::net::MakeFramer(
      framing,
      [&out](std::span<const uint8_t> record, uint64_t offset) {
        out.records.emplace_back(offset, std::vector<uint8_t>(record.begin(), record.end()));
        out.order.push_back(0);
      },
      [&out](uint64_t offset, std::string reason) {
        out.errors.emplace_back(offset, std::move(reason));
        out.order.push_back(1);
      },
      max_record);
  std::mt19937 random(seed);
  size_t pos = 0;
  while (pos < stream.size()) {
    size_t n = stream.size() - pos;
    if (chunked) n = std::min(n, std::uniform_int_distribution<size_t>(0, kMaxChunk)(random));
    framer->Push(stream.subspan(pos, n));
    pos += n;
    Check(framer->buffered() <= framer->max_record());
  }
  framer->Finish();
  for (const auto& [offset, record] : out.records) {
    Check(record.size() <= framer->max_record());
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeaderBytes) return 0;
  const Framing framing = kFramings[data[0] % std::size(kFramings)];
  const size_t max_record = kMaxRecordStep * (1 + static_cast<size_t>(data[1]));
  const uint32_t seed = data[2];
  const std::span<const uint8_t> stream(data + kHeaderBytes, size - kHeaderBytes);

  const Output whole = Run(framing, max_record, stream, /*chunked=*/false, seed);
  Check(Run(framing, max_record, stream, /*chunked=*/true, seed) == whole);

  uint64_t previous_end = 0;
  for (const auto& [offset, record] : whole.records) {
    Check(offset >= previous_end && offset < stream.size());
    if (framing == Framing::kBeast) {
      Check(record.size() == 1 + biac::net::BeastFramer::kTimestampBytes +
                                 biac::net::BeastFramer::kSignalBytes +
                                 biac::net::BeastFramer::PayloadBytes(record[0]));
      previous_end = offset + record.size() + 1;
      continue;
    }
    if (framing == Framing::kMpegTs) {
      Check(record.size() == biac::net::TsPacketFramer::kPacketBytes &&
            record[0] == biac::net::TsPacketFramer::kSyncByte);
    }
    if (framing == Framing::kGmti) {
      Check(record.size() >= biac::net::GmtiFramer::kHeaderBytes);
      uint32_t p2 = 0;
      for (size_t k = 0; k < biac::net::GmtiFramer::kSizeBytes; ++k) {
        p2 = p2 << 8 | record[biac::net::GmtiFramer::kSizeOffset + k];
      }
      Check(p2 == record.size());
    }
    Check(offset + record.size() <= stream.size());
    Check(std::equal(record.begin(), record.end(), stream.begin() + offset));
    previous_end = offset + record.size();
  }
  return 0;
}
