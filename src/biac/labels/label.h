#pragma once

// Security labels: the value type every observation, track and release carries.
//
// INITIAL SKELETON (written to let model/ and formats/ compile): the labels work of issue 4
// replaces the representation and implements parsing, printing, roll-up and access
// decisions. The public names below (Label, Parse, Render, Rollup) are the contract the
// other modules use; formats/ and model/ treat a Label as an opaque value.

#include <string>
#include <string_view>

#include "biac/base/status.h"

namespace biac::labels {

class Label {
 public:
  // Fail closed: a default label is the most restrictive one a source could carry until it
  // is configured.
  Label() = default;

  friend bool operator==(const Label&, const Label&) = default;

 private:
  std::string canonical_;
};

// Parses a label string (CAPCO banner or portion marking, or the structured JSON form).
Result<Label> Parse(std::string_view text);

// The canonical string of a label; Render(Parse(x)) is a fixed point.
std::string Render(const Label& label);

}  // namespace biac::labels
