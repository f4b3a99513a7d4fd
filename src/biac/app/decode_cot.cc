// TEMPORARY placeholder until the cot decoder lands: replace this whole file.
#include "biac/app/decode.h"

namespace biac::app {

Status DecodeCot(std::istream&, const DecodeOptions&, DecodeOutput&) {
  return FailedPrecondition("this format's decoder is not built yet");
}

Status DecodeTakProto(std::istream&, const DecodeOptions&, DecodeOutput&) {
  return FailedPrecondition("this format's decoder is not built yet");
}

}  // namespace biac::app
