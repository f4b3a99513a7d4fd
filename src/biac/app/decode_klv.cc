// TEMPORARY placeholder until the klv decoder lands: replace this whole file.
#include "biac/app/decode.h"

namespace biac::app {

Status DecodeKlv(std::istream&, const DecodeOptions&, DecodeOutput&) {
  return FailedPrecondition("this format's decoder is not built yet");
}

}  // namespace biac::app
