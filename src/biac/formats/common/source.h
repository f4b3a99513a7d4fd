#pragma once

// What every format's mapping to observations needs to know about the source a message
// came from: its configured id and label. Formats add their own options (sensor positions,
// default accuracies) in their own option structs that hold one of these.

#include <string>

#include "biac/labels/label.h"

namespace biac::formats {

struct SourceConfig {
  std::string id;        // e.g. "ais-naha", copied to Observation::source
  labels::Label label;   // the label every observation of this source carries
};

}  // namespace biac::formats
