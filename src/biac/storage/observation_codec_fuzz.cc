// libFuzzer target for the stored observation record (observation_codec.h). Properties:
// decoding never crashes nor reads out of bounds; every accepted record re-encodes to the same
// bytes (the decoder is strict), and decode(encode(x)) == x for the decoded x.

#include "biac/storage/observation_codec.h"

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using biac::storage::DecodeObservation;
  using biac::storage::EncodeObservation;
  using biac::storage::SameObservation;
  biac::Result<biac::model::Observation> decoded = DecodeObservation(std::span(data, size));
  if (!decoded.ok()) return 0;
  const std::string encoded = EncodeObservation(*decoded);
  if (encoded != std::string_view(reinterpret_cast<const char*>(data), size)) std::abort();
  biac::Result<biac::model::Observation> again = DecodeObservation(
      std::span(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size()));
  if (!again.ok() || !SameObservation(*decoded, *again)) std::abort();
  return 0;
}
