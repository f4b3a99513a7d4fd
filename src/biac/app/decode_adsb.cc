// TEMPORARY placeholder until the adsb decoder lands: replace this whole file.
#include "biac/app/decode.h"

namespace biac::app {

Status DecodeModes(std::istream&, const DecodeOptions&, DecodeOutput&) {
  return FailedPrecondition("this format's decoder is not built yet");
}

Status DecodeBeast(std::istream&, const DecodeOptions&, DecodeOutput&) {
  return FailedPrecondition("this format's decoder is not built yet");
}

Status DecodeSbs(std::istream&, const DecodeOptions&, DecodeOutput&) {
  return FailedPrecondition("this format's decoder is not built yet");
}

}  // namespace biac::app
